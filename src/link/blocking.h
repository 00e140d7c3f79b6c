// Blocking: the candidate pairs of a linkage, from equality of derived keys.
//
// A blocking rule says "compare two records when they agree on these key fields" (the ID number;
// the birth date and the surname's pinyin; ...). The caller computes, per rule, one 64-bit key per
// record (a hash of the rule's key fields, see BlockingKeyFromHash) and GeneratePairs returns
// every pair of records that share a key under at least one rule, each pair once however many
// rules find it. Pairs come out sorted by (left, right), the same whatever the thread count.
//
// RandomPairs and RandomPairStream draw the random pairs that u is estimated from (see model.h).
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "base/env.h"
#include "base/status.h"
#include "link/types.h"

namespace popreg::link {

class Partition;  // partition.h

// The key of a record whose key fields are missing (any of them): such a record is in no block of
// the rule. It is a reserved value: a key computed from present fields must never be 0, which
// BlockingKeyFromHash ensures.
inline constexpr uint64_t kNoKey = 0;

// Turns a 64-bit hash of a record's key fields into a blocking key: the hash itself, except that
// a hash of 0 (which would read as kNoKey) becomes 1. The hash must be computed from the key
// fields only, the same way for both sides of a linkage.
constexpr uint64_t BlockingKeyFromHash(uint64_t hash) { return hash == kNoKey ? 1 : hash; }

// The keys of one blocking rule, one per record (kNoKey for a record without one).
struct BlockingRuleKeys {
  // Shown in the report and in errors, e.g. "birth_date+surname_pinyin".
  std::string name;
  // left[i] is the key of record i of the left set (the only set when deduplicating).
  std::vector<uint64_t> left;
  // right[j] is the key of record j of the right set when linking two sets; empty when
  // deduplicating.
  std::vector<uint64_t> right;
};

struct BlockingOptions {
  // A block (the records of one rule that share one key) that would produce more pairs than this
  // is skipped: none of its pairs are produced by that rule, and the report names it with a
  // warning. This is the cap that stops a rule from exploding on a key everyone shares (a
  // placeholder birth date, the commonest surname). <= 0: no block is skipped.
  int64_t max_block_pairs = 10'000'000;
  // More candidate pairs than this in total is an error (kResourceExhausted) that names the rule
  // whose pairs crossed the cap. <= 0: no cap.
  int64_t max_total_pairs = 2'000'000'000;
  // Threads for the work (ThreadPool semantics: 0 = the hardware concurrency). The output does not
  // depend on it.
  int threads = 0;
  // A run spread over ranks (partition.h), or null: each rank then produces the pairs of the
  // blocks it owns (OwnsBlock), so that every pair comes from exactly one rank, and the report
  // (the pairs per rule and in total included) is the whole run's on every rank. Every rank must
  // call GeneratePairs with the same keys.
  Partition* partition = nullptr;
};

// One block of a rule, as shown in the report.
struct BlockInfo {
  uint64_t key = kNoKey;
  int64_t left_records = 0;
  int64_t right_records = 0;  // equal to left_records when deduplicating
  int64_t pairs = 0;          // left * right when linking, n * (n - 1) / 2 when deduplicating
  friend bool operator==(const BlockInfo&, const BlockInfo&) = default;
};

// What one rule did.
struct RuleReport {
  std::string name;
  // The pairs this rule produced that no earlier rule had produced.
  int64_t pairs = 0;
  // The pairs in this rule's blocks that were not skipped, including those an earlier rule found.
  int64_t raw_pairs = 0;
  // The blocks with at least one pair (skipped ones included).
  int64_t blocks = 0;
  // The (at most) five blocks with the most pairs, largest first (ties: smaller key first).
  std::vector<BlockInfo> largest_blocks;
  // Every block skipped for having more than max_block_pairs pairs, in key order, and the pairs
  // they would have produced.
  std::vector<BlockInfo> skipped_blocks;
  int64_t skipped_pairs = 0;
};

struct BlockingReport {
  std::vector<RuleReport> rules;  // in rule order
  int64_t total_pairs = 0;        // the size of GeneratePairs' output
  // Human-readable warnings (a skipped block, ...), in rule order.
  std::vector<std::string> warnings;
};

// Returns every pair of records that share a key (not kNoKey) under at least one rule, each pair
// once, sorted by (left, right).
//
// Linking (dedupe = false): a pair is (left record, right record); every rule's `left` must have
// the same size (the left set's), every rule's `right` the same size (the right set's).
// Deduplicating (dedupe = true): a pair is (i, j) with i < j in the one set; every rule's `left`
// has the set's size and its `right` is empty.
//
// Each pair is attributed to the first rule that finds it: rule k produces a pair only if no
// earlier rule j < k has it in one of its (not skipped) blocks. This is checked from the blocks
// themselves (Splink's way: "and not (an earlier rule's condition)"), so no set of pairs is kept:
// memory is the output plus, per rule k, k + 4 32-bit words per record. Time is O(records *
// rules^2 + candidate pairs * rules), the radix sort of the keys included.
//
// Errors: kInvalidArgument when the key vectors' sizes disagree, a set holds more than 2^32 - 1
// records or options.threads < 0; kResourceExhausted when the pairs exceed options.max_total_pairs,
// naming the first rule (in rule order) at which the running total of new pairs crosses the cap; in
// that case no pairs are generated. Blocks over options.max_block_pairs are skipped with a warning
// (not an error). `report` may be null; when not null it is overwritten, also on error (with what
// was known: the block statistics and, for a cap error, the pairs per rule).
//
// Callable from any thread; it runs its own ThreadPool of options.threads threads.
Result<std::vector<Pair>> GeneratePairs(std::span<const BlockingRuleKeys> rules, bool dedupe,
                                        const BlockingOptions& options, BlockingReport* report);

// Takes candidate pairs chunk by chunk from StreamPairs.
class PairSink {
 public:
  virtual ~PairSink() = default;
  // Called once, before any Take, with the number of chunks.
  virtual void Start(size_t chunks) = 0;
  // Chunk `index`'s pairs: GeneratePairs' output is chunk 0's pairs, then chunk 1's, and so on.
  // Called once for every chunk (empty ones too), from the run's threads, concurrently for
  // different chunks; the pairs are gone when it returns.
  virtual void Take(size_t index, std::span<const Pair> pairs) = 0;
};

// GeneratePairs without holding the pairs: each chunk of left records' pairs goes to `sink` as
// soon as it is made and is then freed, so memory is the blocking plan's and the sink's whatever
// the number of pairs. The same pairs, report and errors as GeneratePairs (on a cap error no
// chunk is taken).
Status StreamPairs(std::span<const BlockingRuleKeys> rules, bool dedupe,
                   const BlockingOptions& options, BlockingReport* report, PairSink& sink);

// The finaliser of SplitMix64 (Steele, Lea and Flood 2014): a bijection on 64-bit integers that
// spreads every input bit over the output, for hashing pair codes and blocking keys.
uint64_t Mix64(uint64_t x);

// Returns min(count, number of possible pairs) distinct pairs drawn uniformly at random without
// replacement, sorted by (left, right): pairs of (left record, right record) when linking sets of
// left_n and right_n records, pairs (i, j) with i < j < left_n when deduplicating (right_n is then
// ignored). The same arguments give the same pairs on every platform (base/env.h's Rng). Requires
// left_n and right_n <= 2^32 - 1. Memory O(count); time O(count log count), or O(possible pairs)
// when count is more than a quarter of them.
std::vector<Pair> RandomPairs(size_t left_n, size_t right_n, bool dedupe, size_t count,
                              uint64_t seed);

// Random pairs drawn a few at a time: a stream of distinct pairs, each call to Next continuing
// where the last one stopped, so that the pairs of the first k calls are a uniform sample without
// replacement of all pairs (of the size they add up to) and do not depend on what is asked later.
// Pairs are as for RandomPairs (left, right) when linking, (i, j) with i < j when deduplicating,
// but in the order they were drawn, not sorted. Deterministic for a seed on every platform.
//
// Pairs are drawn uniformly and a pair drawn before is drawn again (rejection), which costs
// about possible * ln(possible / (possible - drawn)) draws for `drawn` distinct pairs: cheap for
// a share of the pairs, O(possible log possible) for all of them (enumerate them instead, as
// RandomPairs does when asked for more than a quarter). Memory: 16 bytes per pair drawn.
// Requires left_n and right_n <= 2^32 - 1. Not thread-safe.
class RandomPairStream {
 public:
  RandomPairStream(size_t left_n, size_t right_n, bool dedupe, uint64_t seed);

  // The number of distinct pairs of the two sets (n (n - 1) / 2 when deduplicating).
  uint64_t possible() const { return possible_; }
  // The pairs drawn so far.
  uint64_t drawn() const { return drawn_; }
  // The next min(count, possible() - drawn()) pairs of the stream.
  std::vector<Pair> Next(size_t count);

 private:
  // Adds `code` to the set of drawn pairs; false if it was there.
  bool Insert(uint64_t code);

  uint64_t n_, width_, possible_;
  bool dedupe_;
  Rng rng_;
  uint64_t drawn_ = 0;
  // Open addressing with linear probing; a slot holds code + 1, 0 when empty; at most half full.
  std::vector<uint64_t> slots_;
};

}  // namespace popreg::link
