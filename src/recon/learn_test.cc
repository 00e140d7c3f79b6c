// Learning from the reviewers (learn.h): decided items as labels, labels as pairs of a job's
// records, the update of m and the choice of the threshold.
#include "recon/learn.h"

#include <gtest/gtest.h>

#include <cmath>

namespace popreg::recon {
namespace {

store::Discrepancy Item(std::string type, std::string status, std::string key, int64_t row,
                        std::string field = "") {
  store::Discrepancy d;
  d.type = std::move(type);
  d.status = std::move(status);
  d.register_key = std::move(key);
  d.source_kind = d.type == "field_mismatch" ? "police_population" : "cremations";
  d.source_import_id = 7;
  d.source_row = row;
  d.field = std::move(field);
  return d;
}

TEST(LearnTest, DecidedLinkItemsAreLabels) {
  store::Discrepancy dup;
  dup.type = "duplicate_in_register";
  dup.status = "applied";
  dup.register_key = "1/1";
  dup.register_key_2 = "1/2";
  const std::vector<store::Discrepancy> items = {
      Item("field_mismatch", "approved", "1/1", 3, "name"),
      Item("field_mismatch", "approved", "1/1", 3, "birth_date"),  // the same pair
      Item("field_mismatch", "rejected", "2/1", 4, "sex"),
      Item("field_mismatch", "open", "3/1", 5, "sex"),      // not decided
      Item("field_mismatch", "verified", "3/1", 6, "sex"),  // not decided either
      Item("unrecorded_death", "rejected", "4/1", 9),
      Item("field_mismatch", "approved", "5/1", 10, "name"),  // conflicting decisions:
      Item("field_mismatch", "rejected", "5/1", 10, "sex"),   // no label
      Item("absent_from_source", "approved", "6/1", 0),       // not a link
      dup};
  const std::vector<ReviewLabel> labels = LabelsFromItems(items);
  ASSERT_EQ(labels.size(), 4u);
  int matches = 0;
  for (const ReviewLabel& l : labels) {
    matches += l.match;
    if (l.register_key == "1/1" && l.type == "field_mismatch") {
      EXPECT_TRUE(l.match);
      EXPECT_EQ(l.selected, (std::vector<std::string>{"name", "birth_date"}));
    }
    if (l.type == "unrecorded_death") {
      EXPECT_FALSE(l.match);
    }
    if (l.type == "duplicate_in_register") {
      EXPECT_TRUE(l.match);  // applied
    }
  }
  EXPECT_EQ(matches, 2);
}

TEST(LearnTest, LabelsMapToTheJobsRecords) {
  store::RegisterColumns reg;
  reg.card_no = {"1", "1", "2"};
  reg.person_no = {"1", "2", "1"};
  SourceTable police(io::Kind::kPolicePopulation);
  police.import_id = 7;
  police.Add(11, std::vector<std::pair<std::string, std::string>>());
  police.Add(12, std::vector<std::pair<std::string, std::string>>());
  std::vector<ReviewLabel> labels(5);
  labels[0] = {"field_mismatch", "police_population", 7, 12, "2/1", "", true, {"name"}};
  labels[1] = {"field_mismatch", "police_population", 7, 11, "1/2", "", false, {}};
  labels[2] = {"field_mismatch", "police_population", 6, 11, "1/2", "", false, {}};  // older
  labels[3] = {"field_mismatch", "police_population", 7, 11, "9/9", "", true, {}};   // merged
  labels[4] = {"unrecorded_death", "cremations", 8, 1, "1/1", "", true, {}};         // another job
  const JobLabels job = LabelsForSource(labels, reg, police);
  ASSERT_EQ(job.pairs.size(), 2u);
  EXPECT_EQ(job.pairs[0].reg, 2u);
  EXPECT_EQ(job.pairs[0].other, 1u);  // row 12 is record 1
  EXPECT_TRUE(job.pairs[0].match);
  EXPECT_EQ(job.pairs[1].reg, 1u);
  EXPECT_EQ(job.pairs[1].other, 0u);
  EXPECT_EQ(job.old_import, 1);
  EXPECT_EQ(job.gone, 1);

  std::vector<ReviewLabel> dups(2);
  dups[0] = {"duplicate_in_register", "", 0, 0, "1/1", "1/2", false, {}};
  dups[1] = {"duplicate_in_register", "", 0, 0, "1/1", "3/1", true, {}};  // 3/1 was removed
  const JobLabels d = LabelsForDuplicates(dups, reg);
  ASSERT_EQ(d.pairs.size(), 1u);
  EXPECT_EQ(d.pairs[0].reg, 0u);
  EXPECT_EQ(d.pairs[0].other, 1u);
  EXPECT_EQ(d.gone, 1);
}

link::Model OneComparison(double m_exact, double u_exact) {
  link::Model model;
  model.lambda = 0.01;
  link::ComparisonModel c;
  c.name = "name";
  c.level_labels = {"null", "else", "exact"};
  c.m = {0, 1 - m_exact, m_exact};
  c.u = {0, 1 - u_exact, u_exact};
  c.tf_adjust = {false, false, false};
  model.comparisons.push_back(c);
  return model;
}

LabelledPair Pair(link::Level level, bool match, bool selected = false) {
  return {{level}, {link::kNoFrequency}, match, {selected}};
}

TEST(LearnTest, MIsEmsPriorUpdatedByTheLabelledMatches) {
  const link::Model em = OneComparison(0.9, 0.01);
  // 100 labelled matches, 50 of them disagreeing: with k = 100, m(exact) = (50 + 90) / 200.
  std::vector<LabelledPair> pairs;
  for (int i = 0; i < 100; ++i) pairs.push_back(Pair(i < 50 ? 2 : 1, true));
  // Non-matches, null levels and selected comparisons do not count.
  for (int i = 0; i < 30; ++i) pairs.push_back(Pair(2, false));
  pairs.push_back(Pair(0, true));
  for (int i = 0; i < 40; ++i) pairs.push_back(Pair(1, true, /*selected=*/true));
  const link::Model m = UpdateM(em, pairs, 100);
  EXPECT_DOUBLE_EQ(m.comparisons[0].m[2], 140.0 / 200);
  EXPECT_DOUBLE_EQ(m.comparisons[0].m[1], 60.0 / 200);
  EXPECT_DOUBLE_EQ(m.comparisons[0].m[1] + m.comparisons[0].m[2], 1.0);
  EXPECT_EQ(m.comparisons[0].u, em.comparisons[0].u);  // u stays the random pairs'
  EXPECT_EQ(m.lambda, em.lambda);
  // No labels: EM's m as it was.
  EXPECT_EQ(UpdateM(em, {}, 100).comparisons[0].m, em.comparisons[0].m);
  // Few labels move m a little: 5 disagreeing matches against k = 100.
  std::vector<LabelledPair> few(5, Pair(1, true));
  EXPECT_NEAR(UpdateM(em, few, 100).comparisons[0].m[2], 90.0 / 105, 1e-12);
}

TEST(LearnTest, ThresholdSeparatesTheLabels) {
  // Non-matches at 0.6-0.7, matches from 0.8: the fewest errors between 0.7 and 0.8, the
  // nearest to the current 0.5 there is just above 0.7 (the midpoint 0.75).
  const std::vector<double> p = {0.6, 0.62, 0.65, 0.68, 0.7, 0.8, 0.85, 0.9, 0.95, 0.99};
  const std::vector<bool> match = {false, false, false, false, false, true, true, true, true, true};
  EXPECT_DOUBLE_EQ(ChooseThreshold(p, match, 0.5), 0.75);
  // A threshold that already separates them stays.
  EXPECT_DOUBLE_EQ(ChooseThreshold(p, match, 0.72), 0.72);
  // Too few labels of one kind: the job's threshold.
  const std::vector<double> p2 = {0.6, 0.9, 0.91, 0.92, 0.93, 0.94};
  const std::vector<bool> m2 = {false, true, true, true, true, true};
  EXPECT_DOUBLE_EQ(ChooseThreshold(p2, m2, 0.5), 0.5);
  // Bounded: non-matches at 0.999 cannot push it above kMaxThreshold.
  const std::vector<double> p3 = {0.999, 0.999, 0.999, 0.999, 0.999, 1, 1, 1, 1, 1};
  EXPECT_LE(ChooseThreshold(p3, match, 0.9), kMaxThreshold);
  // Overlapping labels: the threshold with the fewest errors (one match below at 0.65).
  const std::vector<double> p4 = {0.3, 0.4, 0.5, 0.55, 0.6, 0.65, 0.7, 0.8, 0.9, 0.95};
  const std::vector<bool> m4 = {false, false, false, false, false, true, true, true, true, true};
  EXPECT_DOUBLE_EQ(ChooseThreshold(p4, m4, 0.2), 0.625);
}

TEST(LearnTest, LearnWithoutLabelsChangesNothing) {
  const link::Model em = OneComparison(0.9, 0.01);
  const Learned l = LearnFromLabels(em, 0.9, {});
  EXPECT_EQ(l.threshold, 0.9);
  EXPECT_EQ(l.matches + l.non_matches, 0);
  EXPECT_EQ(l.model.comparisons[0].m, em.comparisons[0].m);
}

}  // namespace
}  // namespace popreg::recon
