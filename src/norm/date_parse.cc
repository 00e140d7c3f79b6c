#include "norm/date_parse.h"

#include <string>

#include "base/utf8.h"

namespace popreg::norm {
namespace {

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

// A cursor over the folded text (ASCII digits and separators, CJK markers as UTF-8).
class Cursor {
 public:
  explicit Cursor(std::string_view s) : s_(s) {}

  bool AtEnd() const { return pos_ == s_.size(); }

  // Reads min..max digits; fails when fewer than `min` digits follow or more than `max` do.
  bool Digits(size_t min, size_t max, int* value) {
    size_t n = 0;
    int v = 0;
    while (pos_ < s_.size() && IsDigit(s_[pos_])) {
      if (++n > max) return false;
      v = v * 10 + (s_[pos_] - '0');
      ++pos_;
    }
    *value = v;
    return n >= min;
  }

  // Consumes `token` when it is next.
  bool Literal(std::string_view token) {
    if (s_.substr(pos_, token.size()) != token) return false;
    pos_ += token.size();
    return true;
  }

  void SkipSpaces() {
    while (pos_ < s_.size() && s_[pos_] == ' ') ++pos_;
  }

 private:
  std::string_view s_;
  size_t pos_ = 0;
};

std::optional<Date> Checked(int y, int m, int d) {
  const Date date{y, m, d};
  if (!date.Valid()) return std::nullopt;
  return date;
}

// YYYYMMDD, exactly 8 digits.
std::optional<Date> ParseCompact(std::string_view s) {
  if (s.size() != 8) return std::nullopt;
  for (char c : s) {
    if (!IsDigit(c)) return std::nullopt;
  }
  auto num = [&](size_t at, size_t n) {
    int v = 0;
    for (size_t i = at; i < at + n; ++i) v = v * 10 + (s[i] - '0');
    return v;
  };
  return Checked(num(0, 4), num(4, 2), num(6, 2));
}

// YYYY<sep>M<sep>D with one of - / . used for both separators, 1 or 2 digits for M and D.
std::optional<Date> ParseSeparated(std::string_view s) {
  if (s.size() < 5) return std::nullopt;
  const char sep = s[4];
  if (sep != '-' && sep != '/' && sep != '.') return std::nullopt;
  Cursor c(s);
  int y = 0, m = 0, d = 0;
  const char sep_str[] = {sep, '\0'};
  if (!c.Digits(4, 4, &y) || !c.Literal(sep_str) || !c.Digits(1, 2, &m) || !c.Literal(sep_str) ||
      !c.Digits(1, 2, &d) || !c.AtEnd()) {
    return std::nullopt;
  }
  return Checked(y, m, d);
}

// YYYY年M月D日, spaces allowed next to the markers.
std::optional<Date> ParseChinese(std::string_view s) {
  Cursor c(s);
  int y = 0, m = 0, d = 0;
  if (!c.Digits(4, 4, &y)) return std::nullopt;
  c.SkipSpaces();
  if (!c.Literal("年")) return std::nullopt;
  c.SkipSpaces();
  if (!c.Digits(1, 2, &m)) return std::nullopt;
  c.SkipSpaces();
  if (!c.Literal("月")) return std::nullopt;
  c.SkipSpaces();
  if (!c.Digits(1, 2, &d)) return std::nullopt;
  c.SkipSpaces();
  if (!c.Literal("日") || !c.AtEnd()) return std::nullopt;
  return Checked(y, m, d);
}

}  // namespace

std::optional<Date> ParseDate(std::string_view text) {
  const std::string s = utf8::FoldAndTrim(text);
  if (s.empty()) return std::nullopt;
  if (auto d = ParseCompact(s)) return d;
  if (auto d = ParseSeparated(s)) return d;
  return ParseChinese(s);
}

bool IsBlank(std::string_view text) {
  size_t pos = 0;
  while (pos < text.size()) {
    if (!utf8::IsSpace(utf8::NextCodePoint(text, &pos))) return false;
  }
  return true;
}

}  // namespace popreg::norm
