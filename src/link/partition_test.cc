#include "link/partition.h"

#include <gtest/gtest.h>

#include <set>
#include <stdexcept>
#include <vector>

#include "base/env.h"
#include "link/blocking.h"
#include "link/local_ranks.h"

namespace popreg::link {
namespace {

// One rank of `size`, for the functions that only ask which one it is (no collective call).
class RankOnly final : public Partition {
 public:
  RankOnly(int rank, int size) : rank_(rank), size_(size) {}
  int rank() const override { return rank_; }
  int size() const override { return size_; }
  void Sum(std::span<int64_t>) override { throw std::logic_error("RankOnly::Sum"); }
  std::vector<std::string> Gather(std::string_view) override {
    throw std::logic_error("RankOnly::Gather");
  }
  std::vector<std::string> Exchange(std::vector<std::string>) override {
    throw std::logic_error("RankOnly::Exchange");
  }

 private:
  int rank_, size_;
};

TEST(PartitionTest, SharesCoverEveryItemOnce) {
  for (const size_t n : {size_t{0}, size_t{1}, size_t{7}, size_t{1'000'003}}) {
    for (int k = 1; k <= 5; ++k) {
      size_t next = 0;
      for (int r = 0; r < k; ++r) {
        RankOnly rank(r, k);
        const auto [begin, end] = ShareOf(&rank, n);
        EXPECT_EQ(begin, next) << n << " items, rank " << r << " of " << k;
        EXPECT_LE(end - begin, n / k + 1);
        next = end;
      }
      EXPECT_EQ(next, n);
    }
  }
  EXPECT_EQ(ShareOf(nullptr, 9), std::make_pair(size_t{0}, size_t{9}));
}

TEST(PartitionTest, EveryBlockHasOneOwnerAndTheSharesAreEven) {
  const int k = 4;
  std::vector<int> owned(k, 0);
  for (uint64_t key = 1; key <= 100'000; ++key) {  // small keys: rules on codes
    int owners = 0;
    for (int r = 0; r < k; ++r) {
      RankOnly rank(r, k);
      if (OwnsBlock(&rank, key)) {
        ++owners;
        ++owned[r];
      }
    }
    ASSERT_EQ(owners, 1) << key;
  }
  for (int r = 0; r < k; ++r) EXPECT_NEAR(owned[r], 25'000, 750) << "rank " << r;
  EXPECT_TRUE(OwnsBlock(nullptr, 42));
}

// The ranks' pairs together are the single process's, each pair on one rank only, with rules
// that overlap (a pair found by several) and blocks skipped for their size (whose pairs a later
// rule may still produce); every rank reports the single process's blocks.
void CheckRanksSplitThePairs(bool dedupe) {
  Rng rng(dedupe ? 7 : 8);
  const size_t n_left = 3000, n_right = dedupe ? 0 : 2500;
  std::vector<BlockingRuleKeys> rules;
  for (const uint64_t alphabet : {uint64_t{400}, uint64_t{60}, uint64_t{9}}) {
    BlockingRuleKeys rule;
    rule.name = "rule of " + std::to_string(alphabet);
    for (size_t i = 0; i < n_left; ++i) rule.left.push_back(rng.Uniform(alphabet + 1));
    for (size_t i = 0; i < n_right; ++i) rule.right.push_back(rng.Uniform(alphabet + 1));
    rules.push_back(std::move(rule));
  }
  BlockingOptions options;
  options.max_block_pairs = 40'000;  // skips some blocks of the 9-key rule
  BlockingReport single_report;
  const Result<std::vector<Pair>> single = GeneratePairs(rules, dedupe, options, &single_report);
  ASSERT_TRUE(single.ok()) << single.status().ToString();
  ASSERT_GT(single->size(), 10'000u);
  ASSERT_FALSE(single_report.rules[2].skipped_blocks.empty());
  for (int k = 2; k <= 4; ++k) {
    std::vector<std::vector<Pair>> pairs(static_cast<size_t>(k));
    std::vector<BlockingReport> reports(static_cast<size_t>(k));
    RunLocalRanks(k, [&](Partition& rank) {
      BlockingOptions mine = options;
      mine.partition = &rank;
      const auto r = static_cast<size_t>(rank.rank());
      Result<std::vector<Pair>> got = GeneratePairs(rules, dedupe, mine, &reports[r]);
      if (!got.ok()) throw std::runtime_error(got.status().ToString());
      pairs[r] = std::move(*got);
    });
    std::set<std::pair<RecordIndex, RecordIndex>> seen;
    for (int r = 0; r < k; ++r) {
      EXPECT_TRUE(std::is_sorted(pairs[r].begin(), pairs[r].end()));
      for (const Pair& p : pairs[r]) {
        EXPECT_TRUE(seen.insert({p.left, p.right}).second)
            << "pair (" << p.left << ", " << p.right << ") on two ranks of " << k;
      }
      const BlockingReport& report = reports[r];
      for (size_t i = 0; i < rules.size(); ++i) {
        EXPECT_EQ(report.rules[i].pairs, single_report.rules[i].pairs)
            << rules[i].name << ", " << k;
        EXPECT_EQ(report.rules[i].blocks, single_report.rules[i].blocks);
        EXPECT_EQ(report.rules[i].raw_pairs, single_report.rules[i].raw_pairs);
        EXPECT_EQ(report.rules[i].largest_blocks, single_report.rules[i].largest_blocks);
        EXPECT_EQ(report.rules[i].skipped_blocks, single_report.rules[i].skipped_blocks);
      }
      EXPECT_EQ(report.warnings, single_report.warnings);
      EXPECT_EQ(report.total_pairs, single_report.total_pairs);
    }
    std::vector<Pair> all;
    for (const auto& [l, r] : seen) all.push_back({l, r});
    EXPECT_EQ(all, *single) << k << " ranks";
  }
}

TEST(PartitionTest, RanksSplitTheLinkingPairs) { CheckRanksSplitThePairs(false); }
TEST(PartitionTest, RanksSplitTheDeduplicationPairs) { CheckRanksSplitThePairs(true); }

TEST(PartitionTest, OneProcessKeepsItsCountsAndPairs) {
  PatternCounts counts;
  counts.comparisons = 2;
  counts.levels = {0, 1, 2, 0};
  counts.counts = {3, 5};
  const PatternCounts same = SumPatterns(nullptr, counts);
  EXPECT_EQ(same.levels, counts.levels);
  EXPECT_EQ(same.counts, counts.counts);
  const std::vector<ScoredPair> pairs = GatherScored(nullptr, {{1, 2, 3.5, 0.9}});
  ASSERT_EQ(pairs.size(), 1u);
  EXPECT_EQ(pairs[0].right, 2u);
}

}  // namespace
}  // namespace popreg::link
