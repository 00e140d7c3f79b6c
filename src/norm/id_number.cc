#include "norm/id_number.h"

#include <algorithm>
#include <cassert>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <unordered_map>

#include "base/utf8.h"
#include "norm/regions.h"

namespace popreg::norm {
namespace {

using utf8::AppendUtf8;
using utf8::FoldWidth;
using utf8::IsSpace;
using utf8::kIllFormed;
using utf8::NextCodePoint;

// ISO 7064 MOD 11-2 as GB 11643-1999 uses it: weight i is 2^(17-i) mod 11 for the i-th digit
// (1-based), and the check character is the one that makes the weighted sum 1 modulo 11.
constexpr int kWeights[17] = {7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2};
constexpr char kCheck[] = "10X98765432";

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

// 15 digits, or 17 digits and a digit or X: the characters GB 11643 allows.
bool WellFormed(std::string_view id) {
  if (id.size() == 15) return AllDigits(id);
  return id.size() == 18 && AllDigits(id.substr(0, 17)) && (IsDigit(id[17]) || id[17] == 'X');
}

// The birth date written in a number of 15 or 18 ASCII digits (the legacy YYMMDD is 19YYMMDD).
Date BirthDateOf(std::string_view id) {
  if (id.size() == 15) {
    return Date{1900 + Number(id.substr(6, 2)), Number(id.substr(8, 2)), Number(id.substr(10, 2))};
  }
  return Date{Number(id.substr(6, 4)), Number(id.substr(10, 2)), Number(id.substr(12, 2))};
}

// Placeholder rule of ParseIdNumber (step 2); `id` is cleaned and not empty.
bool IsPlaceholder(std::string_view id) {
  if (id.find_first_not_of('0') == std::string_view::npos) return true;
  if (id.size() != 15 && id.size() != 18) return false;
  if (WellFormed(id) && id.starts_with("000000")) return true;
  // The digits that carry information: all 15, or the first 17 of 18 (the check character of a
  // made-up body is whatever the clerk computed or typed).
  const std::string_view body = id.substr(0, id.size() == 18 ? 17 : 15);
  if (!AllDigits(body)) return false;
  bool same = true;
  bool up = true;
  bool down = true;
  for (size_t i = 1; i < body.size(); ++i) {
    const int prev = body[i - 1] - '0';
    const int cur = body[i] - '0';
    same = same && cur == prev;
    up = up && cur == (prev + 1) % 10;
    down = down && cur == (prev + 9) % 10;
  }
  return same || up || down;
}

// "3.50902E+17" and its kin (ParseIdNumber step 3).
bool IsScientific(std::string_view s) {
  size_t i = 0;
  if (s.empty() || s[0] < '1' || s[0] > '9') return false;
  ++i;
  if (i < s.size() && (s[i] == '.' || s[i] == ',')) {
    ++i;
    while (i < s.size() && IsDigit(s[i])) ++i;
  }
  if (i >= s.size() || (s[i] != 'E' && s[i] != 'e')) return false;
  ++i;
  if (i < s.size() && s[i] == '+') ++i;
  while (i < s.size() && s[i] == '0') ++i;  // E+017
  const std::string_view exponent = s.substr(i);
  return exponent.size() == 2 && exponent[0] == '1' && exponent[1] >= '4' && exponent[1] <= '7';
}

// "350902880312002.0" (ParseIdNumber step 3).
bool IsFloatWithZeroFraction(std::string_view s) {
  const size_t dot = s.find('.');
  if (dot == std::string_view::npos || dot < 15 || dot > 18) return false;
  const std::string_view fraction = s.substr(dot + 1);
  return AllDigits(s.substr(0, dot)) && !fraction.empty() &&
         fraction.find_first_not_of('0') == std::string_view::npos;
}

// True when the 18 digits `id` are exactly what printing the double nearest to them with
// `significant` significant digits gives (printf's %.*e, correctly rounded by glibc).
bool PrintsAsDouble(std::string_view id, int significant) {
  uint64_t v = 0;
  for (char c : id) v = v * 10 + static_cast<uint64_t>(c - '0');
  char buf[64];
  const int n = std::snprintf(buf, sizeof buf, "%.*e", significant - 1, static_cast<double>(v));
  if (n <= 0 || static_cast<size_t>(n) >= sizeof buf) return false;
  // buf is d.ddd...e+XX: rebuild the integer's digits.
  const std::string_view printed(buf, static_cast<size_t>(n));
  const size_t e = printed.find('e');
  std::string digits;
  for (char c : printed.substr(0, e)) {
    if (IsDigit(c)) digits.push_back(c);
  }
  const int exponent = std::atoi(buf + e + 1);
  if (exponent + 1 != static_cast<int>(id.size()) || digits.size() > id.size()) return false;
  digits.append(id.size() - digits.size(), '0');
  return digits == id;
}

// Spreadsheet rule of ParseIdNumber (step 3); `id` is cleaned and not empty.
bool IsSpreadsheetDamage(std::string_view id) {
  if (IsScientific(id) || IsFloatWithZeroFraction(id)) return true;
  return id.size() == 18 && AllDigits(id) && id.ends_with("000") && IdCheckChar(id) != id[17] &&
         (PrintsAsDouble(id, 15) || PrintsAsDouble(id, 16));
}

// The rows of the division table by code, each code's rows ordered by the year they came into
// use (then the one retired earlier first); built once.
struct RegionIndex {
  std::unordered_map<std::string_view, std::vector<const Region*>> rows;
};

const RegionIndex& GetRegionIndex() {
  static const RegionIndex* index = [] {
    auto* idx = new RegionIndex;  // kept until the process ends
    for (const Region& r : AllRegions()) idx->rows[r.code].push_back(&r);
    for (auto& [code, rows] : idx->rows) {
      std::stable_sort(rows.begin(), rows.end(), [](const Region* a, const Region* b) {
        if (a->since != b->since) return a->since < b->since;
        return a->until != 0 && (b->until == 0 || a->until < b->until);
      });
    }
    return idx;
  }();
  return *index;
}

const std::vector<const Region*>* RowsOf(std::string_view code) {
  const RegionIndex& idx = GetRegionIndex();
  const auto it = idx.rows.find(code);
  return it == idx.rows.end() ? nullptr : &it->second;
}

bool IsCity(const Region* r) { return r->name.ends_with("市"); }

// The 市辖区 code's prefecture code ppcc00, when `code` is ppcc01 with cc not 00.
std::optional<std::string> CityOfDistrictsCode(std::string_view code) {
  if (code.size() != 6 || code.substr(4) != "01" || code.substr(2, 2) == "00") return std::nullopt;
  return std::string(code.substr(0, 4)) + "00";
}

// The row of `rows` (ordered as in RegionIndex) that a number given to someone born in `year`
// was given under (see IdRegionName); only rows passing `keep` count. Null when none does.
template <typename Keep>
const Region* RowForYear(const std::vector<const Region*>& rows, int year, Keep keep) {
  const Region* last = nullptr;
  for (const Region* r : rows) {
    if (!keep(r)) continue;
    if (r->until == 0 || r->until > year) return r;
    last = r;
  }
  return last;
}

std::string FullName(const Region& r, std::string_view suffix) {
  std::string out = r.province;
  if (!r.prefecture.empty() && r.prefecture != "直辖" && r.prefecture != r.province &&
      r.prefecture != r.name) {
    out += r.prefecture;
  }
  if (r.name != r.province) out += r.name;
  out += suffix;
  return out;
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
    case IdError::kPlaceholder:
      return "placeholder";
    case IdError::kSpreadsheet:
      return "spreadsheet_damaged";
    case IdError::kLength:
      return "length";
    case IdError::kCharacters:
      return "characters";
    case IdError::kBirthDate:
      return "birth_date";
    case IdError::kCheckDigit:
      return "check_digit";
    case IdError::kRegion:
      return "region";
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
  if (IsPlaceholder(id)) {
    info.error = IdError::kPlaceholder;
    return info;
  }
  if (IsSpreadsheetDamage(id)) {
    info.error = IdError::kSpreadsheet;
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

  if (!ascii || !WellFormed(id)) {
    info.error = IdError::kCharacters;
    return info;
  }

  const Date birth = BirthDateOf(id);
  if (!birth.Valid() || birth.year < 1900 || birth > as_of) {
    info.error = IdError::kBirthDate;
    return info;
  }
  info.birth = birth;

  if (!info.legacy15 && IdCheckChar(id) != id[17]) {
    info.error = IdError::kCheckDigit;
    return info;
  }
  if (!IdAddressCodeEverUsed(id)) {
    info.error = IdError::kRegion;
    return info;
  }
  info.region = IdRegionName(std::string_view(id).substr(0, 6), birth.year);
  if (info.legacy15) info.normalized = *UpgradeId15(id);  // digits and date were checked above
  return info;
}

bool IdAddressCodeEverUsed(std::string_view id) {
  if (id.size() < 6) return false;
  const std::string_view code = id.substr(0, 6);
  if (RowsOf(code) != nullptr) return true;
  const std::optional<std::string> city = CityOfDistrictsCode(code);
  if (!city) return false;
  const std::vector<const Region*>* rows = RowsOf(*city);
  return rows != nullptr && std::any_of(rows->begin(), rows->end(), IsCity);
}

std::string IdRegionName(std::string_view code, int year) {
  if (const std::vector<const Region*>* rows = RowsOf(code)) {
    return FullName(*RowForYear(*rows, year, [](const Region*) { return true; }), "");
  }
  const std::optional<std::string> city = CityOfDistrictsCode(code);
  if (!city) return "";
  const std::vector<const Region*>* rows = RowsOf(*city);
  if (rows == nullptr) return "";
  const Region* r = RowForYear(*rows, year, IsCity);
  return r == nullptr ? std::string() : FullName(*r, "市辖区");
}

bool IdSexMatches(const IdInfo& id, char sex) {
  return id.sex != 0 && (sex == 'M' || sex == 'F') && id.sex == sex;
}

std::vector<std::string> IdCandidates(std::string_view raw, const Date& as_of) {
  std::vector<std::string> out;
  const IdInfo info = ParseIdNumber(raw, as_of);
  if (info.valid() || info.missing()) return out;
  // The cleaned number as 18 single-byte slots; a slot holding a code point that is not ASCII
  // (or an ill-formed byte) becomes '?', which no candidate keeps.
  const std::string& cleaned = info.normalized;
  std::string id;
  size_t pos = 0;
  while (pos < cleaned.size() && id.size() <= 18) {
    const size_t start = pos;
    NextCodePoint(cleaned, &pos);
    id.push_back(pos - start == 1 ? cleaned[start] : '?');
  }
  if (id.size() != 18) return out;

  auto keep_if_valid = [&](const std::string& candidate) {
    if (ParseIdNumber(candidate, as_of).valid()) out.push_back(candidate);
  };
  const bool check_ok = IsDigit(id[17]) || id[17] == 'X';
  // For a replaced digit at i the weighted sum must reach the value the check character stands
  // for: sum == target (mod 11), where kCheck[target] == id[17].
  const int target = check_ok ? static_cast<int>(std::string_view(kCheck).find(id[17])) : -1;
  int bad = 0;  // positions 0..16 that are not digits
  int sum = 0;  // weighted sum of the digits among them
  for (int i = 0; i < 17; ++i) {
    if (IsDigit(id[i])) {
      sum += (id[i] - '0') * kWeights[i];
    } else {
      ++bad;
    }
  }

  // One character replaced, at 0..16: only the digit that satisfies the check can work.
  if (check_ok && bad <= 1) {
    for (int i = 0; i < 17; ++i) {
      if (bad == 1 && IsDigit(id[i])) continue;  // the non-digit must be the one replaced
      const int rest = IsDigit(id[i]) ? sum - (id[i] - '0') * kWeights[i] : sum;
      for (int d = 0; d <= 9; ++d) {
        if (((rest + d * kWeights[i]) % 11 + 11) % 11 != target) continue;
        if (id[i] == '0' + d) continue;  // the input itself
        std::string candidate = id;
        candidate[i] = static_cast<char>('0' + d);
        keep_if_valid(candidate);
      }
    }
  }
  // The check character replaced.
  if (bad == 0) {
    const char check = kCheck[sum % 11];
    if (check != id[17]) {
      std::string candidate = id;
      candidate[17] = check;
      keep_if_valid(candidate);
    }
  }
  // Two adjacent characters swapped.
  for (int i = 0; i < 17; ++i) {
    if (id[i] == id[i + 1]) continue;
    std::string candidate = id;
    std::swap(candidate[i], candidate[i + 1]);
    if (WellFormed(candidate)) keep_if_valid(candidate);
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

}  // namespace popreg::norm
