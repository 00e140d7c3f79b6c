// Basic types of the linkage engine, shared by its parts.
#pragma once

#include <cstdint>
#include <vector>

namespace popreg::link {

// The position of a record in its RecordSet (0-based). A linkage holds at most 2^32 - 1 records
// a side.
using RecordIndex = uint32_t;

// A candidate pair. For linking two files, `left` indexes the left set and `right` the right
// set; for deduplicating one file, both index the same set and left < right.
struct Pair {
  RecordIndex left = 0;
  RecordIndex right = 0;
  friend bool operator==(const Pair&, const Pair&) = default;
  friend auto operator<=>(const Pair&, const Pair&) = default;
};

// The comparison level of one field for one pair: 0 is "null" (a value missing on either side:
// no evidence either way), 1..n are the levels of the comparison, highest = most similar by
// convention of the model file (see model.h).
using Level = uint8_t;

// A scored pair: the match weight is the log2 Bayes factor sum plus the prior (Fellegi and Sunter
// 1969), the probability is 1 / (1 + 2^-weight).
struct ScoredPair {
  RecordIndex left = 0;
  RecordIndex right = 0;
  double weight = 0;
  double probability = 0;
};

}  // namespace popreg::link
