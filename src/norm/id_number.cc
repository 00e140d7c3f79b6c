#include "norm/id_number.h"

#include <cassert>

#include "base/utf8.h"
#include "norm/regions.h"

namespace popreg::norm {
namespace {

using utf8::AppendUtf8;
using utf8::FoldWidth;
using utf8::IsSpace;
using utf8::kIllFormed;
using utf8::NextCodePoint;

// Dashes people put between the parts of a number: '-', U+2010 hyphen, U+2011 non-breaking
// hyphen, U+2013 en dash, U+2014 em dash, U+2212 minus sign (U+FF0D is folded to '-' first).
bool IsDash(char32_t cp) {
  return cp == '-' || cp == 0x2010 || cp == 0x2011 || cp == 0x2013 || cp == 0x2014 || cp == 0x2212;
}

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

bool AllDigits(std::string_view s) {
  for (char c : s) {
    if (!IsDigit(c)) return false;
  }
  return !s.empty();
}

int Number(std::string_view digits) {
  int n = 0;
  for (char c : digits) n = n * 10 + (c - '0');
  return n;
}

size_t CountCodePoints(std::string_view s) {
  size_t n = 0;
  size_t pos = 0;
  while (pos < s.size()) {
    NextCodePoint(s, &pos);
    ++n;
  }
  return n;
}

// The birth date written in a number of 15 or 18 ASCII digits (the legacy YYMMDD is 19YYMMDD).
Date BirthDateOf(std::string_view id) {
  if (id.size() == 15) {
    return Date{1900 + Number(id.substr(6, 2)), Number(id.substr(8, 2)), Number(id.substr(10, 2))};
  }
  return Date{Number(id.substr(6, 4)), Number(id.substr(10, 2)), Number(id.substr(12, 2))};
}

}  // namespace

std::string CleanIdNumber(std::string_view raw) {
  std::string out;
  out.reserve(raw.size());
  size_t pos = 0;
  while (pos < raw.size()) {
    const size_t start = pos;
    char32_t cp = NextCodePoint(raw, &pos);
    if (cp == kIllFormed) {
      // Kept as it is, so that the number is reported as having bad characters.
      out.append(raw.substr(start, pos - start));
      continue;
    }
    cp = FoldWidth(cp);
    if (IsSpace(cp) || IsDash(cp)) continue;
    if (cp == 'x') cp = 'X';
    AppendUtf8(cp, &out);
  }
  return out;
}

char IdCheckChar(std::string_view first17) {
  // GB 11643-1999 uses ISO 7064 MOD 11-2: weight i is 2^(17-i) mod 11 for the i-th digit
  // (1-based), and the check character is the one that makes the weighted sum 1 modulo 11.
  static constexpr int kWeights[17] = {7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2};
  static constexpr char kCheck[] = "10X98765432";
  assert(first17.size() >= 17);
  int sum = 0;
  for (int i = 0; i < 17; ++i) {
    assert(IsDigit(first17[i]));
    sum += (first17[i] - '0') * kWeights[i];
  }
  return kCheck[sum % 11];
}

std::optional<std::string> UpgradeId15(std::string_view id15) {
  if (id15.size() != 15 || !AllDigits(id15)) return std::nullopt;
  if (!BirthDateOf(id15).Valid()) return std::nullopt;
  std::string id18;
  id18.reserve(18);
  id18.append(id15.substr(0, 6));
  id18.append("19");
  id18.append(id15.substr(6));
  id18.push_back(IdCheckChar(id18));
  return id18;
}

std::string_view IdErrorName(IdError e) {
  switch (e) {
    case IdError::kNone:
      return "none";
    case IdError::kEmpty:
      return "empty";
    case IdError::kLength:
      return "length";
    case IdError::kCharacters:
      return "characters";
    case IdError::kBirthDate:
      return "birth_date";
    case IdError::kCheckDigit:
      return "check_digit";
  }
  return "unknown";
}

IdInfo ParseIdNumber(std::string_view raw, const Date& as_of) {
  IdInfo info;
  info.normalized = CleanIdNumber(raw);
  const std::string& id = info.normalized;
  if (id.empty()) {
    info.error = IdError::kEmpty;
    return info;
  }
  const size_t chars = CountCodePoints(id);
  if (chars != 15 && chars != 18) {
    info.error = IdError::kLength;
    return info;
  }
  info.legacy15 = chars == 15;
  const bool ascii = id.size() == chars;
  const size_t parity_at = info.legacy15 ? 14 : 16;
  if (ascii && IsDigit(id[parity_at])) info.sex = (id[parity_at] - '0') % 2 == 1 ? 'M' : 'F';

  const bool digits_ok = ascii && (info.legacy15 ? AllDigits(id)
                                                 : AllDigits(std::string_view(id).substr(0, 17)) &&
                                                       (IsDigit(id[17]) || id[17] == 'X'));
  if (!digits_ok) {
    info.error = IdError::kCharacters;
    return info;
  }

  const Date birth = BirthDateOf(id);
  if (!birth.Valid() || birth.year < 1900 || birth > as_of) {
    info.error = IdError::kBirthDate;
    return info;
  }
  info.birth = birth;

  if (info.legacy15) {
    info.normalized = *UpgradeId15(id);  // digits and date were checked above
    return info;
  }
  if (IdCheckChar(id) != id[17]) info.error = IdError::kCheckDigit;
  return info;
}

bool IdAddressCodeEverUsed(std::string_view id) {
  if (id.size() < 6) return false;
  return RegionCodeEverUsed(id.substr(0, 6));
}

}  // namespace popreg::norm
