#include "link/em.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "base/env.h"

namespace popreg::link {
namespace {

using ::testing::HasSubstr;

// ---------------------------------------------------------------------------------------------
// PatternCounter

TEST(PatternCounterTest, CountsAndSortsPatterns) {
  PatternCounter counter = PatternCounter::ForLevelCounts({4, 3});
  EXPECT_TRUE(counter.packed());
  const std::vector<std::vector<Level>> adds = {{3, 1}, {0, 2}, {3, 1}, {1, 0}, {0, 2}, {3, 1}};
  for (const auto& levels : adds) counter.Add(levels);
  counter.Add(std::vector<Level>{2, 2}, 2.5);
  EXPECT_EQ(counter.distinct(), 4u);
  EXPECT_EQ(counter.total(), 8.5);
  const PatternCounts counts = counter.Counts();
  EXPECT_EQ(counts.comparisons, 2u);
  EXPECT_EQ(counts.levels, (std::vector<Level>{0, 2, 1, 0, 2, 2, 3, 1}));
  EXPECT_EQ(counts.counts, (std::vector<double>{2, 1, 2.5, 3}));
  ASSERT_EQ(counts.size(), 4u);
  EXPECT_EQ(std::vector<Level>(counts.Pattern(3).begin(), counts.Pattern(3).end()),
            (std::vector<Level>{3, 1}));
  EXPECT_EQ(counts.Total(), 8.5);
}

// Random patterns over `level_counts`, added to one counter and, split in three, to three
// counters merged: the same counts, and the same as a wide (unpacked) counter would give.
TEST(PatternCounterTest, MergeAndPackingDoNotChangeTheCounts) {
  for (const std::vector<size_t>& level_counts :
       {std::vector<size_t>{4, 4, 3, 2, 5}, std::vector<size_t>(20, 256)}) {
    Rng rng(7);
    PatternCounter whole = PatternCounter::ForLevelCounts(level_counts);
    std::vector<PatternCounter> parts(3, PatternCounter::ForLevelCounts(level_counts));
    std::vector<Level> levels(level_counts.size());
    for (int i = 0; i < 3000; ++i) {
      for (size_t c = 0; c < levels.size(); ++c) {
        // Few distinct values, so that patterns repeat.
        levels[c] = static_cast<Level>(rng.Uniform(std::min<uint64_t>(level_counts[c], 3)) *
                                       (level_counts[c] > 3 ? level_counts[c] / 3 : 1));
      }
      whole.Add(levels);
      parts[static_cast<size_t>(i) % 3].Add(levels);
    }
    PatternCounter merged = PatternCounter::ForLevelCounts(level_counts);
    for (const PatternCounter& p : parts) merged.Merge(p);
    const PatternCounts a = whole.Counts(), b = merged.Counts();
    EXPECT_EQ(a.levels, b.levels);
    EXPECT_EQ(a.counts, b.counts);
    EXPECT_EQ(a.Total(), 3000);
    EXPECT_EQ(merged.total(), 3000);
    EXPECT_GT(a.size(), 10u);
    for (size_t i = 1; i < a.size(); ++i) {
      EXPECT_TRUE(std::lexicographical_compare(a.Pattern(i - 1).begin(), a.Pattern(i - 1).end(),
                                               a.Pattern(i).begin(), a.Pattern(i).end()));
    }
  }
}

TEST(PatternCounterTest, PackedAndWideGiveTheSameOrder) {
  // 16 comparisons of 16 levels fill 64 bits exactly; one more level needs the wide key.
  std::vector<size_t> fits(16, 16), wide(16, 16);
  wide[0] = 17;
  PatternCounter p = PatternCounter::ForLevelCounts(fits);
  PatternCounter w = PatternCounter::ForLevelCounts(wide);
  EXPECT_TRUE(p.packed());
  EXPECT_FALSE(w.packed());
  Rng rng(11);
  std::vector<Level> levels(16);
  for (int i = 0; i < 2000; ++i) {
    for (Level& l : levels) l = static_cast<Level>(rng.Uniform(2) * 15);
    p.Add(levels);
    w.Add(levels);
  }
  const PatternCounts a = p.Counts(), b = w.Counts();
  EXPECT_EQ(a.levels, b.levels);
  EXPECT_EQ(a.counts, b.counts);
}

// The per-chunk use of a ThreadPool: default-constructed results, one counter per chunk of
// `comparisons` full-width comparisons, merged into a default-constructed total in chunk order.
TEST(PatternCounterTest, DefaultConstructedAndByComparisonCount) {
  PatternCounter eight(8), nine(9);
  EXPECT_TRUE(eight.packed());
  EXPECT_FALSE(nine.packed());
  std::vector<PatternCounter> chunks(4);
  for (size_t i = 0; i < chunks.size(); ++i) {
    PatternCounter c(3);
    c.Add(std::vector<Level>{static_cast<Level>(i % 2), 200, 7});
    c.Add(std::vector<Level>{255, 0, 1});
    chunks[i] = std::move(c);
  }
  PatternCounter total;
  for (const PatternCounter& c : chunks) total.Merge(c);
  EXPECT_EQ(total.comparisons(), 3u);
  const PatternCounts counts = total.Counts();
  EXPECT_EQ(counts.levels, (std::vector<Level>{0, 200, 7, 1, 200, 7, 255, 0, 1}));
  EXPECT_EQ(counts.counts, (std::vector<double>{2, 2, 4}));
}

// ---------------------------------------------------------------------------------------------
// Estimating u, m and lambda

Model TwoComparisonModel() {
  Model model;
  model.lambda = 0.1;
  model.comparisons.push_back({.name = "name",
                               .level_labels = {"null", "exact", "fuzzy", "else"},
                               .m = {0, 0.8, 0.15, 0.05},
                               .u = {0, 0.1, 0.2, 0.7},
                               .tf_adjust = std::vector<bool>(4, false)});
  model.comparisons.push_back({.name = "sex",
                               .level_labels = {"null", "agree", "disagree"},
                               .m = {0, 0.9, 0.1},
                               .u = {0, 0.5, 0.5},
                               .tf_adjust = std::vector<bool>(3, false)});
  return model;
}

TEST(EmEstimateTest, USmoothedLevelFrequencies) {
  PatternCounter counter = PatternCounter::ForLevelCounts({4, 3});
  counter.Add(std::vector<Level>{1, 1}, 3);
  counter.Add(std::vector<Level>{3, 2}, 90);
  counter.Add(std::vector<Level>{3, 0}, 7);
  counter.Add(std::vector<Level>{0, 1}, 100);  // null name: not counted for the name
  Result<Model> r = EstimateU(counter.Counts(), TwoComparisonModel());
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  // name: n = (3, 0, 97) over N = 100, L = 3; sex: n = (103, 90) over N = 193, L = 2.
  EXPECT_EQ(r->comparisons[0].u, (std::vector<double>{0, 4.0 / 103, 1.0 / 103, 98.0 / 103}));
  EXPECT_EQ(r->comparisons[1].u, (std::vector<double>{0, 104.0 / 195, 91.0 / 195}));
  EXPECT_EQ(r->comparisons[0].m, TwoComparisonModel().comparisons[0].m);  // kept
  EXPECT_EQ(r->lambda, 0.1);
}

TEST(EmEstimateTest, UErrors) {
  PatternCounter wrong_width = PatternCounter::ForLevelCounts({4});
  wrong_width.Add(std::vector<Level>{1});
  Result<Model> r = EstimateU(wrong_width.Counts(), TwoComparisonModel());
  EXPECT_EQ(r.status().code(), ErrorCode::kInvalidArgument);

  PatternCounter out_of_range = PatternCounter::ForLevelCounts({5, 3});
  out_of_range.Add(std::vector<Level>{4, 1});
  r = EstimateU(out_of_range.Counts(), TwoComparisonModel());
  EXPECT_EQ(r.status().code(), ErrorCode::kInvalidArgument);
  EXPECT_THAT(r.status().message(), HasSubstr("'name'"));

  // No random pair compared 'sex' at a non-null level: every level the same u; m needs data.
  PatternCounter all_null = PatternCounter::ForLevelCounts({4, 3});
  all_null.Add(std::vector<Level>{1, 0}, 10);
  Model start = TwoComparisonModel();
  start.comparisons[1].u = {0, 0.9, 0.1};
  r = EstimateU(all_null.Counts(), start);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->comparisons[1].u, (std::vector<double>{0.0, 0.5, 0.5}));
  r = EstimateMFromLabels(all_null.Counts(), TwoComparisonModel());
  EXPECT_EQ(r.status().code(), ErrorCode::kInvalidArgument);
  EXPECT_THAT(r.status().message(), HasSubstr("'sex'"));

