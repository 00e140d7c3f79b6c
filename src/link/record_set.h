// Records as columns of normalised features: per field a contiguous array of normalised values
// plus the precomputed keys its comparisons and blocking rules need, so that comparing is a tight
// loop over pairs of indices.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>
#include <unordered_map>
#include <vector>

#include "base/status.h"
#include "base/text_column.h"
#include "link/types.h"
#include "norm/unihan.h"

namespace popreg {
class ThreadPool;
}  // namespace popreg

namespace popreg::link {

// How a field's raw text becomes a comparable value.
enum class Normalizer {
  kText,      // trimmed, inner spaces collapsed, ASCII lower-cased (NFKC)
  kNameZh,    // Chinese name: canonical simplified characters, pinyin readings (norm/pinyin.h)
  kIdNumber,  // GB 11643 ID: 18 characters; placeholders and damaged numbers are null
  kDate,      // any spelling of the exchange spec; YYYYMMDD, and days for date arithmetic
  kSex,       // M or F
  kDigits,    // the digits only
  kNumber,    // a decimal number
};

// Parses "text", "name_zh", "id_number", "date", "sex", "digits", "number".
Result<Normalizer> ParseNormalizer(std::string_view name);

// FNV-1a (Fowler, Noll and Vo) over the code points of `s`, continued from `h` (kFnvOffset starts
// a hash): `s` is a std::u32string_view or a narrow column's std::string_view, whose bytes are
// code points, so the same characters hash the same from either width.
constexpr uint64_t kFnvOffset = 0xcbf29ce484222325ULL;
constexpr uint64_t kFnvPrime = 0x100000001b3ULL;
template <typename View>
uint64_t HashCodePoints(uint64_t h, View s) {
  for (auto c : s) {
    h ^= static_cast<std::make_unsigned_t<decltype(c)>>(c);
    h *= kFnvPrime;
  }
  return h;
}

// The strings of a column packed end to end in one array, so that comparing pairs touches one
// contiguous block per field instead of one heap string per value. A column whose characters are
// all below U+0100 (ID numbers, dates, pinyin, codes, most generic text) is "narrow": a byte per
// character (the code point), a quarter of four bytes per character; a million ID numbers take
// 18 MB instead of 72. Values are compared by their code points whatever either column's width.
class StringColumn {
 public:
  StringColumn() = default;
  // Packs `values` (which is left empty).
  explicit StringColumn(std::vector<std::u32string>&& values);
  size_t size() const { return offset_.empty() ? 0 : offset_.size() - 1; }
  bool empty() const { return size() == 0; }
  bool narrow() const { return narrow_; }
  // Value r's length in characters.
  size_t length(size_t r) const { return offset_[r + 1] - offset_[r]; }
  // Value r of a narrow column: its code points as bytes.
  std::string_view bytes(size_t r) const {
    return {bytes_.data() + offset_[r], offset_[r + 1] - offset_[r]};
  }
  // Value r of a wide column.
  std::u32string_view chars(size_t r) const {
    return {chars_.data() + offset_[r], offset_[r + 1] - offset_[r]};
  }
  // Value r in UTF-32: a wide column's characters, or a narrow column's widened into `buffer`
  // (the view lives as long as the buffer is not changed).
  std::u32string_view Widen(size_t r, std::u32string* buffer) const;
  // f(value r) with the value as a std::string_view (narrow; bytes are code points, read them
  // as unsigned char) or a std::u32string_view (wide).
  template <typename F>
  decltype(auto) Visit(size_t r, F&& f) const {
    return narrow_ ? f(bytes(r)) : f(chars(r));
  }
  // Whether value r and value s of `other` have the same characters.
  bool Same(size_t r, const StringColumn& other, size_t s) const;
  // A hash of value r's characters (HashCodePoints, then Mix64): equal values of any two columns
  // hash the same.
  uint64_t Hash(size_t r) const;
  // Appends the values of `more` from its value `from` on after these (a narrow column that gets
  // a wide value becomes wide).
  void Append(const StringColumn& more, size_t from = 0);
  // Appends one value: code points, or (AddBytes) code points below U+0100 as bytes. A column
  // built value by value is the one the constructor builds from the same values.
  void Add(std::u32string_view value);
  void AddBytes(std::string_view value);

 private:
  void MakeWide();

