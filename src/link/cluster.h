// Deduplication clusters: which records of one file are the same person.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "link/types.h"

namespace popreg::link {

struct ClusterOptions {
  // A scored pair with probability >= threshold is a link: it may join its two records' clusters.
  double threshold = 0.5;
  // A scored pair with probability < break_threshold is a cannot-link: its two records never end
  // in the same cluster, whatever chain of links joins them. 0 turns the check off.
  double break_threshold = 0.01;
  // Optional: two clusters merge only if the mean probability of all scored pairs between them is
  // at least this (average linkage over the scored pairs). 0 turns the check off.
  double min_average_probability = 0;
  // Optional: two clusters A and B merge only if the links between them number at least this
  // fraction of |A| * |B| (so a big cluster is not joined through one member). 0 turns it off.
  double min_link_density = 0;
};

// Returns a cluster id per record of a set of n records: ids are dense, numbered in order of each
// cluster's smallest record index (record 0 is in cluster 0); a record in no link is a cluster of
// its own.
//
// `pairs` are the scored pairs of a deduplication (each (left, right) with left != right, both
// < n; in either order; each pair at most once). Pairs with a NaN probability are ignored.
//
// The algorithm is single-linkage clustering made safe against chaining. Links are taken by
// descending weight (ties by (left, right)), as Kruskal's algorithm takes edges; the link's two
// clusters A and B merge unless a scored pair between A and B is a cannot-link (or, when enabled,
// the mean probability or the density of the pairs between them is too low). So A-B strong, B-C
// strong and A-C scored very low gives {A, B} and {C} (the stronger of the two links wins), while
// A-B and B-C strong with A-C never compared gives {A, B, C}. Without cannot-links and checks
// the result is the connected components of the links.
//
// Clusters are kept as member lists with a cluster label per record, and the scored pairs of each
// cluster's members as a list; on a merge the smaller member list is relabelled and the smaller
// pair list moved (small-to-large), so all merges cost O(n log n + p log p) for p pairs. Checking
// a merge scans the smaller of the two pair lists; only pairs whose records are joined by some
// chain of links are kept at all. Time O(p log p) in practice (each failed merge attempt may
// rescan a list), memory O(n + p). Deterministic: the result does not depend on the order of
// `pairs`.
std::vector<uint32_t> Cluster(size_t n, std::span<const ScoredPair> pairs,
                              const ClusterOptions& options);

}  // namespace popreg::link