  PatternCounts negative = PatternCounter::ForLevelCounts({4, 3}).Counts();
  negative.levels = {1, 1};
  negative.counts = {-1};
  EXPECT_EQ(EstimateU(negative, TwoComparisonModel()).status().code(), ErrorCode::kInvalidArgument);
}

TEST(EmEstimateTest, MFromLabelsSmoothedLevelFrequencies) {
  PatternCounter counter = PatternCounter::ForLevelCounts({4, 3});
  counter.Add(std::vector<Level>{1, 1}, 96);
  counter.Add(std::vector<Level>{2, 2}, 1);
  Result<Model> r = EstimateMFromLabels(counter.Counts(), TwoComparisonModel());
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->comparisons[0].m, (std::vector<double>{0, 97.0 / 100, 2.0 / 100, 1.0 / 100}));
  EXPECT_EQ(r->comparisons[1].m, (std::vector<double>{0, 97.0 / 99, 2.0 / 99}));
  EXPECT_EQ(r->comparisons[0].u, TwoComparisonModel().comparisons[0].u);  // kept
}

TEST(EmEstimateTest, LambdaIsMatchesOverRecallOverSpace) {
  EXPECT_DOUBLE_EQ(EstimateLambda(900, 1000000, 0.9), 1000.0 / 1000000);
  EXPECT_DOUBLE_EQ(EstimateLambda(50, 1000, 1.0), 0.05);
  EXPECT_EQ(EstimateLambda(0, 1000, 1.0), kMinProbability);
  EXPECT_EQ(EstimateLambda(2000, 1000, 0.5), 1.0 - kMinProbability);
}

