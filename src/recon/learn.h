// Learning from the reviewers (`popreg compare --learn`, issue 12): every decided item whose type
// rests on a link is a labelled pair of records, and each linkage job refines its unsupervised
// model with the labels of its own pairs.
//
//   field_mismatch        a police_population record <-> a register person
//   unrecorded_death      a cremation or death-certificate record <-> a register person
//   duplicate_in_register a register person <-> a register person
//
// An approved or applied item says the two records are one person (a match), a rejected one that
// they are not (a non-match). Other statuses are no decision and give no label.
//
// What the labels change, and why (see LearnFromLabels):
// - m, by a Bayesian update with EM's estimate as the prior: m_l = (n_l + k m_EM_l) / (N + k),
//   n_l the labelled matches at level l, N those with a non-null level, k the prior's strength in
//   labels. A few labels nudge m, many outweigh EM. The labelled matches are not a random
//   sample of matches either: they are the model's own links, so they lean towards agreement,
//   which is one reason for a strong prior (kPriorLabels); and a field_mismatch item exists
//   because its field disagrees, so that comparison of its pair is left out of the update
//   (ReviewLabel::selected): counting it would teach m that one person's records disagree on
//   the field far more often than they do.
// - u is left as the random pairs estimated it: u is P(level | non-match) over the whole space of
//   pairs, which a million random pairs measure well; labelled non-matches are the links the
//   model got wrong, chosen for agreeing, the hardest 0.001% of non-matches, and counting them
//   into u would raise u of every agreement level and weaken all evidence.
// - the threshold: what the rejected links do say is where the score stops meaning "one
//   person". With enough labels of both kinds, the threshold is the one that makes the fewest
//   errors on the labels (scored with the updated m), the nearest to the job's own threshold
//   among equals, within [kMinThreshold, kMaxThreshold].
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "link/model.h"
#include "link/types.h"
#include "recon/sources.h"
#include "store/store.h"

namespace popreg::recon {

// One decided item as a label: the records it links and the decision.
struct ReviewLabel {
  std::string type;         // field_mismatch, unrecorded_death or duplicate_in_register
  std::string source_kind;  // police_population, cremations, death_certificates; "" for duplicates
  store::ImportId import_id = 0;
  int64_t source_row = 0;
  std::string register_key, register_key_2;  // register_key_2 for duplicates only
  bool match = false;
  // Comparisons whose disagreement is why the item exists (field_mismatch: its field): their
  // level says nothing of how often one person's records disagree, so m does not learn from it.
  std::vector<std::string> selected;
};

// The labels of `items`: approved or applied (match) and rejected (non-match) items of the three
// types above; field_mismatch items of one pair (one per differing field) are one label with
// every such field selected. A pair with both decisions (one field approved, another rejected)
// is no label: the reviewers did not say whether the two are one person.
std::vector<ReviewLabel> LabelsFromItems(const std::vector<store::Discrepancy>& items);

// A label as a pair of the job's records: for a source job the register person's index (into
// RegisterColumns) and the source record; for duplicates two register indexes.
struct PairLabel {
  uint32_t reg = 0;
  uint32_t other = 0;
  bool match = false;
  std::vector<std::string> selected;
};

// The labels of one job and how many of its kind could not be placed.
struct JobLabels {
  std::vector<PairLabel> pairs;
  int64_t gone = 0;        // a register person no longer exists (merged by an applied duplicate)
  int64_t old_import = 0;  // the label's record is in an older import than the one compared
};

// The labels of the job that links `source` (its kind and import) to the register. A label of
// an older import of that kind is skipped: its row numbers name records of another file, and
// mapping them to the new import's records by their values would be a linkage of its own.
JobLabels LabelsForSource(const std::vector<ReviewLabel>& labels, const store::RegisterColumns& reg,
                          const SourceTable& source);
// The labels of the duplicates job.
JobLabels LabelsForDuplicates(const std::vector<ReviewLabel>& labels,
                              const store::RegisterColumns& reg);

// A labelled pair as the job's model sees it.
struct LabelledPair {
  std::vector<link::Level> levels;  // per comparison
  std::vector<double> frequency;    // per comparison (kNoFrequency where not tf)
  bool match = false;
  std::vector<bool> selected;  // per comparison: left out of m's update
};

// The labels' strength: EM's m counts as kPriorLabels labelled matches (a few dozen labels move
// m a little, a few hundred most of the way), and the threshold moves only with at least
// kMinLabelsEach labels of each kind.
inline constexpr double kPriorLabels = 100;
inline constexpr int64_t kMinLabelsEach = 5;
inline constexpr double kMinThreshold = 0.2;
inline constexpr double kMaxThreshold = 0.995;

// m of `em` updated with the labelled matches: per comparison c and level l >= 1,
// m_l = (n_l + k m_l(EM)) / (N + k), counting only matches whose level at c is not null and c is
// not selected. u, lambda and the labels' non-matches are untouched.
link::Model UpdateM(const link::Model& em, const std::vector<LabelledPair>& pairs,
                    double k = kPriorLabels);

// The threshold that separates the labelled pairs best: probability[i] of pair i, match[i] its
// label. The fewest errors (matches below, non-matches at or above), among equals the nearest to
// `current`, clamped to [lo, hi]; `current` when there are fewer than kMinLabelsEach of either.
double ChooseThreshold(const std::vector<double>& probability, const std::vector<bool>& match,
                       double current, double lo = kMinThreshold, double hi = kMaxThreshold);

struct Learned {
  link::Model model;
  double threshold = 0;
  int64_t matches = 0, non_matches = 0;  // labels used
};

// The job's model and threshold refined by `pairs` (UpdateM, then ChooseThreshold on the pairs
// scored with the updated model).
Learned LearnFromLabels(const link::Model& em, double threshold,
                        const std::vector<LabelledPair>& pairs);

}  // namespace popreg::recon
