#include "link/assign.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <limits>
#include <numeric>
#include <span>

#include "link/disjoint_sets.h"

namespace popreg::link {
namespace {

// Drops the pairs below the threshold and those with a NaN weight or probability.
void KeepAtOrAbove(std::vector<ScoredPair>& pairs, double min_probability) {
  std::erase_if(pairs, [&](const ScoredPair& p) {
    return std::isnan(p.weight) || std::isnan(p.probability) || !(p.probability >= min_probability);
  });
}

// The greedy order: heavier first, then by (left, right).
bool HeavierFirst(const ScoredPair& a, const ScoredPair& b) {
  if (a.weight != b.weight) return a.weight > b.weight;
  if (a.left != b.left) return a.left < b.left;
  return a.right < b.right;
}

bool ByIndex(const ScoredPair& a, const ScoredPair& b) {
  return a.left != b.left ? a.left < b.left : a.right < b.right;
}

// Minimum-cost assignment of every row of `cost` (rows x cols, row-major, rows <= cols) to a
// distinct column: the Hungarian algorithm with potentials (Kuhn 1955, Munkres 1957, in the
// O(rows^2 cols) shortest-augmenting-path form). Returns the column of each row.
std::vector<size_t> MinCostAssignment(std::span<const double> cost, size_t rows, size_t cols) {
  constexpr double kInf = std::numeric_limits<double>::infinity();
  // 1-based as in the classic formulation; column 0 is the virtual start.
  std::vector<double> u(rows + 1, 0);
  std::vector<double> v(cols + 1, 0);
  std::vector<size_t> row_of(cols + 1, 0);  // row_of[j]: the row assigned to column j, 0 = none
  std::vector<size_t> way(cols + 1, 0);
  std::vector<double> min_slack(cols + 1);
  std::vector<uint8_t> visited(cols + 1);
  for (size_t i = 1; i <= rows; ++i) {
    row_of[0] = i;
    size_t j0 = 0;
    std::fill(min_slack.begin(), min_slack.end(), kInf);
    std::fill(visited.begin(), visited.end(), 0);
    do {
      visited[j0] = 1;
      const size_t i0 = row_of[j0];
      double delta = kInf;
      size_t j1 = 0;
      for (size_t j = 1; j <= cols; ++j) {
        if (visited[j] != 0) continue;
        const double slack = cost[(i0 - 1) * cols + (j - 1)] - u[i0] - v[j];
        if (slack < min_slack[j]) {
          min_slack[j] = slack;
          way[j] = j0;
        }
        if (min_slack[j] < delta) {
          delta = min_slack[j];
          j1 = j;
        }
      }
      for (size_t j = 0; j <= cols; ++j) {
        if (visited[j] != 0) {
          u[row_of[j]] += delta;
          v[j] -= delta;
        } else {
          min_slack[j] -= delta;
        }
      }
      j0 = j1;
    } while (row_of[j0] != 0);
    do {
      const size_t j1 = way[j0];
      row_of[j0] = row_of[j1];
      j0 = j1;
    } while (j0 != 0);
  }
  std::vector<size_t> col_of(rows, 0);
  for (size_t j = 1; j <= cols; ++j) {
    if (row_of[j] != 0) col_of[row_of[j] - 1] = j - 1;
  }
  return col_of;
}

// A kept pair with the dense node ids of its two records.
struct Edge {
  ScoredPair pair;
  uint32_t left_node;
  uint32_t right_node;
};

// Greedy on one component; `used` is indexed by node id.
void AssignGreedy(std::vector<Edge>& edges, std::vector<uint8_t>& used,
                  std::vector<ScoredPair>& out) {
  std::sort(edges.begin(), edges.end(),
            [](const Edge& a, const Edge& b) { return HeavierFirst(a.pair, b.pair); });
  for (const Edge& e : edges) {
    if (used[e.left_node] != 0 || used[e.right_node] != 0) continue;
    used[e.left_node] = 1;
    used[e.right_node] = 1;
    out.push_back(e.pair);
  }
}

// Exact on one component (finite weights); `used` is indexed by node id. The rows and columns
// of the cost matrix are in record order, so that the result does not depend on the input order.
void AssignExact(std::vector<Edge>& edges, double threshold_weight, std::vector<uint8_t>& used,
                 std::vector<ScoredPair>& out) {
  // By (left, right), the heaviest first among repeats of a pair: only that one is used.
  std::sort(edges.begin(), edges.end(), [](const Edge& a, const Edge& b) {
    if (a.pair.left != b.pair.left) return a.pair.left < b.pair.left;
    if (a.pair.right != b.pair.right) return a.pair.right < b.pair.right;
    return a.pair.weight > b.pair.weight;
  });
  std::vector<RecordIndex> lefts;
  std::vector<RecordIndex> rights;
  double w0 = threshold_weight;
  for (const Edge& e : edges) {
    lefts.push_back(e.pair.left);
    rights.push_back(e.pair.right);
    w0 = std::min(w0, e.pair.weight);
  }
  for (std::vector<RecordIndex>* records : {&lefts, &rights}) {
    std::sort(records->begin(), records->end());
    records->erase(std::unique(records->begin(), records->end()), records->end());
  }
  // Rows are the smaller side.
  const bool transpose = lefts.size() > rights.size();
  const size_t rows = transpose ? rights.size() : lefts.size();
  const size_t cols = transpose ? lefts.size() : rights.size();
  std::vector<double> cost(rows * cols, 0.0);     // a missing pair costs 0: "not linked"
  std::vector<int64_t> edge_at(rows * cols, -1);  // the edge of a cell, -1 for none
  auto local = [](const std::vector<RecordIndex>& records, RecordIndex record) {
    return static_cast<size_t>(std::lower_bound(records.begin(), records.end(), record) -
                               records.begin());
  };
  for (size_t k = 0; k < edges.size(); ++k) {
    const size_t l = local(lefts, edges[k].pair.left);
    const size_t r = local(rights, edges[k].pair.right);
    const size_t cell = transpose ? r * cols + l : l * cols + r;
    if (edge_at[cell] >= 0) continue;  // a lighter repeat
    cost[cell] = -(edges[k].pair.weight - w0);
    edge_at[cell] = static_cast<int64_t>(k);
  }
  const std::vector<size_t> col_of = MinCostAssignment(cost, rows, cols);
  for (size_t row = 0; row < rows; ++row) {
    const int64_t k = edge_at[row * cols + col_of[row]];
    if (k < 0) continue;
    const Edge& e = edges[static_cast<size_t>(k)];
    used[e.left_node] = 1;
    used[e.right_node] = 1;
    out.push_back(e.pair);
  }
  // Pairs worth exactly zero may have been left out although both records are free: link them
  // (heaviest first), which keeps the assignment optimal and maximal.
  AssignGreedy(edges, used, out);
}

}  // namespace

std::vector<ScoredPair> AssignOneToOne(std::vector<ScoredPair> pairs, double min_probability) {
  KeepAtOrAbove(pairs, min_probability);
  std::sort(pairs.begin(), pairs.end(), HeavierFirst);
  RecordIndex max_left = 0;
  RecordIndex max_right = 0;
  for (const ScoredPair& p : pairs) {
    max_left = std::max(max_left, p.left);
    max_right = std::max(max_right, p.right);
  }
  std::vector<bool> left_used(pairs.empty() ? 0 : size_t{max_left} + 1);
  std::vector<bool> right_used(pairs.empty() ? 0 : size_t{max_right} + 1);
  std::vector<ScoredPair> out;
  for (const ScoredPair& p : pairs) {
    if (left_used[p.left] || right_used[p.right]) continue;
    left_used[p.left] = true;
    right_used[p.right] = true;
    out.push_back(p);
  }
  std::sort(out.begin(), out.end(), ByIndex);
  return out;
}

std::vector<ScoredPair> AssignOneToOneExact(std::vector<ScoredPair> pairs, double min_probability,
                                            size_t max_component_records) {
  KeepAtOrAbove(pairs, min_probability);
  if (pairs.empty()) return pairs;

  // Dense node ids for the records in the pairs (left and right records in one numbering).
  RecordIndex max_left = 0;
  RecordIndex max_right = 0;
  for (const ScoredPair& p : pairs) {
    max_left = std::max(max_left, p.left);
    max_right = std::max(max_right, p.right);
  }
  constexpr uint32_t kNone = std::numeric_limits<uint32_t>::max();
  std::vector<uint32_t> left_node(size_t{max_left} + 1, kNone);
  std::vector<uint32_t> right_node(size_t{max_right} + 1, kNone);
  uint32_t nodes = 0;
  std::vector<Edge> edges;
  edges.reserve(pairs.size());
  for (const ScoredPair& p : pairs) {
    if (left_node[p.left] == kNone) left_node[p.left] = nodes++;
    if (right_node[p.right] == kNone) right_node[p.right] = nodes++;
    edges.push_back({p, left_node[p.left], right_node[p.right]});
  }
  std::vector<ScoredPair>().swap(pairs);
  std::vector<uint32_t>().swap(left_node);
  std::vector<uint32_t>().swap(right_node);
  DisjointSets sets(nodes);
  for (const Edge& e : edges) sets.Union(e.left_node, e.right_node);

  // Group the edges by component (a counting sort on the component's root).
  std::vector<uint32_t> root(edges.size());
  std::vector<size_t> start(size_t{nodes} + 1, 0);
  for (size_t k = 0; k < edges.size(); ++k) {
    root[k] = sets.Find(edges[k].left_node);
    ++start[root[k] + 1];
  }
  std::partial_sum(start.begin(), start.end(), start.begin());
  std::vector<uint32_t> by_component(edges.size());
  {
    std::vector<size_t> next(start.begin(), start.end() - 1);
    for (size_t k = 0; k < edges.size(); ++k)
      by_component[next[root[k]]++] = static_cast<uint32_t>(k);
  }

  const double threshold_weight = min_probability > 0 && min_probability < 1
                                      ? std::log2(min_probability / (1 - min_probability))
                                      : -std::numeric_limits<double>::infinity();
  std::vector<uint8_t> used(nodes, 0);
  std::vector<ScoredPair> out;
  std::vector<Edge> component;
  for (uint32_t r = 0; r < nodes; ++r) {
    if (start[r] == start[r + 1]) continue;  // not a root, or a root without edges
    component.clear();
    bool finite = true;
    for (size_t k = start[r]; k < start[r + 1]; ++k) {
      component.push_back(edges[by_component[k]]);
      finite = finite && std::isfinite(component.back().pair.weight);
    }
    if (finite && sets.Size(r) <= max_component_records) {
      AssignExact(component, threshold_weight, used, out);
    } else {
      AssignGreedy(component, used, out);
    }
  }
  std::sort(out.begin(), out.end(), ByIndex);
  return out;
}

}  // namespace popreg::link

