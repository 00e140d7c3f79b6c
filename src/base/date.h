// A proleptic Gregorian calendar date without time zone, and day arithmetic on it.
#pragma once

#include <compare>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace popreg {

struct Date {
  int year = 0;
  int month = 0;  // 1..12
  int day = 0;    // 1..31

  // NOLINTNEXTLINE(modernize-use-nullptr): clang-tidy 14 misreads a defaulted <=>.
  auto operator<=>(const Date&) const = default;

  // True when year is in 1..9999 and month/day name a real day (leap years included).
  bool Valid() const;
  // Days since 1970-01-01 (negative before). Requires Valid().
  int64_t ToDays() const;
  static Date FromDays(int64_t days);
  Date AddDays(int64_t n) const { return FromDays(ToDays() + n); }
  // The same day n years later (29 February becomes 28 February in a common year).
  Date AddYears(int n) const;
  // "YYYY-MM-DD".
  std::string Iso() const;
  // "YYYYMMDD".
  std::string Compact() const;
  // Parses exactly "YYYY-MM-DD"; other spellings are norm/'s job.
  static std::optional<Date> ParseIso(std::string_view s);
};

bool IsLeapYear(int year);
int DaysInMonth(int year, int month);
// Whole years from `birth` to `on` (age on that day); negative if `on` is before `birth`.
int AgeInYears(const Date& birth, const Date& on);

}  // namespace popreg
