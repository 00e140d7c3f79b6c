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
#include <vector>

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
// Does not look at the address code.
std::optional<std::string> UpgradeId15(std::string_view id15);

// Why a number is not a valid ID, in the order ParseIdNumber checks. kEmpty, kPlaceholder and
// kSpreadsheet mean "no number was given" (IdInfo::missing()); the others mean "a wrong number".
enum class IdError {
  kNone = 0,
  kEmpty,        // nothing was given
  kPlaceholder,  // a stand-in for a number nobody knew (see ParseIdNumber)
  kSpreadsheet,  // a number a spreadsheet turned into a float and lost (see ParseIdNumber)
  kLength,       // not 15 or 18 characters after cleaning
  kCharacters,   // a character other than a digit (or a final X)
  kBirthDate,    // the birth date is not a real day, is before 1900 or after the reference date
  kCheckDigit,   // the check character does not match
  kRegion,       // the address code was never in use (see IdAddressCodeEverUsed)
};

// Stable name of an error: "none", "empty", "placeholder", "spreadsheet_damaged", "length",
// "characters", "birth_date", "check_digit", "region".
std::string_view IdErrorName(IdError e);

struct IdInfo {
  // 18 characters when valid (a legacy 15 upgraded), else the cleaned input.
  std::string normalized;
  IdError error = IdError::kNone;
  // Valid when error is kNone, kCheckDigit or kRegion.
  Date birth;
  // 'M' or 'F' from the parity of the sequence, whenever the length is right and that digit is
  // a digit; 0 otherwise and for missing() numbers.
  char sex = 0;
  // The input was a 15-digit number.
  bool legacy15 = false;
  // When valid: the full name of the address code for the birth year (IdRegionName).
  std::string region;
  bool valid() const { return error == IdError::kNone; }
  // True when the number fails GB 11643-1999 as the exchange spec's invalid_id_number counts it:
  // its length, its characters, its birth date or its check digit. A number a spreadsheet
  // destroyed fails too (its check digit or its characters: a number was there, and a typo can
  // look the same). Nothing given (empty, a placeholder) does not fail: the record is incomplete.
  // Nor does an address code outside the shipped table (kRegion): the standard defines the
  // code's form, and the table cannot know every code ever issued.
  bool fails_standard() const {
    return error == IdError::kLength || error == IdError::kCharacters ||
           error == IdError::kBirthDate || error == IdError::kCheckDigit ||
           error == IdError::kSpreadsheet;
  }
  // True when no number was given at all: empty or a placeholder (spec: "lacks an ID number").
  bool absent() const { return error == IdError::kEmpty || error == IdError::kPlaceholder; }
  // True when no number was given: empty, a placeholder, or destroyed by a spreadsheet. Such a
  // value is not a key (never link on it) and is not an invalid number either.
  bool missing() const {
    return error == IdError::kEmpty || error == IdError::kPlaceholder ||
           error == IdError::kSpreadsheet;
  }
};

