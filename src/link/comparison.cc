#include "link/comparison.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <string>
#include <type_traits>
#include <utility>

#include "link/blocking.h"
#include "link/strings.h"
#include "norm/unihan.h"

namespace popreg::link {

namespace {

struct Pattern {
  std::string_view prefix;
  Condition::Kind kind;
  bool has_parameter;
};

constexpr Pattern kPatterns[] = {
    {"exact", Condition::Kind::kExact, false},
    {"jaro_winkler>=", Condition::Kind::kJaroWinkler, true},
    {"jaro>=", Condition::Kind::kJaro, true},
    {"levenshtein<=", Condition::Kind::kLevenshtein, true},
    {"damerau<=", Condition::Kind::kDamerau, true},
    {"pinyin_jaro_winkler>=", Condition::Kind::kPinyinJaroWinkler, true},
    {"pinyin", Condition::Kind::kPinyin, false},
    {"lookalike", Condition::Kind::kLookAlike, false},
    {"id_typo", Condition::Kind::kIdTypo, false},
    {"id_birth", Condition::Kind::kIdBirth, false},
    {"date_swap", Condition::Kind::kDateSwap, false},
    {"date_typo", Condition::Kind::kDateTypo, false},
    {"within_days<=", Condition::Kind::kWithinDays, true},
    {"same_year", Condition::Kind::kSameYear, false},
    {"abs_diff<=", Condition::Kind::kAbsDiff, true},
    {"prefix<=", Condition::Kind::kPrefix, true},
};

// Look-alike characters are at least this similar (norm::LookAlikeSimilarity).
constexpr double kLookAlike = 0.6;

bool SameReading(const FieldColumn& a, RecordIndex i, const FieldColumn& b, RecordIndex j) {
  const auto& ra = a.readings(i);
  const auto& rb = b.readings(j);
  if (ra.size() != rb.size() || ra.empty()) return false;
  for (size_t k = 0; k < ra.size(); ++k) {
    bool shared = false;
    for (norm::Syllable x : ra[k]) {
      for (norm::Syllable y : rb[k]) shared |= x == y;
    }
    if (!shared) return false;
  }
  return true;
}

bool LookAlike(std::u32string_view a, std::u32string_view b) {
  if (a.size() != b.size()) return false;
  int differ = 0;
  for (size_t k = 0; k < a.size(); ++k) {
    if (a[k] == b[k]) continue;
    if (++differ > 1 || norm::LookAlikeSimilarity(a[k], b[k]) < kLookAlike) return false;
  }
  return differ == 1;
}

bool DateSwap(std::u32string_view a, std::u32string_view b) {
  // YYYYMMDD with MM and DD exchanged, and not the same date.
  return a.size() == 8 && b.size() == 8 && a != b && a.substr(0, 4) == b.substr(0, 4) &&
         a.substr(4, 2) == b.substr(6, 2) && a.substr(6, 2) == b.substr(4, 2);
}

// The similarity measures of one pair, each computed at most once however many levels use it
// (jaro_winkler>=0.92 then jaro_winkler>=0.8 costs one Jaro-Winkler).
struct Measures {
  double jaro = -1, jaro_winkler = -1, pinyin_jaro_winkler = -1;
  int levenshtein = -1, damerau = -1;
  int levenshtein_bound = 0, damerau_bound = 0;  // the largest threshold of the comparison
};

// The pair's two values in UTF-32, widened from narrow columns once per pair and only when a
// condition reads their characters (the buffers are the thread's: Compare is not re-entered).
class PairText {
 public:
  PairText(const FieldColumn& a, RecordIndex i, const FieldColumn& b, RecordIndex j)
      : a_(a), i_(i), b_(b), j_(j) {}
  std::pair<std::u32string_view, std::u32string_view> Get() {
    if (!ready_) {
      thread_local std::u32string bx, by;
      x_ = a_.value(i_, &bx);
      y_ = b_.value(j_, &by);
      ready_ = true;
    }
    return {x_, y_};
  }

