#include "link/cluster.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <numeric>
#include <set>
#include <string>
#include <vector>

#include "base/env.h"

namespace popreg::link {
namespace {

using ::testing::ElementsAre;

// A pair whose weight matches its probability, as the model computes them.
ScoredPair Scored(RecordIndex left, RecordIndex right, double probability) {
  return {left, right, std::log2(probability / (1 - probability)), probability};
}

std::vector<uint32_t> ClusterIds(size_t n, const std::vector<ScoredPair>& pairs,
                                 ClusterOptions options = {}) {
  return Cluster(n, pairs, options);
}

TEST(ClusterTest, StrongChainWithAVeryLowEndPairIsSplit) {
  // A=0, B=1, C=2: A-B and B-C strong, A-C compared and very unlikely.
  const std::vector<ScoredPair> pairs = {Scored(0, 1, 0.999), Scored(1, 2, 0.99),
                                         Scored(0, 2, 0.0001)};
  EXPECT_THAT(ClusterIds(3, pairs), ElementsAre(0, 0, 1));  // the stronger link A-B wins
  // The other way round: B-C stronger.
  const std::vector<ScoredPair> other = {Scored(0, 1, 0.99), Scored(1, 2, 0.999),
                                         Scored(0, 2, 0.0001)};
  EXPECT_THAT(ClusterIds(3, other), ElementsAre(0, 1, 1));
  // Without the cannot-link check it chains into one cluster.
  ClusterOptions no_break;
  no_break.break_threshold = 0;
  EXPECT_THAT(ClusterIds(3, pairs, no_break), ElementsAre(0, 0, 0));
}

TEST(ClusterTest, TransitiveLinksCluster) {
  // A-C never compared, or compared with a middling score: one cluster.
  EXPECT_THAT(ClusterIds(3, {Scored(0, 1, 0.99), Scored(1, 2, 0.98)}), ElementsAre(0, 0, 0));
  EXPECT_THAT(ClusterIds(3, {Scored(0, 1, 0.99), Scored(1, 2, 0.98), Scored(0, 2, 0.2)}),
              ElementsAre(0, 0, 0));
  // A household of five linked in a ring, plus a separate pair.
  EXPECT_THAT(ClusterIds(8, {Scored(0, 2, 0.9), Scored(2, 4, 0.95), Scored(4, 6, 0.9),
                             Scored(6, 0, 0.97), Scored(1, 7, 0.99), Scored(3, 5, 0.3)}),
              ElementsAre(0, 1, 0, 2, 0, 3, 0, 1));
}

TEST(ClusterTest, SingletonsAndDenseIds) {
  EXPECT_THAT(ClusterIds(6, {Scored(5, 4, 0.9), Scored(1, 3, 0.9)}), ElementsAre(0, 1, 2, 1, 3, 3));
  EXPECT_THAT(ClusterIds(3, {}), ElementsAre(0, 1, 2));
  EXPECT_TRUE(ClusterIds(0, {}).empty());
  // Below the threshold, self pairs and NaN probabilities link nothing.
  EXPECT_THAT(ClusterIds(3, {Scored(0, 1, 0.4), {2, 2, 10, 0.99}, {0, 2, 10, std::nan("")}}),
              ElementsAre(0, 1, 2));
}

TEST(ClusterTest, CannotLinkBetweenClustersBlocksTheirMerge) {
  // {0,1,2} and {3,4} are each strongly linked; 2-3 links them, but 0 and 4 are known apart.
  const std::vector<ScoredPair> pairs = {Scored(0, 1, 0.999), Scored(1, 2, 0.999),
                                         Scored(3, 4, 0.999), Scored(2, 3, 0.9),
                                         Scored(0, 4, 0.001)};
  EXPECT_THAT(ClusterIds(5, pairs), ElementsAre(0, 0, 0, 1, 1));
}

TEST(ClusterTest, AverageAndDensityChecks) {
  // A triangle {0,1,2} and record 3 linked to it only through 2.
  const std::vector<ScoredPair> pairs = {Scored(0, 1, 0.99), Scored(1, 2, 0.99), Scored(0, 2, 0.99),
                                         Scored(2, 3, 0.9),  Scored(0, 3, 0.1),  Scored(1, 3, 0.1)};
  EXPECT_THAT(ClusterIds(4, pairs), ElementsAre(0, 0, 0, 0));
  ClusterOptions average;
  average.min_average_probability = 0.5;  // (0.9 + 0.1 + 0.1) / 3 < 0.5
  EXPECT_THAT(ClusterIds(4, pairs, average), ElementsAre(0, 0, 0, 1));
  ClusterOptions dense;
  dense.min_link_density = 0.5;  // 1 link of 3 possible
  EXPECT_THAT(ClusterIds(4, pairs, dense), ElementsAre(0, 0, 0, 1));
  dense.min_link_density = 0.3;
  EXPECT_THAT(ClusterIds(4, pairs, dense), ElementsAre(0, 0, 0, 0));
}

TEST(ClusterTest, DeterministicWhateverThePairOrder) {
  Rng rng(11);
  const size_t n = 300;
  std::vector<ScoredPair> pairs;
  for (int k = 0; k < 900; ++k) {
    const auto a = static_cast<RecordIndex>(rng.Uniform(n));
    const auto b = static_cast<RecordIndex>(rng.Uniform(n));
    if (a == b) continue;
    pairs.push_back(Scored(a, b, rng.Bernoulli(0.3) ? 0.001 : 0.5 + 0.49 * rng.UniformDouble()));
  }
  // Drop repeated record pairs: the contract is one score per pair.
  std::set<std::pair<RecordIndex, RecordIndex>> seen;
  std::erase_if(pairs, [&](const ScoredPair& p) {
    return !seen.emplace(std::min(p.left, p.right), std::max(p.left, p.right)).second;
  });
  const std::vector<uint32_t> expected = ClusterIds(n, pairs);
  for (int round = 0; round < 5; ++round) {
    rng.Shuffle(pairs);
    for (ScoredPair& p : pairs) {
      if (rng.Bernoulli(0.5)) std::swap(p.left, p.right);
    }
    EXPECT_EQ(ClusterIds(n, pairs), expected);
  }
}

// Properties on random graphs: no cluster holds a cannot-link pair, and every link between two
// clusters is blocked by a cannot-link between them (clusters only grow, so a link refused earlier
// still has its reason in the final clusters). Without cannot-links: the connected components.
TEST(ClusterTest, RandomGraphsRespectCannotLinksAndOtherwiseAreComponents) {
  for (uint64_t seed = 0; seed < 30; ++seed) {
    SCOPED_TRACE("seed " + std::to_string(seed));
    Rng rng(seed);
    const size_t n = 10 + rng.Uniform(150);
    std::vector<ScoredPair> pairs;
    std::set<std::pair<RecordIndex, RecordIndex>> seen;
    const size_t m = rng.Uniform(3 * n);
    for (size_t k = 0; k < m; ++k) {
      const auto a = static_cast<RecordIndex>(rng.Uniform(n));
      const auto b = static_cast<RecordIndex>(rng.Uniform(n));
      if (a == b || !seen.emplace(std::min(a, b), std::max(a, b)).second) continue;
      const double u = rng.UniformDouble();
      pairs.push_back(Scored(a, b, u < 0.2 ? 0.001 : (u < 0.4 ? 0.3 : 0.6 + 0.39 * u)));
    }
    const ClusterOptions options;
    const std::vector<uint32_t> ids = ClusterIds(n, pairs, options);
    ASSERT_EQ(ids.size(), n);
    // Dense ids in order of first appearance.
    uint32_t next = 0;
    for (uint32_t id : ids) {
      ASSERT_LE(id, next);
      if (id == next) ++next;
    }
    std::set<std::pair<uint32_t, uint32_t>> cannot;
    for (const ScoredPair& p : pairs) {
      if (p.probability < options.break_threshold) {
        EXPECT_NE(ids[p.left], ids[p.right]) << p.left << "-" << p.right;
        cannot.emplace(std::min(ids[p.left], ids[p.right]), std::max(ids[p.left], ids[p.right]));
      }
    }
    for (const ScoredPair& p : pairs) {
      if (p.probability >= options.threshold && ids[p.left] != ids[p.right]) {
        EXPECT_TRUE(cannot.count({std::min(ids[p.left], ids[p.right]),
                                  std::max(ids[p.left], ids[p.right])}) == 1)
            << "link " << p.left << "-" << p.right << " refused without reason";
      }
    }

    // With the check off: connected components of the links, by a simple flood fill.
    ClusterOptions plain;
    plain.break_threshold = 0;
    std::vector<std::vector<RecordIndex>> adjacent(n);
    for (const ScoredPair& p : pairs) {
      if (p.probability >= plain.threshold) {
        adjacent[p.left].push_back(p.right);
        adjacent[p.right].push_back(p.left);
      }
    }
    std::vector<uint32_t> component(n, UINT32_MAX);
    uint32_t count = 0;
    for (size_t s = 0; s < n; ++s) {
      if (component[s] != UINT32_MAX) continue;
      std::vector<RecordIndex> stack = {static_cast<RecordIndex>(s)};
      component[s] = count;
      while (!stack.empty()) {
        const RecordIndex x = stack.back();
        stack.pop_back();
        for (RecordIndex y : adjacent[x]) {
          if (component[y] == UINT32_MAX) {
            component[y] = count;
            stack.push_back(y);
          }
        }
      }
      ++count;
    }
    EXPECT_EQ(ClusterIds(n, pairs, plain), component);
  }
}

}  // namespace
}  // namespace popreg::link