// ---------------------------------------------------------------------------------------------
// EM recovers a known model from simulated pairs

// The truth: five comparisons of three or four levels, lambda 0.05.
Model TrueModel() {
  Model model;
  model.lambda = 0.05;
  auto add = [&](const char* name, std::vector<std::string> labels, std::vector<double> m,
                 std::vector<double> u) {
    const size_t labels_size = labels.size();
    model.comparisons.push_back({.name = name,
                                 .level_labels = std::move(labels),
                                 .m = std::move(m),
                                 .u = std::move(u),
                                 .tf_adjust = std::vector<bool>(labels_size, false)});
  };
  add("name", {"null", "exact", "fuzzy", "else"}, {0, 0.85, 0.10, 0.05}, {0, 0.01, 0.04, 0.95});
  add("birth_date", {"null", "exact", "close", "else"}, {0, 0.80, 0.15, 0.05},
      {0, 0.005, 0.02, 0.975});
  add("sex", {"null", "agree", "disagree"}, {0, 0.97, 0.03}, {0, 0.5, 0.5});
  add("address", {"null", "exact", "same_street", "else"}, {0, 0.60, 0.30, 0.10},
      {0, 0.02, 0.10, 0.88});
  add("id_number", {"null", "exact", "else"}, {0, 0.90, 0.10}, {0, 0.001, 0.999});
  return model;
}

constexpr double kNullRate = 0.05;  // each value missing at random, whatever the match status

