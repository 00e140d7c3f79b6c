// Records as columns of normalised features: per field a contiguous array of normalised values
// plus the precomputed keys its comparisons and blocking rules need, so that comparing is a tight
// loop over pairs of indices.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
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

// The strings of a column packed end to end in one array, so that comparing pairs touches one
// contiguous block per field instead of one heap string per value.
class StringColumn {
 public:
  StringColumn() = default;
  // Packs `values` (which is left empty).
  explicit StringColumn(std::vector<std::u32string>&& values);
  std::u32string_view operator[](size_t r) const {
    return {chars_.data() + offset_[r], offset_[r + 1] - offset_[r]};
  }
  size_t size() const { return offset_.empty() ? 0 : offset_.size() - 1; }
  bool empty() const { return size() == 0; }
  // Appends the values of `more` from its value `from` on after these.
  void Append(const StringColumn& more, size_t from = 0);

 private:
  std::vector<char32_t> chars_;
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
  std::vector<std::vector<std::span<const norm::Syllable>>> readings_of;
  // Per row: the relative frequency of the row's value among the non-null values of both sets of
  // a linkage (filled by ComputeTermFrequencies for the fields a job weighs by frequency; empty
  // for the others, which would hold a million zeros each); 0 for null rows.
  std::vector<double> frequency;

  size_t size() const { return code.size(); }
  bool null(RecordIndex r) const { return code[r] == 0; }
  std::u32string_view value(RecordIndex r) const { return values[code[r]]; }
  bool has_number() const { return !numbers.empty(); }
  double number(RecordIndex r) const { return numbers[code[r]]; }
  bool has_pinyin() const { return !pinyins.empty(); }
  std::u32string_view pinyin(RecordIndex r) const { return pinyins[code[r]]; }
  const std::vector<std::span<const norm::Syllable>>& readings(RecordIndex r) const {
    return readings_of[code[r]];
  }
  // frequency[r], or 0 when the field's frequencies were never computed.
  double frequency_of(RecordIndex r) const { return frequency.empty() ? 0.0 : frequency[r]; }
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