// Cleans (CleanIdNumber) and checks an ID number against GB 11643-1999, reporting the first
// failure in this order:
//  1. empty: nothing left after cleaning.
//  2. placeholder: what clerks type when the number is unknown. The list is closed:
//     - only zeros, of any length ("0", "000000", eighteen zeros);
//     - 15 or 18 digits (an 18th X allowed) starting with the address code 000000, which no
//       division ever had; this includes the children's placeholder 000000+YYYYMMDD+0000;
//     - 15 or 18 characters whose digits (the first 17 of 18, the check character is ignored)
//       are one digit repeated (111111111111111111) or count up or down by one, modulo 10
//       (123456789012345678, 987654321098765432).
//  3. spreadsheet_damaged: a number that was stored as a floating-point value (Excel keeps 15
//     significant digits, an IEEE double 15 to 17) and cannot be recovered:
//     - scientific notation: one digit 1-9, optionally '.' or ',' and more digits, 'E' or 'e',
//       an optional '+', and an exponent of 14 to 17 (leading zeros allowed): 3.50902E+17,
//       3.50902198803120E+17 (a number of 15 to 18 integer digits);
//     - 15 to 18 digits followed by '.' and one or more zeros: 350902880312002.0;
//     - 18 digits ending in "000" whose check character fails: what Excel shows for an
//       18-digit number (its first 15 significant digits, then zeros), e.g. 350902198803120000.
//       The rule also requires the number to equal what a double holding it prints at 15 or 16
//       significant digits; for a number ending in 000 that always holds (below 10^18 doubles
//       are at most 128 apart, far less than the 1000 that 15 digits resolve), so the rule is in
//       effect "ends in 000 and fails the check". Its sequence and check are lost.
//  4. length: not 15 or 18 characters (code points).
//  5. characters: 15 digits, or 17 digits and a digit or X.
//  6. birth_date: a real day, from 1900, not after `as_of`.
//  7. check_digit: the ISO 7064 MOD 11-2 check character (18 only).
//  8. region: the address code was ever in use (IdAddressCodeEverUsed).
// A valid 15-digit number is upgraded to 18 in `normalized`. `sex` is filled whenever the
// length is right and the sequence's last digit is a digit, except for missing() values.
// Thread-safe.
IdInfo ParseIdNumber(std::string_view raw, const Date& as_of);

// True when the first 6 characters of `id` (a cleaned number) are an address code that was ever
// in use: a code of the embedded division table (regions.h, 1981-2024, county level and above),
// or a 市辖区 code. The table leaves out the 市辖区 ("districts under the city") entries that
// GB/T 2260 lists as xxxx01 under each prefecture-level city, because they are a statistical
// grouping, not a division; yet public security offices gave them as address codes on ID numbers
// (python-stdnum's GB 2260 data lists 282 of them, e.g. 370101 济南市市辖区). So a code ppcc01
// with cc not 00 is accepted when some row of its prefecture code ppcc00 is a city (the name ends
// in 市): a 地区, 盟 or 自治州 has no 市辖区. Thread-safe.
bool IdAddressCodeEverUsed(std::string_view id);

// The full name of address code `code` (6 digits) for someone born in `year`: the province, then
// the prefecture unless it is 直辖, empty or repeats a part already written, then the code's own
// name unless it repeats the province: 350902 -> 福建省宁德市蕉城区, 110101 -> 北京市东城区,
// 350900 -> 福建省宁德市, a 市辖区 code 350901 -> 福建省宁德市市辖区. When a code was reused or
// retired, the row used is the first (by year of coming into use) that was still in use in or
// after `year`: a number is given at birth or later, so a row retired before the birth year
// cannot be the one it was given under (120110 is 天津市东郊区 for someone born in 1980,
// 天津市东丽区 for someone born in 1995). When every row was retired before `year`, the most
// recent row. Empty when IdAddressCodeEverUsed(code) is false. Thread-safe.
std::string IdRegionName(std::string_view code, int year);

// True when `sex` ('M' or 'F') is the sex the ID's sequence gives (GB 11643-1999: odd for men,
// even for women). False when they differ, and when either is unknown (`id.sex` is 0, e.g. for a
// missing() number, or `sex` is not 'M'/'F'), so a caller wanting "contradicts" tests
// `id.sex != 0 && (sex == 'M' || sex == 'F') && !IdSexMatches(id, sex)`.
bool IdSexMatches(const IdInfo& id, char sex);

// The valid numbers (ParseIdNumber with `as_of`, region included) one edit away from an invalid
// 18-character number: one character replaced (any position; a digit, or 0-9/X for the check
// character) or two adjacent characters swapped. The linker uses them to find the person a typo
// hides. `raw` is cleaned first and must then have 18 code points (17 digits and something
// else counts); otherwise, or when `raw` is valid or missing(), the result is empty. Sorted,
// without duplicates, 18 ASCII characters each. At most 17 + 1 + 17 numbers are parsed: for a
// replaced digit the check character fixes the digit (ISO 7064 MOD 11-2 weights are invertible
// mod 11). Thread-safe.
std::vector<std::string> IdCandidates(std::string_view raw, const Date& as_of);

}  // namespace popreg::norm
