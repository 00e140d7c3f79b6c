#include "norm/unihan.h"

#include <algorithm>
#include <array>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <unordered_map>
#include <vector>

// Embedded by unihan_data.S: the file scripts/unihan-subset writes (its format is described
// there). Data from the Unicode Han Database, (c) Unicode, Inc., Unicode License.
extern "C" const char popreg_unihan_txt[];
extern "C" const uint64_t popreg_unihan_txt_size;

namespace popreg::norm {
namespace {

constexpr std::string_view kMagic = "# popreg-unihan 1";
constexpr std::string_view kVersionPrefix = "# unicode-version ";
constexpr size_t kColumns = 9;

constexpr uint8_t kGb2312 = 1;
constexpr uint8_t kTghz2013 = 2;

struct Record {
  uint32_t readings = 0;  // offset into Table::toned_lists
  uint32_t toneless = 0;  // offset into Table::toneless_lists
  uint8_t reading_count = 0;
  uint8_t toneless_count = 0;
  uint8_t flags = 0;
  uint8_t strokes = 0;
  uint8_t radical = 0;
  bool simplified_radical = false;
  int8_t residual = 0;
  uint8_t four_corner_count = 0;
  FourCorner four_corner[2];
  char32_t fold = 0;  // 0: folds to itself
};

struct Table {
  std::string version;
  std::vector<uint32_t> index;  // code point -> 1 + index into records; 0 when absent
  std::vector<Record> records;
  std::vector<TonedSyllable> toned_lists;
  std::vector<Syllable> toneless_lists;
  std::vector<std::string> toned_text;
  std::vector<Syllable> toned_to_toneless;
  std::vector<std::string> toneless_text;
  std::unordered_map<std::string, TonedSyllable> toned_ids;
  std::unordered_map<std::string, Syllable> toneless_ids;

  const Record* Find(char32_t cp) const {
    if (cp >= index.size() || index[cp] == 0) return nullptr;
    return &records[index[cp] - 1];
  }
};

// The embedded table is the build's own data, not user input: a malformed one is a build error,
// reported loudly.
[[noreturn]] void BadTable(const char* what, size_t line) {
  std::fprintf(stderr, "popreg: the embedded Unihan subset is malformed (%s, line %zu)\n", what,
               line);
  std::abort();
}

// Splits `s` at `sep` into at most `n` fields; returns how many there were (n + 1 for too many).
size_t Split(std::string_view s, char sep, std::string_view* fields, size_t n) {
  size_t count = 0;
  while (true) {
    const size_t at = s.find(sep);
    if (count == n) return n + 1;
    fields[count++] = s.substr(0, at);
    if (at == std::string_view::npos) return count;
    s.remove_prefix(at + 1);
  }
}

// Calls f(token) for every non-empty token of `s` separated by `sep`.
template <typename F>
void ForEachToken(std::string_view s, char sep, F f) {
  while (!s.empty()) {
    const size_t at = s.find(sep);
    const std::string_view token = s.substr(0, at);
    if (!token.empty()) f(token);
    if (at == std::string_view::npos) break;
    s.remove_prefix(at + 1);
  }
}

// Parses unsigned decimal digits; -1 when `s` is empty or has anything else.
int64_t Number(std::string_view s) {
  if (s.empty() || s.size() > 9) return -1;
  int64_t n = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return -1;
    n = n * 10 + (c - '0');
  }
  return n;
}

int64_t Hex(std::string_view s) {
  if (s.empty() || s.size() > 6) return -1;
  int64_t n = 0;
  for (char c : s) {
    int d;
    if (c >= '0' && c <= '9') {
      d = c - '0';
    } else if (c >= 'A' && c <= 'F') {
      d = c - 'A' + 10;
    } else {
      return -1;
    }
    n = n * 16 + d;
  }
  return n;
}

// Variant lists kept only while the table is built.
struct Variants {
  std::vector<char32_t> pool;
  // Per record and kind (simplified, z, semantic): [begin, end) in pool.
  std::vector<std::array<std::pair<uint32_t, uint32_t>, 3>> ranges;