namespace popreg::link {

std::string Shortfall::Describe(double threshold) const {
  char buf[160];
  switch (reason) {
    case Reason::kLinked:
      return "linked";
    case Reason::kNoCandidate:
      return "no candidate pair: the blocking rules found none";
    case Reason::kBelowThreshold:
      std::snprintf(buf, sizeof buf, "match probability %.4f is below the threshold %g",
                    best.probability, threshold);
      return buf;
    case Reason::kOtherSideTaken:
      std::snprintf(buf, sizeof buf,
                    "the candidate was linked to another record with a higher weight (%.3f > "
                    "%.3f)",
                    rival.weight, best.weight);
      return buf;
  }
  return "";
}

Shortfall ExplainShortfall(std::span<const ScoredPair> scored, std::span<const ScoredPair> links,
                           RecordIndex record, double threshold, bool right_side) {
  auto mine = [&](const ScoredPair& p) { return (right_side ? p.right : p.left) == record; };
  Shortfall s;
  for (const ScoredPair& p : links) {
    if (mine(p)) {
      s.reason = Shortfall::Reason::kLinked;
      s.best = p;
      return s;
    }
  }
  bool found = false;
  for (const ScoredPair& p : scored) {
    if (!mine(p) || std::isnan(p.weight)) continue;
    if (!found || p.weight > s.best.weight) s.best = p;
    found = true;
  }
  if (!found) return s;
  if (!(s.best.probability >= threshold)) {
    s.reason = Shortfall::Reason::kBelowThreshold;
    return s;
  }
  s.reason = Shortfall::Reason::kOtherSideTaken;
  for (const ScoredPair& p : links) {
    if (right_side ? p.left == s.best.left : p.right == s.best.right) s.rival = p;
  }
  return s;
}

}  // namespace popreg::link
