#include "link/record_set.h"

#include <algorithm>
#include <cassert>
#include <cmath>
#include <cstdlib>
#include <functional>
#include <optional>

#include "base/date.h"
#include "base/thread_pool.h"
#include "base/utf8.h"
#include "link/blocking.h"
#include "link/strings.h"
#include "norm/date_parse.h"
#include "norm/id_number.h"
#include "norm/name.h"
#include "norm/pinyin.h"
#include "norm/sex.h"

namespace popreg::link {

Result<Normalizer> ParseNormalizer(std::string_view name) {
  if (name == "text") return Normalizer::kText;
  if (name == "name_zh") return Normalizer::kNameZh;
  if (name == "id_number") return Normalizer::kIdNumber;
  if (name == "date") return Normalizer::kDate;
  if (name == "sex") return Normalizer::kSex;
  if (name == "digits") return Normalizer::kDigits;
  if (name == "number") return Normalizer::kNumber;
  return InvalidArgument("unknown normalize '" + std::string(name) +
                         "' (text, name_zh, id_number, date, sex, digits, number)");
}

StringColumn::StringColumn(std::vector<std::u32string>&& values) {
  size_t total = 0;
  for (const std::u32string& v : values) {
    total += v.size();
    for (char32_t c : v) narrow_ &= c < 0x100;
  }
  if (narrow_) {
    bytes_.reserve(total);
  } else {
    chars_.reserve(total);
  }
  offset_.reserve(values.size() + 1);
  offset_.push_back(0);
  for (std::u32string& v : values) {
    if (narrow_) {
      for (char32_t c : v) bytes_.push_back(static_cast<char>(static_cast<unsigned char>(c)));
    } else {
      chars_.insert(chars_.end(), v.begin(), v.end());
    }
    offset_.push_back(narrow_ ? bytes_.size() : chars_.size());
    std::u32string().swap(v);
  }
  values.clear();
}

std::u32string_view StringColumn::Widen(size_t r, std::u32string* buffer) const {
  if (!narrow_) return chars(r);
  const std::string_view b = bytes(r);
  buffer->resize(b.size());
  for (size_t k = 0; k < b.size(); ++k) (*buffer)[k] = static_cast<unsigned char>(b[k]);
  return *buffer;
}

bool StringColumn::Same(size_t r, const StringColumn& other, size_t s) const {
  if (length(r) != other.length(s)) return false;
  if (narrow_ && other.narrow_) return bytes(r) == other.bytes(s);
  if (!narrow_ && !other.narrow_) return chars(r) == other.chars(s);
  const std::string_view b = narrow_ ? bytes(r) : other.bytes(s);
  const std::u32string_view c = narrow_ ? other.chars(s) : chars(r);
  for (size_t k = 0; k < b.size(); ++k) {
    if (static_cast<unsigned char>(b[k]) != c[k]) return false;
  }
  return true;
}

uint64_t StringColumn::Hash(size_t r) const {
  return Visit(r, [](auto v) { return Mix64(HashCodePoints(kFnvOffset, v)); });
}

void StringColumn::MakeWide() {
  if (!narrow_) return;
  chars_.reserve(bytes_.size());
  for (char b : bytes_) chars_.push_back(static_cast<unsigned char>(b));
  std::string().swap(bytes_);
  narrow_ = false;
}

void StringColumn::Add(std::u32string_view value) {
  if (offset_.empty()) offset_.push_back(0);
  if (narrow_ && std::any_of(value.begin(), value.end(), [](char32_t c) { return c >= 0x100; })) {
    MakeWide();
  }
  if (narrow_) {
    for (char32_t c : value) bytes_.push_back(static_cast<char>(static_cast<unsigned char>(c)));
  } else {
    chars_.insert(chars_.end(), value.begin(), value.end());
  }
  offset_.push_back(narrow_ ? bytes_.size() : chars_.size());
}

void StringColumn::AddBytes(std::string_view value) {
  if (offset_.empty()) offset_.push_back(0);
  if (narrow_) {
    bytes_.append(value);
  } else {
    for (char b : value) chars_.push_back(static_cast<unsigned char>(b));
  }
  offset_.push_back(narrow_ ? bytes_.size() : chars_.size());
}

void StringColumn::Append(const StringColumn& more, size_t from) {
  if (offset_.empty()) offset_.push_back(0);
  if (from >= more.size()) return;
  if (narrow_ && !more.narrow_) MakeWide();
  const uint64_t first = more.offset_[from];
  const uint64_t added = more.offset_.back() - first;
  const uint64_t base = (narrow_ ? bytes_.size() : chars_.size()) - first;
  // Exactly what is needed: growing by doubling would leave up to twice a million rows'
  // characters allocated for the few thousand appended.
  offset_.reserve(offset_.size() + (more.size() - from));
  if (narrow_) {
    bytes_.reserve(bytes_.size() + added);
    bytes_.append(more.bytes_, first, added);
  } else if (!more.narrow_) {
    chars_.reserve(chars_.size() + added);
    chars_.insert(chars_.end(), more.chars_.begin() + static_cast<std::ptrdiff_t>(first),
                  more.chars_.end());
  } else {
    chars_.reserve(chars_.size() + added);
    for (size_t k = first; k < more.bytes_.size(); ++k) {
      chars_.push_back(static_cast<unsigned char>(more.bytes_[k]));
    }
  }
  for (size_t r = from + 1; r < more.offset_.size(); ++r) offset_.push_back(base + more.offset_[r]);
}

Status Append(RecordSet* set, RecordSet&& more) {
  if (set->fields.size() != more.fields.size()) {
    return InvalidArgument("Append: the record sets have different fields");
  }
  for (size_t f = 0; f < set->fields.size(); ++f) {
    if (set->fields[f].name != more.fields[f].name ||
        set->fields[f].normalizer != more.fields[f].normalizer) {
      return InvalidArgument("Append: field " + std::to_string(f) + " is " + set->fields[f].name +
                             " in one set and " + more.fields[f].name + " in the other");
    }
  }
  const size_t n = set->size(), m = more.size();
  for (size_t f = 0; f < set->fields.size(); ++f) {
    FieldColumn& a = set->fields[f];
    FieldColumn& b = more.fields[f];
    // b's values after a's (code 0, null, stays 0; b's null entry is not copied). A value both
    // hold is held twice, which is harmless: values are compared by their text.
    const uint32_t base = static_cast<uint32_t>(a.values.size()) - 1;
    a.code.reserve(n + m);
    for (uint32_t c : b.code) a.code.push_back(c == 0 ? 0 : c + base);
    a.values.Append(b.values, 1);
    if (a.has_pinyin()) a.pinyins.Append(b.pinyins, 1);
    if (a.has_number()) a.numbers.insert(a.numbers.end(), b.numbers.begin() + 1, b.numbers.end());
    if (a.has_readings()) {
      const uint32_t at = a.reading_start.back(), from = b.reading_start[1];
      a.reading_spans.reserve(a.reading_spans.size() + (b.reading_spans.size() - from));
      a.reading_spans.insert(a.reading_spans.end(), b.reading_spans.begin() + from,
                             b.reading_spans.end());
      a.reading_start.reserve(a.reading_start.size() + b.reading_start.size() - 2);
      for (size_t c = 2; c < b.reading_start.size(); ++c) {
        a.reading_start.push_back(at + b.reading_start[c] - from);
      }
      a.reading_store.insert(a.reading_store.end(), b.reading_store.begin(), b.reading_store.end());
    }
    if (!a.frequency.empty() || !b.frequency.empty()) {
      a.frequency.resize(a.values.size(), 0.0);  // the new codes' are 0 until computed again
    }
  }
  if (!set->ids.empty() || !more.ids.empty()) {
    // A set without ids that gets some: the records before are known by their index.
    if (set->ids.empty()) {
      for (size_t i = 0; i < n; ++i) set->ids.push_back(std::to_string(i));
    }
    set->ids.reserve(n + m);
    for (size_t i = 0; i < m; ++i) {
      set->ids.push_back(more.ids.empty() ? std::to_string(n + i) : std::move(more.ids[i]));
    }
  }
  set->records = n + m;
  more = RecordSet();
  return Status::Ok();
}

int RecordSet::FieldIndex(std::string_view name) const {
  for (size_t i = 0; i < fields.size(); ++i) {
    if (fields[i].name == name) return static_cast<int>(i);
  }
  return -1;
}

std::string ToUtf8(std::u32string_view s) {
  std::string out;
  out.reserve(s.size());
  for (char32_t c : s) utf8::AppendUtf8(c, &out);
  return out;
}

namespace {

std::u32string NormalizeText(std::string_view raw) {
  const std::string nfkc = utf8::IsAscii(raw) ? std::string(raw) : norm::Nfkc(raw);
  std::u32string out;
  bool space = false;
  for (char32_t c : ToU32(nfkc)) {
    if (utf8::IsSpace(c)) {
      space = !out.empty();
      continue;
    }
    if (space) out.push_back(U' ');
    space = false;
    out.push_back(c >= U'A' && c <= U'Z' ? c + (U'a' - U'A') : c);
  }
  return out;
}

// A normalised value with what is derived from it.
struct Normalized {
  std::u32string value;
  double number = 0;
  std::u32string pinyin;
  std::vector<std::span<const norm::Syllable>> readings;
};

void Normalize(std::string_view in, Normalizer normalizer, const Date& as_of, norm::NameKeys& keys,
               Normalized* out) {
  switch (normalizer) {
    case Normalizer::kText:
      out->value = NormalizeText(in);
      break;
    case Normalizer::kNameZh: {
      norm::AnalyzeName(in, &keys);
      if (keys.canonical.empty()) break;
      out->value = ToU32(keys.canonical);
      out->pinyin = ToU32(norm::PinyinKey(keys));
      out->readings.assign(keys.readings.begin(), keys.readings.end());
      break;
    }
    case Normalizer::kIdNumber: {
      const norm::IdInfo id = norm::ParseIdNumber(in, as_of);
      if (!id.missing() && !id.normalized.empty()) out->value = ToU32(id.normalized);
      break;
    }
    case Normalizer::kDate: {
      const auto d = norm::ParseDate(in);
      if (d) {
        out->value = ToU32(d->Compact());
        out->number = static_cast<double>(d->ToDays());
      }
      break;
    }
    case Normalizer::kSex: {
      const char sex = norm::ParseSex(in);
      if (sex != 0) out->value = std::u32string(1, static_cast<char32_t>(sex));
      break;
    }
    case Normalizer::kDigits:
      for (char c : in) {
        if (c >= '0' && c <= '9') out->value.push_back(static_cast<char32_t>(c));
      }
      break;
    case Normalizer::kNumber: {
      const std::u32string t = NormalizeText(in);
      const std::string text = ToUtf8(t);
      char* endp = nullptr;
      const double v = text.empty() ? 0 : std::strtod(text.c_str(), &endp);
      if (!text.empty() && endp == text.c_str() + text.size() && std::isfinite(v)) {
        out->value = t;
        out->number = v;
      }
      break;
    }
  }
}

// The slot of an item with hash `hash` in `table`, a hash table of open addressing with linear
// probing (its size a power of two, never full; an entry is an item's index + 1, 0 is empty):
// the slot of the first item `same(index)` accepts, else the empty slot where the item goes.
// Both tables of this file (a field's distinct texts, the term frequencies' texts) are these.
template <typename Same>
size_t ProbeSlot(const std::vector<uint32_t>& table, uint64_t hash, const Same& same) {
  size_t at = hash & (table.size() - 1);
  while (table[at] != 0 && !same(table[at] - 1)) at = (at + 1) & (table.size() - 1);
  return at;
}

// Normalises field `spec` of the records (rows[i] is record i's row of `raw`; empty = row i):
// each distinct raw text once, in parallel, then numbered so that code 0 is the null value and a
// raw text whose value is empty is null.
FieldColumn NormalizeField(const FieldSpec& spec, const TextColumn* raw,
                           std::span<const RecordIndex> rows, size_t n, const Date& as_of,
                           ThreadPool& pool) {
  FieldColumn f;
  f.name = spec.name;
  f.normalizer = spec.normalizer;
  f.code.assign(n, 0);
  // The distinct raw texts in order of first appearance (views into `raw`), and per record the
  // index of its text among them plus one (0 = empty text).
  std::vector<std::string_view> distinct;
  if (raw != nullptr) {
    auto text = [&](size_t r) { return (*raw)[rows.empty() ? r : rows[r]]; };
    // The texts are hashed on every core first, so that the one-thread pass numbering them in
    // order of first appearance only probes a flat table of codes: with std::unordered_map (a
    // node per text, hashed in that pass) it was the longest part of normalising a register.
    std::vector<uint64_t> hashes(n);
    pool.ParallelFor(static_cast<int64_t>(n), 16384, [&](int64_t begin, int64_t end) {
      const std::hash<std::string_view> hash;
      for (int64_t r = begin; r < end; ++r) hashes[r] = hash(text(static_cast<size_t>(r)));
    });
    std::vector<uint64_t> distinct_hash;
    std::vector<uint32_t> table(1024, 0);  // a code (distinct index + 1), or 0: empty
    auto slot = [&](uint64_t h, std::string_view in) {
      return ProbeSlot(table, h,
                       [&](uint32_t d) { return distinct_hash[d] == h && distinct[d] == in; });
    };
    std::string_view last;
    uint32_t last_code = 0;
    for (size_t r = 0; r < n; ++r) {
      const std::string_view in = text(r);
      if (in.empty()) continue;
      // A household's repeated fields come one after another (and share their bytes).
      if (last_code != 0 && in.data() == last.data() && in.size() == last.size()) {
        f.code[r] = last_code;
        continue;
      }
      const size_t at = slot(hashes[r], in);
      uint32_t code = table[at];
      if (code == 0) {
        distinct.push_back(in);
        distinct_hash.push_back(hashes[r]);
        code = table[at] = static_cast<uint32_t>(distinct.size());
        if (2 * distinct.size() > table.size()) {  // kept at most half full
          table.assign(2 * table.size(), 0);
          for (size_t d = 0; d < distinct.size(); ++d) {
            table[slot(distinct_hash[d], distinct[d])] = static_cast<uint32_t>(d + 1);
          }
        }
      }
      f.code[r] = last_code = code;
      last = in;
    }
  }
  std::vector<Normalized> out(distinct.size());
  pool.ParallelFor(static_cast<int64_t>(distinct.size()), 1024, [&](int64_t begin, int64_t end) {
    norm::NameKeys keys;
    for (int64_t i = begin; i < end; ++i)
      Normalize(distinct[i], spec.normalizer, as_of, keys, &out[i]);
  });
  // Codes: 0 for null, then one per distinct raw text whose value is not empty.
  std::vector<uint32_t> renumber(distinct.size() + 1, 0);
  std::vector<std::u32string> values(1), pinyins(1);
  const bool name = spec.normalizer == Normalizer::kNameZh;
  const bool number =
      spec.normalizer == Normalizer::kDate || spec.normalizer == Normalizer::kNumber;
  if (number) f.numbers.push_back(0.0);
  if (name) f.reading_start = {0, 0};  // the null code's: none
  for (size_t i = 0; i < out.size(); ++i) {
    if (out[i].value.empty()) continue;
    renumber[i + 1] = static_cast<uint32_t>(values.size());
    values.push_back(std::move(out[i].value));
    if (number) f.numbers.push_back(out[i].number);
    if (name) {
      pinyins.push_back(std::move(out[i].pinyin));
      f.reading_spans.insert(f.reading_spans.end(), out[i].readings.begin(), out[i].readings.end());
      f.reading_start.push_back(static_cast<uint32_t>(f.reading_spans.size()));
      std::vector<std::span<const norm::Syllable>>().swap(out[i].readings);
    }
  }
  f.reading_spans.shrink_to_fit();
  for (uint32_t& c : f.code) c = renumber[c];
  f.values = StringColumn(std::move(values));
  if (name) f.pinyins = StringColumn(std::move(pinyins));
  return f;
}

}  // namespace

Result<RecordSet> BuildRecordSet(std::vector<std::string> ids, std::span<const FieldSpec> fields,
                                 const std::vector<std::vector<std::string>>& raw,
                                 std::string_view as_of_iso) {
  std::vector<TextColumn> text;
  text.reserve(raw.size());
  for (const auto& c : raw) text.emplace_back(c);
  std::vector<const TextColumn*> columns;
  for (const TextColumn& c : text) columns.push_back(&c);
  return BuildRecordSet(std::move(ids), fields, columns, {}, as_of_iso);
}

Result<RecordSet> BuildRecordSet(std::vector<std::string> ids, std::span<const FieldSpec> fields,
                                 std::span<const TextColumn* const> raw,
                                 std::span<const RecordIndex> rows, std::string_view as_of_iso) {
  ASSIGN_OR_RETURN(RecordSet set, BuildRecordSet(ids.size(), fields, raw, rows, as_of_iso));
  set.ids = std::move(ids);
  return set;
}

Result<RecordSet> BuildRecordSet(size_t n, std::span<const FieldSpec> fields,
                                 std::span<const TextColumn* const> raw,
                                 std::span<const RecordIndex> rows, std::string_view as_of_iso) {
  if (raw.size() != fields.size()) {
    return InvalidArgument("BuildRecordSet: " + std::to_string(fields.size()) + " fields but " +
                           std::to_string(raw.size()) + " columns");
  }
  Date as_of{9999, 12, 31};
  if (!as_of_iso.empty()) {
    auto d = Date::ParseIso(as_of_iso);
    if (!d) return InvalidArgument("as_of '" + std::string(as_of_iso) + "' is not YYYY-MM-DD");
    as_of = *d;
  }
  for (size_t i = 0; i < fields.size(); ++i) {
    const TextColumn* column = raw[i];
    if (column == nullptr) continue;
    if (rows.empty() ? column->size() != n : rows.size() != n) {
      return InvalidArgument("field " + fields[i].name + " has " +
                             std::to_string(rows.empty() ? column->size() : rows.size()) +
                             " values for " + std::to_string(n) + " records");
    }
    for (RecordIndex r : rows) {
      if (r >= column->size()) {
        return InvalidArgument("field " + fields[i].name + ": row " + std::to_string(r) + " of " +
                               std::to_string(column->size()));
      }
    }
  }
  RecordSet set;
  set.records = n;
  set.fields.resize(fields.size());
  // The fields side by side, each normalising its distinct values on every core too: a field's
  // one-thread part (finding its distinct texts) runs beside the others'.
  ThreadPool pool;
  pool.ParallelFor(static_cast<int64_t>(fields.size()), 1, [&](int64_t begin, int64_t end) {
    for (auto i = static_cast<size_t>(begin); i < static_cast<size_t>(end); ++i) {
      set.fields[i] = NormalizeField(fields[i], raw[i], rows, n, as_of, pool);
    }
  });
  return set;
}

namespace {

// A used code of one of the two columns of a field, with its value's hash.
struct TfEntry {
  uint64_t hash;
  uint32_t code;
  uint32_t side;
};

constexpr int kTfShardBits = 6;  // 64 shards of the codes, by their value's hash

}  // namespace

// The counts are added up by text in hash tables of our own, one per shard of the codes (by
// their value's hash), built in parallel: std::unordered_map of two million u32string_views took
// a second and a half of one core at a million persons per side, at the start of every job.
void ComputeTermFrequencies(RecordSet* left, RecordSet* right, std::span<const int> fields,
                            ThreadPool* pool) {
  std::optional<ThreadPool> own;
  if (pool == nullptr) pool = &own.emplace();
  constexpr size_t kShards = size_t{1} << kTfShardBits;
  for (const int i : fields) {
    FieldColumn* cols[2] = {&left->fields[i], right ? &right->fields[i] : nullptr};
    // Rows per code. A value may have codes in both sets (and two in one set after Append), so
    // the counts of its codes are added up by its text.
    std::vector<uint32_t> rows_of[2];  // a RecordIndex counts them
    int64_t total = 0;
    for (int s = 0; s < 2; ++s) {
      if (cols[s] == nullptr) continue;
      rows_of[s].assign(cols[s]->values.size(), 0);
      for (uint32_t c : cols[s]->code) ++rows_of[s][c];
      rows_of[s][0] = 0;  // null rows count for nothing
      for (uint32_t n : rows_of[s]) total += n;
    }
    // The used codes, by shard.
    std::vector<uint64_t> hash[2];
    for (int s = 0; s < 2; ++s) {
      if (cols[s] == nullptr) continue;
      hash[s].assign(rows_of[s].size(), 0);
      pool->ParallelFor(static_cast<int64_t>(hash[s].size()), 16384, [&](int64_t b, int64_t e) {
        for (int64_t c = b; c < e; ++c) {
          if (rows_of[s][c] != 0) hash[s][c] = cols[s]->values.Hash(static_cast<size_t>(c));
        }
      });
    }
    std::vector<size_t> start(kShards + 1, 0);
    for (int s = 0; s < 2; ++s) {
      for (size_t c = 1; c < rows_of[s].size(); ++c) {
        if (rows_of[s][c] != 0) ++start[(hash[s][c] >> (64 - kTfShardBits)) + 1];
      }
    }
    for (size_t k = 0; k < kShards; ++k) start[k + 1] += start[k];
    std::vector<TfEntry> entries(start[kShards]);
    {
      std::vector<size_t> next(start.begin(), start.end() - 1);
      for (uint32_t s = 0; s < 2; ++s) {
        for (size_t c = 1; c < rows_of[s].size(); ++c) {
          if (rows_of[s][c] == 0) continue;
          entries[next[hash[s][c] >> (64 - kTfShardBits)]++] = {hash[s][c],
                                                                static_cast<uint32_t>(c), s};
        }
      }
    }
    hash[0] = hash[1] = {};  // the entries hold them now
    // Per shard, the codes of one text summed; then each code gets its text's count.
    std::vector<int64_t> count_of[2];
    for (int s = 0; s < 2; ++s) count_of[s].assign(rows_of[s].size(), 0);
    pool->ParallelFor(static_cast<int64_t>(kShards), 1, [&](int64_t b, int64_t e) {
      for (int64_t shard = b; shard < e; ++shard) {
        const size_t first = start[shard], n = start[shard + 1] - first;
        if (n == 0) continue;
        size_t capacity = 1;
        while (capacity < 2 * n) capacity *= 2;
        std::vector<uint32_t> slot(capacity, 0);  // an entry of this shard + 1, or 0: empty
        std::vector<uint32_t> group(n);           // per entry: its text's first entry
        std::vector<int64_t> sum(n, 0);           // per first entry: the text's rows
        for (size_t k = 0; k < n; ++k) {
          const TfEntry& t = entries[first + k];
          const size_t at = ProbeSlot(slot, t.hash, [&](uint32_t j) {
            const TfEntry& u = entries[first + j];
            return u.hash == t.hash &&
                   cols[u.side]->values.Same(u.code, cols[t.side]->values, t.code);
          });
          if (slot[at] == 0) slot[at] = static_cast<uint32_t>(k + 1);
          group[k] = slot[at] - 1;
          sum[group[k]] += rows_of[t.side][t.code];
        }
        for (size_t k = 0; k < n; ++k) {
          const TfEntry& t = entries[first + k];
          count_of[t.side][t.code] = sum[group[k]];
        }
      }
    });
    for (int s = 0; s < 2; ++s) {
      if (cols[s] == nullptr) continue;
      FieldColumn& col = *cols[s];
      col.frequency.assign(col.values.size(), 0.0);
      for (size_t c = 1; c < col.frequency.size(); ++c) {
        if (rows_of[s][c] == 0 || total == 0) continue;
        col.frequency[c] = static_cast<double>(count_of[s][c]) / static_cast<double>(total);
      }
    }
  }
}

}  // namespace popreg::link
