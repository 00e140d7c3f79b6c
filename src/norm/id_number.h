// Chinese resident identity numbers (GB 11643-1999, 公民身份号码).
//
// An 18-character number is: 6-digit address code, 8-digit birth date YYYYMMDD, 3-digit sequence
// (odd for men, even for women), and a check character computed with ISO 7064 MOD 11-2 (0-9 or X).
// A 15-digit legacy number is: address code, 6-digit birth date YYMMDD (always 19YY), 3-digit
// sequence, and no check character.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "base/date.h"

namespace popreg::norm {

// Removes what people type around an ID: spaces (ASCII, ideographic, no-break), dashes ('-',
// U+2010, U+2011, U+2013, U+2014, U+2212, full-width U+FF0D); full-width digits and letters become
// ASCII, a lower-case x becomes X. Other characters (and ill-formed UTF-8 bytes) are kept, so
// that ParseIdNumber reports them. Does not validate.
std::string CleanIdNumber(std::string_view raw);

// The ISO 7064 MOD 11-2 check character ('0'-'9' or 'X') of the first 17 digits (GB 11643-1999,
// weights 7 9 10 5 8 4 2 1 6 3 7 9 10 5 8 4 2, sum mod 11 indexes "10X98765432").
// Requires at least 17 characters, the first 17 ASCII digits (asserted: a programmer error).
char IdCheckChar(std::string_view first17);

// The 18-character form of a valid 15-digit legacy number (inserting "19" into the year and
// appending the check character); nullopt when `id15` is not 15 digits with a real date.
std::optional<std::string> UpgradeId15(std::string_view id15);

enum class IdError {
  kNone = 0,
  kEmpty,       // nothing was given
  kLength,      // not 15 or 18 characters after cleaning
  kCharacters,  // a character other than a digit (or a final X)
  kBirthDate,   // the birth date is not a real day, is before 1900 or after the reference date
  kCheckDigit,  // the check character does not match
};

// Stable name of an error: "none", "empty", "length", "characters", "birth_date", "check_digit".
std::string_view IdErrorName(IdError e);

struct IdInfo {
  std::string normalized;  // 18 characters when it could be formed, else the cleaned input
  IdError error = IdError::kNone;
  Date birth;             // valid when error is kNone or kCheckDigit
  char sex = 0;           // 'M' or 'F' from the parity of the sequence, when digits allow
  bool legacy15 = false;  // the input was a 15-digit number
  bool valid() const { return error == IdError::kNone; }
};

// Cleans and checks an ID number against GB 11643, reporting the first failure in this order:
// empty, length (in characters), characters, birth date (a real day, from 1900, not after
// `as_of`), check character (18 only). A valid 15-digit number is upgraded to 18 in `normalized`.
// `sex` is filled whenever the length is right and the sequence's last digit is a digit.
// The address code is not checked here (see IdAddressCodeEverUsed). Thread-safe.
IdInfo ParseIdNumber(std::string_view raw, const Date& as_of);

// True when the first 6 characters of `id` (a cleaned number) were ever a division code in the
// embedded table (regions.h). Not part of IdInfo::valid(): that table lists county level and
// above only, so codes such as some 市辖区 xxxx01 codes, which appear on real IDs, are unknown to
// it. Thread-safe.
bool IdAddressCodeEverUsed(std::string_view id);

}  // namespace popreg::norm
