// Tests of the campaign's progress (report/progress.h), the monthly hand-over (report/intake.h)
// and the year-end assessment (report/assessment.h): progress from a timeline made by hand, the
// hand-over and the assessment on real stores.
#include "report/progress.h"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "report/assessment.h"
#include "report/intake.h"
#include "store/store_test_util.h"

namespace popreg::report {
namespace {

Date D(const char* iso) { return *Date::ParseIso(iso); }

store::Campaign Campaign() {
  store::Campaign c;
  c.id = 1;
  c.name = "核查";
  c.start = D("2026-10-01");
  c.startup_end = D("2026-10-14");
  c.reporting_deadline = D("2026-11-30");
  c.entry_deadline = D("2026-12-30");
  c.end = D("2027-01-29");
  return c;
}

// Two communities of one township; items of each, one without a community, one closed before
// the campaign began, one found during inspection.
ProgressData Data() {
  ProgressData d;
  d.campaign = Campaign();
  d.areas = {{"350902", "蕉城区", "district", ""},
             {"350902001000", "蕉南街道", "township", "350902"},
             {"350902001001", "坪岗社区", "community", "350902001000"},
             {"350902001002", "东湖社区", "community", "350902001000"}};
  const std::string c1 = "350902001001", c2 = "350902001002";
  const std::string found = "2026-10-06T09:00:00.000Z";
  d.timeline.items = {{1, c1, found},
                      {2, c1, found},
                      {3, c1, found},
                      {4, c2, found},
                      {5, c2, "2027-01-05T09:00:00.000Z"},
                      {6, c2, "2026-09-01T09:00:00.000Z"},
                      {7, "", found}};
  d.timeline.changes = {{1, "2026-10-20T10:00:00.000Z", "open", "verified"},
                        {1, "2026-12-01T10:00:00.000Z", "verified", "approved"},
                        {1, "2026-12-05T10:00:00.000Z", "approved", "applied"},
                        {2, "2026-10-25T10:00:00.000Z", "open", "disputed"},
                        {2, "2026-12-02T10:00:00.000Z", "disputed", "rejected"},
                        {4, "2026-11-01T10:00:00.000Z", "open", "verified"},
                        {4, "2026-12-10T10:00:00.000Z", "verified", "rejected"},
                        {6, "2026-09-15T10:00:00.000Z", "open", "resolved"},
                        {7, "2026-11-15T10:00:00.000Z", "open", "resolved"}};
  d.timeline.comparisons = {{1, "2026-09-01T09:00:00.000Z", ""}, {2, found, ""}};
  d.timeline.users = {{"wang", "community", "2026-10-10T08:00:00.000Z", false, {"350902001000"}},
                      {"zhao", "reviewer", "2026-09-01T08:00:00.000Z", true, {}}};
  return d;
}

const ProgressRow& Row(const Progress& p, const std::string& community, const std::string& phase) {
  for (const ProgressRow& r : p.rows) {
    if (r.community_code == community && r.phase == phase) return r;
  }
  for (const ProgressRow& r : p.totals) {
    if (community == "total" && r.phase == phase) return r;
  }
  static const ProgressRow none;
  ADD_FAILURE() << "no row " << community << " " << phase;
  return none;
}

TEST(Progress, RowsPerCommunityAndMilestoneInOrder) {
  const Progress p = EvaluateProgress(Data(), D("2026-11-30"));
  ASSERT_EQ(p.rows.size(), 3u * 4u);  // two communities and the items without one
  EXPECT_EQ(p.rows[0].community_code, "350902001001");
  EXPECT_EQ(p.rows[0].community_name, "坪岗社区");
  EXPECT_EQ(p.rows[0].township_name, "蕉南街道");
  EXPECT_EQ(p.rows[0].phase, "startup");
  EXPECT_EQ(p.rows[1].phase, "reporting");
  EXPECT_EQ(p.rows[1].phase_name, "社区上报");
  EXPECT_EQ(p.rows[1].deadline, D("2026-11-30"));
  EXPECT_EQ(p.rows[4].community_code, "350902001002");
  EXPECT_EQ(p.rows[8].community_code, "");
  EXPECT_EQ(p.rows[8].community_name, "(无社区)");
  ASSERT_EQ(p.totals.size(), 4u);
  EXPECT_EQ(p.totals[0].community_name, "全区合计");
  EXPECT_EQ(p.campaign_phase, "implementation");
}

TEST(Progress, AnAreaKeepsItsCommunitiesRowsAndNotTheDistrictsTotals) {
  Progress p = EvaluateProgress(Data(), D("2026-11-30"));
  KeepArea(p, "350902001002");
  ASSERT_EQ(p.rows.size(), 4u);  // one community's milestones; not the items without one
  for (const ProgressRow& r : p.rows) EXPECT_EQ(r.community_code, "350902001002");
  EXPECT_TRUE(p.totals.empty());
  p = EvaluateProgress(Data(), D("2026-11-30"));
  KeepArea(p, "350902001000");  // the township: both its communities
  EXPECT_EQ(p.rows.size(), 8u);
  KeepArea(p, "350902002000");
  EXPECT_TRUE(p.rows.empty());
}

TEST(Progress, TheReportingMilestoneCountsWhatTheCommunityActedOn) {
  const ProgressData data = Data();
  Progress p = EvaluateProgress(data, D("2026-11-30"));
  const ProgressRow& c1 = Row(p, "350902001001", "reporting");
  EXPECT_EQ(c1.items, 3);
  EXPECT_EQ(c1.open, 1);
  EXPECT_EQ(c1.verified, 1);
  EXPECT_EQ(c1.disputed, 1);
  EXPECT_EQ(c1.done, 2);
  EXPECT_NEAR(c1.done_pct, 200.0 / 3, 1e-9);
  EXPECT_FALSE(c1.overdue);  // on the deadline day itself
  const ProgressRow& c2 = Row(p, "350902001002", "reporting");
  EXPECT_EQ(c2.items, 1);  // item 6 closed before the start, item 5 not found yet
  EXPECT_EQ(c2.done_pct, 100);
  // The day after the deadline: C1 is overdue, C2 is not.
  p = EvaluateProgress(data, D("2026-12-01"));
  EXPECT_TRUE(Row(p, "350902001001", "reporting").overdue);
  EXPECT_FALSE(Row(p, "350902001002", "reporting").overdue);
  // Items without a community count in the totals.
  EXPECT_EQ(Row(p, "", "reporting").resolved, 1);
  EXPECT_EQ(Row(p, "total", "reporting").items, 5);
  EXPECT_EQ(Row(p, "total", "reporting").done, 4);
}

TEST(Progress, EntryAndAcceptanceCountAppliedRejectedAndResolved) {
  const ProgressData data = Data();
  Progress p = EvaluateProgress(data, D("2026-12-31"));
  const ProgressRow& c1 = Row(p, "350902001001", "entry");
  EXPECT_EQ(c1.applied, 1);
  EXPECT_EQ(c1.rejected, 1);
  EXPECT_EQ(c1.open, 1);
  EXPECT_EQ(c1.done, 2);
  EXPECT_TRUE(c1.overdue);
  const ProgressRow& c2 = Row(p, "350902001002", "entry");
  EXPECT_EQ(c2.done, 1);
  EXPECT_FALSE(c2.overdue);
  EXPECT_EQ(c2.ever_verified, 1);
  EXPECT_EQ(c2.verified_then_rejected, 1);
  // During inspection a comparison finds item 5: it counts for acceptance only.
  p = EvaluateProgress(data, D("2027-01-10"));
  EXPECT_EQ(Row(p, "350902001002", "entry").items, 1);
  EXPECT_EQ(Row(p, "350902001002", "acceptance").items, 2);
  EXPECT_EQ(Row(p, "350902001002", "acceptance").done_pct, 50);
  EXPECT_FALSE(Row(p, "350902001002", "acceptance").overdue);
  EXPECT_TRUE(EvaluateProgress(data, D("2027-01-30")).rows[7].overdue);
  EXPECT_EQ(EvaluateProgress(data, D("2027-01-30")).campaign_phase, "after");
}

TEST(Progress, TheStateIsTheOneOfTheDay) {
  const ProgressData data = Data();
  // Before anything was found: no items; a milestone without items is done.
  Progress p = EvaluateProgress(data, D("2026-10-05"));
  EXPECT_EQ(Row(p, "350902001001", "reporting").items, 0);
  EXPECT_EQ(Row(p, "350902001001", "reporting").done_pct, 100);
  p = EvaluateProgress(data, D("2026-10-20"));  // verified that day
  EXPECT_EQ(Row(p, "350902001001", "reporting").verified, 1);
  EXPECT_EQ(Row(p, "350902001001", "reporting").open, 2);
  p = EvaluateProgress(data, D("2026-12-03"));  // approved, not yet applied
  EXPECT_EQ(Row(p, "350902001001", "entry").approved, 1);
  EXPECT_EQ(Row(p, "350902001001", "entry").applied, 0);
}

TEST(Progress, StartUpIsComparedAndStaffed) {
  ProgressData data = Data();
  Progress p = EvaluateProgress(data, D("2026-10-08"));
  EXPECT_TRUE(Row(p, "350902001001", "startup").compared);
  EXPECT_FALSE(Row(p, "350902001001", "startup").staffed);  // wang comes on 10-10
  EXPECT_EQ(Row(p, "350902001001", "startup").done_pct, 50);
  p = EvaluateProgress(data, D("2026-10-15"));
  EXPECT_EQ(Row(p, "350902001001", "startup").done_pct, 100);
  EXPECT_EQ(Row(p, "total", "startup").done_pct, 100);
  EXPECT_FALSE(Row(p, "350902001001", "startup").overdue);
  data.timeline.users.clear();
  p = EvaluateProgress(data, D("2026-10-15"));
  EXPECT_TRUE(Row(p, "350902001002", "startup").overdue);
  EXPECT_EQ(Row(p, "total", "startup").done_pct, 50);
}

class ReportStoreTest : public store::testing::StoreFileTest {
 protected:
  // A committed import with the given month, community and time.
  void Import(io::Kind kind, const std::string& month, const std::string& community,
              const std::string& at, const std::string& sha) {
    store::ImportInfo info;
    info.kind = kind;
    info.file_name = sha + ".csv";
    info.sha256 = sha;
    info.month = month;
    info.community_code = community;
    info.imported_by = "clerk";
    info.imported_at = at;
    auto t = store_->BeginImport(info);
    ASSERT_TRUE(t.ok()) << t.status().ToString();
    std::vector<store::SourceRecord> records = {{1, "{}", "{}"}, {2, "{}", "{}"}};
    ASSERT_TRUE((*t)->AddRecords(records).ok());
    std::vector<store::Reject> rejects = {{3, "name", "", "the value is empty"}};
    ASSERT_TRUE((*t)->AddRejects(rejects).ok());
    ASSERT_TRUE((*t)->Commit().ok());
  }
};

TEST_F(ReportStoreTest, TheHandOverIsReceivedLateMissingOrPending) {
  Import(io::Kind::kPolicePopulation, "2026-09", "", "2026-10-02T08:00:00.000Z", "a");
  Import(io::Kind::kPoliceBirths, "2026-09", "", "2026-10-04T08:00:00.000Z", "b");
  Import(io::Kind::kVaccinations, "2026-09", "350902001001", "2026-10-01T08:00:00.000Z", "c");
  Import(io::Kind::kManualReport, "2026-10", "", "2026-11-03T23:59:00.000Z", "d");
  Import(io::Kind::kRegister, "2026-09", "", "2026-10-01T08:00:00.000Z", "e");  // no department
  IntakeOptions o;
  o.as_of = D("2026-11-03");
  auto rows = ComputeIntake(*store_, o);
  ASSERT_TRUE(rows.ok()) << rows.status().ToString();
  // No campaign: from the first import's month, day 3.
  ASSERT_EQ(rows->size(), 12u);
  std::vector<std::string> got;
  for (const IntakeRow& r : *rows) {
    got.push_back(r.month + " " + r.kind + " " + r.state + " " + r.community_code + " " +
                  r.due.Iso());
  }
  EXPECT_EQ(got, (std::vector<std::string>{"2026-09 police_population received  2026-10-03",
                                           "2026-09 police_births late  2026-10-03",
                                           "2026-09 vaccinations received 350902001001 2026-10-03",
                                           "2026-09 cremations missing  2026-10-03",
                                           "2026-09 death_certificates missing  2026-10-03",
                                           "2026-09 manual_report missing  2026-10-03",
                                           "2026-10 police_population pending  2026-11-03",
                                           "2026-10 police_births pending  2026-11-03",
                                           "2026-10 vaccinations pending  2026-11-03",
                                           "2026-10 cremations pending  2026-11-03",
                                           "2026-10 death_certificates pending  2026-11-03",
                                           "2026-10 manual_report received  2026-11-03"}));
  EXPECT_EQ((*rows)[1].days_late, 1);
  EXPECT_EQ((*rows)[1].department, "公安出生登记");
  EXPECT_EQ((*rows)[1].state_name, "逾期");
  EXPECT_EQ((*rows)[0].rows, 3);
  EXPECT_EQ((*rows)[0].rejects, 1);
  EXPECT_EQ((*rows)[0].received_by, "clerk");
  EXPECT_EQ((*rows)[3].days_late, 31);
  EXPECT_EQ((*rows)[0].community_name, "全部");

  // A campaign sets the first month and the day; --month picks one month.
  auto c = store::MakeCampaign("核查",
                               store::CampaignDates{.start = D("2026-10-01"), .handover_day = 5});
  ASSERT_TRUE(store::AddCampaign(*store_, *c, "admin").ok());
  o.as_of = D("2026-11-06");
  rows = ComputeIntake(*store_, o);
  ASSERT_TRUE(rows.ok());
  ASSERT_EQ(rows->size(), 6u);
  EXPECT_EQ((*rows)[0].month, "2026-10");
  EXPECT_EQ((*rows)[0].state, "missing");
  EXPECT_EQ((*rows)[0].due, D("2026-11-05"));
  o.month = "2026-09";
  rows = ComputeIntake(*store_, o);
  ASSERT_TRUE(rows.ok());
  EXPECT_EQ((*rows)[1].state, "received");  // due the 5th now
  o.month = "2026-9";
  EXPECT_EQ(ComputeIntake(*store_, o).status().code(), ErrorCode::kInvalidArgument);
  // What was received after as_of is not there yet.
  o.month = "2026-10";
  o.as_of = D("2026-11-02");
  rows = ComputeIntake(*store_, o);
  ASSERT_TRUE(rows.ok());
  EXPECT_EQ(rows->back().state, "pending");
}

TEST(AssessmentSettings, TheDefaultIsTheShippedFileAndParses) {
  std::ifstream in(std::string(POPREG_SOURCE_DIR) + "/config/assessment.toml");
  std::stringstream text;
  text << in.rdbuf();
  EXPECT_EQ(DefaultAssessmentSettingsText(), text.str());
  auto s = LoadAssessmentSettings("");
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  EXPECT_EQ(s->completion, 40);
  EXPECT_EQ(s->timeliness, 25);
  EXPECT_EQ(s->accuracy, 20);
  EXPECT_EQ(s->gap, 15);
  EXPECT_EQ(s->gap_zero_at, 0.05);
  EXPECT_EQ(s->source, "(default)");
}

TEST(AssessmentSettings, BadSettingsNameTheFileTheLineAndTheKey) {
  auto s = ParseAssessmentSettings("[weights]\ncompletion = 40\naccuracy = -5\n", "a.toml");
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.status().message(), "a.toml:3: weights.accuracy: -5 is not a weight (a number >= 0)");
  s = ParseAssessmentSettings("[weights]\n\ngap = \"lots\"\n", "a.toml");
  EXPECT_EQ(s.status().message(),
            "a.toml:3: weights.gap: \"lots\" is not a weight (a number >= 0)");
  s = ParseAssessmentSettings("[weights]\ncompletness = 1\n", "a.toml");
  EXPECT_NE(s.status().message().find("a.toml:2: weights.completness: unknown key"),
            std::string::npos)
      << s.status().message();
  s = ParseAssessmentSettings("[weight]\n", "a.toml");
  EXPECT_NE(s.status().message().find("a.toml:1: weight: unknown"), std::string::npos)
      << s.status().message();
  s = ParseAssessmentSettings("[weights\n", "a.toml");
  EXPECT_NE(s.status().message().find("a.toml:1: "), std::string::npos) << s.status().message();
  s = ParseAssessmentSettings("[weights]\ncompletion = 0\ntimeliness = 0\naccuracy = 0\ngap = 0\n",
                              "a.toml");
  EXPECT_NE(s.status().message().find("at least one weight"), std::string::npos);
  s = ParseAssessmentSettings("[gap]\nfull_marks_at = 0.1\nzero_at = 0.05\n", "a.toml");
  EXPECT_NE(s.status().message().find("full_marks_at"), std::string::npos);
  s = ParseAssessmentSettings("[weights]\naccuracy = 30.5\n", "a.toml");
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  EXPECT_EQ(s->accuracy, 30.5);
  EXPECT_EQ(s->completion, 40);  // the rest as the defaults
}

}  // namespace
}  // namespace popreg::report
