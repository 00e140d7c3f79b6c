// Tests of schema 4 (store/campaigns.h, the month and community of imports, store/timeline.h)
// on real stores: SQLite files, and PostgreSQL databases in the postgres_store/ run of ctest.
#include "store/campaigns.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "base/env.h"
#include "store/audit.h"
#include "store/import.h"
#include "store/postgres/postgres_store.h"
#include "store/sql.h"
#include "store/sqlite/sqlite_store.h"
#include "store/store_test_util.h"
#include "store/timeline.h"

namespace popreg::store {
namespace {

using testing::Rows;

class CampaignsTest : public testing::StoreFileTest {
 protected:
  static Date D(const char* iso) { return *Date::ParseIso(iso); }

  Campaign Make(const std::string& name, const char* start) {
    auto c = MakeCampaign(name, CampaignDates{.start = D(start)});
    EXPECT_TRUE(c.ok()) << c.status().ToString();
    return *c;
  }
};

TEST_F(CampaignsTest, MonthsParseAndCount) {
  EXPECT_EQ(ParseMonth("2026-03"), (Date{2026, 3, 1}));
  for (const char* bad : {"2026-13", "2026-00", "2026-3", "202603", "2026-03-01", "", "abcd-ef"}) {
    EXPECT_FALSE(ParseMonth(bad)) << bad;
  }
  EXPECT_EQ(MonthOf(D("2026-12-31")), "2026-12");
  EXPECT_EQ(AddMonths(D("2026-12-15"), 1), D("2027-01-01"));
  EXPECT_EQ(AddMonths(D("2026-01-15"), -1), D("2025-12-01"));
  EXPECT_EQ(AddMonths(D("2026-03-31"), -14), D("2025-01-01"));
  EXPECT_EQ(DayOfMonth(D("2026-02-01"), 30), D("2026-02-28"));
  EXPECT_EQ(DayOfMonth(D("2026-02-01"), 3), D("2026-02-03"));
}

TEST_F(CampaignsTest, TheTemplateFillsWhatIsNotGivenAndTheOrderIsChecked) {
  Campaign c = Make("2026年核查", "2026-03-01");
  EXPECT_EQ(c.startup_end, D("2026-03-14"));
  EXPECT_EQ(c.reporting_deadline, D("2026-04-30"));
  EXPECT_EQ(c.entry_deadline, D("2026-05-30"));
  EXPECT_EQ(c.end, D("2026-06-29"));
  EXPECT_EQ(c.handover_day, 3);
  auto given = MakeCampaign(
      "x", CampaignDates{
               .start = D("2026-03-01"), .reporting_deadline = D("2026-04-15"), .handover_day = 5});
  ASSERT_TRUE(given.ok());
  EXPECT_EQ(given->reporting_deadline, D("2026-04-15"));
  EXPECT_EQ(given->entry_deadline, D("2026-05-30"));
  EXPECT_EQ(given->handover_day, 5);

  auto bad = MakeCampaign(
      "x", CampaignDates{.start = D("2026-03-01"), .reporting_deadline = D("2026-06-15")});
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().code(), ErrorCode::kInvalidArgument);
  EXPECT_NE(bad.status().message().find("entry deadline 2026-05-30 must be on or after the "
                                        "reporting deadline 2026-06-15"),
            std::string::npos)
      << bad.status().message();
  bad = MakeCampaign("x", CampaignDates{.start = D("2026-03-01"), .handover_day = 31});
  EXPECT_NE(bad.status().message().find("hand-over day 31"), std::string::npos);
  bad = MakeCampaign("", CampaignDates{.start = D("2026-03-01")});
  EXPECT_EQ(bad.status().code(), ErrorCode::kInvalidArgument);