// Simulates `n` pairs from `truth` under conditional independence: a pair is a match with
// probability `lambda`, then each comparison is null with probability kNullRate, else drawn from
// m (match) or u (non-match).
PatternCounts Simulate(const Model& truth, double lambda, int n, uint64_t seed) {
  std::vector<WeightedIndex> m_draw, u_draw;
  for (const ComparisonModel& c : truth.comparisons) {
    m_draw.push_back(*WeightedIndex::Make(std::span<const double>(c.m).subspan(1)));
    u_draw.push_back(*WeightedIndex::Make(std::span<const double>(c.u).subspan(1)));
  }
  Rng rng(seed);
  PatternCounter counter = PatternCounter::ForModel(truth);
  std::vector<Level> levels(truth.comparisons.size());
  for (int i = 0; i < n; ++i) {
    const bool match = rng.Bernoulli(lambda);
    for (size_t c = 0; c < levels.size(); ++c) {
      const bool null = rng.Bernoulli(kNullRate);
      const size_t drawn = (match ? m_draw[c] : u_draw[c]).Sample(rng);
      levels[c] = null ? 0 : static_cast<Level>(drawn + 1);
    }
    counter.Add(levels);
  }
  return counter.Counts();
}

// A deliberately wrong start: flat-ish m, a uniform u, lambda six times too large.
Model WrongStart(bool also_u) {
  Model model = TrueModel();
  model.lambda = 0.3;
  for (ComparisonModel& c : model.comparisons) {
    if (c.level_count() == 4) {
      c.m = {0, 0.5, 0.3, 0.2};
      if (also_u) c.u = {0, 0.2, 0.3, 0.5};
    } else {
      c.m = {0, 0.6, 0.4};
      if (also_u) c.u = {0, 0.4, 0.6};
    }
  }
  return model;
}

void ExpectNear(const Model& got, const Model& want, double tolerance, bool check_u) {
  for (size_t c = 0; c < want.comparisons.size(); ++c) {
    const ComparisonModel& g = got.comparisons[c];
    const ComparisonModel& w = want.comparisons[c];
    for (size_t l = 1; l < w.level_count(); ++l) {
      EXPECT_NEAR(g.m[l], w.m[l], tolerance) << w.name << " m[" << l << "]";
      if (check_u) {
        EXPECT_NEAR(g.u[l], w.u[l], tolerance) << w.name << " u[" << l << "]";
      }
    }
  }
  EXPECT_NEAR(got.lambda, want.lambda, 0.1 * want.lambda) << "lambda";
}

TEST(EmTest, RecoversKnownMAndLambdaWithUFromRandomPairs) {
  const Model truth = TrueModel();
  const PatternCounts candidates = Simulate(truth, truth.lambda, 200000, 2024);
  // Random pairs stand in for non-matches; simulated separately, as non-matches only.
  const PatternCounts random_pairs = Simulate(truth, 0.0, 200000, 99);
  Result<Model> with_u = EstimateU(random_pairs, WrongStart(false));
  ASSERT_TRUE(with_u.ok()) << with_u.status().ToString();
  for (size_t c = 0; c < truth.comparisons.size(); ++c) {  // u itself is close to the truth
    for (size_t l = 1; l < truth.comparisons[c].level_count(); ++l) {
      EXPECT_NEAR(with_u->comparisons[c].u[l], truth.comparisons[c].u[l], 0.005);
    }
  }

  EmOptions options;
  options.max_iterations = 200;
  EmReport report;
  Result<Model> trained = TrainEm(candidates, *with_u, options, &report);
  ASSERT_TRUE(trained.ok()) << trained.status().ToString();
  EXPECT_TRUE(report.converged);
  EXPECT_GT(report.iterations, 1);
  ExpectNear(*trained, truth, 0.02, /*check_u=*/false);
  // u was fixed.
  for (size_t c = 0; c < truth.comparisons.size(); ++c) {
    EXPECT_EQ(trained->comparisons[c].u, with_u->comparisons[c].u);
  }
}

