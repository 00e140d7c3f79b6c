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

TEST(ClusterTest, StrongChainWithAClearlyDifferentEndIsSplit) {
  // A=0, B=1, C=2: A-B and B-C strong, A-C compared and clearly two people (weight -20, below
  // minus the weight of B-C).
  const std::vector<ScoredPair> pairs = {Scored(0, 1, 0.999), Scored(1, 2, 0.99),
                                         Scored(0, 2, 1e-6)};
  EXPECT_THAT(ClusterIds(3, pairs), ElementsAre(0, 0, 1));  // the stronger link A-B wins
  // The other way round: B-C stronger.
  const std::vector<ScoredPair> other = {Scored(0, 1, 0.99), Scored(1, 2, 0.999),
                                         Scored(0, 2, 1e-6)};
  EXPECT_THAT(ClusterIds(3, other), ElementsAre(0, 1, 1));
  // Without the check it chains into one cluster.
  ClusterOptions no_break;
  no_break.break_threshold = 0;
  EXPECT_THAT(ClusterIds(3, pairs, no_break), ElementsAre(0, 0, 0));
}

TEST(ClusterTest, ALinkOutweighsAWeakerPairAgainst) {
  // B-C at weight +13.3 and A-C at -7.6 (two differently corrupted copies of one person): on
  // balance the pairs between {A, B} and C are for the merge. (The old rule, any pair below
  // 0.01 is a cannot-link, split them.)
  EXPECT_THAT(ClusterIds(3, {Scored(0, 1, 0.99999), Scored(1, 2, 0.9999), Scored(0, 2, 0.005)}),
              ElementsAre(0, 0, 0));
  // Evidence exactly balanced is not against: weights +w and -w.
  EXPECT_THAT(ClusterIds(3, {{0, 1, 20, 0.999999}, {1, 2, 10, 0.999}, {0, 2, -10, 0.001}}),
              ElementsAre(0, 0, 0));
  EXPECT_THAT(ClusterIds(3, {{0, 1, 20, 0.999999}, {1, 2, 10, 0.999}, {0, 2, -10.5, 0.0007}}),
              ElementsAre(0, 0, 1));
}

TEST(ClusterTest, OneBadPairAmongManyGoodOnesDoesNotBlockAMerge) {
  // {0,1,2} and {3,4,5}, each strongly linked inside; of the nine pairs between them eight are
  // links and one (0-5) very unlikely. The old rule (any pair below break 0.01 between two
  // clusters refuses their merge) kept them apart.
  std::vector<ScoredPair> pairs = {Scored(0, 1, 0.9999), Scored(1, 2, 0.9999),
                                   Scored(0, 2, 0.9999), Scored(3, 4, 0.9999),
                                   Scored(4, 5, 0.9999), Scored(3, 5, 0.9999)};
  for (RecordIndex a = 0; a < 3; ++a) {
    for (RecordIndex b = 3; b < 6; ++b) {
      pairs.push_back(Scored(a, b, a == 0 && b == 5 ? 0.0001 : 0.99));
    }
  }
  EXPECT_THAT(ClusterIds(6, pairs), ElementsAre(0, 0, 0, 0, 0, 0));
  // With most pairs between them against (two households sharing an address, one person
  // mistyped into the other's name), they stay apart.
  std::vector<ScoredPair> households(pairs.begin(), pairs.begin() + 6);
  for (RecordIndex a = 0; a < 3; ++a) {
    for (RecordIndex b = 3; b < 6; ++b) {
      households.push_back(Scored(a, b, a == 2 && b == 3 ? 0.99 : 0.0001));
    }
  }
  EXPECT_THAT(ClusterIds(6, households), ElementsAre(0, 0, 0, 1, 1, 1));
}

