#include "link/assign.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "base/env.h"

namespace popreg::link {
namespace {

// A pair whose probability matches its weight, as the model computes them.
ScoredPair Scored(RecordIndex left, RecordIndex right, double weight) {
  return {left, right, weight, 1.0 / (1.0 + std::exp2(-weight))};
}

std::vector<std::pair<RecordIndex, RecordIndex>> Links(const std::vector<ScoredPair>& pairs) {
  std::vector<std::pair<RecordIndex, RecordIndex>> out;
  out.reserve(pairs.size());
  for (const ScoredPair& p : pairs) out.emplace_back(p.left, p.right);
  return out;
}

using Links_t = std::vector<std::pair<RecordIndex, RecordIndex>>;

TEST(AssignTest, GreedyTakesTheHeaviestPairFirst) {
  const std::vector<ScoredPair> pairs = {Scored(0, 0, 10), Scored(0, 1, 9), Scored(1, 0, 8),
                                         Scored(1, 1, 1), Scored(2, 1, 0.5)};
  const std::vector<ScoredPair> links = AssignOneToOne(pairs, 0.5);
  EXPECT_EQ(Links(links), (Links_t{{0, 0}, {1, 1}}));
  EXPECT_EQ(links[0].weight, 10);  // the scored pairs themselves come back
}

TEST(AssignTest, EachRecordAtMostOnce) {
  Rng rng(3);
  std::vector<ScoredPair> pairs;
  pairs.reserve(2000);
  for (int k = 0; k < 2000; ++k) {
    pairs.push_back(Scored(static_cast<RecordIndex>(rng.Uniform(100)),
                           static_cast<RecordIndex>(rng.Uniform(120)), rng.UniformDouble() * 20));
  }
  for (const bool exact : {false, true}) {
    const std::vector<ScoredPair> links =
        exact ? AssignOneToOneExact(pairs, 0.5) : AssignOneToOne(pairs, 0.5);
    std::vector<RecordIndex> lefts;
    std::vector<RecordIndex> rights;
    for (const ScoredPair& p : links) {
      lefts.push_back(p.left);
      rights.push_back(p.right);
    }
    EXPECT_TRUE(std::is_sorted(lefts.begin(), lefts.end()));
    EXPECT_TRUE(std::adjacent_find(lefts.begin(), lefts.end()) == lefts.end());
    std::sort(rights.begin(), rights.end());
    EXPECT_TRUE(std::adjacent_find(rights.begin(), rights.end()) == rights.end());
    EXPECT_GE(links.size(), 95u);  // dense random weights: nearly everyone is linked
  }
}

TEST(AssignTest, TiesAreBrokenByIndexWhateverTheInputOrder) {
  // All four pairs weigh the same: (0,0) comes first, then (1,1) is the only one left.
  std::vector<ScoredPair> pairs = {Scored(1, 0, 5), Scored(0, 1, 5), Scored(1, 1, 5),
                                   Scored(0, 0, 5)};
  const Links_t expected = {{0, 0}, {1, 1}};
  std::sort(pairs.begin(), pairs.end(), [](const ScoredPair& a, const ScoredPair& b) {
    return std::make_pair(a.left, a.right) < std::make_pair(b.left, b.right);
  });
  do {
    EXPECT_EQ(Links(AssignOneToOne(pairs, 0.5)), expected);
  } while (std::next_permutation(
      pairs.begin(), pairs.end(), [](const ScoredPair& a, const ScoredPair& b) {
        return std::make_pair(a.left, a.right) < std::make_pair(b.left, b.right);
      }));
}

TEST(AssignTest, Threshold) {
  const std::vector<ScoredPair> pairs = {
      {0, 0, 3, 0.80}, {1, 1, 2, 0.70}, {2, 2, 1, 0.69999}, {3, 3, 0, std::nan("")}};
  EXPECT_EQ(Links(AssignOneToOne(pairs, 0.7)), (Links_t{{0, 0}, {1, 1}}));          // at it: kept
  EXPECT_EQ(Links(AssignOneToOne(pairs, 0.0)), (Links_t{{0, 0}, {1, 1}, {2, 2}}));  // NaN: never
  EXPECT_TRUE(AssignOneToOne(pairs, 0.9).empty());
  EXPECT_TRUE(AssignOneToOne({}, 0.5).empty());
  // Below the threshold a pair does not block anything.
  const std::vector<ScoredPair> blocked = {{0, 0, 9, 0.4}, {0, 1, 1, 0.6}};
  EXPECT_EQ(Links(AssignOneToOne(blocked, 0.5)), (Links_t{{0, 1}}));
}

TEST(AssignTest, ExactBeatsGreedyWhereGreedyIsSuboptimal) {
  // Greedy links (0,0) for 10; the optimum is (0,1) + (1,0) for 18.
  const std::vector<ScoredPair> pairs = {Scored(0, 0, 10), Scored(0, 1, 9), Scored(1, 0, 9)};
  EXPECT_EQ(Links(AssignOneToOne(pairs, 0.5)), (Links_t{{0, 0}}));
  EXPECT_EQ(Links(AssignOneToOneExact(pairs, 0.5)), (Links_t{{0, 1}, {1, 0}}));
  // A component larger than the limit falls back to greedy.
  EXPECT_EQ(Links(AssignOneToOneExact(pairs, 0.5, 3)), (Links_t{{0, 0}}));
  EXPECT_EQ(Links(AssignOneToOneExact(pairs, 0.5, 4)), (Links_t{{0, 1}, {1, 0}}));
}

// The best total of (weight - w0) over all one-to-one subsets of `pairs`, by brute force.
double BestTotal(const std::vector<ScoredPair>& pairs, size_t next, std::vector<bool>& used_left,
                 std::vector<bool>& used_right, double w0) {
  if (next == pairs.size()) return 0;
  double best = BestTotal(pairs, next + 1, used_left, used_right, w0);
  const ScoredPair& p = pairs[next];
  if (!used_left[p.left] && !used_right[p.right]) {
    used_left[p.left] = used_right[p.right] = true;
    best = std::max(best, (p.weight - w0) + BestTotal(pairs, next + 1, used_left, used_right, w0));
    used_left[p.left] = used_right[p.right] = false;
  }
  return best;
}

TEST(AssignTest, ExactIsOptimalOnRandomSmallProblems) {
  int greedy_worse = 0;
  for (uint64_t seed = 0; seed < 200; ++seed) {
    Rng rng(seed);
    const size_t nl = 1 + rng.Uniform(5);
    const size_t nr = 1 + rng.Uniform(5);
    std::vector<ScoredPair> pairs;
    for (RecordIndex l = 0; l < nl; ++l) {
      for (RecordIndex r = 0; r < nr; ++r) {
        if (rng.Bernoulli(0.6)) pairs.push_back(Scored(l, r, rng.UniformDouble() * 10));
      }
    }
    std::vector<bool> used_left(nl);
    std::vector<bool> used_right(nr);
    const double best = BestTotal(pairs, 0, used_left, used_right, 0.0);
    auto total = [](const std::vector<ScoredPair>& links) {
      double sum = 0;
      for (const ScoredPair& p : links) sum += p.weight;
      return sum;
    };
    const std::vector<ScoredPair> exact = AssignOneToOneExact(pairs, 0.5);
    const std::vector<ScoredPair> greedy = AssignOneToOne(pairs, 0.5);
    EXPECT_NEAR(total(exact), best, 1e-9) << "seed " << seed;
    EXPECT_GE(total(greedy), best / 2 - 1e-9) << "seed " << seed;  // the 1/2 guarantee
    std::vector<ScoredPair> shuffled = pairs;
    rng.Shuffle(shuffled);
    EXPECT_EQ(Links(exact), Links(AssignOneToOneExact(shuffled, 0.5)));  // deterministic
    if (total(greedy) < best - 1e-9) ++greedy_worse;
  }
  EXPECT_GT(greedy_worse, 0);  // the test does exercise cases where exact matters
}

TEST(AssignTest, ExactKeepsPairsWorthZeroWhenFree) {
  // With a threshold probability of 0, w0 is the smallest weight: that pair counts for zero but
  // must still be linked when both its records are free, as greedy would.
  const std::vector<ScoredPair> pairs = {Scored(0, 0, -3), Scored(1, 1, 4)};
  EXPECT_EQ(Links(AssignOneToOneExact(pairs, 0.0)), (Links_t{{0, 0}, {1, 1}}));
  EXPECT_EQ(Links(AssignOneToOne(pairs, 0.0)), (Links_t{{0, 0}, {1, 1}}));
}

TEST(AssignTest, ExactHandlesDuplicatesAndInfiniteWeights) {
  const double inf = std::numeric_limits<double>::infinity();
  const std::vector<ScoredPair> pairs = {
      Scored(0, 0, 2), Scored(0, 0, 8), {1, 1, inf, 1.0}, Scored(1, 2, 3), Scored(2, 2, 1)};
  const std::vector<ScoredPair> links = AssignOneToOneExact(pairs, 0.5);
  EXPECT_EQ(Links(links), (Links_t{{0, 0}, {1, 1}, {2, 2}}));
  EXPECT_EQ(links[0].weight, 8);
}

TEST(ExplainShortfallTest, SaysWhyEachRecordIsOrIsNotLinked) {
  // Left 0 links to right 0; left 1's best is right 0 too, taken by the heavier pair; left 2's
  // best is below the threshold; left 3 has no pair at all.
  const std::vector<ScoredPair> scored = {Scored(0, 0, 10), Scored(1, 0, 6), Scored(1, 1, -4),
                                          Scored(2, 1, -2), Scored(2, 2, -5)};
  const std::vector<ScoredPair> links = AssignOneToOne(scored, 0.5);
  Shortfall s = ExplainShortfall(scored, links, 0, 0.5);
  EXPECT_EQ(s.reason, Shortfall::Reason::kLinked);
  EXPECT_EQ(s.best.right, 0u);
  s = ExplainShortfall(scored, links, 1, 0.5);
  EXPECT_EQ(s.reason, Shortfall::Reason::kOtherSideTaken);
  EXPECT_EQ(s.best.right, 0u);
  EXPECT_EQ(s.rival.left, 0u);
  EXPECT_EQ(s.Describe(0.5),
            "the candidate was linked to another record with a higher weight (10.000 > 6.000)");
  s = ExplainShortfall(scored, links, 2, 0.5);
  EXPECT_EQ(s.reason, Shortfall::Reason::kBelowThreshold);
  EXPECT_EQ(s.best.right, 1u);  // the heavier of its two candidates
  EXPECT_EQ(s.Describe(0.5), "match probability 0.2000 is below the threshold 0.5");
  s = ExplainShortfall(scored, links, 3, 0.5);
  EXPECT_EQ(s.reason, Shortfall::Reason::kNoCandidate);
  // From the right: right 2's only pair is below the threshold.
  s = ExplainShortfall(scored, links, 2, 0.5, /*right_side=*/true);
  EXPECT_EQ(s.reason, Shortfall::Reason::kBelowThreshold);
  EXPECT_EQ(s.best.left, 2u);
}

}  // namespace
}  // namespace popreg::link