 private:
  const FieldColumn& a_;
  RecordIndex i_;
  const FieldColumn& b_;
  RecordIndex j_;
  std::u32string_view x_, y_;
  bool ready_ = false;
};

bool Holds(const Condition& c, const FieldColumn& a, RecordIndex i, const FieldColumn& b,
           RecordIndex j, PairText& text, Measures* m) {
  using K = Condition::Kind;
  switch (c.kind) {
    case K::kExact:
      return a.Same(i, b, j);
    case K::kJaroWinkler: {
      const auto [x, y] = text.Get();
      if (m->jaro_winkler < 0) m->jaro_winkler = JaroWinkler(x, y);
      return m->jaro_winkler >= c.parameter;
    }
    case K::kJaro: {
      const auto [x, y] = text.Get();
      if (m->jaro < 0) m->jaro = Jaro(x, y);
      return m->jaro >= c.parameter;
    }
    case K::kLevenshtein: {
      const auto [x, y] = text.Get();
      if (m->levenshtein < 0) m->levenshtein = Levenshtein(x, y, m->levenshtein_bound);
      return m->levenshtein <= c.parameter;
    }
    case K::kDamerau: {
      const auto [x, y] = text.Get();
      if (m->damerau < 0) m->damerau = DamerauLevenshtein(x, y, m->damerau_bound);
      return m->damerau <= c.parameter;
    }
    case K::kPinyin:
      return a.has_readings() && b.has_readings() && SameReading(a, i, b, j);
    case K::kPinyinJaroWinkler:
      if (!a.has_pinyin() || !b.has_pinyin()) return false;
      if (m->pinyin_jaro_winkler < 0) {
        thread_local std::u32string px, py;
        m->pinyin_jaro_winkler = JaroWinkler(a.pinyin(i, &px), b.pinyin(j, &py));
      }
      return m->pinyin_jaro_winkler >= c.parameter;
    case K::kLookAlike: {
      const auto [x, y] = text.Get();
      return LookAlike(x, y);
    }
    case K::kIdTypo: {
      const auto [x, y] = text.Get();
      return x.size() == y.size() && DamerauLevenshtein(x, y, 1) <= 1;
    }
    case K::kIdBirth: {
      const auto [x, y] = text.Get();
      return x.size() == 18 && y.size() == 18 && x.compare(6, 8, y, 6, 8) == 0;
    }
    case K::kDateSwap: {
      const auto [x, y] = text.Get();
      return DateSwap(x, y);
    }
    case K::kDateTypo: {
      const auto [x, y] = text.Get();
      return x.size() == 8 && y.size() == 8 && Levenshtein(x, y, 1) <= 1;
    }
    case K::kSameYear: {
      const auto [x, y] = text.Get();
      return x.size() >= 4 && y.size() >= 4 && x.compare(0, 4, y, 0, 4) == 0;
    }
    case K::kWithinDays:
    case K::kAbsDiff:
      return a.has_number() && std::fabs(a.number(i) - b.number(j)) <= c.parameter;
    case K::kPrefix: {
      const auto [x, y] = text.Get();
      const auto n = static_cast<size_t>(c.parameter);
      return x.size() >= n && y.size() >= n && x.compare(0, n, y, 0, n) == 0;
    }
  }
  return false;
}

}  // namespace

Result<Condition> ParseCondition(std::string_view text) {
  for (const Pattern& p : kPatterns) {
    if (p.has_parameter ? !text.starts_with(p.prefix) : text != p.prefix) continue;
    Condition c;
    c.kind = p.kind;
    c.text = std::string(text);
    if (p.has_parameter) {
      const std::string_view num = text.substr(p.prefix.size());
      const auto [end, ec] = std::from_chars(num.data(), num.data() + num.size(), c.parameter);
      if (ec != std::errc() || end != num.data() + num.size() || c.parameter < 0) {
        return InvalidArgument("comparison level '" + std::string(text) +
                               "': the threshold is not a non-negative number");
      }
    }
    return c;
  }
  return InvalidArgument("unknown comparison level '" + std::string(text) + "'");
}

std::vector<std::string> Comparison::LevelLabels() const {
  std::vector<std::string> labels = {"null", "else"};
  for (size_t k = conditions.size(); k-- > 0;) labels.push_back(conditions[k].text);
  return labels;
}

Level Comparison::Compare(const RecordSet& left, RecordIndex l, const RecordSet& right,
                          RecordIndex r) const {
  const FieldColumn& a = left.fields[field];
  const FieldColumn& b = right.fields[field];
  if (a.null(l) || b.null(r)) return 0;
  Measures m;
  for (const Condition& c : conditions) {
    if (c.kind == Condition::Kind::kLevenshtein) {
      m.levenshtein_bound = std::max(m.levenshtein_bound, static_cast<int>(c.parameter));
    } else if (c.kind == Condition::Kind::kDamerau) {
      m.damerau_bound = std::max(m.damerau_bound, static_cast<int>(c.parameter));
    }
  }
  const auto n = static_cast<Level>(conditions.size());
  PairText text(a, l, b, r);
  for (Level k = 0; k < n; ++k) {
    if (Holds(conditions[k], a, l, b, r, text, &m)) return static_cast<Level>(n + 1 - k);
  }
  return agree_only ? 0 : 1;
}

Result<KeyPart> ParseKeyPart(std::string_view text, const RecordSet& set) {
  KeyPart p;
  const size_t dot = text.find('.');
  const std::string_view field = text.substr(0, dot);
  p.field = set.FieldIndex(field);
  if (p.field < 0)
    return InvalidArgument("blocking key '" + std::string(text) + "': no field " +
                           std::string(field));
  if (dot == std::string_view::npos) return p;
  const std::string_view part = text.substr(dot + 1);
  auto number = [&](std::string_view prefix, KeyPart::Kind kind) -> bool {
    if (!part.starts_with(prefix)) return false;
    const std::string_view num = part.substr(prefix.size());
    const auto [end, ec] = std::from_chars(num.data(), num.data() + num.size(), p.n);
    if (ec != std::errc() || end != num.data() + num.size() || p.n <= 0) return false;
    p.kind = kind;
    return true;
  };
  if (number("first", KeyPart::Kind::kFirst) || number("last", KeyPart::Kind::kLast)) return p;
  if (part == "year") {
    p.kind = KeyPart::Kind::kYear;
  } else if (part == "pinyin") {
    p.kind = KeyPart::Kind::kPinyin;
  } else if (part == "initials") {
    p.kind = KeyPart::Kind::kInitials;
  } else if (part == "surname") {
    p.kind = KeyPart::Kind::kSurname;
  } else if (part == "id_birth") {
    p.kind = KeyPart::Kind::kIdBirth;
  } else {
    return InvalidArgument("blocking key '" + std::string(text) +
                           "': unknown part (firstN, lastN, year, pinyin, initials, surname, "
                           "id_birth)");
  }
  if ((p.kind == KeyPart::Kind::kPinyin || p.kind == KeyPart::Kind::kInitials) &&
      !set.fields[p.field].has_pinyin()) {
    return InvalidArgument("blocking key '" + std::string(text) + "': " + std::string(field) +
                           " is not a name_zh field");
  }
  return p;
}

uint64_t BlockingKey(const RecordSet& set, RecordIndex r, const std::vector<KeyPart>& parts) {
  // FNV-1a over the parts' code points, whichever width their column holds (the same key for
  // the same characters), finished with the SplitMix64 mixer.
  uint64_t h = kFnvOffset;
  auto add = [&](auto s) {
    h = HashCodePoints(h, s);
    h ^= 0x1F;  // a separator between parts
    h *= kFnvPrime;
  };
  for (const KeyPart& p : parts) {
    const FieldColumn& f = set.fields[p.field];
    if (f.null(r)) return 0;
    using K = KeyPart::Kind;
    const bool ok = f.values.Visit(f.code[r], [&](auto v) {
      switch (p.kind) {
        case K::kValue:
          add(v);
          break;
        case K::kFirst:
          add(v.substr(0, p.n));
          break;
        case K::kLast:
          add(v.substr(v.size() > static_cast<size_t>(p.n) ? v.size() - p.n : 0));
          break;
        case K::kYear:
          if (v.size() < 4) return false;
          add(v.substr(0, 4));
          break;
        case K::kPinyin:
          f.pinyins.Visit(f.code[r], add);
          break;
        case K::kInitials:
          f.pinyins.Visit(f.code[r], [&](auto pinyin) {
            std::u32string initials;
            bool start = true;
            for (auto c : pinyin) {
              if (c == ' ') {
                start = true;
              } else if (start) {
                initials.push_back(static_cast<std::make_unsigned_t<decltype(c)>>(c));
                start = false;
              }
            }
            add(std::u32string_view(initials));
          });
          break;
        case K::kSurname:
          add(v.substr(0, 1));
          break;
        case K::kIdBirth:
          if (v.size() != 18) return false;
          add(v.substr(6, 8));
          break;
      }
      return true;
    });
    if (!ok) return 0;
  }
  h = Mix64(h);
  return h == 0 ? 1 : h;
}

}  // namespace popreg::link
