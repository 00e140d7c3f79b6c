#include "link/blocking.h"

#include <fmt/format.h>

#include <algorithm>
#include <cassert>
#include <limits>
#include <utility>

#include "base/chunks.h"
#include "base/env.h"
#include "base/thread_pool.h"
#include "link/partition.h"
#include "link/wire.h"

namespace popreg::link {
namespace {

constexpr int64_t kInt64Max = std::numeric_limits<int64_t>::max();
constexpr size_t kMaxRecords = std::numeric_limits<RecordIndex>::max();
// Left records per chunk of pair generation. The output does not depend on it (it is sorted).
constexpr int64_t kGenerateGrain = 1024;
// Below this many keys a comparison sort beats the radix sort's fixed cost.
constexpr size_t kRadixMinSize = 4096;
// A linkage's left side with this many times the right's records is filtered to the keys the
// right has before it is sorted (SortedKeysIn); the filter's probes cost more than they save
// when the sides are alike.
constexpr size_t kFilterRatio = 8;
// Warnings listed one by one per rule; more skipped blocks are summarised in one line.
constexpr size_t kMaxWarningsPerRule = 10;
constexpr size_t kLargestBlocks = 5;

// How many left records ahead pair generation prefetches the candidates of.
constexpr int64_t kPrefetchDistance = 8;

int64_t SaturatingMul(int64_t a, int64_t b) {
  if (a == 0 || b == 0) return 0;
  return a > kInt64Max / b ? kInt64Max : a * b;
}

int64_t SaturatingAdd(int64_t a, int64_t b) { return a > kInt64Max - b ? kInt64Max : a + b; }

struct KeyIndex {
  uint64_t key;
  RecordIndex index;
};

// Sorts records' keys, given in index order, by (key, index). An LSD radix sort on 11-bit digits
// (six passes; 2048 buckets keep the scatter's write positions in cache): it is stable and the
// input is in index order, so equal keys stay in index order. Passes whose digit is the same for
// every key are skipped (small integer keys cost one or two passes).
void SortKeys(std::vector<KeyIndex>& a) {
  if (a.size() < kRadixMinSize) {
    std::sort(a.begin(), a.end(), [](const KeyIndex& x, const KeyIndex& y) {
      return x.key != y.key ? x.key < y.key : x.index < y.index;
    });
    return;
  }
  constexpr int kBits = 11;
  constexpr int kDigits = (64 + kBits - 1) / kBits;
  constexpr size_t kBuckets = size_t{1} << kBits;
  constexpr uint64_t kMask = kBuckets - 1;
  std::vector<size_t> counts(kDigits * kBuckets, 0);
  for (const KeyIndex& e : a) {
    for (int d = 0; d < kDigits; ++d) ++counts[d * kBuckets + ((e.key >> (kBits * d)) & kMask)];
  }
  std::vector<KeyIndex> b(a.size());
  for (int d = 0; d < kDigits; ++d) {
    size_t* count = &counts[d * kBuckets];
    const int shift = kBits * d;
    if (count[(a[0].key >> shift) & kMask] == a.size()) continue;  // one digit value: no-op
    size_t offset = 0;
    for (size_t v = 0; v < kBuckets; ++v) offset += std::exchange(count[v], offset);
    for (const KeyIndex& e : a) b[count[(e.key >> shift) & kMask]++] = e;
    a.swap(b);
  }
}

// The records that have a key, sorted by (key, index).
std::vector<KeyIndex> SortedKeys(std::span<const uint64_t> keys) {
  std::vector<KeyIndex> a;
  a.reserve(keys.size());
  for (size_t i = 0; i < keys.size(); ++i) {
    if (keys[i] != kNoKey) a.push_back({keys[i], static_cast<RecordIndex>(i)});
  }
  SortKeys(a);
  return a;
}

// SortedKeys of the records of `keys` whose key is one of `wanted`'s (sorted, as SortedKeys
// makes them). A linkage of a small list to a large register needs the register's records of
// the few keys the list has: they are found through a hash set of those keys, which stays in
// the cache, and only they are sorted, where sorting all the register's keys took 50 ms a rule.
std::vector<KeyIndex> SortedKeysIn(std::span<const uint64_t> keys,
                                   const std::vector<KeyIndex>& wanted) {
  size_t size = 16;
  while (size < 2 * wanted.size()) size *= 2;
  // Open addressing with linear probing; kNoKey (0) marks an empty slot, and no wanted key is 0.
  std::vector<uint64_t> set(size, kNoKey);
  for (const KeyIndex& w : wanted) {
    size_t i = Mix64(w.key) & (size - 1);
    while (set[i] != kNoKey && set[i] != w.key) i = (i + 1) & (size - 1);
    set[i] = w.key;
  }
  std::vector<KeyIndex> a;
  for (size_t r = 0; r < keys.size(); ++r) {
    if (keys[r] == kNoKey) continue;
    size_t i = Mix64(keys[r]) & (size - 1);
    while (set[i] != kNoKey && set[i] != keys[r]) i = (i + 1) & (size - 1);
    if (set[i] == keys[r]) a.push_back({keys[r], static_cast<RecordIndex>(r)});
  }
  SortKeys(a);
  return a;
}

// Candidate positions [begin, end) in a rule's `order`.
struct Range {
  uint32_t begin = 0;
  uint32_t end = 0;
};

// The id of a record's block under a rule: the position in the rule's `order` where the block
// starts (< 2^32 - 1), or kNoBlock.
constexpr uint32_t kNoBlock = std::numeric_limits<uint32_t>::max();

// What GeneratePairs needs to know about one rule after grouping its records by key.
struct RulePlan {
  // The records of the other side (the right set, or the one set when deduplicating) that have a
  // key, in (key, index) order.
  std::vector<RecordIndex> order;
  // Per left record, its candidates in `order`: the right block of its key when linking, the
  // records after it in its block when deduplicating. Empty for no key or a skipped block.
  std::vector<Range> candidates;
  // Per left record, the id of the block it produces pairs in; kNoBlock when it has no key, no
  // partner, or its block was skipped. A pair (i, j) is in this rule's output (before removing
  // what earlier rules found) exactly when left_block[i] == other_block[j] != kNoBlock.
  std::vector<uint32_t> left_block;
  // Per record of the other side, the id of its key's block; kNoBlock when it has no key. Freed
  // once `rows` of the later rules are built.
  std::vector<uint32_t> other_block;
  // What the pair generation reads, for rule k: one row of k + 1 words per position p of `order`:
  // rows[p * (k + 1)] is order[p], and rows[p * (k + 1) + 1 + e] (e < k) is rule e's other_block
  // of that record. The earlier rules' blocks sit beside the candidate, so that checking whether
  // an earlier rule found a pair costs no memory access beyond the one that reads the candidate.
  // Replaces `order` once built.
  std::vector<uint32_t> rows;
  RuleReport report;
};

// The order of RuleReport::largest_blocks.
bool Larger(const BlockInfo& x, const BlockInfo& y) {
  return x.pairs != y.pairs ? x.pairs > y.pairs : x.key < y.key;
}

// Adds a block to the report's statistics, and returns whether it is skipped.
bool CountBlock(const BlockInfo& block, int64_t max_block_pairs, RuleReport& report) {
  if (block.pairs == 0) return false;
  ++report.blocks;
  std::vector<BlockInfo>& top = report.largest_blocks;
  if (top.size() < kLargestBlocks || Larger(block, top.back())) {
    top.insert(std::upper_bound(top.begin(), top.end(), block, Larger), block);
    if (top.size() > kLargestBlocks) top.pop_back();
  }
  if (max_block_pairs > 0 && block.pairs > max_block_pairs) {
    report.skipped_blocks.push_back(block);
    report.skipped_pairs = SaturatingAdd(report.skipped_pairs, block.pairs);
    return true;
  }
  report.raw_pairs = SaturatingAdd(report.raw_pairs, block.pairs);
  return false;
}

// A block of a spread run that another rank owns keeps its left_block (later rules must not
// produce its pairs again) but has no candidates here, and only its owner reports it: a rank may
// hold part of it only (RunLink on divided records), so whether it is skipped is its owner's word
// (MergeReports).
RulePlan PlanDedupe(const BlockingRuleKeys& rule, int64_t max_block_pairs,
                    const Partition* partition) {
  RulePlan plan;
  plan.report.name = rule.name;
  plan.candidates.resize(rule.left.size());
  plan.left_block.assign(rule.left.size(), kNoBlock);
  plan.other_block.assign(rule.left.size(), kNoBlock);
  const std::vector<KeyIndex> sorted = SortedKeys(rule.left);
  plan.order.resize(sorted.size());
  for (size_t p = 0; p < sorted.size(); ++p) plan.order[p] = sorted[p].index;
  for (size_t begin = 0, end = 0; begin < sorted.size(); begin = end) {
    while (end < sorted.size() && sorted[end].key == sorted[begin].key) ++end;
    const auto id = static_cast<uint32_t>(begin);
    for (size_t p = begin; p < end; ++p) plan.other_block[sorted[p].index] = id;
    const auto m = static_cast<int64_t>(end - begin);
    const BlockInfo block{sorted[begin].key, m, m, SaturatingMul(m, m - 1) / 2};
    if (m < 2) continue;
    const bool owned = OwnsBlock(partition, block.key);
    if (owned && CountBlock(block, max_block_pairs, plan.report)) continue;
    for (size_t p = begin; p < end; ++p) {
      if (owned) {
        plan.candidates[sorted[p].index] = {static_cast<uint32_t>(p + 1),
                                            static_cast<uint32_t>(end)};
      }
      plan.left_block[sorted[p].index] = id;
    }
  }
  return plan;
}

RulePlan PlanLink(const BlockingRuleKeys& rule, int64_t max_block_pairs,
                  const Partition* partition) {
  RulePlan plan;
  plan.report.name = rule.name;
  plan.candidates.resize(rule.left.size());
  plan.left_block.assign(rule.left.size(), kNoBlock);
  plan.other_block.assign(rule.right.size(), kNoBlock);
  const std::vector<KeyIndex> right = SortedKeys(rule.right);
  // The left records whose key no right record has are in no block: a left side much larger
  // than the right is filtered to those that are before it is sorted (the same blocks).
  const std::vector<KeyIndex> left = rule.right.size() * kFilterRatio < rule.left.size()
                                         ? SortedKeysIn(rule.left, right)
                                         : SortedKeys(rule.left);
  plan.order.resize(right.size());
  for (size_t begin = 0, end = 0; begin < right.size(); begin = end) {
    while (end < right.size() && right[end].key == right[begin].key) ++end;
    for (size_t p = begin; p < end; ++p) {
      plan.order[p] = right[p].index;
      plan.other_block[right[p].index] = static_cast<uint32_t>(begin);
    }
  }
  size_t lb = 0;
  size_t rb = 0;
  while (lb < left.size() && rb < right.size()) {
    const uint64_t key = left[lb].key;
    if (right[rb].key < key) {
      ++rb;
      continue;
    }
    size_t le = lb;
    while (le < left.size() && left[le].key == key) ++le;
    if (right[rb].key > key) {
      lb = le;
      continue;
    }
    size_t re = rb;
    while (re < right.size() && right[re].key == key) ++re;
    const auto nl = static_cast<int64_t>(le - lb);
    const auto nr = static_cast<int64_t>(re - rb);
    const BlockInfo block{key, nl, nr, SaturatingMul(nl, nr)};
    const bool owned = OwnsBlock(partition, key);
    if (!owned || !CountBlock(block, max_block_pairs, plan.report)) {
      for (size_t p = lb; p < le; ++p) {
        if (owned) {
          plan.candidates[left[p].index] = {static_cast<uint32_t>(rb), static_cast<uint32_t>(re)};
        }
        plan.left_block[left[p].index] = static_cast<uint32_t>(rb);
      }
    }
    lb = le;
    rb = re;
  }
  return plan;
}

// A spread run's rule reports, each rank's of the blocks it owns, made the whole run's on every
// rank: the counts summed, the largest and the skipped blocks put together (every block is in
// one rank's report). Then the records of blocks another rank owns and skipped lose their
// left_block, as the owner's did.
void MergeReports(std::span<RulePlan> plans, std::span<const BlockingRuleKeys> rules,
                  Partition& partition) {
  std::string mine;
  for (const RulePlan& plan : plans) {
    const RuleReport& r = plan.report;
    const int64_t counts[3] = {r.blocks, r.raw_pairs, r.skipped_pairs};
    Put(mine, counts, 3);
    PutVector<BlockInfo>(mine, r.largest_blocks);
    PutVector<BlockInfo>(mine, r.skipped_blocks);
  }
  const std::vector<std::string> all = partition.Gather(mine);
  std::vector<WireReader> readers(all.begin(), all.end());
  for (size_t k = 0; k < plans.size(); ++k) {
    RuleReport& r = plans[k].report;
    r.blocks = r.raw_pairs = r.skipped_pairs = 0;
    r.largest_blocks.clear();
    r.skipped_blocks.clear();
    for (WireReader& in : readers) {
      int64_t counts[3];
      in.Many(counts, 3);
      r.blocks += counts[0];
      r.raw_pairs = SaturatingAdd(r.raw_pairs, counts[1]);
      r.skipped_pairs = SaturatingAdd(r.skipped_pairs, counts[2]);
      const std::vector<BlockInfo> largest = in.Vector<BlockInfo>();
      r.largest_blocks.insert(r.largest_blocks.end(), largest.begin(), largest.end());
      const std::vector<BlockInfo> skipped = in.Vector<BlockInfo>();
      r.skipped_blocks.insert(r.skipped_blocks.end(), skipped.begin(), skipped.end());
    }
    std::sort(r.largest_blocks.begin(), r.largest_blocks.end(), Larger);
    if (r.largest_blocks.size() > kLargestBlocks) r.largest_blocks.resize(kLargestBlocks);
    std::sort(r.skipped_blocks.begin(), r.skipped_blocks.end(),
              [](const BlockInfo& x, const BlockInfo& y) { return x.key < y.key; });
    if (r.skipped_blocks.empty()) continue;
    std::vector<uint64_t> skipped;
    for (const BlockInfo& b : r.skipped_blocks) skipped.push_back(b.key);
    const std::vector<uint64_t>& keys = rules[k].left;
    for (size_t i = 0; i < keys.size(); ++i) {
      if (plans[k].left_block[i] != kNoBlock &&
          std::binary_search(skipped.begin(), skipped.end(), keys[i])) {
        plans[k].left_block[i] = kNoBlock;
      }
    }
  }
}

// Builds plans[k].rows from its order and the other_block of the rules before k.
void LayOutRows(std::span<RulePlan> plans, size_t k) {
  RulePlan& plan = plans[k];
  if (k == 0) {
    plan.rows = std::move(plan.order);
  } else {
    const size_t stride = k + 1;
    plan.rows.resize(plan.order.size() * stride);
    for (size_t p = 0; p < plan.order.size(); ++p) {
      uint32_t* row = &plan.rows[p * stride];
      row[0] = plan.order[p];
      for (size_t e = 0; e < k; ++e) row[1 + e] = plans[e].other_block[plan.order[p]];
    }
  }
}

Status CheckArguments(std::span<const BlockingRuleKeys> rules, bool dedupe,
                      const BlockingOptions& options) {
  if (options.threads < 0) {
    return InvalidArgument(
        fmt::format("blocking: threads = {}, must be 0 or more", options.threads));
  }
  const size_t left_n = rules[0].left.size();
  const size_t right_n = rules[0].right.size();
  if (left_n > kMaxRecords || right_n > kMaxRecords) {
    return InvalidArgument(fmt::format("blocking: more than {} records in a set", kMaxRecords));
  }
  for (const BlockingRuleKeys& rule : rules) {
    if (rule.left.size() != left_n || rule.right.size() != right_n) {
      return InvalidArgument(fmt::format(
          "blocking rule '{}' has keys for {} left and {} right records, rule '{}' for {} and {}",
          rule.name, rule.left.size(), rule.right.size(), rules[0].name, left_n, right_n));
    }
    if (dedupe && !rule.right.empty()) {
      return InvalidArgument(fmt::format(
          "blocking rule '{}' has right keys but the linkage is a deduplication", rule.name));
    }
  }
  return Status::Ok();
}

void AddWarnings(const RuleReport& rule, int64_t max_block_pairs,
                 std::vector<std::string>& warnings) {
  for (size_t b = 0; b < rule.skipped_blocks.size() && b < kMaxWarningsPerRule; ++b) {
    const BlockInfo& block = rule.skipped_blocks[b];
    warnings.push_back(fmt::format(
        "blocking rule '{}': skipped the block with key {:#018x} ({} x {} records, {} pairs, "
        "over max_block_pairs = {})",
        rule.name, block.key, block.left_records, block.right_records, block.pairs,
        max_block_pairs));
  }
  if (rule.skipped_blocks.size() > kMaxWarningsPerRule) {
    warnings.push_back(fmt::format("blocking rule '{}': skipped {} more blocks over {}", rule.name,
                                   rule.skipped_blocks.size() - kMaxWarningsPerRule,
                                   max_block_pairs));
  }
}

// The pairs of one chunk of left records, and how many each rule contributed.
struct ChunkPairs {
  std::vector<Pair> pairs;
  std::vector<int64_t> per_rule;
};

// Sorts pairs[begin, run_ends.back()), made of sorted runs ending at run_ends, by merging each run
// into the ones before it through `scratch` (reused, so no allocation once it is big enough).
void MergeRuns(std::vector<Pair>& pairs, size_t begin, std::span<const size_t> run_ends,
               std::vector<Pair>& scratch) {
  for (size_t r = 1; r < run_ends.size(); ++r) {
    const auto first = pairs.begin() + static_cast<std::ptrdiff_t>(begin);
    const auto middle = pairs.begin() + static_cast<std::ptrdiff_t>(run_ends[r - 1]);
    const auto last = pairs.begin() + static_cast<std::ptrdiff_t>(run_ends[r]);
    scratch.resize(static_cast<size_t>(last - first));
    std::merge(first, middle, middle, last, scratch.begin());
    std::copy(scratch.begin(), scratch.end(), first);
  }
}

// Produces (or, when !emit, only counts) the new pairs of the left records [begin, end).
ChunkPairs ChunkWork(std::span<const RulePlan> plans, int64_t begin, int64_t end, bool emit) {
  const size_t k_rules = plans.size();
  ChunkPairs out;
  out.per_rule.assign(k_rules, 0);
  if (emit) {
    size_t upper = 0;
    for (int64_t i = begin; i < end; ++i) {
      for (const RulePlan& plan : plans) {
        const Range r = plan.candidates[static_cast<size_t>(i)];
        upper += r.end - r.begin;
      }
    }
    out.pairs.reserve(upper);
  }
  // The rules under which the current left record is in a block, with the block's id.
  struct Active {
    size_t rule;
    uint32_t block;
  };
  std::vector<Active> active;
  active.reserve(k_rules);
  std::vector<size_t> run_ends;  // where each rule's pairs for the current record end
  run_ends.reserve(k_rules);
  std::vector<Pair> scratch;
  for (int64_t i = begin; i < end; ++i) {
    const auto li = static_cast<size_t>(i);
    const auto left = static_cast<RecordIndex>(i);
    // Each record's blocks are at random places: ask for a later record's rows now.
    if (i + kPrefetchDistance < end) {
      const auto ahead = static_cast<size_t>(i + kPrefetchDistance);
      for (size_t k = 0; k < k_rules; ++k) {
        const Range r = plans[k].candidates[ahead];
        if (r.begin != r.end) __builtin_prefetch(&plans[k].rows[size_t{r.begin} * (k + 1)]);
      }
    }
    active.clear();
    for (size_t k = 0; k < k_rules; ++k) {
      if (plans[k].left_block[li] != kNoBlock) active.push_back({k, plans[k].left_block[li]});
    }
    const size_t segment = out.pairs.size();
    run_ends.clear();
    size_t earlier_rules = 0;  // active[0, earlier_rules) are the active rules before k
    for (size_t k = 0; k < k_rules; ++k) {
      while (earlier_rules < active.size() && active[earlier_rules].rule < k) ++earlier_rules;
      const Range r = plans[k].candidates[li];
      if (r.begin == r.end) continue;
      const size_t stride = k + 1;
      const uint32_t* rows = plans[k].rows.data();
      int64_t added = 0;
      if (earlier_rules == 0) {
        added = r.end - r.begin;
        if (emit) {
          for (uint32_t p = r.begin; p < r.end; ++p) out.pairs.push_back({left, rows[p * stride]});
        }
      } else {
        for (uint32_t p = r.begin; p < r.end; ++p) {
          const uint32_t* row = rows + static_cast<size_t>(p) * stride;
          bool found = false;
          for (size_t a = 0; a < earlier_rules; ++a) {
            if (row[1 + active[a].rule] == active[a].block) {
              found = true;
              break;
            }
          }
          if (found) continue;
          if (emit) out.pairs.push_back({left, row[0]});
          ++added;
        }
      }
      out.per_rule[k] += added;
      if (added > 0) run_ends.push_back(emit ? out.pairs.size() : 0);
    }
    // Each rule's candidates are in index order; merge the runs of several rules.
    if (emit && run_ends.size() > 1) MergeRuns(out.pairs, segment, run_ends, scratch);
  }
  return out;
}

}  // namespace

uint64_t Mix64(uint64_t x) {
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

Result<std::vector<Pair>> GeneratePairs(std::span<const BlockingRuleKeys> rules, bool dedupe,
                                        const BlockingOptions& options, BlockingReport* report) {
  // Every chunk's pairs kept, then joined in chunk order.
  class Collect : public PairSink {
   public:
    void Start(size_t chunks) override { chunks_.resize(chunks); }
    void Take(size_t index, std::span<const Pair> pairs) override {
      chunks_[index].assign(pairs.begin(), pairs.end());
    }
    std::vector<Pair> Join() { return JoinChunks(chunks_); }

   private:
    std::vector<std::vector<Pair>> chunks_;
  } collect;
  RETURN_IF_ERROR(StreamPairs(rules, dedupe, options, report, collect));
  return collect.Join();
}

Status StreamPairs(std::span<const BlockingRuleKeys> rules, bool dedupe,
                   const BlockingOptions& options, BlockingReport* report, PairSink& sink) {
  BlockingReport local_report;
  BlockingReport& rep = report != nullptr ? *report : local_report;
  rep = BlockingReport();
  if (rules.empty()) {
    sink.Start(0);
    return Status::Ok();
  }
  RETURN_IF_ERROR(CheckArguments(rules, dedupe, options));

  ThreadPool pool(options.threads);
  const size_t k_rules = rules.size();
  std::vector<RulePlan> plans(k_rules);
  pool.ParallelFor(static_cast<int64_t>(k_rules), 1, [&](int64_t b, int64_t e) {
    for (int64_t k = b; k < e; ++k) {
      const BlockingRuleKeys& rule = rules[static_cast<size_t>(k)];
      plans[static_cast<size_t>(k)] =
          dedupe ? PlanDedupe(rule, options.max_block_pairs, options.partition)
                 : PlanLink(rule, options.max_block_pairs, options.partition);
    }
  });
  if (options.partition != nullptr && options.partition->size() > 1) {
    MergeReports(plans, rules, *options.partition);
  }
  pool.ParallelFor(static_cast<int64_t>(k_rules), 1, [&](int64_t b, int64_t e) {
    for (int64_t k = b; k < e; ++k) LayOutRows(plans, static_cast<size_t>(k));
  });
  for (RulePlan& plan : plans) {
    std::vector<uint32_t>().swap(plan.other_block);
    std::vector<RecordIndex>().swap(plan.order);
  }
  int64_t raw_total = 0;
  for (const RulePlan& plan : plans) {
    raw_total = SaturatingAdd(raw_total, plan.report.raw_pairs);
    AddWarnings(plan.report, options.max_block_pairs, rep.warnings);
  }
  auto fill_report = [&](const std::vector<int64_t>& per_rule) {
    rep.rules.clear();
    rep.total_pairs = 0;
    for (size_t k = 0; k < k_rules; ++k) {
      rep.rules.push_back(plans[k].report);
      rep.rules.back().pairs = per_rule[k];
      rep.total_pairs += per_rule[k];
    }
  };
  const auto left_n = static_cast<int64_t>(rules[0].left.size());
  const std::span<const RulePlan> plan_span(plans);
  std::vector<int64_t> per_rule(k_rules, 0);

  // The raw pairs bound the new ones; only when they exceed the cap are the new ones counted
  // exactly first, so that nothing is generated when the cap is crossed.
  if (options.max_total_pairs > 0 && raw_total > options.max_total_pairs) {
    const std::vector<ChunkPairs> counts = pool.ParallelChunks<ChunkPairs>(
        left_n, kGenerateGrain,
        [&](int64_t b, int64_t e) { return ChunkWork(plan_span, b, e, /*emit=*/false); });
    for (const ChunkPairs& c : counts) {
      for (size_t k = 0; k < k_rules; ++k) per_rule[k] += c.per_rule[k];
    }
    if (options.partition != nullptr) options.partition->Sum(per_rule);
    fill_report(per_rule);
    int64_t running = 0;
    for (size_t k = 0; k < k_rules; ++k) {
      running += per_rule[k];
      if (running > options.max_total_pairs) {
        return ResourceExhausted(fmt::format(
            "blocking rule '{}' brings the candidate pairs to {}, over max_total_pairs = {}",
            rules[k].name, running, options.max_total_pairs));
      }
    }
    std::fill(per_rule.begin(), per_rule.end(), 0);
  }

  // Each chunk's pairs go to the sink from the thread that made them; only the counts stay.
  std::vector<std::vector<int64_t>> chunk_counts(
      static_cast<size_t>(ThreadPool::ChunkCount(left_n, kGenerateGrain)));
  sink.Start(chunk_counts.size());
  pool.ParallelFor(left_n, kGenerateGrain, [&](int64_t b, int64_t e) {
    ChunkPairs c = ChunkWork(plan_span, b, e, /*emit=*/true);
    const auto index = static_cast<size_t>(b / kGenerateGrain);
    sink.Take(index, c.pairs);
    chunk_counts[index] = std::move(c.per_rule);
  });
  for (const std::vector<int64_t>& c : chunk_counts) {
    for (size_t k = 0; k < k_rules; ++k) per_rule[k] += c[k];
  }
  if (options.partition != nullptr) options.partition->Sum(per_rule);
  fill_report(per_rule);
  return Status::Ok();
}

std::vector<Pair> RandomPairs(size_t left_n, size_t right_n, bool dedupe, size_t count,
                              uint64_t seed) {
  assert(left_n <= kMaxRecords && right_n <= kMaxRecords);
  const uint64_t n = left_n;
  // Pairs are coded as left * width + right, so that code order is (left, right) order.
  const uint64_t width = dedupe ? n : right_n;
  const uint64_t possible = dedupe ? (n < 2 ? 0 : n * (n - 1) / 2) : n * right_n;
  std::vector<Pair> out;
  if (possible == 0 || count == 0) return out;
  Rng rng(seed);
  const uint64_t want = std::min<uint64_t>(count, possible);
  out.reserve(want);

  if (want > possible / 4) {
    // Dense: selection sampling over all pairs in order (Knuth, TAOCP vol. 2, 3.4.2, Algorithm S).
    uint64_t seen = 0;
    auto visit = [&](uint64_t l, uint64_t r) {
      if (rng.Uniform(possible - seen) < want - out.size()) {
        out.push_back({static_cast<RecordIndex>(l), static_cast<RecordIndex>(r)});
      }
      ++seen;
    };
    for (uint64_t l = 0; l < n && out.size() < want; ++l) {
      for (uint64_t r = dedupe ? l + 1 : 0; r < width && out.size() < want; ++r) visit(l, r);
    }
    return out;
  }

  // Sparse: draw pairs independently until `want` distinct ones have been seen. Each round draws
  // exactly the shortfall, so the result is the first `want` distinct pairs of an i.i.d. stream:
  // a uniform sample without replacement.
  std::vector<uint64_t> codes;
  codes.reserve(want);
  while (codes.size() < want) {
    for (uint64_t need = want - codes.size(); need > 0;) {
      if (dedupe) {
        const uint64_t v = rng.Uniform(n * n);
        uint64_t a = v / n;
        uint64_t b = v % n;
        if (a == b) continue;
        if (a > b) std::swap(a, b);  // each unordered pair comes from two ordered ones
        codes.push_back(a * width + b);
      } else {
        codes.push_back(rng.Uniform(possible));
      }
      --need;
    }
    std::sort(codes.begin(), codes.end());
    codes.erase(std::unique(codes.begin(), codes.end()), codes.end());
  }
  for (const uint64_t code : codes) {
    out.push_back({static_cast<RecordIndex>(code / width), static_cast<RecordIndex>(code % width)});
  }
  return out;
}

RandomPairStream::RandomPairStream(size_t left_n, size_t right_n, bool dedupe, uint64_t seed)
    : n_(left_n),
      width_(dedupe ? left_n : right_n),
      possible_(dedupe ? (left_n < 2 ? 0 : uint64_t{left_n} * (left_n - 1) / 2)
                       : uint64_t{left_n} * right_n),
      dedupe_(dedupe),
      rng_(seed) {
  assert(left_n <= kMaxRecords && right_n <= kMaxRecords);
}

bool RandomPairStream::Insert(uint64_t code) {
  if (2 * (drawn_ + 1) > slots_.size()) {
    // Grow to keep the table at most half full.
    std::vector<uint64_t> old = std::move(slots_);
    slots_.assign(std::max<size_t>(1024, 2 * old.size()), 0);
    for (const uint64_t slot : old) {
      if (slot == 0) continue;
      size_t i = Mix64(slot - 1) & (slots_.size() - 1);
      while (slots_[i] != 0) i = (i + 1) & (slots_.size() - 1);
      slots_[i] = slot;
    }
  }
  size_t i = Mix64(code) & (slots_.size() - 1);
  while (slots_[i] != 0) {
    if (slots_[i] == code + 1) return false;
    i = (i + 1) & (slots_.size() - 1);
  }
  slots_[i] = code + 1;
  ++drawn_;
  return true;
}

std::vector<Pair> RandomPairStream::Next(size_t count) {
  std::vector<Pair> out;
  const uint64_t want = std::min<uint64_t>(count, possible_ - drawn_);
  out.reserve(want);
  while (out.size() < want) {
    uint64_t a, b;
    if (dedupe_) {
      const uint64_t v = rng_.Uniform(n_ * n_);
      a = v / n_;
      b = v % n_;
      if (a == b) continue;
      if (a > b) std::swap(a, b);  // each unordered pair comes from two ordered ones
    } else {
      const uint64_t v = rng_.Uniform(possible_);
      a = v / width_;
      b = v % width_;
    }
    if (Insert(a * width_ + b)) {
      out.push_back({static_cast<RecordIndex>(a), static_cast<RecordIndex>(b)});
    }
  }
  return out;
}

}  // namespace popreg::link