  std::span<const char32_t> Of(size_t record, int kind) const {
    const auto [b, e] = ranges[record][kind];
    return {pool.data() + b, e - b};
  }
};

enum VariantKind { kSimplified = 0, kZ = 1, kSemantic = 2 };

TonedSyllable InternToned(Table* t, std::string_view text, size_t line_no) {
  const std::string key(text);
  const auto it = t->toned_ids.find(key);
  if (it != t->toned_ids.end()) return it->second;
  // A numbered syllable is letters then one tone digit 1-5.
  if (text.size() < 2 || text.back() < '1' || text.back() > '5') BadTable("bad reading", line_no);
  for (char c : text.substr(0, text.size() - 1)) {
    if (c < 'a' || c > 'z') BadTable("bad reading", line_no);
  }
  if (t->toned_text.size() >= 0xFFFF) BadTable("too many syllables", line_no);
  const auto id = static_cast<TonedSyllable>(t->toned_text.size());
  t->toned_text.push_back(key);
  t->toned_ids.emplace(key, id);
  const std::string bare(text.substr(0, text.size() - 1));
  auto [bit, inserted] =
      t->toneless_ids.try_emplace(bare, static_cast<Syllable>(t->toneless_text.size()));
  if (inserted) t->toneless_text.push_back(bare);
  t->toned_to_toneless.push_back(bit->second);
  return id;
}

void ParseLine(std::string_view line, size_t line_no, Table* t, Variants* v) {
  std::string_view f[kColumns];
  if (Split(line, '\t', f, kColumns) != kColumns) BadTable("not 9 columns", line_no);
  const int64_t cp = Hex(f[0]);
  if (cp < 0 || cp > 0x10FFFF) BadTable("bad code point", line_no);
  if (static_cast<size_t>(cp) < t->index.size()) BadTable("code points out of order", line_no);
  t->index.resize(cp + 1, 0);
  t->index[cp] = static_cast<uint32_t>(t->records.size() + 1);

  Record r;
  for (char c : f[1]) {
    if (c == 'G') {
      r.flags |= kGb2312;
    } else if (c == 'T') {
      r.flags |= kTghz2013;
    } else {
      BadTable("bad flag", line_no);
    }
  }
  if (!f[2].empty()) {
    const int64_t strokes = Number(f[2]);
    if (strokes < 0 || strokes > 255) BadTable("bad stroke count", line_no);
    r.strokes = static_cast<uint8_t>(strokes);
  }
  if (!f[3].empty()) {  // "96.0", "120'.3", "96.-1"
    const size_t dot = f[3].find('.');
    if (dot == std::string_view::npos) BadTable("bad kRSUnicode", line_no);
    std::string_view rad = f[3].substr(0, dot);
    while (rad.ends_with('\'')) {
      r.simplified_radical = true;
      rad.remove_suffix(1);
    }
    std::string_view res = f[3].substr(dot + 1);
    const bool negative = res.starts_with('-');
    if (negative) res.remove_prefix(1);
    const int64_t radical = Number(rad);
    const int64_t residual = Number(res);
    if (radical < 1 || radical > 214 || residual < 0 || residual > 100) {
      BadTable("bad kRSUnicode", line_no);
    }
    r.radical = static_cast<uint8_t>(radical);
    r.residual = static_cast<int8_t>(negative ? -residual : residual);
  }
  ForEachToken(f[4], ' ', [&](std::string_view code) {  // "1010.4", "7290"
    const int64_t corners = Number(code.substr(0, 4));
    if (code.size() < 4 || corners < 0) BadTable("bad kFourCornerCode", line_no);
    int8_t extra = -1;
    if (code.size() > 4) {
      const int64_t e = Number(code.substr(5));
      if (code[4] != '.' || e < 0 || e > 9) BadTable("bad kFourCornerCode", line_no);
      extra = static_cast<int8_t>(e);
    }
    if (r.four_corner_count < 2) {
      r.four_corner[r.four_corner_count++] = {static_cast<uint16_t>(corners), extra};
    }
  });
  r.readings = static_cast<uint32_t>(t->toned_lists.size());
  r.toneless = static_cast<uint32_t>(t->toneless_lists.size());
  ForEachToken(f[5], ' ', [&](std::string_view reading) {
    const TonedSyllable s = InternToned(t, reading, line_no);
    t->toned_lists.push_back(s);
    const Syllable bare = t->toned_to_toneless[s];
    const auto begin = t->toneless_lists.begin() + r.toneless;
    if (std::find(begin, t->toneless_lists.end(), bare) == t->toneless_lists.end()) {
      t->toneless_lists.push_back(bare);
    }
  });
  const size_t readings = t->toned_lists.size() - r.readings;
  if (readings > 255) BadTable("too many readings", line_no);
  r.reading_count = static_cast<uint8_t>(readings);
  r.toneless_count = static_cast<uint8_t>(t->toneless_lists.size() - r.toneless);

  auto& ranges = v->ranges.emplace_back();
  for (int kind = 0; kind < 3; ++kind) {
    const auto begin = static_cast<uint32_t>(v->pool.size());
    ForEachToken(f[6 + kind], ',', [&](std::string_view hex) {
      const int64_t target = Hex(hex);
      if (target < 0 || target > 0x10FFFF) BadTable("bad variant", line_no);
      v->pool.push_back(static_cast<char32_t>(target));
    });
    ranges[kind] = {begin, static_cast<uint32_t>(v->pool.size())};
  }
  t->records.push_back(r);
}

bool Standard(const Record* r) { return r != nullptr && (r->flags & (kGb2312 | kTghz2013)) != 0; }

std::span<const Syllable> TonelessOf(const Table& t, const Record* r) {
  if (r == nullptr) return {};
  return {t.toneless_lists.data() + r->toneless, r->toneless_count};
}

// True when the two characters share a toneless reading, or either has none.
bool ShareReading(const Table& t, const Record* a, const Record* b) {
  const auto ra = TonelessOf(t, a);
  const auto rb = TonelessOf(t, b);
  if (ra.empty() || rb.empty()) return true;
  for (Syllable s : ra) {
    if (std::find(rb.begin(), rb.end(), s) != rb.end()) return true;
  }
  return false;
}

// FoldVariant's rule (see unihan.h) for record `i`, code point `cp`; 0 when it stays.
char32_t ComputeFold(const Table& t, const Variants& v, size_t i, char32_t cp) {
  const Record* self = &t.records[i];
  if (Standard(self)) return 0;
  std::vector<char32_t> candidates;
  auto consider = [&](char32_t target) {
    const Record* r = t.Find(target);
    if (!Standard(r) || !ShareReading(t, self, r)) return;
    if (std::find(candidates.begin(), candidates.end(), target) == candidates.end()) {
      candidates.push_back(target);
    }
  };
  for (char32_t target : v.Of(i, kSimplified)) consider(target);
  if (candidates.empty()) {
    for (char32_t target : v.Of(i, kZ)) consider(target);
  }
  if (candidates.empty()) {
    std::vector<size_t> mutual;  // record numbers of the mutual semantic variants
    for (char32_t target : v.Of(i, kSemantic)) {
      if (target >= t.index.size() || t.index[target] == 0) continue;
      const size_t j = t.index[target] - 1;
      const auto back = v.Of(j, kSemantic);
      if (std::find(back.begin(), back.end(), cp) == back.end()) continue;
      if (!ShareReading(t, self, &t.records[j])) continue;
      mutual.push_back(j);
      consider(target);
    }
    if (candidates.empty()) {
      for (size_t j : mutual) {
        for (char32_t target : v.Of(j, kSimplified)) consider(target);
      }
    }
  }
  return candidates.size() == 1 ? candidates[0] : 0;
}

Table Parse() {
  Table t;
  Variants v;
  std::string_view text(popreg_unihan_txt, popreg_unihan_txt_size);
  constexpr size_t kExpectedRecords = size_t{48} * 1024;  // about 42,000 with Unihan 15.0
  t.records.reserve(kExpectedRecords);
  v.ranges.reserve(kExpectedRecords);
  size_t line_no = 0;
  while (!text.empty()) {
    const size_t nl = text.find('\n');
    const std::string_view line = text.substr(0, nl);
    text.remove_prefix(nl == std::string_view::npos ? text.size() : nl + 1);
    ++line_no;
    if (line_no == 1) {
      if (line != kMagic) BadTable("unexpected first line", line_no);
      continue;
    }
    if (line.starts_with(kVersionPrefix)) {
      t.version = std::string(line.substr(kVersionPrefix.size()));
      continue;
    }
    if (line.empty() || line.starts_with('#')) continue;
    ParseLine(line, line_no, &t, &v);
  }
  if (t.version.empty()) BadTable("no unicode-version line", line_no);

  // The fold needs every record's variants (the semantic relation must be listed both ways), so
  // it is a second pass.
  std::vector<char32_t> code_points(t.records.size());
  for (size_t cp = 0; cp < t.index.size(); ++cp) {
    if (t.index[cp] != 0) code_points[t.index[cp] - 1] = static_cast<char32_t>(cp);
  }
  for (size_t i = 0; i < t.records.size(); ++i) {
    const bool has_variants =
        !v.Of(i, kSimplified).empty() || !v.Of(i, kZ).empty() || !v.Of(i, kSemantic).empty();
    if (!has_variants) continue;
    t.records[i].fold = ComputeFold(t, v, i, code_points[i]);
  }
  return t;
}

// Parsed on first use; initialisation of a function-local static is thread-safe. Kept until the
// process ends.
const Table& GetTable() {
  static const Table& table = *new Table(Parse());
  return table;
}

}  // namespace