  EXPECT_EQ(CampaignPhase(c, D("2026-02-28")), "before");
  EXPECT_EQ(CampaignPhase(c, D("2026-03-14")), "startup");
  EXPECT_EQ(CampaignPhase(c, D("2026-03-15")), "implementation");
  EXPECT_EQ(CampaignPhase(c, D("2026-05-30")), "implementation");
  EXPECT_EQ(CampaignPhase(c, D("2026-05-31")), "acceptance");
  EXPECT_EQ(CampaignPhase(c, D("2026-06-30")), "after");
  EXPECT_EQ(CampaignPhaseName("implementation"), "组织实施");
}

TEST_F(CampaignsTest, AddListFindUpdateWithAudit) {
  EXPECT_EQ(FindCampaign(*store_, "").status().code(), ErrorCode::kNotFound);
  auto first = AddCampaign(*store_, Make("2025年核查", "2025-03-01"), "zhao");
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  auto second = AddCampaign(*store_, Make("2026年核查", "2026-03-01"), "admin");
  ASSERT_TRUE(second.ok()) << second.status().ToString();
  EXPECT_EQ(*second, *first + 1);
  auto dup = AddCampaign(*store_, Make("2026年核查", "2026-04-01"), "admin");
  EXPECT_EQ(dup.status().code(), ErrorCode::kAlreadyExists) << dup.status().ToString();

  auto all = ListCampaigns(*store_);
  ASSERT_TRUE(all.ok()) << all.status().ToString();
  ASSERT_EQ(all->size(), 2u);
  EXPECT_EQ((*all)[0].name, "2025年核查");
  EXPECT_EQ((*all)[0].created_by, "zhao");
  EXPECT_FALSE((*all)[0].created_at.empty());
  EXPECT_EQ((*all)[1].reporting_deadline, D("2026-04-30"));
  EXPECT_EQ((*all)[1].handover_day, 3);

  EXPECT_EQ(FindCampaign(*store_, "")->name, "2026年核查");  // the newest
  EXPECT_EQ(FindCampaign(*store_, std::to_string(*first))->name, "2025年核查");
  EXPECT_EQ(FindCampaign(*store_, "2025年核查")->id, *first);
  auto unknown = FindCampaign(*store_, "2024年核查");
  EXPECT_EQ(unknown.status().code(), ErrorCode::kNotFound);
  EXPECT_NE(unknown.status().message().find("2024年核查"), std::string::npos);

  Campaign c = *FindCampaign(*store_, "2026年核查");
  c.entry_deadline = D("2026-06-10");
  c.end = D("2026-07-10");
  c.handover_day = 5;
  ASSERT_TRUE(UpdateCampaign(*store_, c, "admin").ok());
  Campaign back = *FindCampaign(*store_, "2026年核查");
  EXPECT_EQ(back.entry_deadline, D("2026-06-10"));
  EXPECT_EQ(back.end, D("2026-07-10"));
  EXPECT_EQ(back.handover_day, 5);
  c.end = D("2026-06-01");  // before the entry deadline: refused, nothing changes
  EXPECT_EQ(UpdateCampaign(*store_, c, "admin").code(), ErrorCode::kInvalidArgument);
  c.end = D("2026-07-10");
  c.name = "2025年核查";  // another campaign's name
  EXPECT_EQ(UpdateCampaign(*store_, c, "admin").code(), ErrorCode::kAlreadyExists);
  c.id = 99;
  EXPECT_EQ(UpdateCampaign(*store_, c, "admin").code(), ErrorCode::kNotFound);
  EXPECT_EQ(FindCampaign(*store_, "2026年核查")->end, D("2026-07-10"));

  auto log = ListAudit(*store_, "");
  ASSERT_TRUE(log.ok());
  std::vector<std::string> actions;
  for (const AuditRecord& r : *log) {
    if (r.entry.action.starts_with("campaign.")) {
      actions.push_back(r.entry.action + " " + r.entry.object + " by " + r.entry.who);
    }
  }
  EXPECT_EQ(actions, (std::vector<std::string>{"campaign.add campaign 1 by zhao",
                                               "campaign.add campaign 2 by admin",
                                               "campaign.set campaign 2 by admin"}));
  const std::string& details = log->back().entry.details_json;
  EXPECT_NE(details.find("\"before\""), std::string::npos) << details;
  EXPECT_NE(details.find("2026-05-30"), std::string::npos) << details;
  EXPECT_NE(details.find("2026-06-10"), std::string::npos) << details;
}

TEST_F(CampaignsTest, ImportsRecordTheirMonthAndCommunity) {
  const Rows areas = {{"code", "name", "level", "parent_code"},
                      {"350902", "蕉城区", "district", ""},
                      {"350902001000", "蕉南街道", "township", "350902"},
                      {"350902001001", "坪岗社区", "community", "350902001000"}};
  ASSERT_TRUE(ImportFile(*store_, io::Kind::kAreas, Csv("areas.csv", areas), options_).ok());

  // Births by their registration date, else the birth date; a date after today does not count.
  const Rows births = {
      {"name", "sex", "birth_date", "mother_id_number", "registered_date"},
      {"王一", "男", "2026-08-30", "350902198803120021", "2026-09-12"},
      {"王二", "女", "2026-09-20", "350902198803120021", ""},
      {"王三", "女", "2026-07-01", "350902198803120021", "2099-01-01"},
      {"王四", "女", "", "350902198803120021", "2026-12-01"}};  // rejected: no birth date
  auto b = ImportFile(*store_, io::Kind::kPoliceBirths, Csv("births.csv", births), options_);
  ASSERT_TRUE(b.ok()) << b.status().ToString();
  EXPECT_EQ(b->month, "2026-09");
  EXPECT_EQ(b->month_source, "the latest event date 2026-09-20");
  EXPECT_EQ(b->community, "");

  // Deaths by death_date; a given month and community are kept.
  const Rows deaths = {{"name", "death_date"}, {"李四", "2026-05-03"}, {"李五", "2026-06-30"}};
  auto d = ImportFile(*store_, io::Kind::kCremations, Csv("cremations.csv", deaths), options_);
  ASSERT_TRUE(d.ok()) << d.status().ToString();
  EXPECT_EQ(d->month, "2026-06");
  ImportOptions given = options_;
  given.month = "2026-07";
  given.community = "350902001001";
  auto g = ImportFile(*store_, io::Kind::kDeathCertificates, Csv("certs.csv", deaths), given);
  ASSERT_TRUE(g.ok()) << g.status().ToString();
  EXPECT_EQ(g->month, "2026-07");
  EXPECT_EQ(g->month_source, "given");

  // A kind without event dates: the month before the import date.
  const Rows manual = {{"community_code", "total_population", "births", "deaths"},
                       {"350902001001", "1200", "3", "1"}};
  auto m = ImportFile(*store_, io::Kind::kManualReport, Csv("manual.csv", manual), options_);
  ASSERT_TRUE(m.ok()) << m.status().ToString();
  EXPECT_EQ(m->month, MonthOf(AddMonths(Env::Default().Today(), -1)));
  EXPECT_EQ(m->month_source, "the month before the import date");

  auto listed = store_->ListImports();
  ASSERT_TRUE(listed.ok());
  ASSERT_EQ(listed->size(), 5u);
  EXPECT_EQ((*listed)[0].info.month, MonthOf(AddMonths(Env::Default().Today(), -1)));  // areas
  EXPECT_EQ((*listed)[1].info.month, "2026-09");
  EXPECT_EQ((*listed)[2].info.month, "2026-06");
  EXPECT_EQ((*listed)[3].info.month, "2026-07");
  EXPECT_EQ((*listed)[3].info.community_code, "350902001001");
  EXPECT_EQ((*listed)[1].info.community_code, "");
  auto found = store_->FindImportBySha256(io::Kind::kDeathCertificates, (*listed)[3].info.sha256);
  ASSERT_TRUE(found.ok() && found->has_value());
  EXPECT_EQ((**found).info.community_code, "350902001001");

  // The same file again is a no-op that reports what was recorded.
  auto again = ImportFile(*store_, io::Kind::kDeathCertificates, Csv("certs.csv", deaths), given);
  ASSERT_TRUE(again.ok());
  EXPECT_TRUE(again->already_imported);
  EXPECT_EQ(again->month, "2026-07");

  // A month that is not one, a community the areas do not have: refused before anything.
  ImportOptions bad = options_;
  bad.month = "2026-13";
  auto e = ImportFile(*store_, io::Kind::kVaccinations, Csv("v.csv", births), bad);
  EXPECT_EQ(e.status().code(), ErrorCode::kInvalidArgument);
  EXPECT_NE(e.status().message().find("'2026-13' is not a month"), std::string::npos);
  bad = options_;
  bad.community = "350902009009";
  e = ImportFile(*store_, io::Kind::kVaccinations, Csv("v.csv", births), bad);
  EXPECT_EQ(e.status().code(), ErrorCode::kInvalidArgument);
  EXPECT_NE(e.status().message().find("350902009009"), std::string::npos);
  EXPECT_EQ(store_->ListImports()->size(), 5u);
}

TEST_F(CampaignsTest, ASchema3StoreMigratesWithItsImportsReadable) {
  {
    auto old = OldStore("old.db", 3);
    ASSERT_NE(old, nullptr);
    EXPECT_EQ(*old->SchemaVersion(), 3);
    // Imports as popreg 3 wrote them: a free-text period that was a month, and one that was not.
    ASSERT_TRUE(
        old->Write("old imports",
                   [](sql::Session& s) -> Status {
                     for (const auto& [id, period] : std::vector<std::pair<int64_t, std::string>>{
                              {1, "2026-07"}, {2, "2026年第三季度"}}) {
                       RETURN_IF_ERROR(s.Exec("adding an old import",
                                              "INSERT INTO imports (id, kind, file_name, "
                                              "sha256, period, rows_total, imported_by, "
                                              "imported_at) VALUES (?1, 'cremations', ?2, ?3, "
                                              "?4, 0, 'clerk', '2026-08-02T08:00:00.000Z')",
                                              {id, "f" + std::to_string(id) + ".csv",
                                               "sha" + std::to_string(id), period})
                                           .status());
                     }
                     return Status();
                   })
            .ok());
  }
  auto s = OpenStore(Location("old.db"));
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  EXPECT_EQ(*(*s)->SchemaVersion(), 6);
  EXPECT_TRUE((*s)->IntegrityCheck().ok());
  auto imports = (*s)->ListImports();
  ASSERT_TRUE(imports.ok()) << imports.status().ToString();
  ASSERT_EQ(imports->size(), 2u);
  EXPECT_EQ((*imports)[0].info.month, "2026-07");
  EXPECT_EQ((*imports)[1].info.month, "");  // not a month: unknown
  EXPECT_EQ((*imports)[1].info.community_code, "");
  EXPECT_EQ((*imports)[1].info.file_name, "f2.csv");
  ASSERT_TRUE(AddCampaign(**s, Make("2026年核查", "2026-07-01"), "admin").ok());
  EXPECT_EQ(ListCampaigns(**s)->size(), 1u);
}

TEST_F(CampaignsTest, TheTimelineHasWhenItemsWereFoundAndEveryChange) {
  ComparisonInfo info{"2026-09-30",
                      "2025-10-01",
                      "",
                      "clerk",
                      "2026-10-06T09:00:00.000Z",
                      "2026-10-06T09:05:00.000Z"};
  std::vector<Discrepancy> items(2);
  items[0].type = "invalid_id_number";
  items[0].identity = "a";
  items[0].community_code = "350902001001";
  items[1].type = "incomplete_record";
  items[1].identity = "b";
  ASSERT_TRUE(store_->SaveComparison(info, items).ok());
  ASSERT_TRUE(store_->SetDiscrepancyStatus(items[0].id, "verified", "wang", "").ok());
  ASSERT_TRUE(store_->SetDiscrepancyStatus(items[0].id, "rejected", "zhao", "").ok());
  info.started_at = info.finished_at = "2026-11-01T09:00:00.000Z";
  std::vector<Discrepancy> again = {items[0]};
  ASSERT_TRUE(store_->SaveComparison(info, again).ok());  // b is resolved

  auto t = LoadTimeline(*store_);
  ASSERT_TRUE(t.ok()) << t.status().ToString();
  ASSERT_EQ(t->items.size(), 2u);
  EXPECT_EQ(t->items[0].community_code, "350902001001");
  EXPECT_EQ(t->items[0].found_at, "2026-10-06T09:05:00.000Z");
  EXPECT_EQ(t->items[1].community_code, "");
  ASSERT_EQ(t->changes.size(), 3u);
  EXPECT_EQ(t->changes[0].status_after, "verified");
  EXPECT_EQ(t->changes[1].status_before, "verified");
  EXPECT_EQ(t->changes[1].status_after, "rejected");
  EXPECT_EQ(t->changes[2].item_id, items[1].id);
  EXPECT_EQ(t->changes[2].status_after, "resolved");
  ASSERT_EQ(t->comparisons.size(), 2u);
  EXPECT_EQ(t->comparisons[1].at, "2026-11-01T09:00:00.000Z");
  ASSERT_EQ(t->users.size(), 0u);
}

}  // namespace
}  // namespace popreg::store