// A death-certificate-sized session: 30 matches, all with the exact name and the same sex, and
// 3,000 non-matches; the name has levels else, pinyin (a homophone) and exact.
TEST(EmTest, APseudoCountKeepsAnUnseenAgreementLevelFromTheFloor) {
  PatternCounter counter = PatternCounter::ForLevelCounts({4, 3});
  counter.Add(std::vector<Level>{3, 2}, 30);    // exact name, same sex
  counter.Add(std::vector<Level>{1, 2}, 1500);  // other names
  counter.Add(std::vector<Level>{1, 1}, 1500);
  Model init;
  init.lambda = 0.01;
  init.comparisons.push_back({.name = "name",
                              .level_labels = {"null", "else", "pinyin", "exact"},
                              .m = {0, 0.1, 0.1, 0.8},
                              .u = {0, 0.998, 0.001, 0.001},
                              .tf_adjust = std::vector<bool>(4, false)});
  init.comparisons.push_back({.name = "sex",
                              .level_labels = {"null", "else", "exact"},
                              .m = {0, 0.05, 0.95},
                              .u = {0, 0.5, 0.5},
                              .tf_adjust = std::vector<bool>(3, false)});
  EmOptions plain;
  plain.max_iterations = 200;
  Result<Model> ml = TrainEm(counter.Counts(), init, plain, nullptr);
  ASSERT_TRUE(ml.ok()) << ml.status().ToString();
  EmOptions smoothed = plain;
  smoothed.m_pseudo_count = 1;
  Result<Model> map = TrainEm(counter.Counts(), init, smoothed, nullptr);
  ASSERT_TRUE(map.ok()) << map.status().ToString();
  // Maximum likelihood: no match showed a homophone, so m is the floor and a homophone weighs
  // against a match (u is 0.001).
  EXPECT_LT(ml->comparisons[0].m[2], 1e-5);
  EXPECT_LT(ml->LevelWeight(0, 2), -5);
  // With the prior it is about 1 in 32: a homophone is evidence for, not against.
  EXPECT_NEAR(map->comparisons[0].m[2], 1.0 / 32, 0.01);
  EXPECT_GT(map->LevelWeight(0, 2), 3);
  // "else" gets no pseudo-count: a disagreement stays as strong as the data say.
  EXPECT_LT(map->comparisons[0].m[1], 1e-3);
  EmOptions bad = plain;
  bad.m_pseudo_count = -1;
  EXPECT_EQ(TrainEm(counter.Counts(), init, bad, nullptr).status().code(),
            ErrorCode::kInvalidArgument);
}

TEST(EmTest, RecoversKnownMUAndLambdaWithUFree) {
  const Model truth = TrueModel();
  const PatternCounts candidates = Simulate(truth, truth.lambda, 200000, 7);
  EmOptions options;
  options.fix_u = false;
  options.max_iterations = 500;
  EmReport report;
  Result<Model> trained = TrainEm(candidates, WrongStart(true), options, &report);
  ASSERT_TRUE(trained.ok()) << trained.status().ToString();
  EXPECT_TRUE(report.converged) << report.iterations << " iterations, change " << report.max_change;
  ExpectNear(*trained, truth, 0.02, /*check_u=*/true);
}

TEST(EmTest, LikelihoodNeverDecreasesAndRunsAreIdentical) {
  const Model truth = TrueModel();
  const PatternCounts candidates = Simulate(truth, 0.08, 50000, 3);
  EmOptions options;
  options.fix_u = false;
  options.max_iterations = 30;
  options.tolerance = 0;  // run all iterations
  EmReport a, b;
  Result<Model> first = TrainEm(candidates, WrongStart(true), options, &a);
  Result<Model> second = TrainEm(candidates, WrongStart(true), options, &b);
  ASSERT_TRUE(first.ok() && second.ok());
  EXPECT_EQ(a.iterations, 30);
  EXPECT_FALSE(a.converged);
  ASSERT_EQ(a.log_likelihood_history.size(), 31u);
  EXPECT_EQ(a.log_likelihood, a.log_likelihood_history.back());
  for (size_t i = 1; i < a.log_likelihood_history.size(); ++i) {
    EXPECT_GE(a.log_likelihood_history[i], a.log_likelihood_history[i - 1] - 1e-6) << i;
  }
  EXPECT_GT(a.log_likelihood_history.back(), a.log_likelihood_history.front());
  EXPECT_EQ(a.log_likelihood_history, b.log_likelihood_history);
  EXPECT_EQ(first->lambda, second->lambda);
  for (size_t c = 0; c < truth.comparisons.size(); ++c) {
    EXPECT_EQ(first->comparisons[c].m, second->comparisons[c].m);
    EXPECT_EQ(first->comparisons[c].u, second->comparisons[c].u);
  }
}

