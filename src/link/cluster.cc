#include "link/cluster.h"

#include <algorithm>
#include <cassert>
#include <cmath>
#include <limits>
#include <numeric>
#include <utility>

#include "link/disjoint_sets.h"

namespace popreg::link {
namespace {

// A scored pair seen from one of its records: the other record, the pair's evidence (its match
// weight, see Evidence) and its probability.
struct Neighbour {
  RecordIndex other;
  double evidence;
  double probability;
};

// A pair with its records in order (a < b).
struct Edge {
  RecordIndex a;
  RecordIndex b;
  double weight;
  double probability;
};

// The evidence a pair gives: its match weight, finite.
double Evidence(double weight) {
  constexpr double kLimit = 1000;
  return std::isnan(weight) ? 0.0 : std::clamp(weight, -kLimit, kLimit);
}

}  // namespace

std::vector<uint32_t> Cluster(size_t n, std::span<const ScoredPair> pairs,
                              const ClusterOptions& options) {
  assert(n <= std::numeric_limits<RecordIndex>::max());
  const bool check_balance = options.break_threshold > 0;
  const bool check_any =
      check_balance || options.min_average_probability > 0 || options.min_link_density > 0;
  // The mean weight two clusters' pairs must reach: the weight of break_threshold.
  const double min_mean_weight =
      check_balance ? std::log2(options.break_threshold / (1 - options.break_threshold)) : 0.0;

  // The scored pairs in (a, b) order, so that everything below, sums included, is done in an
  // order that does not depend on the order of `pairs`.
  std::vector<Edge> edges;
  for (const ScoredPair& p : pairs) {
    assert(p.left < n && p.right < n);
    if (p.left == p.right || p.left >= n || p.right >= n || std::isnan(p.probability)) continue;
    edges.push_back(
        {std::min(p.left, p.right), std::max(p.left, p.right), p.weight, p.probability});
  }
  std::sort(edges.begin(), edges.end(),
            [](const Edge& x, const Edge& y) { return x.a != y.a ? x.a < y.a : x.b < y.b; });
  // The links, heaviest first; and the components they form.
  std::vector<Edge> links;
  DisjointSets components(n);
  for (const Edge& e : edges) {
    if (e.probability >= options.threshold) {
      links.push_back(e);
      components.Union(e.a, e.b);
    }
  }
  // Heaviest first (a NaN weight last), ties in (a, b) order.
  auto order = [](double w) {
    return std::isnan(w) ? -std::numeric_limits<double>::infinity() : w;
  };
  std::stable_sort(links.begin(), links.end(),
                   [&](const Edge& x, const Edge& y) { return order(x.weight) > order(y.weight); });

  // Per record, its scored pairs inside one component of the links (the only ones a merge
  // check can meet), when some check is on.
  std::vector<std::vector<Neighbour>> neighbours(n);
  for (const Edge& e : edges) {
    if (!check_any || components.Find(e.a) != components.Find(e.b)) continue;
    const double evidence = Evidence(e.weight);
    neighbours[e.a].push_back({e.b, evidence, e.probability});
    neighbours[e.b].push_back({e.a, evidence, e.probability});
  }
  edges = std::vector<Edge>();

  // cluster[x] is the label of x's cluster (one of its records); members[c] lists the records of
  // cluster c when it has more than one; neighbours[c] holds the pairs of all its members.
  std::vector<RecordIndex> cluster(n);
  std::iota(cluster.begin(), cluster.end(), RecordIndex{0});
  std::vector<std::vector<RecordIndex>> members(n);
  auto size_of = [&](RecordIndex c) -> size_t {
    return members[c].empty() ? 1 : members[c].size();
  };

  for (const Edge& link : links) {
    RecordIndex x = cluster[link.a];
    RecordIndex y = cluster[link.b];
    if (x == y) continue;
    if (check_any) {
      // The pairs between the two clusters, from the shorter pair list.
      const RecordIndex scan = neighbours[x].size() <= neighbours[y].size() ? x : y;
      const RecordIndex target = scan == x ? y : x;
      double weight_sum = 0;
      double probability_sum = 0;
      int64_t between = 0;
      int64_t strong = 0;
      for (const Neighbour& nb : neighbours[scan]) {
        if (cluster[nb.other] != target) continue;
        weight_sum += nb.evidence;
        probability_sum += nb.probability;
        ++between;
        if (nb.probability >= options.threshold) ++strong;
      }
      // `between` >= 1: the link itself is among the pairs.
      const double pairs_between = static_cast<double>(std::max<int64_t>(between, 1));
      if (check_balance && weight_sum / pairs_between < min_mean_weight) continue;
      if (options.min_average_probability > 0 &&
          probability_sum / pairs_between < options.min_average_probability) {
        continue;
      }
      if (options.min_link_density > 0 &&
          static_cast<double>(strong) < options.min_link_density * static_cast<double>(size_of(x)) *
                                            static_cast<double>(size_of(y))) {
        continue;
      }
    }

    // Merge the smaller cluster (by members) into the larger one.
    if (size_of(x) < size_of(y)) std::swap(x, y);
    if (members[x].empty()) members[x].push_back(x);
    if (members[y].empty()) members[y].push_back(y);
    for (const RecordIndex r : members[y]) cluster[r] = x;
    members[x].insert(members[x].end(), members[y].begin(), members[y].end());
    std::vector<RecordIndex>().swap(members[y]);
    // Move the shorter pair list into the longer, dropping the pairs now inside the cluster.
    if (neighbours[x].size() < neighbours[y].size()) neighbours[x].swap(neighbours[y]);
    for (const Neighbour& nb : neighbours[y]) {
      if (cluster[nb.other] != x) neighbours[x].push_back(nb);
    }
    std::vector<Neighbour>().swap(neighbours[y]);
  }

  // Dense ids in order of each cluster's smallest record.
  constexpr uint32_t kUnset = std::numeric_limits<uint32_t>::max();
  std::vector<uint32_t> id_of_label(n, kUnset);
  std::vector<uint32_t> ids(n);
  uint32_t next = 0;
  for (size_t r = 0; r < n; ++r) {
    uint32_t& id = id_of_label[cluster[r]];
    if (id == kUnset) id = next++;
    ids[r] = id;
  }
  return ids;
}

}  // namespace popreg::link
