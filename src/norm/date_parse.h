// Dates as people write them (exchange spec, "Files in general").
#pragma once

#include <optional>
#include <string_view>

#include "base/date.h"

namespace popreg::norm {

// Parses `1985-03-02`, `1985/3/2`, `19850302`, `1985.03.02`, `1985年3月2日`:
//  - YYYY-M-D, YYYY/M/D, YYYY.M.D: a 4-digit year, then 1 or 2 digits for the month and the day,
//    the same separator twice;
//  - YYYYMMDD: exactly 8 digits;
//  - YYYY年M月D日: 1 or 2 digits for month and day; spaces allowed next to 年 月 日.
// Full-width digits and separators (１９８５／３／２) and surrounding spaces (ASCII, U+3000,
// no-break) are allowed. Returns nullopt for an empty value, an unknown spelling, anything
// after the date (a time of day too) or an impossible day (2023-02-30 is not guessed).
// Thread-safe.
std::optional<Date> ParseDate(std::string_view text);

// True when `text` is empty or only spaces (ASCII, U+3000, no-break...): an unknown date, not an
// invalid one.
bool IsBlank(std::string_view text);

}  // namespace popreg::norm