TEST(EmTest, FixedLambdaIgnoredComparisonsAndZeroIterations) {
  const Model truth = TrueModel();
  const PatternCounts candidates = Simulate(truth, truth.lambda, 20000, 5);
  EmOptions options;
  options.fix_lambda = true;
  options.ignored_comparisons = {2};
  Model init = WrongStart(false);
  init.lambda = 0.05;
  Result<Model> r = TrainEm(candidates, init, options, nullptr);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->lambda, 0.05);
  EXPECT_EQ(r->comparisons[2].m, init.comparisons[2].m);  // ignored
  EXPECT_NE(r->comparisons[0].m, init.comparisons[0].m);

  options.max_iterations = 0;
  EmReport report;
  r = TrainEm(candidates, init, options, &report);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(report.iterations, 0);
  EXPECT_EQ(report.log_likelihood_history.size(), 1u);
  EXPECT_LT(report.log_likelihood, 0);
  EXPECT_EQ(r->comparisons[0].m, init.comparisons[0].m);
}

// A level that no match has keeps m at the floor instead of collapsing to 0.
TEST(EmTest, MIsFlooredAndStillSumsToOne) {
  Model model = TwoComparisonModel();
  model.comparisons[0].u = {0, 0.001, 0.01, 0.989};
  PatternCounter counter = PatternCounter::ForModel(model);
  counter.Add(std::vector<Level>{1, 1}, 100);  // matches
  counter.Add(std::vector<Level>{3, 1}, 450);  // non-matches
  counter.Add(std::vector<Level>{3, 2}, 450);
  EmOptions options;
  options.min_probability = 1e-3;
  options.max_iterations = 100;
  Result<Model> r = TrainEm(counter.Counts(), model, options, nullptr);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  const std::vector<double>& m = r->comparisons[0].m;
  EXPECT_GE(m[2], 1e-3 * (1 - 1e-12));  // "fuzzy" never occurs
  EXPECT_NEAR(m[1] + m[2] + m[3], 1.0, 1e-12);
  EXPECT_GT(m[1], 0.9);
}

TEST(EmTest, Errors) {
  const Model model = TwoComparisonModel();
  PatternCounter counter = PatternCounter::ForModel(model);
  const PatternCounts empty = counter.Counts();
  EXPECT_EQ(TrainEm(empty, model, {}, nullptr).status().code(), ErrorCode::kInvalidArgument);
  counter.Add(std::vector<Level>{1, 1});
  const PatternCounts one = counter.Counts();
  EmOptions bad;
  bad.ignored_comparisons = {2};
  EXPECT_EQ(TrainEm(one, model, bad, nullptr).status().code(), ErrorCode::kInvalidArgument);
  bad = {};
  bad.min_probability = 0.5;  // 3 levels cannot all be at 0.5
  EXPECT_EQ(TrainEm(one, model, bad, nullptr).status().code(), ErrorCode::kInvalidArgument);
  bad = {};
  bad.max_iterations = -1;
  EXPECT_EQ(TrainEm(one, model, bad, nullptr).status().code(), ErrorCode::kInvalidArgument);
  Model invalid = model;
  invalid.comparisons[0].m[1] = 2;
  EXPECT_EQ(TrainEm(one, invalid, {}, nullptr).status().code(), ErrorCode::kInvalidArgument);
}

// ---------------------------------------------------------------------------------------------
// EstimateUWithoutMatches