std::string_view TonedSyllableText(TonedSyllable s) { return GetTable().toned_text.at(s); }

std::string_view SyllableText(Syllable s) { return GetTable().toneless_text.at(s); }

Syllable Toneless(TonedSyllable s) { return GetTable().toned_to_toneless.at(s); }

bool FindTonedSyllable(std::string_view text, TonedSyllable* out) {
  const Table& t = GetTable();
  const auto it = t.toned_ids.find(std::string(text));
  if (it == t.toned_ids.end()) return false;
  *out = it->second;
  return true;
}

bool FindSyllable(std::string_view text, Syllable* out) {
  const Table& t = GetTable();
  const auto it = t.toneless_ids.find(std::string(text));
  if (it == t.toneless_ids.end()) return false;
  *out = it->second;
  return true;
}

std::span<const TonedSyllable> HanReadings(char32_t cp) {
  const Table& t = GetTable();
  const Record* r = t.Find(cp);
  if (r == nullptr) return {};
  return {t.toned_lists.data() + r->readings, r->reading_count};
}

std::span<const Syllable> HanTonelessReadings(char32_t cp) {
  const Table& t = GetTable();
  return TonelessOf(t, t.Find(cp));
}

HanShape Shape(char32_t cp) {
  HanShape shape;
  const Record* r = GetTable().Find(cp);
  if (r == nullptr) return shape;
  shape.total_strokes = r->strokes;
  shape.radical = r->radical;
  shape.simplified_radical = r->simplified_radical;
  shape.residual_strokes = int{r->residual};
  shape.four_corner_count = r->four_corner_count;
  shape.four_corner[0] = r->four_corner[0];
  shape.four_corner[1] = r->four_corner[1];
  return shape;
}

