#include "io/sheet_values.h"

#include <unicode/uchar.h>

#include <charconv>
#include <cmath>

#include "base/date.h"
#include "base/utf8.h"

namespace popreg::io::internal {
namespace {

bool IsAsciiSpace(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

std::string_view TrimAscii(std::string_view s) {
  while (!s.empty() && IsAsciiSpace(s.front())) s.remove_prefix(1);
  while (!s.empty() && IsAsciiSpace(s.back())) s.remove_suffix(1);
  return s;
}

char Lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// The code unit of a "_xHHHH_" escape starting at s[i], or -1.
int EscapeAt(std::string_view s, size_t i) {
  if (i + 7 > s.size() || s[i] != '_' || s[i + 1] != 'x' || s[i + 6] != '_') return -1;
  int v = 0;
  for (size_t k = i + 2; k < i + 6; ++k) {
    const int h = HexValue(s[k]);
    if (h < 0) return -1;
    v = v * 16 + h;
  }
  return v;
}

}  // namespace

std::string FormatDouble(double x) {
  if (x == 0) return "0";
  char buf[400];
  const double a = std::fabs(x);
  const auto fmt = (a >= 1e-6 && a < 1e21) ? std::chars_format::fixed : std::chars_format::general;
  const std::to_chars_result r = std::to_chars(buf, buf + sizeof buf, x, fmt);
  return std::string(buf, r.ptr);
}

std::optional<double> ParseNumberText(std::string_view text) {
  text = TrimAscii(text);
  if (text.empty()) return std::nullopt;
  // from_chars accepts "inf", "nan" and hex only when asked; a leading '+' it refuses, as Excel
  // never writes one.
  double v = 0;
  const std::from_chars_result r = std::from_chars(text.data(), text.data() + text.size(), v);
  if (r.ec != std::errc() || r.ptr != text.data() + text.size() || !std::isfinite(v)) {
    return std::nullopt;
  }
  return v;
}

std::optional<std::string> FormatNumberText(std::string_view text) {
  text = TrimAscii(text);
  std::string_view digits = text;
  const bool negative = !digits.empty() && digits.front() == '-';
  if (negative) digits.remove_prefix(1);
  if (!digits.empty() && digits.find_first_not_of("0123456789") == std::string_view::npos) {
    while (digits.size() > 1 && digits.front() == '0') digits.remove_prefix(1);
    if (digits == "0") return std::string("0");
    std::string out = negative ? "-" : "";
    out += digits;
    return out;
  }
  const std::optional<double> v = ParseNumberText(text);
  if (!v) return std::nullopt;
  return FormatDouble(*v);
}

NumberFormatKind BuiltinFormatKind(int id) {
  if ((id >= 14 && id <= 17) || id == 22 || (id >= 27 && id <= 36) || (id >= 50 && id <= 58)) {
    return NumberFormatKind::kDate;
  }
  if ((id >= 18 && id <= 21) || (id >= 45 && id <= 47)) return NumberFormatKind::kTime;
  return NumberFormatKind::kNumber;
}

NumberFormatKind FormatCodeKind(std::string_view code) {
  bool date = false;
  bool time = false;
  bool month = false;
  for (size_t i = 0; i < code.size(); ++i) {
    const char c = code[i];
    switch (c) {
      case '"': {  // quoted literal text
        const size_t end = code.find('"', i + 1);
        if (end == std::string_view::npos) return NumberFormatKind::kNumber;
        i = end;
        continue;
      }
      case '[': {  // colour, condition, locale, [h] elapsed time, [DBNum1]
        const size_t end = code.find(']', i + 1);
        if (end == std::string_view::npos) return NumberFormatKind::kNumber;
        const std::string_view inner = code.substr(i + 1, end - i - 1);
        if (!inner.empty() && inner.find_first_not_of("hHmMsS") == std::string_view::npos) {
          time = true;
        }
        i = end;
        continue;
      }
      case '\\':  // escaped character
      case '_':   // space as wide as the next character
      case '*':   // repeat the next character
        ++i;
        continue;
      default:
        break;
    }
    const char l = Lower(c);
    if (l == 'a') {  // AM/PM or A/P
      const std::string_view rest = code.substr(i);
      if (rest.size() >= 5 && Lower(rest[1]) == 'm' && rest[2] == '/' && Lower(rest[3]) == 'p' &&
          Lower(rest[4]) == 'm') {
        i += 4;
        time = true;
      } else if (rest.size() >= 3 && rest[1] == '/' && Lower(rest[2]) == 'p') {
        i += 2;
        time = true;
      }
      continue;
    }
    if (l == 'y' || l == 'd') date = true;
    if (l == 'h' || l == 's') time = true;
    if (l == 'm') month = true;
  }
  if (date) return NumberFormatKind::kDate;
  if (time) return NumberFormatKind::kTime;  // an m beside h or s is minutes
  if (month) return NumberFormatKind::kDate;
  return NumberFormatKind::kNumber;
}

std::optional<std::string> ExcelSerialToIso(double serial, bool date1904) {
  if (!std::isfinite(serial) || serial < 0) return std::nullopt;
  const double day = std::floor(serial);
  if (date1904) {
    // 1904-01-01 + 2957003 days is 9999-12-31.
    if (day > 2957003) return std::nullopt;
    return Date{1904, 1, 1}.AddDays(static_cast<int64_t>(day)).Iso();
  }
  if (day > 2958465) return std::nullopt;  // 9999-12-31
  const auto n = static_cast<int64_t>(day);
  if (n == 0) return std::string("1900-01-00");
  if (n == 60) return std::string("1900-02-29");
  if (n < 60) return Date{1899, 12, 31}.AddDays(n).Iso();
  return Date{1899, 12, 30}.AddDays(n).Iso();
}

std::string ColumnName(int col) {
  std::string s;
  int n = col + 1;
  while (n > 0) {
    const int rem = (n - 1) % 26;
    s.insert(s.begin(), static_cast<char>('A' + rem));
    n = (n - 1) / 26;
  }
  return s;
}

bool ParseCellRef(std::string_view ref, int* col, int64_t* row) {
  size_t i = 0;
  int64_t c = 0;
  while (i < ref.size() && ((ref[i] >= 'A' && ref[i] <= 'Z') || (ref[i] >= 'a' && ref[i] <= 'z'))) {
    c = c * 26 + (Lower(ref[i]) - 'a' + 1);
    if (c > kMaxSheetColumns) return false;
    ++i;
  }
  if (i == 0 || i == ref.size() || ref[i] == '0') return false;
  int64_t r = 0;
  for (; i < ref.size(); ++i) {
    if (ref[i] < '0' || ref[i] > '9') return false;
    r = r * 10 + (ref[i] - '0');
    if (r > kMaxSheetRows) return false;
  }
  *col = static_cast<int>(c - 1);
  *row = r;
  return true;
}

void DecodeXstring(std::string_view text, std::string* out) {
  size_t i = 0;
  while (i < text.size()) {
    const size_t us = text.find("_x", i);
    if (us == std::string_view::npos) break;
    const int unit = EscapeAt(text, us);
    if (unit < 0) {
      out->append(text.substr(i, us + 1 - i));
      i = us + 1;
      continue;
    }
    out->append(text.substr(i, us - i));
    if (unit >= 0xD800 && unit <= 0xDBFF) {
      const int low = EscapeAt(text, us + 7);
      if (low >= 0xDC00 && low <= 0xDFFF) {
        utf8::AppendUtf8(0x10000 + ((static_cast<char32_t>(unit) - 0xD800) << 10) +
                             (static_cast<char32_t>(low) - 0xDC00),
                         out);
        i = us + 14;
        continue;
      }
    }
    if (unit >= 0xD800 && unit <= 0xDFFF) {  // a lone surrogate: keep the text
      out->append(text.substr(us, 7));
    } else {
      utf8::AppendUtf8(static_cast<char32_t>(unit), out);
    }
    i = us + 7;
  }
  out->append(text.substr(i));
}

std::string EscapeXstringLiterals(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  size_t i = 0;
  while (i < text.size()) {
    const size_t us = text.find("_x", i);
    if (us == std::string_view::npos) break;
    out.append(text.substr(i, us - i));
    if (EscapeAt(text, us) >= 0) {
      out.append("_x005F_x");
    } else {
      out.append("_x");
    }
    i = us + 2;
  }
  out.append(text.substr(i));
  return out;
}

int DisplayWidth(std::string_view s) {
  int widest = 0;
  int line = 0;
  size_t pos = 0;
  while (pos < s.size()) {
    const char32_t cp = utf8::NextCodePoint(s, &pos);
    if (cp == '\n') {
      line = 0;
      continue;
    }
    int w = 1;
    if (cp != utf8::kIllFormed) {
      const int ea = u_getIntPropertyValue(static_cast<UChar32>(cp), UCHAR_EAST_ASIAN_WIDTH);
      if (ea == U_EA_WIDE || ea == U_EA_FULLWIDTH) w = 2;
    }
    line += w;
    if (line > widest) widest = line;
  }
  return widest;
}

void TrimTrailingEmpty(std::vector<std::string>* fields) {
  while (!fields->empty() && fields->back().empty()) fields->pop_back();
}

}  // namespace popreg::io::internal