// An ID number and a name, as a small linkage job's random sample sees them: 1,000,000 random
// pairs of which 150 are true matches (agreeing on both), and non-matches that agree on the ID
// never and on the name 1 time in 1,000.
PatternCounts SmallJobRandomPairs(bool with_matches) {
  PatternCounter counter = PatternCounter::ForLevelCounts({3, 3});
  // Levels: 1 = else, 2 = exact.
  const double matches = with_matches ? 150 : 0;
  counter.Add(std::vector<Level>{2, 2}, matches);
  counter.Add(std::vector<Level>{1, 2}, 1000);
  counter.Add(std::vector<Level>{1, 1}, 1'000'000 - 1000 - matches);
  return counter.Counts();
}

Model IdAndNameModel() {
  Model model;
  model.lambda = 1.5e-4;  // the prior of a random pair, as EstimateLambda gives it
  for (const char* name : {"id_number", "name"}) {
    model.comparisons.push_back({.name = name,
                                 .level_labels = {"null", "else", "exact"},
                                 .m = {0, 0.05, 0.95},
                                 .u = {0, 0.5, 0.5},
                                 .tf_adjust = std::vector<bool>(3, false)});
  }
  return model;
}

TEST(EstimateUWithoutMatchesTest, TakesTheMatchesOutOfTheRandomSample) {
  const PatternCounts random = SmallJobRandomPairs(true);
  Result<Model> plain = EstimateU(random, IdAndNameModel());
  ASSERT_TRUE(plain.ok()) << plain.status().ToString();
  // The matches make an exact ID look as common as the prior: its weight only cancels it.
  EXPECT_NEAR(plain->comparisons[0].u[2], 151.0 / 1'000'002, 1e-9);
  Result<Model> refined = EstimateUWithoutMatches(random, *plain, 3);
  ASSERT_TRUE(refined.ok()) << refined.status().ToString();
  // Without them, an exact ID among non-matches is as rare as the sample can tell (add-one).
  EXPECT_LT(refined->comparisons[0].u[2], 3.0 / 1'000'000);
  EXPECT_GT(refined->comparisons[0].u[2], 0.9 / 1'000'002);
  // A name agreeing alone is still a non-match but for the few the model's m calls matches.
  EXPECT_NEAR(refined->comparisons[1].u[2], 1001.0 / 1'000'002, 1e-5);
  EXPECT_GT(refined->LevelWeight(0, 2), plain->LevelWeight(0, 2) + 6);
  // m and lambda are kept; u still sums to 1.
  EXPECT_EQ(refined->lambda, plain->lambda);
  EXPECT_EQ(refined->comparisons[0].m, plain->comparisons[0].m);
  EXPECT_NEAR(refined->comparisons[0].u[1] + refined->comparisons[0].u[2], 1.0, 1e-12);
}

TEST(EstimateUWithoutMatchesTest, ASampleWithoutMatchesKeepsItsU) {
  const PatternCounts random = SmallJobRandomPairs(false);
  Result<Model> plain = EstimateU(random, IdAndNameModel());
  ASSERT_TRUE(plain.ok());
  Result<Model> refined = EstimateUWithoutMatches(random, *plain, 3);
  ASSERT_TRUE(refined.ok());
  for (size_t c = 0; c < 2; ++c) {
    for (size_t l = 1; l < 3; ++l) {
      EXPECT_NEAR(refined->comparisons[c].u[l], plain->comparisons[c].u[l],
                  1e-2 * plain->comparisons[c].u[l]);
    }
  }
}

TEST(EstimateUWithoutMatchesTest, RejectsCountsThatDoNotFitAndNoRounds) {
  PatternCounter wrong = PatternCounter::ForLevelCounts({3});
  wrong.Add(std::vector<Level>{1});
  EXPECT_EQ(EstimateUWithoutMatches(wrong.Counts(), IdAndNameModel(), 2).status().code(),
            ErrorCode::kInvalidArgument);
  EXPECT_EQ(EstimateUWithoutMatches(SmallJobRandomPairs(true), IdAndNameModel(), 0).status().code(),
            ErrorCode::kInvalidArgument);
}

}  // namespace
}  // namespace popreg::link
