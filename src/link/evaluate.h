// Evaluation of scored pairs against known matches: precision, recall and F1 over probability
// thresholds.
#pragma once

#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <vector>

#include "link/types.h"

namespace popreg::link {

// The confusion counts and scores of the pairs accepted at one threshold.
struct ThresholdPoint {
  double threshold = 0;  // a pair is accepted when its probability >= threshold
  int64_t tp = 0;        // accepted pairs that are true matches
  int64_t fp = 0;        // accepted pairs that are not
  int64_t fn = 0;        // true matches not accepted (scored below the threshold, or never scored)
  double precision = 0;  // tp / (tp + fp); 0 when nothing is accepted (as scikit-learn)
  double recall = 0;     // tp / (tp + fn); 0 when there is no true match
  double f1 = 0;         // 2 precision recall / (precision + recall); 0 when both are 0
};

// Evaluates `predictions` at every threshold, returning one point per threshold in the order
// given. `is_true_match(left, right)` says whether a pair is a true match; it is called exactly
// once per prediction, in order, from the calling thread. `total_true_matches` is the number of
// true matches in the whole comparison space, those that no blocking rule found included, so
// that fn counts them too; if fewer than the true matches among the predictions, the latter count
// is used. Each pair should appear once in `predictions` (a duplicate counts twice); a NaN
// probability is never accepted. Runs in O(n log n + t log n) for n predictions and t thresholds.
std::vector<ThresholdPoint> EvaluateOverThresholds(
    std::span<const ScoredPair> predictions,
    const std::function<bool(RecordIndex, RecordIndex)>& is_true_match, int64_t total_true_matches,
    std::span<const double> thresholds);

// EvaluateOverThresholds at one threshold.
ThresholdPoint Evaluate(std::span<const ScoredPair> predictions,
                        const std::function<bool(RecordIndex, RecordIndex)>& is_true_match,
                        int64_t total_true_matches, double threshold);

// The points as a fixed-width text table with a header line, one line per point, e.g.
//
//   threshold        tp        fp        fn  precision     recall         f1
//      0.5000         2         1         1     0.6667     0.6667     0.6667
std::string FormatEvaluation(std::span<const ThresholdPoint> points);

}  // namespace popreg::link
