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
  // Two clusters are a cannot-link, and never merge, when the scored pairs between them are on
  // balance against their being one person: when the mean match weight of those pairs is below
  // log2(break_threshold / (1 - break_threshold)), the weight of this probability (the mean of
  // the pairs' log-odds, i.e. the geometric mean of their odds, against the odds of
  // break_threshold). Between two single records it is the one pair's probability. 0 turns the
  // check off.
  double break_threshold = 0.5;
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
// < n; in either order; each pair at most once). Pairs with a NaN probability are ignored; a
// pair's match weight (log2 odds) is clamped to [-1000, 1000] where it is evidence.
//
// The algorithm is single-linkage clustering made safe against chaining by average linkage in
// log-odds. Links are taken by descending weight (ties by (left, right)), as Kruskal's algorithm
// takes edges; the link's two clusters A and B merge unless the evidence of all scored pairs
// between A and B taken together is against it: their mean match weight below the weight of
// break_threshold (or, when enabled, their mean probability or the density of the links between
// them too low). One pair is one piece of evidence among the others, so one poor pair (two
// differently corrupted copies of one person) among good ones does not keep two clusters apart,
// while a pair that says "clearly different people" outweighs a weaker link: A-B strong, B-C
// strong (weight +7) and A-C scored at weight -20 gives {A, B} and {C} (the stronger of the two
// links wins), with A-C at -3 it gives {A, B, C}, and so does A-B and B-C strong with A-C never
// compared. Pairs never scored (not blocked together) are no evidence either way. The rule is the
// merge criterion of correlation clustering with log-odds costs (Bansal, Blum and Chawla 2004;
// the greedy additive edge contraction of Keuper et al. 2015) taken in the order of the links:
// merging A and B raises the log-likelihood of the clustering under independent pairs by the
// sum of the weights of the pairs between them, which is >= 0 exactly when their mean is (with
// break_threshold 0.5). Without a cannot-link check the result is the connected components of
// the links.
//
// Clusters are kept as member lists with a cluster label per record, and the scored pairs of each
// cluster's members as a list; on a merge the smaller member list is relabelled and the smaller
// pair list moved (small-to-large), so all merges cost O(n log n + p log p) for p pairs. Checking
// a merge scans the smaller of the two pair lists; only pairs whose records are joined by some
// chain of links are kept at all. Time O(p log p) in practice (each refused merge attempt may
// rescan a list, once per link at most), memory O(n + p). Deterministic: the result does not
// depend on the order of `pairs`.
std::vector<uint32_t> Cluster(size_t n, std::span<const ScoredPair> pairs,
                              const ClusterOptions& options);

}  // namespace popreg::link