bool InStandardSet(char32_t cp) { return Standard(GetTable().Find(cp)); }

char32_t FoldVariant(char32_t cp) {
  const Record* r = GetTable().Find(cp);
  return r == nullptr || r->fold == 0 ? cp : r->fold;
}

double LookAlikeSimilarity(char32_t a, char32_t b) {
  if (a == b) return 1.0;
  const Table& t = GetTable();
  const Record* ra = t.Find(a);
  const Record* rb = t.Find(b);
  if (ra == nullptr || rb == nullptr) return 0.0;

  double strokes = 0.0;
  if (ra->strokes != 0 && rb->strokes != 0) {
    const int diff = std::abs(int{ra->strokes} - int{rb->strokes});
    strokes = std::max(0.0, 1.0 - diff / 3.0);
  }
  const double radical = ra->radical != 0 && ra->radical == rb->radical ? 1.0 : 0.0;

  if (ra->four_corner_count == 0 || rb->four_corner_count == 0) return 0.4 * strokes * radical;

  int best = 0;
  for (int i = 0; i < ra->four_corner_count; ++i) {
    for (int j = 0; j < rb->four_corner_count; ++j) {
      int x = ra->four_corner[i].corners;
      int y = rb->four_corner[j].corners;
      int equal = 0;
      for (int digit = 0; digit < 4; ++digit, x /= 10, y /= 10) equal += x % 10 == y % 10;
      best = std::max(best, equal);
    }
  }
  // One equal digit of four is chance (a third of unrelated pairs have one), so it counts 0.
  const double shape = best <= 1 ? 0.0 : (best - 1) / 3.0;
  return shape * shape * (0.6 + 0.25 * strokes + 0.15 * radical);
}

std::string_view UnihanVersion() { return GetTable().version; }

size_t UnihanCharacterCount() { return GetTable().records.size(); }

}  // namespace popreg::norm