  bool narrow_ = true;
  std::string bytes_;             // a narrow column's characters
  std::vector<char32_t> chars_;   // a wide column's
  std::vector<uint64_t> offset_;  // size() + 1 entries
};

// One field of every record of a set. Each distinct raw value is normalised once and held once:
// a row holds the code of its value (0 = null, no value), and the value, its number, pinyin and
// readings are kept per code. A million names of which half repeat, a million birth dates of
// 36,000 days, a sex column of two values take 4 bytes a row instead of the value's characters,
// a heap block of readings and 8-byte offsets for every row.
struct FieldColumn {
  std::string name;
  Normalizer normalizer = Normalizer::kText;
  std::vector<uint32_t> code;  // per row
  // Per code (entry 0 is the null value's: empty).
  StringColumn values;
  // Date fields: days since 1970-01-01; numbers: the value. Empty for other fields.
  std::vector<double> numbers;
  // Chinese names: the primary toneless pinyin ("zhang wei") and, per character, every
  // toneless reading (spans into norm/unihan.h's static tables). Empty for other fields.
  StringColumn pinyins;
  // Per code, its characters' readings: reading_spans[reading_start[c] + k] for character k, from
  // reading_start[c] to reading_start[c + 1] (one array for every code: a vector per name took
  // 88 bytes of a three-character name's 136).
  std::vector<std::span<const norm::Syllable>> reading_spans;
  std::vector<uint32_t> reading_start;
  // Readings that are not norm/'s static tables' (a set decoded from another rank's records,
  // divide.h): the arrays the spans point into.
  std::vector<std::shared_ptr<const std::vector<norm::Syllable>>> reading_store;
  // Per code: the relative frequency of the code's value among the non-null values of both sets
  // of a linkage (filled by ComputeTermFrequencies for the fields a job weighs by frequency; empty
  // for the others); 0 for the null code.
  std::vector<double> frequency;

  size_t size() const { return code.size(); }
  bool null(RecordIndex r) const { return code[r] == 0; }
  // Row r's value in UTF-32, widened into `buffer` when the column is narrow.
  std::u32string_view value(RecordIndex r, std::u32string* buffer) const {
    return values.Widen(code[r], buffer);
  }
  // A copy of row r's value (for tests and messages; the engine reads values in place).
  std::u32string ValueCopy(RecordIndex r) const {
    std::u32string buffer;
    return std::u32string(value(r, &buffer));
  }
  // Row r's value's length in characters.
  size_t length(RecordIndex r) const { return values.length(code[r]); }
  // Whether row r's value and row s's of `other` have the same characters.
  bool Same(RecordIndex r, const FieldColumn& other, RecordIndex s) const {
    return values.Same(code[r], other.values, other.code[s]);
  }
  bool has_number() const { return !numbers.empty(); }
  double number(RecordIndex r) const { return numbers[code[r]]; }
  bool has_pinyin() const { return !pinyins.empty(); }
  std::u32string_view pinyin(RecordIndex r, std::u32string* buffer) const {
    return pinyins.Widen(code[r], buffer);
  }
  bool has_readings() const { return !reading_start.empty(); }
  std::span<const std::span<const norm::Syllable>> readings(RecordIndex r) const {
    const uint32_t c = code[r];
    return {reading_spans.data() + reading_start[c], reading_start[c + 1] - reading_start[c]};
  }
  // The frequency of row r's value, or 0 when the field's frequencies were never computed.
  double frequency_of(RecordIndex r) const { return frequency.empty() ? 0.0 : frequency[code[r]]; }
};

// The records of one input: their ids as given and their fields, all columns the same length.
struct RecordSet {
  std::vector<std::string> ids;  // one per record, or empty: records known by their index
  std::vector<FieldColumn> fields;
  size_t records = 0;
  size_t size() const { return records; }
  // The index of the field named `name`, or -1.
  int FieldIndex(std::string_view name) const;
};

// What to build: the field's name, its normaliser.
struct FieldSpec {
  std::string name;
  Normalizer normalizer = Normalizer::kText;
};

// Normalises raw text columns into a RecordSet. `raw[f]` holds field f's text for every record
// and must have ids.size() entries; `as_of` bounds ID birth dates. Thread-parallel, deterministic.
Result<RecordSet> BuildRecordSet(std::vector<std::string> ids, std::span<const FieldSpec> fields,
                                 const std::vector<std::vector<std::string>>& raw,
                                 std::string_view as_of_iso = "");

// The same for `n` records without ids (a caller that knows its records by their index: a
// million ids as strings are 32 MB), from columns given by pointer, for the records `rows` of them
// (rows[i] is the row of record i; empty = every row, in order), so that a caller normalises part
// of its columns without copying them. A null column is all empty. Rows out of range are an
// InvalidArgument error.
Result<RecordSet> BuildRecordSet(size_t n, std::span<const FieldSpec> fields,
                                 std::span<const TextColumn* const> raw,
                                 std::span<const RecordIndex> rows, std::string_view as_of_iso);
// The same with ids.
Result<RecordSet> BuildRecordSet(std::vector<std::string> ids, std::span<const FieldSpec> fields,
                                 std::span<const TextColumn* const> raw,
                                 std::span<const RecordIndex> rows, std::string_view as_of_iso);

// Appends the records of `more` (same fields, same normalisers: else InvalidArgument and `set`
// unchanged) after those of `set`, leaving `more` empty. Frequencies of the new rows are 0.
Status Append(RecordSet* set, RecordSet&& more);

// Fills FieldColumn::frequency of the fields `fields` of `left` (and `right` when given) from
// the value counts of both sets together; other fields keep frequency 0. Runs on `pool` (null:
// a pool of every core); the result does not depend on it.
void ComputeTermFrequencies(RecordSet* left, RecordSet* right, std::span<const int> fields,
                            ThreadPool* pool = nullptr);

// UTF-32 to UTF-8, for output.
std::string ToUtf8(std::u32string_view s);

}  // namespace popreg::link
