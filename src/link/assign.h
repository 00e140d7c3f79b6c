// One-to-one assignment: when linking two files in which each person appears at most once (a feed
// against the register), each left record is linked to at most one right record and vice versa.
#pragma once

#include <cstddef>
#include <span>
#include <string>
#include <vector>

#include "link/types.h"

namespace popreg::link {

// Returns the links of a one-to-one assignment of the scored pairs, sorted by (left, right).
//
// Pairs whose probability is below `min_probability`, or whose weight or probability is NaN, are
// dropped. The rest are taken greedily by descending match weight (ties by ascending (left,
// right), so the result does not depend on the input order): a pair is kept when neither its left
// nor its right record is already linked.
//
// Greedy maximum-weight matching is a 1/2-approximation of the optimum assignment (the maximum
// total weight matching, for non-negative weights, i.e. min_probability >= 0.5): each pair of the
// optimum is either kept or blocked by a kept pair at least as heavy, and each kept pair blocks at
// most two pairs of the optimum. It is what linkage practice uses (Splink, fastLink and most
// register offices link the best pair first) because on real scores it is near-optimal: true
// matches have weights far above the competing non-matches of the same records, so the heaviest
// pair of a conflict is almost always the right one, and the rare case where two moderate pairs
// beat one strong pair is usually a case a clerk should look at anyway. It costs O(p log p) for p
// pairs.
//
// Memory beyond the pairs: one bit per record index up to the largest index in the pairs.
std::vector<ScoredPair> AssignOneToOne(std::vector<ScoredPair> pairs, double min_probability);

// Like AssignOneToOne, but exact on small conflicts: the pairs kept by the threshold are split
// into connected components (records joined by a pair); a component with at most
// `max_component_records` records (left and right together) gets a maximum-weight assignment
// computed exactly by the Hungarian algorithm (Kuhn 1955, Munkres 1957; the O(n^3) form with
// potentials), larger components are assigned greedily as above.
//
// The exact objective is the sum over chosen pairs of (weight - w0), where w0 is the weight at the
// threshold, log2(min_probability / (1 - min_probability)), lowered to the component's smallest
// weight when that is smaller (so every kept pair counts for at least zero, and a pair is worth
// choosing exactly when the threshold says it is a link). Ties between optimal assignments are
// resolved the same way on every run, whatever the input order. Time O(p log p + sum over small
// components of n^3); memory O(p) plus 4 bytes per record index up to the largest in the pairs.
std::vector<ScoredPair> AssignOneToOneExact(std::vector<ScoredPair> pairs, double min_probability,
                                            size_t max_component_records = 50);

// Why a record is not linked: its best candidate pair (the heaviest scored pair it is in) and
// the reason the assignment did not keep it.
struct Shortfall {
  enum class Reason {
    kLinked,          // the record is linked: `best` is its link
    kNoCandidate,     // no scored pair holds the record (blocking found nothing)
    kBelowThreshold,  // the best pair's probability is below the threshold
    kOtherSideTaken,  // the best pair's other record went to a heavier pair (`rival`)
  };
  Reason reason = Reason::kNoCandidate;
  ScoredPair best;   // unset for kNoCandidate
  ScoredPair rival;  // for kOtherSideTaken: the link that holds the other record
  // The reason in words, e.g. "match probability 0.3120 is below the threshold 0.5".
  std::string Describe(double threshold) const;
};

// The Shortfall of left record `left` (or, with `right_side`, right record `left`) given every
// scored pair and the links a one-to-one assignment kept from them at `threshold`. Time O(p).
Shortfall ExplainShortfall(std::span<const ScoredPair> scored, std::span<const ScoredPair> links,
                           RecordIndex record, double threshold, bool right_side = false);

}  // namespace popreg::link
