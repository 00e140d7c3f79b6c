#include "link/evaluate.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <cstddef>

namespace popreg::link {

std::vector<ThresholdPoint> EvaluateOverThresholds(
    std::span<const ScoredPair> predictions,
    const std::function<bool(RecordIndex, RecordIndex)>& is_true_match, int64_t total_true_matches,
    std::span<const double> thresholds) {
  // Probabilities in descending order with the running count of true matches among the first i,
  // so that the pairs accepted at a threshold are a prefix.
  struct Scored {
    double probability;
    bool match;
  };
  std::vector<Scored> scored;
  scored.reserve(predictions.size());
  int64_t true_in_predictions = 0;
  for (const ScoredPair& p : predictions) {
    const bool match = is_true_match(p.left, p.right);
    true_in_predictions += match ? 1 : 0;
    // A NaN probability would break the sort; it is never accepted.
    scored.push_back({std::isnan(p.probability) ? -HUGE_VAL : p.probability, match});
  }
  std::stable_sort(scored.begin(), scored.end(),
                   [](const Scored& a, const Scored& b) { return a.probability > b.probability; });
  std::vector<int64_t> true_prefix(scored.size() + 1, 0);
  for (size_t i = 0; i < scored.size(); ++i) {
    true_prefix[i + 1] = true_prefix[i] + (scored[i].match ? 1 : 0);
  }
  const int64_t total = std::max(total_true_matches, true_in_predictions);

  std::vector<ThresholdPoint> points;
  points.reserve(thresholds.size());
  for (double threshold : thresholds) {
    // The number of predictions with probability >= threshold.
    const auto end = std::partition_point(
        scored.begin(), scored.end(), [&](const Scored& s) { return s.probability >= threshold; });
    const auto accepted = static_cast<size_t>(end - scored.begin());
    ThresholdPoint p;
    p.threshold = threshold;
    p.tp = true_prefix[accepted];
    p.fp = static_cast<int64_t>(accepted) - p.tp;
    p.fn = total - p.tp;
    p.precision = accepted > 0 ? static_cast<double>(p.tp) / static_cast<double>(accepted) : 0.0;
    p.recall = total > 0 ? static_cast<double>(p.tp) / static_cast<double>(total) : 0.0;
    p.f1 = p.precision + p.recall > 0 ? 2 * p.precision * p.recall / (p.precision + p.recall) : 0.0;
    points.push_back(p);
  }
  return points;
}

ThresholdPoint Evaluate(std::span<const ScoredPair> predictions,
                        const std::function<bool(RecordIndex, RecordIndex)>& is_true_match,
                        int64_t total_true_matches, double threshold) {
  const double thresholds[] = {threshold};
  return EvaluateOverThresholds(predictions, is_true_match, total_true_matches, thresholds)[0];
}

std::string FormatEvaluation(std::span<const ThresholdPoint> points) {
  std::string out = fmt::format("{:>9} {:>9} {:>9} {:>9} {:>10} {:>10} {:>10}\n", "threshold", "tp",
                                "fp", "fn", "precision", "recall", "f1");
  for (const ThresholdPoint& p : points) {
    out += fmt::format("{:>9.4f} {:>9} {:>9} {:>9} {:>10.4f} {:>10.4f} {:>10.4f}\n", p.threshold,
                       p.tp, p.fp, p.fn, p.precision, p.recall, p.f1);
  }
  return out;
}

}  // namespace popreg::link
