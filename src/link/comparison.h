// Comparison levels: how similar two records are on one field, as a small integer.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "link/record_set.h"
#include "link/types.h"

namespace popreg::link {

// One condition of a comparison, tested in the order the model lists them (most similar first).
struct Condition {
  enum class Kind {
    kExact,              // "exact": the normalised values are equal
    kJaroWinkler,        // "jaro_winkler>=T"
    kJaro,               // "jaro>=T"
    kLevenshtein,        // "levenshtein<=K"
    kDamerau,            // "damerau<=K" (optimal string alignment)
    kPinyin,             // "pinyin": Chinese names read the same (homophones: every character
                         // shares a toneless reading, same length)
    kPinyinJaroWinkler,  // "pinyin_jaro_winkler>=T" on the primary pinyin
    kLookAlike,          // "lookalike": same length, the characters that differ look alike
    kIdTypo,             // "id_typo": ID numbers one substitution or adjacent transposition apart
    kIdBirth,            // "id_birth": ID numbers with the same birth-date part (digits 7-14)
    kDateSwap,           // "date_swap": day and month swapped
    kDateTypo,           // "date_typo": YYYYMMDD one digit apart
    kWithinDays,         // "within_days<=N"
    kSameYear,           // "same_year"
    kAbsDiff,            // "abs_diff<=X": numbers within X
    kPrefix,             // "prefix<=K": one value starts with the other's first K characters
  };
  Kind kind = Kind::kExact;
  double parameter = 0;
  std::string text;  // as written, used as the level's label
};

// Parses one condition as written in a link configuration, e.g. "jaro_winkler>=0.9".
Result<Condition> ParseCondition(std::string_view text);

// A comparison of one field: its conditions, most similar first. Levels: 0 null (either value
// missing), 1 "else" (no condition holds), and conditions[k] is level conditions.size() - k.
struct Comparison {
  std::string name;  // the comparison's name (usually the field's)
  int field = 0;     // index of the field in both record sets
  std::vector<Condition> conditions;
  bool tf = false;  // term-frequency adjustment on the exact level
  // No "else": a pair no condition holds for gets level 0, as if a value were missing, so that
  // only agreement is evidence.
  bool agree_only = false;
  int levels() const { return static_cast<int>(conditions.size()) + 2; }
  // Labels per level: "null", "else", then the conditions from least to most similar.
  std::vector<std::string> LevelLabels() const;
  // The level for records (l, r) of the two sets (the same set when deduplicating).
  Level Compare(const RecordSet& left, RecordIndex l, const RecordSet& right, RecordIndex r) const;
};

// A blocking key of a field: the value or a part of it.
struct KeyPart {
  int field = 0;
  enum class Kind {
    kValue,     // "field": the whole value
    kFirst,     // "field.firstN": the first N characters
    kLast,      // "field.lastN": the last N characters
    kYear,      // "field.year": YYYY of a date (first 4 characters)
    kPinyin,    // "field.pinyin": the primary pinyin of a Chinese name
    kInitials,  // "field.initials": the initials of the primary pinyin
    kSurname,   // "field.surname": the first character
    kIdBirth,   // "field.id_birth": characters 7-14 of an ID number
  } kind = Kind::kValue;
  int n = 0;
};

// Parses "field", "field.first3", "field.year", ... against the fields of `set`.
Result<KeyPart> ParseKeyPart(std::string_view text, const RecordSet& set);

// The 64-bit key of a record for a rule made of `parts` (all must be non-null; 0 means the record
// has no key). Equal keys for equal parts; distinct parts collide with negligible probability.
uint64_t BlockingKey(const RecordSet& set, RecordIndex r, const std::vector<KeyPart>& parts);

}  // namespace popreg::link