TEST(ClusterTest, TwinsAreNotChainedThroughACardWithoutAnId) {
  // Twins T1 (cards 0 and 1, same ID) and T2 (card 2): same surname, birth date, sex and
  // address, different IDs, so their pairs are strongly against (weight -20). Card 3 has no ID
  // and T2's name with one character mistyped like T1's: it links to T2 (+8) and to T1's cards
  // (+5 and +4). It joins T2, and the twins stay apart.
  const std::vector<ScoredPair> pairs = {{0, 1, 25, 1.0},  {0, 2, -20, 1e-6}, {1, 2, -20, 1e-6},
                                         {2, 3, 8, 0.996}, {0, 3, 5, 0.97},   {1, 3, 4, 0.94}};
  EXPECT_THAT(ClusterIds(4, pairs), ElementsAre(0, 0, 1, 1));
  // If card 3 links more strongly to T1, it joins T1; T2 still stays apart.
  const std::vector<ScoredPair> other = {{0, 1, 25, 1.0}, {0, 2, -20, 1e-6}, {1, 2, -20, 1e-6},
                                         {2, 3, 4, 0.94}, {0, 3, 8, 0.996},  {1, 3, 7, 0.99}};
  EXPECT_THAT(ClusterIds(4, other), ElementsAre(0, 0, 1, 0));
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

TEST(ClusterTest, PairsAgainstBetweenClustersBlockTheirMerge) {
  // {0,1,2} and {3,4} are each strongly linked; 2-3 links them (weight +3.2), but 0 and 4 are
  // more surely apart (-10).
  const std::vector<ScoredPair> pairs = {Scored(0, 1, 0.999), Scored(1, 2, 0.999),
                                         Scored(3, 4, 0.999), Scored(2, 3, 0.9),
                                         Scored(0, 4, 0.001)};
  EXPECT_THAT(ClusterIds(5, pairs), ElementsAre(0, 0, 0, 1, 1));
}

TEST(ClusterTest, AverageAndDensityChecks) {
  // A triangle {0,1,2} and record 3 linked to it only through 2.
  const std::vector<ScoredPair> pairs = {Scored(0, 1, 0.99), Scored(1, 2, 0.99), Scored(0, 2, 0.99),
                                         Scored(2, 3, 0.9),  Scored(0, 3, 0.1),  Scored(1, 3, 0.1)};
  ClusterOptions none;
  none.break_threshold = 0;
  EXPECT_THAT(ClusterIds(4, pairs, none), ElementsAre(0, 0, 0, 0));
  // By default the pairs between {0,1,2} and 3 are on balance against: (3.2 - 3.2 - 3.2) / 3 < 0.
  EXPECT_THAT(ClusterIds(4, pairs), ElementsAre(0, 0, 0, 1));
  ClusterOptions average = none;
  average.min_average_probability = 0.5;  // (0.9 + 0.1 + 0.1) / 3 < 0.5
  EXPECT_THAT(ClusterIds(4, pairs, average), ElementsAre(0, 0, 0, 1));
  ClusterOptions dense = none;
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

// The rule of cluster.h spelled out as simply as possible, in O(links * pairs): links by
// descending weight, ties by (left, right); a link's two clusters merge unless the mean weight of
// all pairs between them is below the weight of break_threshold.
std::vector<uint32_t> ReferenceClusters(size_t n, std::vector<ScoredPair> pairs,
                                        const ClusterOptions& options) {
  for (ScoredPair& p : pairs) {
    if (p.left > p.right) std::swap(p.left, p.right);
  }
  std::vector<ScoredPair> links;
  for (const ScoredPair& p : pairs) {
    if (p.probability >= options.threshold) links.push_back(p);
  }
  std::sort(links.begin(), links.end(), [](const ScoredPair& x, const ScoredPair& y) {
    if (x.weight != y.weight) return x.weight > y.weight;
    return std::pair(x.left, x.right) < std::pair(y.left, y.right);
  });
  std::vector<uint32_t> label(n);
  std::iota(label.begin(), label.end(), 0u);
  const double floor = std::log2(options.break_threshold / (1 - options.break_threshold));
  for (const ScoredPair& link : links) {
    const uint32_t x = label[link.left], y = label[link.right];
    if (x == y) continue;
    double sum = 0;
    int between = 0;
    for (const ScoredPair& p : pairs) {
      if ((label[p.left] == x && label[p.right] == y) ||
          (label[p.left] == y && label[p.right] == x)) {
        sum += p.weight;
        ++between;
      }
    }
    if (options.break_threshold > 0 && sum / between < floor) continue;
    for (uint32_t& l : label) {
      if (l == y) l = x;
    }
  }
  // Dense ids in order of first appearance.
  std::map<uint32_t, uint32_t> dense;
  std::vector<uint32_t> ids(n);
  for (size_t r = 0; r < n; ++r) {
    ids[r] = dense.emplace(label[r], static_cast<uint32_t>(dense.size())).first->second;
  }
  return ids;
}

// On random graphs: the same clusters as the reference above, for break thresholds 0.5 (the
// default) and 0.01; every cluster is joined by its links. Without the check: the connected
// components of the links.
TEST(ClusterTest, RandomGraphsFollowTheRuleAndOtherwiseAreComponents) {
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
      pairs.push_back(
          Scored(a, b, u < 0.2 ? 1e-6 + 1e-4 * u : (u < 0.4 ? 0.3 * u : 0.6 + 0.39 * u)));
    }
    for (const double break_threshold : {0.5, 0.01}) {
      ClusterOptions options;
      options.break_threshold = break_threshold;
      const std::vector<uint32_t> ids = ClusterIds(n, pairs, options);
      ASSERT_EQ(ids.size(), n);
      EXPECT_EQ(ids, ReferenceClusters(n, pairs, options)) << "break " << break_threshold;
      // Each cluster is connected by its own links: as many records as links joining them
      // (counted with a union-find restricted to links inside clusters) plus one per cluster.
      std::vector<uint32_t> parent(n);
      std::iota(parent.begin(), parent.end(), 0u);
      auto find = [&](uint32_t x) {
        while (parent[x] != x) x = parent[x] = parent[parent[x]];
        return x;
      };
      size_t joined = 0;
      for (const ScoredPair& p : pairs) {
        if (p.probability < options.threshold || ids[p.left] != ids[p.right]) continue;
        const uint32_t x = find(p.left), y = find(p.right);
        if (x != y) {
          parent[x] = y;
          ++joined;
        }
      }
      EXPECT_EQ(n - joined, static_cast<size_t>(*std::max_element(ids.begin(), ids.end()) + 1));
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
