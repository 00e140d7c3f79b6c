#include "link/evaluate.h"

#include <gtest/gtest.h>

#include <cmath>
#include <set>
#include <utility>
#include <vector>

namespace popreg::link {
namespace {

// Five scored pairs, three of them true matches, and a fourth true match never scored.
const std::vector<ScoredPair> kPredictions = {
    {.left = 3, .right = 2, .weight = 0.6, .probability = 0.6},  // true
    {.left = 0, .right = 0, .weight = 3.2, .probability = 0.9},  // true
    {.left = 4, .right = 4, .weight = -1, .probability = 0.3},   // false
    {.left = 1, .right = 1, .weight = 2.0, .probability = 0.8},  // true
    {.left = 2, .right = 3, .weight = 1.2, .probability = 0.7},  // false
};
const std::set<std::pair<RecordIndex, RecordIndex>> kTrue = {{0, 0}, {1, 1}, {3, 2}, {5, 5}};

bool IsTrue(RecordIndex l, RecordIndex r) { return kTrue.count({l, r}) > 0; }

void ExpectPoint(const ThresholdPoint& p, double threshold, int64_t tp, int64_t fp, int64_t fn,
                 double precision, double recall, double f1) {
  EXPECT_EQ(p.threshold, threshold);
  EXPECT_EQ(p.tp, tp) << threshold;
  EXPECT_EQ(p.fp, fp) << threshold;
  EXPECT_EQ(p.fn, fn) << threshold;
  EXPECT_DOUBLE_EQ(p.precision, precision) << threshold;
  EXPECT_DOUBLE_EQ(p.recall, recall) << threshold;
  EXPECT_DOUBLE_EQ(p.f1, f1) << threshold;
}

TEST(EvaluateTest, HandMadeExampleOverThresholds) {
  const std::vector<double> thresholds = {0.5, 0.95, 0.0, 0.75, 0.7};
  const std::vector<ThresholdPoint> points =
      EvaluateOverThresholds(kPredictions, IsTrue, 4, thresholds);
  ASSERT_EQ(points.size(), thresholds.size());  // in the order given
  ExpectPoint(points[0], 0.5, 3, 1, 1, 0.75, 0.75, 0.75);
  ExpectPoint(points[1], 0.95, 0, 0, 4, 0, 0, 0);  // nothing accepted
  ExpectPoint(points[2], 0.0, 3, 2, 1, 0.6, 0.75, 2 * 0.6 * 0.75 / 1.35);
  ExpectPoint(points[3], 0.75, 2, 0, 2, 1.0, 0.5, 2.0 / 3.0);
  ExpectPoint(points[4], 0.7, 2, 1, 2, 2.0 / 3.0, 0.5, 2 * (2.0 / 3.0) * 0.5 / (2.0 / 3.0 + 0.5));
}

TEST(EvaluateTest, SingleThreshold) {
  const ThresholdPoint p = Evaluate(kPredictions, IsTrue, 4, 0.5);
  ExpectPoint(p, 0.5, 3, 1, 1, 0.75, 0.75, 0.75);
}

TEST(EvaluateTest, CallsTheOracleOncePerPrediction) {
  int calls = 0;
  const std::vector<double> thresholds = {0.1, 0.2, 0.3, 0.4};
  const auto points = EvaluateOverThresholds(
      kPredictions,
      [&](RecordIndex l, RecordIndex r) {
        ++calls;
        return IsTrue(l, r);
      },
      4, thresholds);
  EXPECT_EQ(calls, 5);
  EXPECT_EQ(points.size(), 4u);
}

TEST(EvaluateTest, EdgeCases) {
  // A total smaller than the true matches found is raised to them.
  ExpectPoint(Evaluate(kPredictions, IsTrue, 1, 0.5), 0.5, 3, 1, 0, 0.75, 1.0, 2 * 0.75 / 1.75);
  // No predictions, no true matches.
  ExpectPoint(Evaluate({}, IsTrue, 0, 0.5), 0.5, 0, 0, 0, 0, 0, 0);
  // NaN probabilities are never accepted.
  const std::vector<ScoredPair> with_nan = {{.left = 0, .right = 0, .probability = std::nan("")},
                                            {.left = 1, .right = 1, .probability = 0.9}};
  ExpectPoint(Evaluate(with_nan, IsTrue, 2, 0.0), 0.0, 1, 0, 1, 1.0, 0.5, 2.0 / 3.0);
}

TEST(EvaluateTest, FormatsATable) {
  const std::vector<double> thresholds = {0.5, 0.75};
  const auto points = EvaluateOverThresholds(kPredictions, IsTrue, 4, thresholds);
  EXPECT_EQ(FormatEvaluation(points),
            "threshold        tp        fp        fn  precision     recall         f1\n"
            "   0.5000         3         1         1     0.7500     0.7500     0.7500\n"
            "   0.7500         2         0         2     1.0000     0.5000     0.6667\n");
}

}  // namespace
}  // namespace popreg::link
