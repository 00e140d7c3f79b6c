#include "link/blocking.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include "base/env.h"

namespace popreg::link {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

BlockingRuleKeys Rule(std::string name, std::vector<uint64_t> left,
                      std::vector<uint64_t> right = {}) {
  return {std::move(name), std::move(left), std::move(right)};
}

std::vector<Pair> Generate(const std::vector<BlockingRuleKeys>& rules, bool dedupe,
                           BlockingOptions options = {}, BlockingReport* report = nullptr) {
  Result<std::vector<Pair>> pairs = GeneratePairs(rules, dedupe, options, report);
  EXPECT_TRUE(pairs.ok()) << pairs.status().ToString();
  return pairs.ok() ? *pairs : std::vector<Pair>();
}

// The expected output, by brute force over every pair: a pair is produced by the first rule under
// which both records have the same key (not kNoKey) in a block of at most max_block_pairs pairs.
struct Oracle {
  std::vector<Pair> pairs;
  std::vector<int64_t> per_rule;
};

Oracle BruteForce(const std::vector<BlockingRuleKeys>& rules, bool dedupe,
                  int64_t max_block_pairs = 0) {
  const size_t left_n = rules[0].left.size();
  const size_t right_n = dedupe ? left_n : rules[0].right.size();
  // Block sizes per rule and key.
  std::vector<std::map<uint64_t, int64_t>> block_pairs(rules.size());
  for (size_t k = 0; k < rules.size(); ++k) {
    std::map<uint64_t, int64_t> left_count;
    std::map<uint64_t, int64_t> right_count;
    for (uint64_t key : rules[k].left) ++left_count[key];
    for (uint64_t key : dedupe ? rules[k].left : rules[k].right) ++right_count[key];
    for (const auto& [key, nl] : left_count) {
      const int64_t nr = right_count[key];
      block_pairs[k][key] = dedupe ? nl * (nl - 1) / 2 : nl * nr;
    }
  }
  Oracle oracle;
  oracle.per_rule.assign(rules.size(), 0);
  for (size_t i = 0; i < left_n; ++i) {
    for (size_t j = dedupe ? i + 1 : 0; j < right_n; ++j) {
      for (size_t k = 0; k < rules.size(); ++k) {
        const uint64_t a = rules[k].left[i];
        const uint64_t b = dedupe ? rules[k].left[j] : rules[k].right[j];
        if (a == kNoKey || a != b) continue;
        if (max_block_pairs > 0 && block_pairs[k][a] > max_block_pairs) continue;
        oracle.pairs.push_back({static_cast<RecordIndex>(i), static_cast<RecordIndex>(j)});
        ++oracle.per_rule[k];
        break;
      }
    }
  }
  return oracle;
}

// Keys drawn from `distinct` values (0 = no key with probability `missing`).
std::vector<uint64_t> RandomKeys(Rng& rng, size_t n, uint64_t distinct, double missing,
                                 bool hash_like) {
  std::vector<uint64_t> keys(n);
  for (uint64_t& key : keys) {
    if (rng.Bernoulli(missing)) {
      key = kNoKey;
      continue;
    }
    const uint64_t v = rng.Uniform(distinct);
    // Hash-like keys spread over all 64 bits so that every radix pass is exercised.
    key = hash_like ? BlockingKeyFromHash((v + 1) * 0x9E3779B97F4A7C15ULL) : v + 1;
  }
  return keys;
}

// GeneratePairs' pairs, pairs per rule and total are BruteForce's, with blocks over `cap` pairs
// skipped.
void ExpectBruteForce(const std::vector<BlockingRuleKeys>& rules, bool dedupe, int64_t cap) {
  BlockingOptions options;
  options.max_block_pairs = cap;
  BlockingReport report;
  const std::vector<Pair> pairs = Generate(rules, dedupe, options, &report);
  const Oracle oracle = BruteForce(rules, dedupe, cap);
  EXPECT_EQ(pairs, oracle.pairs);
  ASSERT_EQ(report.rules.size(), rules.size());
  for (size_t k = 0; k < rules.size(); ++k) {
    EXPECT_EQ(report.rules[k].pairs, oracle.per_rule[k]) << "rule " << k;
  }
  EXPECT_EQ(report.total_pairs, static_cast<int64_t>(oracle.pairs.size()));
}

TEST(BlockingTest, EachPairOnceAcrossOverlappingRules) {
  // Rule a: {0,1,2} and {3,4}; rule b: {0,1} (already found), {2,3} (new), {1,4} (new).
  const std::vector<BlockingRuleKeys> rules = {
      Rule("a", {5, 5, 5, 6, 6}),
      Rule("b", {7, 8, 9, 9, 8}),
  };
  BlockingReport report;
  const std::vector<Pair> pairs = Generate(rules, /*dedupe=*/true, {}, &report);
  EXPECT_THAT(pairs,
              ElementsAre(Pair{0, 1}, Pair{0, 2}, Pair{1, 2}, Pair{1, 4}, Pair{2, 3}, Pair{3, 4}));
  ASSERT_EQ(report.rules.size(), 2u);
  EXPECT_EQ(report.rules[0].name, "a");
  EXPECT_EQ(report.rules[0].pairs, 4);
  EXPECT_EQ(report.rules[0].blocks, 2);
  EXPECT_EQ(report.rules[1].pairs, 2);
  EXPECT_EQ(report.rules[1].raw_pairs, 2);
  EXPECT_EQ(report.rules[1].blocks, 2);
  EXPECT_EQ(report.total_pairs, 6);
  EXPECT_TRUE(report.warnings.empty());
  ASSERT_EQ(report.rules[0].largest_blocks.size(), 2u);
  EXPECT_EQ(report.rules[0].largest_blocks[0], (BlockInfo{5, 3, 3, 3}));
  EXPECT_EQ(report.rules[0].largest_blocks[1], (BlockInfo{6, 2, 2, 1}));

  // The same rule twice adds nothing.
  const std::vector<BlockingRuleKeys> twice = {rules[0], rules[0]};
  EXPECT_THAT(Generate(twice, true, {}, &report),
              ElementsAre(Pair{0, 1}, Pair{0, 2}, Pair{1, 2}, Pair{3, 4}));
  EXPECT_EQ(report.rules[1].pairs, 0);
  EXPECT_EQ(report.rules[1].raw_pairs, 4);
}

TEST(BlockingTest, DedupeVersusLink) {
  const std::vector<uint64_t> keys = {1, 2, 1, kNoKey, 2};
  // Deduplicating: i < j within a block; the record without a key is in none.
  EXPECT_THAT(Generate({Rule("k", keys)}, true), ElementsAre(Pair{0, 2}, Pair{1, 4}));
  // Linking the set to itself: every (i, j) with equal keys, including i == j.
  EXPECT_THAT(Generate({Rule("k", keys, keys)}, false),
              ElementsAre(Pair{0, 0}, Pair{0, 2}, Pair{1, 1}, Pair{1, 4}, Pair{2, 0}, Pair{2, 2},
                          Pair{4, 1}, Pair{4, 4}));
  // Linking two sets of different sizes; kNoKey never matches kNoKey.
  EXPECT_THAT(Generate({Rule("k", {3, kNoKey, 4}, {kNoKey, 4, 3, 3, 9})}, false),
              ElementsAre(Pair{0, 2}, Pair{0, 3}, Pair{2, 1}));
}

TEST(BlockingTest, EmptyInputs) {
  EXPECT_TRUE(Generate({}, true).empty());
  EXPECT_TRUE(Generate({Rule("k", {})}, true).empty());
  EXPECT_TRUE(Generate({Rule("k", {1, 1}, {})}, false).empty());  // an empty right set
  EXPECT_TRUE(Generate({Rule("k", {kNoKey, kNoKey})}, true).empty());
}

TEST(BlockingTest, MatchesBruteForceOnRandomData) {
  for (uint64_t seed = 1; seed <= 12; ++seed) {
    Rng rng(seed);
    const bool dedupe = seed % 2 == 0;
    const size_t left_n = 1 + rng.Uniform(150);
    const size_t right_n = 1 + rng.Uniform(150);
    std::vector<BlockingRuleKeys> rules;
    const int rule_count = 1 + static_cast<int>(rng.Uniform(4));
    for (int k = 0; k < rule_count; ++k) {
      const uint64_t distinct = 1 + rng.Uniform(40);
      const bool hash_like = rng.Bernoulli(0.5);
      BlockingRuleKeys rule{
          "r" + std::to_string(k), RandomKeys(rng, left_n, distinct, 0.2, hash_like), {}};
      if (!dedupe) rule.right = RandomKeys(rng, right_n, distinct, 0.2, hash_like);
      rules.push_back(std::move(rule));
    }
    for (int64_t cap : {0, 20}) {
      SCOPED_TRACE("seed " + std::to_string(seed) + " cap " + std::to_string(cap));
      ExpectBruteForce(rules, dedupe, cap);
    }
  }
}

// Large enough for the radix sort and many chunks of generation.
std::vector<BlockingRuleKeys> LargeRules(bool dedupe, uint64_t seed) {
  Rng rng(seed);
  const size_t left_n = 20000;
  const size_t right_n = 15000;
  std::vector<BlockingRuleKeys> rules;
  const uint64_t distinct[] = {8000, 3000, 12000};
  for (size_t k = 0; k < 3; ++k) {
    // Rule 1 has small integer keys: the radix sort skips its constant digits.
    const bool hash_like = k != 1;
    BlockingRuleKeys rule{
        "r" + std::to_string(k), RandomKeys(rng, left_n, distinct[k], 0.1, hash_like), {}};
    if (!dedupe) rule.right = RandomKeys(rng, right_n, distinct[k], 0.1, hash_like);
    rules.push_back(std::move(rule));
  }
  return rules;
}

// The expected pairs by grouping records by key with std::map (for sets too big for BruteForce).
std::vector<Pair> GroupingOracle(const std::vector<BlockingRuleKeys>& rules, bool dedupe) {
  std::set<std::pair<RecordIndex, RecordIndex>> all;
  for (const BlockingRuleKeys& rule : rules) {
    std::map<uint64_t, std::vector<RecordIndex>> left;
    std::map<uint64_t, std::vector<RecordIndex>> right;
    for (size_t i = 0; i < rule.left.size(); ++i) {
      if (rule.left[i] != kNoKey) left[rule.left[i]].push_back(static_cast<RecordIndex>(i));
    }
    for (size_t j = 0; j < rule.right.size(); ++j) {
      if (rule.right[j] != kNoKey) right[rule.right[j]].push_back(static_cast<RecordIndex>(j));
    }
    for (const auto& [key, ls] : left) {
      const std::vector<RecordIndex>& rs = dedupe ? ls : right[key];
      for (RecordIndex l : ls) {
        for (RecordIndex r : rs) {
          if (!dedupe || l < r) all.emplace(l, r);
        }
      }
    }
  }
  std::vector<Pair> out;
  out.reserve(all.size());
  for (const auto& [l, r] : all) out.push_back({l, r});
  return out;
}

TEST(BlockingTest, LargeInputsMatchGroupingOracle) {
  for (const bool dedupe : {true, false}) {
    SCOPED_TRACE(dedupe ? "dedupe" : "link");
    const std::vector<BlockingRuleKeys> rules = LargeRules(dedupe, 42);
    const std::vector<Pair> pairs = Generate(rules, dedupe);
    EXPECT_GT(pairs.size(), 10000u);
    EXPECT_EQ(pairs, GroupingOracle(rules, dedupe));
  }
}

// A left side many times the right (a register and a month's deaths) is filtered to the keys the
// right has before it is sorted: the same pairs, per rule, as every pair tried.
TEST(BlockingTest, ALargeLeftSideAgainstASmallRightMatchesBruteForce) {
  for (uint64_t seed = 1; seed <= 6; ++seed) {
    Rng rng(seed);
    const size_t left_n = 1500 + rng.Uniform(1500);
    const size_t right_n = 1 + rng.Uniform(120);
    std::vector<BlockingRuleKeys> rules;
    for (int k = 0; k < 3; ++k) {
      const uint64_t distinct = 1 + rng.Uniform(300);
      const bool hash_like = rng.Bernoulli(0.5);
      rules.push_back({"r" + std::to_string(k), RandomKeys(rng, left_n, distinct, 0.2, hash_like),
                       RandomKeys(rng, right_n, distinct, 0.2, hash_like)});
    }
    for (int64_t cap : {0, 40}) {
      SCOPED_TRACE("seed " + std::to_string(seed) + " cap " + std::to_string(cap));
      ExpectBruteForce(rules, false, cap);
    }
  }
}

// The same sides the other way round are not filtered (the left is the smaller): the report of
// the filtered run is the unfiltered one's with the sides swapped, skipped and largest blocks
// included, on enough records for the radix sort of the filtered keys.
TEST(BlockingTest, AFilteredLeftSideReportsWhatTheSwappedSidesDo) {
  Rng rng(7);
  const size_t left_n = 90000, right_n = 6000;
  std::vector<BlockingRuleKeys> rules, swapped;
  const uint64_t distinct[] = {5000, 300, 20000};
  for (size_t k = 0; k < 3; ++k) {
    BlockingRuleKeys rule{"r" + std::to_string(k),
                          RandomKeys(rng, left_n, distinct[k], 0.1, /*hash_like=*/k != 1),
                          RandomKeys(rng, right_n, distinct[k], 0.1, /*hash_like=*/k != 1)};
    swapped.push_back({rule.name, rule.right, rule.left});
    rules.push_back(std::move(rule));
  }
  BlockingOptions options;
  options.max_block_pairs = 1000;  // rule 1's blocks (300 keys) are skipped, the others not
  BlockingReport report, swapped_report;
  const std::vector<Pair> pairs = Generate(rules, false, options, &report);
  std::vector<Pair> expected;
  for (const Pair& p : Generate(swapped, false, options, &swapped_report)) {
    expected.push_back({p.right, p.left});
  }
  std::sort(expected.begin(), expected.end());
  EXPECT_GT(pairs.size(), 50000u);
  EXPECT_EQ(pairs, expected);
  auto swap = [](std::vector<BlockInfo> blocks) {
    for (BlockInfo& b : blocks) std::swap(b.left_records, b.right_records);
    return blocks;
  };
  EXPECT_EQ(report.total_pairs, swapped_report.total_pairs);
  ASSERT_EQ(report.rules.size(), 3u);
  for (size_t k = 0; k < 3; ++k) {
    SCOPED_TRACE("rule " + std::to_string(k));
    const RuleReport& a = report.rules[k];
    const RuleReport& b = swapped_report.rules[k];
    EXPECT_EQ(a.pairs, b.pairs);
    EXPECT_EQ(a.raw_pairs, b.raw_pairs);
    EXPECT_EQ(a.blocks, b.blocks);
    EXPECT_EQ(a.skipped_pairs, b.skipped_pairs);
    EXPECT_EQ(a.skipped_blocks, swap(b.skipped_blocks));
    EXPECT_EQ(a.largest_blocks, swap(b.largest_blocks));
  }
  EXPECT_FALSE(report.rules[1].skipped_blocks.empty());
  EXPECT_EQ(report.warnings.size(), swapped_report.warnings.size());
}

TEST(BlockingTest, SameOutputWithOneAndFourThreads) {
  for (const bool dedupe : {true, false}) {
    SCOPED_TRACE(dedupe ? "dedupe" : "link");
    const std::vector<BlockingRuleKeys> rules = LargeRules(dedupe, 7);
    BlockingOptions one;
    one.threads = 1;
    one.max_block_pairs = 6;  // some blocks skipped, to compare the reports too
    BlockingOptions four = one;
    four.threads = 4;
    BlockingReport report1;
    BlockingReport report4;
    const std::vector<Pair> pairs1 = Generate(rules, dedupe, one, &report1);
    const std::vector<Pair> pairs4 = Generate(rules, dedupe, four, &report4);
    EXPECT_FALSE(pairs1.empty());
    EXPECT_EQ(pairs1, pairs4);
    EXPECT_EQ(report1.total_pairs, report4.total_pairs);
    EXPECT_EQ(report1.warnings, report4.warnings);
    ASSERT_EQ(report1.rules.size(), report4.rules.size());
    for (size_t k = 0; k < report1.rules.size(); ++k) {
      EXPECT_EQ(report1.rules[k].pairs, report4.rules[k].pairs);
      EXPECT_EQ(report1.rules[k].blocks, report4.rules[k].blocks);
      EXPECT_EQ(report1.rules[k].largest_blocks, report4.rules[k].largest_blocks);
      EXPECT_EQ(report1.rules[k].skipped_blocks, report4.rules[k].skipped_blocks);
    }
  }
}

// StreamPairs hands over GeneratePairs' pairs chunk by chunk: Start first, each chunk once, their
// concatenation in chunk order the same pairs, and on a cap error nothing at all.
TEST(BlockingTest, StreamedChunksAreTheGeneratedPairs) {
  class Record : public PairSink {
   public:
    void Start(size_t chunks) override {
      std::lock_guard<std::mutex> lock(mu);
      ++starts;
      taken.assign(chunks, 0);
      chunk_pairs.assign(chunks, {});
    }
    void Take(size_t index, std::span<const Pair> pairs) override {
      std::lock_guard<std::mutex> lock(mu);
      ASSERT_LT(index, taken.size());
      ++taken[index];
      chunk_pairs[index].assign(pairs.begin(), pairs.end());
    }
    std::mutex mu;
    int starts = 0;
    std::vector<int> taken;
    std::vector<std::vector<Pair>> chunk_pairs;
  };
  for (const bool dedupe : {true, false}) {
    SCOPED_TRACE(dedupe ? "dedupe" : "link");
    const std::vector<BlockingRuleKeys> rules = LargeRules(dedupe, 11);
    BlockingOptions options;
    options.threads = 4;
    BlockingReport generated_report, streamed_report;
    const std::vector<Pair> generated = Generate(rules, dedupe, options, &generated_report);
    Record sink;
    ASSERT_TRUE(StreamPairs(rules, dedupe, options, &streamed_report, sink).ok());
    EXPECT_EQ(sink.starts, 1);
    EXPECT_GT(sink.taken.size(), 1u);
    EXPECT_EQ(sink.taken, std::vector<int>(sink.taken.size(), 1));
    std::vector<Pair> joined;
    for (const auto& c : sink.chunk_pairs) joined.insert(joined.end(), c.begin(), c.end());
    EXPECT_EQ(joined, generated);
    EXPECT_EQ(streamed_report.total_pairs, generated_report.total_pairs);
    options.max_total_pairs = static_cast<int64_t>(generated.size()) - 1;
    Record refused;
    EXPECT_EQ(StreamPairs(rules, dedupe, options, nullptr, refused).code(),
              ErrorCode::kResourceExhausted);
    EXPECT_EQ(refused.starts, 0);
  }
}

TEST(BlockingTest, BlockCapSkipsAGiantBlockAndReportsIt) {
  // Rule "birth_date": records 0..99 share a placeholder date (4950 pairs), 100/101 share another.
  // Rule "id": records 3 and 4 share an ID, so that pair is still found.
  const size_t n = 102;
  std::vector<uint64_t> date(n, 1111);
  date[100] = date[101] = 2222;
  std::vector<uint64_t> id(n, kNoKey);
  id[3] = id[4] = 77;
  BlockingOptions options;
  options.max_block_pairs = 1000;
  BlockingReport report;
  const std::vector<Pair> pairs =
      Generate({Rule("birth_date", date), Rule("id", id)}, true, options, &report);
  EXPECT_THAT(pairs, ElementsAre(Pair{3, 4}, Pair{100, 101}));
  ASSERT_EQ(report.rules.size(), 2u);
  const RuleReport& rule = report.rules[0];
  EXPECT_EQ(rule.pairs, 1);
  EXPECT_EQ(rule.blocks, 2);
  ASSERT_EQ(rule.skipped_blocks.size(), 1u);
  EXPECT_EQ(rule.skipped_blocks[0], (BlockInfo{1111, 100, 100, 4950}));
  EXPECT_EQ(rule.skipped_pairs, 4950);
  EXPECT_EQ(rule.largest_blocks.front(), (BlockInfo{1111, 100, 100, 4950}));
  EXPECT_EQ(report.rules[1].pairs, 1);  // not hidden by the skipped block of the earlier rule
  ASSERT_EQ(report.warnings.size(), 1u);
  EXPECT_THAT(report.warnings[0], HasSubstr("birth_date"));
  EXPECT_THAT(report.warnings[0], HasSubstr("4950"));

  // Linking: the 3 x 3 block of key 1 is skipped, rule "id" still finds (0, 0).
  options.max_block_pairs = 4;
  EXPECT_THAT(
      Generate({Rule("a", {1, 1, 1, 2}, {1, 1, 1, 2}), Rule("id", {5, 6, 7, 8}, {5, 9, 9, 9})},
               false, options, &report),
      ElementsAre(Pair{0, 0}, Pair{3, 3}));
  ASSERT_EQ(report.rules[0].skipped_blocks.size(), 1u);
  EXPECT_EQ(report.rules[0].skipped_blocks[0], (BlockInfo{1, 3, 3, 9}));
  EXPECT_EQ(report.rules[1].pairs, 1);

  // Without the cap the block is produced.
  options.max_block_pairs = 1000;
  (void)Generate({Rule("birth_date", date), Rule("id", id)}, true, options, &report);
  EXPECT_EQ(report.warnings.size(), 1u);
  options.max_block_pairs = 0;
  EXPECT_EQ(Generate({Rule("birth_date", date), Rule("id", id)}, true, options, &report).size(),
            4951u);
  EXPECT_TRUE(report.warnings.empty());
}

TEST(BlockingTest, LargestBlocksAreTheTopFive) {
  // Blocks of sizes 1..8 records: keys 1..8 with k records each.
  std::vector<uint64_t> left;
  for (uint64_t key = 1; key <= 8; ++key) {
    for (uint64_t i = 0; i < key; ++i) left.push_back(key);
  }
  BlockingReport report;
  (void)Generate({Rule("k", left)}, true, {}, &report);
  ASSERT_EQ(report.rules[0].largest_blocks.size(), 5u);
  EXPECT_EQ(report.rules[0].largest_blocks[0], (BlockInfo{8, 8, 8, 28}));
  EXPECT_EQ(report.rules[0].largest_blocks[4], (BlockInfo{4, 4, 4, 6}));
  EXPECT_EQ(report.rules[0].blocks, 7);  // the one-record block has no pair
}

TEST(BlockingTest, TotalCapIsAnErrorNamingTheRule) {
  // Rule a: 10 pairs among records 0..4; rule b: 11 pairs of which 7 are new (b's (0,1), (2,3),
  // (2,4) and (3,4) are a's).
  std::vector<uint64_t> a = {1, 1, 1, 1, 1, 2, 3, 4};
  std::vector<uint64_t> b = {5, 5, 6, 6, 6, 6, 6, 7};
  BlockingOptions options;
  options.max_total_pairs = 16;
  BlockingReport report;
  Result<std::vector<Pair>> pairs =
      GeneratePairs(std::vector{Rule("a", a), Rule("b", b)}, true, options, &report);
  ASSERT_FALSE(pairs.ok());
  EXPECT_EQ(pairs.status().code(), ErrorCode::kResourceExhausted);
  EXPECT_THAT(pairs.status().message(), HasSubstr("'b'"));
  EXPECT_THAT(pairs.status().message(), HasSubstr("17"));
  ASSERT_EQ(report.rules.size(), 2u);
  EXPECT_EQ(report.rules[0].pairs, 10);
  EXPECT_EQ(report.rules[1].pairs, 7);
  EXPECT_EQ(report.rules[1].raw_pairs, 11);

  // 21 raw pairs but 17 distinct: a cap of 17 is not crossed.
  options.max_total_pairs = 17;
  pairs = GeneratePairs(std::vector{Rule("a", a), Rule("b", b)}, true, options, &report);
  ASSERT_TRUE(pairs.ok()) << pairs.status().ToString();
  EXPECT_EQ(pairs->size(), 17u);
  EXPECT_EQ(report.total_pairs, 17);

  // The first rule alone can cross it.
  options.max_total_pairs = 9;
  pairs = GeneratePairs(std::vector{Rule("a", a), Rule("b", b)}, true, options, nullptr);
  ASSERT_FALSE(pairs.ok());
  EXPECT_THAT(pairs.status().message(), HasSubstr("'a'"));
}

TEST(BlockingTest, MismatchedSizesAreInvalid) {
  const std::vector<BlockingRuleKeys> bad_left = {Rule("a", {1, 2}), Rule("b", {1, 2, 3})};
  Result<std::vector<Pair>> pairs = GeneratePairs(bad_left, true, {}, nullptr);
  ASSERT_FALSE(pairs.ok());
  EXPECT_EQ(pairs.status().code(), ErrorCode::kInvalidArgument);
  EXPECT_THAT(pairs.status().message(), HasSubstr("'b'"));

  const std::vector<BlockingRuleKeys> bad_right = {Rule("a", {1}, {1, 2}), Rule("b", {1}, {1})};
  EXPECT_EQ(GeneratePairs(bad_right, false, {}, nullptr).status().code(),
            ErrorCode::kInvalidArgument);

  const std::vector<BlockingRuleKeys> right_in_dedupe = {Rule("a", {1, 1}, {1})};
  EXPECT_EQ(GeneratePairs(right_in_dedupe, true, {}, nullptr).status().code(),
            ErrorCode::kInvalidArgument);

  BlockingOptions negative;
  negative.threads = -1;
  EXPECT_EQ(GeneratePairs(bad_right, false, negative, nullptr).status().code(),
            ErrorCode::kInvalidArgument);
}

TEST(BlockingTest, KeyFromHashNeverIsNoKey) {
  EXPECT_NE(BlockingKeyFromHash(0), kNoKey);
  EXPECT_EQ(BlockingKeyFromHash(12345), 12345u);
}

void ExpectValidSample(const std::vector<Pair>& pairs, size_t left_n, size_t right_n, bool dedupe) {
  EXPECT_TRUE(std::is_sorted(pairs.begin(), pairs.end()));
  EXPECT_TRUE(std::adjacent_find(pairs.begin(), pairs.end()) == pairs.end()) << "duplicates";
  for (const Pair& p : pairs) {
    EXPECT_LT(p.left, left_n);
    if (dedupe) {
      EXPECT_LT(p.left, p.right);
      EXPECT_LT(p.right, left_n);
    } else {
      EXPECT_LT(p.right, right_n);
    }
  }
}

TEST(RandomPairsTest, DistinctSortedAndDeterministic) {
  struct Case {
    size_t left_n, right_n;
    bool dedupe;
    size_t count;
  };
  for (const Case& c :
       {Case{1000, 2000, false, 5000}, Case{1000, 0, true, 5000}, Case{30, 40, false, 1000},
        Case{50, 0, true, 1000}, Case{100000, 100000, false, 20000}}) {
    SCOPED_TRACE(std::to_string(c.left_n) + "x" + std::to_string(c.right_n) +
                 (c.dedupe ? " dedupe" : " link"));
    const std::vector<Pair> a = RandomPairs(c.left_n, c.right_n, c.dedupe, c.count, 99);
    const std::vector<Pair> b = RandomPairs(c.left_n, c.right_n, c.dedupe, c.count, 99);
    const std::vector<Pair> other = RandomPairs(c.left_n, c.right_n, c.dedupe, c.count, 100);
    EXPECT_EQ(a.size(), c.count);
    EXPECT_EQ(a, b);
    EXPECT_NE(a, other);
    ExpectValidSample(a, c.left_n, c.right_n, c.dedupe);
  }
}

TEST(RandomPairsTest, AllPairsWhenFewerThanAsked) {
  EXPECT_THAT(RandomPairs(2, 2, false, 10, 1),
              ElementsAre(Pair{0, 0}, Pair{0, 1}, Pair{1, 0}, Pair{1, 1}));
  EXPECT_THAT(RandomPairs(3, 0, true, 10, 1), ElementsAre(Pair{0, 1}, Pair{0, 2}, Pair{1, 2}));
  EXPECT_TRUE(RandomPairs(1, 0, true, 10, 1).empty());
  EXPECT_TRUE(RandomPairs(5, 0, false, 10, 1).empty());
  EXPECT_TRUE(RandomPairs(5, 5, false, 0, 1).empty());
}

TEST(RandomPairsTest, RoughlyUniform) {
  // Every possible pair should be drawn about equally often, on both the sparse and the dense path.
  struct Case {
    size_t left_n, right_n;
    bool dedupe;
    size_t count;
  };
  for (const Case& c :
       {Case{4, 4, false, 3}, Case{4, 4, false, 10}, Case{6, 0, true, 3}, Case{6, 0, true, 9}}) {
    const size_t possible = c.dedupe ? c.left_n * (c.left_n - 1) / 2 : c.left_n * c.right_n;
    std::map<std::pair<RecordIndex, RecordIndex>, int> seen;
    const int runs = 3000;
    for (int seed = 0; seed < runs; ++seed) {
      for (const Pair& p :
           RandomPairs(c.left_n, c.right_n, c.dedupe, c.count, static_cast<uint64_t>(seed))) {
        ++seen[{p.left, p.right}];
      }
    }
    ASSERT_EQ(seen.size(), possible);
    const double expected =
        static_cast<double>(runs) * static_cast<double>(c.count) / static_cast<double>(possible);
    for (const auto& [pair, times] : seen) {
      EXPECT_NEAR(times, expected, expected * 0.15)
          << "(" << pair.first << ", " << pair.second << ") count " << c.count;
    }
  }
}

}  // namespace
}  // namespace popreg::link
