// Tests of the Store's comparisons, discrepancy items and reviews, and of reading an import's
// source records back, on real stores.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "store/store.h"
#include "store/store_test_util.h"

namespace popreg::store {
namespace {

class ComparisonStoreTest : public testing::StoreFileTest {
 protected:
  // Commits an import of `kind` with `n` source records; returns its id.
  ImportId Import(const std::string& sha, int n, io::Kind kind = io::Kind::kPolicePopulation) {
    ImportInfo info;
    info.kind = kind;
    info.file_name = sha + ".csv";
    info.sha256 = sha;
    auto t = store_->BeginImport(info);
    EXPECT_TRUE(t.ok()) << t.status().ToString();
    if (!t.ok()) return 0;
    std::vector<SourceRecord> records;
    for (int i = 1; i <= n; ++i) {
      records.push_back({i, R"({"姓名":"r)" + std::to_string(i) + R"("})",
                         R"({"name":"r)" + std::to_string(i) + R"("})"});
    }
    EXPECT_TRUE((*t)->AddRecords(records).ok());
    EXPECT_TRUE((*t)->Commit().ok());
    return (*t)->id();
  }

  Result<SaveComparisonResult> Save(std::vector<Discrepancy>& items, std::string area = "",
                                    std::vector<ImportId> sources = {}) {
    ComparisonInfo info;
    info.as_of = "2026-09-30";
    info.since = "2026-01-01";
    info.area_code = std::move(area);
    info.started_by = "lead";
    info.sources = std::move(sources);
    info.summary_json = R"({"field_mismatch":1})";
    return store_->SaveComparison(info, items);
  }

  std::vector<Discrepancy> List(DiscrepancyFilter f = {}) {
    auto l = store_->ListDiscrepancies(f);
    EXPECT_TRUE(l.ok()) << l.status().ToString();
    return l.ok() ? *l : std::vector<Discrepancy>{};
  }
};

Discrepancy Item(std::string type, std::string key, std::string community = "350902001001") {
  Discrepancy d;
  d.type = std::move(type);
  d.register_key = std::move(key);
  d.community_code = std::move(community);
  d.identity = d.type + "|" + d.register_key;
  d.proposal = "look at " + d.register_key;
  return d;
}

TEST_F(ComparisonStoreTest, EveryFieldOfAnItemRoundTrips) {
  const ImportId police = Import("p1", 3);
  Discrepancy d = Item("field_mismatch", "3509020010010001/1");
  d.identity += "|name";
  d.register_key_2 = "";
  d.source_kind = "police_population";
  d.source_import_id = police;
  d.source_row = 2;
  d.source_id_number = "350902198503020011";
  d.field = "name";
  d.register_value = "王小明";
  d.source_value = "王晓明";
  d.match_probability = 0.0;  // zero is a value, not "none"
  d.evidence_json = R"([{"kind":"police_population","import":1,"row":2}])";
  d.explanation_json = R"([{"field":"name","level":2,"weight":3.5}])";
  Discrepancy e = Item("unrecorded_birth", "");
  e.birth_key = "350902198803120021|2026-01-17|F";
  e.identity = "unrecorded_birth|" + e.birth_key;
  e.community_code = "";
  std::vector<Discrepancy> items = {d, e};
  auto r = Save(items, "", {police});
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->new_items, 2);
  auto listed = List();
  ASSERT_EQ(listed.size(), 2u);
  const Discrepancy& got = listed[0];
  EXPECT_GT(got.id, 0);
  EXPECT_EQ(got.id, items[0].id);
  EXPECT_EQ(got.type, d.type);
  EXPECT_EQ(got.community_code, d.community_code);
  EXPECT_EQ(got.register_key, d.register_key);
  EXPECT_EQ(got.register_key_2, "");
  EXPECT_EQ(got.source_kind, d.source_kind);
  EXPECT_EQ(got.source_import_id, police);
  EXPECT_EQ(got.source_row, 2);
  EXPECT_EQ(got.source_id_number, d.source_id_number);
  EXPECT_EQ(got.field, "name");
  EXPECT_EQ(got.register_value, d.register_value);
  EXPECT_EQ(got.source_value, d.source_value);
  EXPECT_EQ(got.match_probability, std::optional<double>(0.0));
  EXPECT_EQ(got.status, "open");
  EXPECT_EQ(got.proposal, d.proposal);
  EXPECT_EQ(got.identity, d.identity);
  EXPECT_EQ(got.evidence_json, d.evidence_json);
  EXPECT_EQ(got.explanation_json, d.explanation_json);
  EXPECT_EQ(got.first_comparison, r->comparison_id);
  EXPECT_EQ(got.last_comparison, r->comparison_id);
  // Empty strings and "none" come back as they went in.
  EXPECT_EQ(listed[1].birth_key, e.birth_key);
  EXPECT_EQ(listed[1].community_code, "");
  EXPECT_EQ(listed[1].source_import_id, 0);
  EXPECT_EQ(listed[1].source_row, 0);
  EXPECT_EQ(listed[1].match_probability, std::nullopt);
  EXPECT_EQ(listed[1].evidence_json, "");
  EXPECT_EQ(listed[1].explanation_json, "");

  auto latest = store_->LatestComparison();
  ASSERT_TRUE(latest.ok()) << latest.status().ToString();
  ASSERT_TRUE(latest->has_value());
  EXPECT_EQ((*latest)->id, r->comparison_id);
  EXPECT_EQ((*latest)->info.as_of, "2026-09-30");
  EXPECT_EQ((*latest)->info.since, "2026-01-01");
  EXPECT_EQ((*latest)->info.started_by, "lead");
  EXPECT_FALSE((*latest)->info.started_at.empty());
  EXPECT_FALSE((*latest)->info.finished_at.empty());
  EXPECT_EQ((*latest)->info.sources, std::vector<ImportId>{police});
  EXPECT_EQ((*latest)->info.summary_json, R"({"field_mismatch":1})");
}

TEST_F(ComparisonStoreTest, NoComparisonYet) {
  auto latest = store_->LatestComparison();
  ASSERT_TRUE(latest.ok());
  EXPECT_FALSE(latest->has_value());
  EXPECT_TRUE(List().empty());
}

TEST_F(ComparisonStoreTest, ItemsKeepTheirIdAndStatusAcrossComparisons) {
  std::vector<Discrepancy> first = {Item("absent_from_source", "A/1"),
                                    Item("unrecorded_death", "A/2"),
                                    Item("invalid_id_number", "A/3")};
  auto r1 = Save(first);
  ASSERT_TRUE(r1.ok()) << r1.status().ToString();
  EXPECT_EQ(r1->new_items, 3);
  ASSERT_TRUE(store_->SetDiscrepancyStatus(first[1].id, "verified", "clerk", "seen").ok());

  // The second comparison finds A/2 again (with a new proposal), A/1 again, and a new item; A/3
  // is gone.
  std::vector<Discrepancy> second = {Item("unrecorded_death", "A/2"),
                                     Item("absent_from_source", "A/1"),
                                     Item("field_mismatch", "A/4")};
  second[0].proposal = "mark A/2 deceased on 2026-05-01";
  auto r2 = Save(second);
  ASSERT_TRUE(r2.ok()) << r2.status().ToString();
  EXPECT_GT(r2->comparison_id, r1->comparison_id);
  EXPECT_EQ(r2->new_items, 1);
  EXPECT_EQ(r2->carried_items, 2);
  EXPECT_EQ(r2->resolved_items, 1);
  EXPECT_EQ(second[0].id, first[1].id);
  EXPECT_EQ(second[0].status, "verified");
  EXPECT_EQ(second[0].first_comparison, r1->comparison_id);
  EXPECT_EQ(second[0].last_comparison, r2->comparison_id);
  EXPECT_EQ(second[1].id, first[0].id);
  EXPECT_EQ(second[1].status, "open");
  EXPECT_EQ(second[2].first_comparison, r2->comparison_id);
  EXPECT_GT(second[2].id, first[2].id);

  auto live = List();
  ASSERT_EQ(live.size(), 3u);  // resolved items are not listed by default
  EXPECT_EQ(live[1].proposal, "mark A/2 deceased on 2026-05-01");
  auto resolved = List({.status = "resolved"});
  ASSERT_EQ(resolved.size(), 1u);
  EXPECT_EQ(resolved[0].id, first[2].id);
  EXPECT_EQ(resolved[0].last_comparison, r1->comparison_id);

  // What each comparison found.
  EXPECT_EQ(List({.comparison_id = r2->comparison_id}).size(), 3u);
  auto by_first = store_->ListDiscrepancies({.status = "resolved", .comparison_id = 1});
  ASSERT_TRUE(by_first.ok());
  EXPECT_EQ(by_first->size(), 1u);

  // A resolved identity found again is a new item.
  std::vector<Discrepancy> third = {Item("invalid_id_number", "A/3")};
  auto r3 = Save(third);
  ASSERT_TRUE(r3.ok());
  EXPECT_EQ(r3->new_items, 1);
  EXPECT_NE(third[0].id, first[2].id);
  EXPECT_EQ(third[0].status, "open");
  EXPECT_EQ(r3->resolved_items, 3);
}

// An item found again with the values the store holds is only marked found (the SQLite backend
// leaves its row and indexes alone); one found with any value changed, also to or from empty, is
// rewritten. Either way it is the new comparison's, updated at its time.
TEST_F(ComparisonStoreTest, AnItemFoundAgainIsRewrittenOnlyWhereItsValuesChanged) {
  std::vector<Discrepancy> first = {Item("field_mismatch", "A/1"),
                                    Item("absent_from_source", "A/2"),
                                    Item("invalid_id_number", "A/3")};
  first[0].register_value = "张三";
  first[0].source_value = "张山";
  first[0].match_probability = 0.93;
  first[0].explanation_json = R"({"terms":[]})";
  first[1].match_probability = 0.93;
  first[2].register_value = "123";
  auto r1 = Save(first);
  ASSERT_TRUE(r1.ok()) << r1.status().ToString();
  const std::vector<Discrepancy> before = List();
  ASSERT_EQ(before.size(), 3u);
  std::this_thread::sleep_for(std::chrono::milliseconds(20));  // a later updated_at

  std::vector<Discrepancy> second = first;  // ids and statuses come from the store again
  second[1].match_probability = 0.95;       // a changed number
  second[2].register_value = "";            // a value gone (NULL in the row)
  auto r2 = Save(second);
  ASSERT_TRUE(r2.ok()) << r2.status().ToString();
  EXPECT_EQ(r2->new_items, 0);
  EXPECT_EQ(r2->carried_items, 3);
  EXPECT_EQ(r2->resolved_items, 0);

  const std::vector<Discrepancy> after = List();
  ASSERT_EQ(after.size(), 3u);
  for (size_t i = 0; i < 3; ++i) {
    SCOPED_TRACE(after[i].identity);
    EXPECT_EQ(after[i].id, before[i].id);
    EXPECT_EQ(after[i].first_comparison, r1->comparison_id);
    EXPECT_EQ(after[i].last_comparison, r2->comparison_id);
    EXPECT_GT(after[i].updated_at, before[i].updated_at);
    EXPECT_EQ(after[i].updated_at, after[0].updated_at);
  }
  EXPECT_EQ(after[0].register_value, "张三");
  EXPECT_EQ(after[0].source_value, "张山");
  EXPECT_EQ(after[0].match_probability, 0.93);
  EXPECT_EQ(after[0].explanation_json, R"({"terms":[]})");
  EXPECT_EQ(after[1].match_probability, 0.95);
  EXPECT_EQ(after[2].register_value, "");
  EXPECT_EQ(List({.comparison_id = r2->comparison_id}).size(), 3u);
}

TEST_F(ComparisonStoreTest, AnAreaComparisonResolvesOnlyItsOwnItemsAndNeverAppliedOnes) {
  std::vector<Discrepancy> items = {Item("absent_from_source", "A/1", "350902001001"),
                                    Item("absent_from_source", "B/1", "350902002001"),
                                    Item("unrecorded_death", "A/2", "350902001002")};
  ASSERT_TRUE(Save(items).ok());
  ASSERT_TRUE(store_->SetDiscrepancyStatus(items[2].id, "applied", "reviewer", "").ok());
  std::vector<Discrepancy> none;
  auto r = Save(none, "350902001");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->resolved_items, 1);  // A/1; not B/1 (another township), not A/2 (applied)
  auto live = List();
  ASSERT_EQ(live.size(), 2u);
  EXPECT_EQ(live[0].register_key, "B/1");
  EXPECT_EQ(live[1].status, "applied");
}

TEST_F(ComparisonStoreTest, TwoItemsWithOneIdentitySaveNothing) {
  std::vector<Discrepancy> items = {Item("absent_from_source", "A/1"),
                                    Item("field_mismatch", "A/9"),
                                    Item("absent_from_source", "A/1")};
  auto r = Save(items);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), ErrorCode::kInvalidArgument);
  EXPECT_NE(r.status().message().find("item 3"), std::string::npos) << r.status().ToString();
  EXPECT_NE(r.status().message().find("item 1"), std::string::npos) << r.status().ToString();
  EXPECT_FALSE(store_->LatestComparison()->has_value());
  EXPECT_TRUE(List().empty());

  std::vector<Discrepancy> bad = {Item("made_up", "A/1")};
  EXPECT_EQ(Save(bad).status().code(), ErrorCode::kInvalidArgument);
}

TEST_F(ComparisonStoreTest, AnUnknownSourceImportFailsTheWholeSave) {
  std::vector<Discrepancy> items = {Item("absent_from_source", "A/1"),
                                    Item("missing_in_register", "")};
  items[1].identity = "missing_in_register|350902198503020011";
  items[1].source_import_id = 999;
  auto r = Save(items);
  ASSERT_FALSE(r.ok());
  EXPECT_FALSE(store_->LatestComparison()->has_value());
  EXPECT_TRUE(List().empty());
  EXPECT_TRUE(store_->IntegrityCheck().ok());
}

TEST_F(ComparisonStoreTest, FiltersByTypeAreaStatusAndComparison) {
  std::vector<Discrepancy> items = {Item("absent_from_source", "A/1", "350902001001"),
                                    Item("absent_from_source", "B/1", "350902002001"),
                                    Item("field_mismatch", "A/2", "350902001002")};
  auto r = Save(items);
  ASSERT_TRUE(r.ok());
  ASSERT_TRUE(store_->SetDiscrepancyStatus(items[0].id, "approved", "reviewer", "ok").ok());
  EXPECT_EQ(List({.type = "absent_from_source"}).size(), 2u);
  EXPECT_EQ(List({.community_code = "350902001"}).size(), 2u);
  EXPECT_EQ(List({.community_code = "350902002001"}).size(), 1u);
  EXPECT_EQ(List({.status = "approved"}).size(), 1u);
  EXPECT_EQ(List({.status = "open"}).size(), 2u);
  EXPECT_EQ(List({.type = "field_mismatch", .community_code = "350902002"}).size(), 0u);
  EXPECT_EQ(List({.comparison_id = r->comparison_id}).size(), 3u);
  EXPECT_EQ(List({.comparison_id = r->comparison_id + 1}).size(), 0u);
  EXPECT_EQ(store_->ListDiscrepancies({.status = "closed"}).status().code(),
            ErrorCode::kInvalidArgument);
  EXPECT_EQ(store_->ListDiscrepancies({.type = "typo"}).status().code(),
            ErrorCode::kInvalidArgument);
}

TEST_F(ComparisonStoreTest, SetDiscrepancyStatusChecksItsArguments) {
  std::vector<Discrepancy> items = {Item("absent_from_source", "A/1")};
  ASSERT_TRUE(Save(items).ok());
  Status missing = store_->SetDiscrepancyStatus(items[0].id + 100, "approved", "r", "");
  EXPECT_EQ(missing.code(), ErrorCode::kNotFound) << missing.ToString();
  EXPECT_EQ(store_->SetDiscrepancyStatus(items[0].id, "done", "r", "").code(),
            ErrorCode::kInvalidArgument);
  ASSERT_TRUE(store_->SetDiscrepancyStatus(items[0].id, "rejected", "r", "a twin").ok());
  EXPECT_EQ(List()[0].status, "rejected");
}

TEST_F(ComparisonStoreTest, ForEachSourceRecordReadsEveryRecordInOrder) {
  const ImportId id = Import("many", 10000);
  int64_t n = 0;
  int64_t last = 0;
  Status st = store_->ForEachSourceRecord(id, Store::RecordTexts::kRawAndNormalized,
                                          [&](const SourceRecord& r) -> Status {
                                            EXPECT_EQ(r.source_row, last + 1);
                                            last = r.source_row;
                                            ++n;
                                            return Status();
                                          });
  ASSERT_TRUE(st.ok()) << st.ToString();
  EXPECT_EQ(n, 10000);
  // The callback may use the store.
  st = store_->ForEachSourceRecord(
      id, Store::RecordTexts::kRawAndNormalized, [&](const SourceRecord& r) -> Status {
        if (r.source_row == 5000) {
          EXPECT_EQ(r.normalized_json, R"({"name":"r5000"})");
          return store_->AppendAudit({"t", "", "read", "import", ""}).status();
        }
        return Status();
      });
  EXPECT_TRUE(st.ok()) << st.ToString();
  // An error of the callback stops the walk and is returned.
  n = 0;
  st = store_->ForEachSourceRecord(
      id, Store::RecordTexts::kRawAndNormalized, [&](const SourceRecord& r) -> Status {
        ++n;
        return r.source_row == 7 ? Status(ErrorCode::kCancelled, "enough") : Status();
      });
  EXPECT_EQ(st.code(), ErrorCode::kCancelled);
  EXPECT_EQ(n, 7);
  EXPECT_EQ(store_
                ->ForEachSourceRecord(id + 1, Store::RecordTexts::kRawAndNormalized,
                                      [](const SourceRecord&) { return Status(); })
                .code(),
            ErrorCode::kNotFound);
}

// A comparison of a district of 100,000 items is saved, and saved again, quickly enough for a
// clerk to wait for (the bound is loose: sanitizer builds are slow).
// A hundred thousand items save and are carried whole; how fast is the comparison benchmark's
// business (bench/RESULTS.md), not a timed assertion's.
TEST_F(ComparisonStoreTest, AHundredThousandItemsSaveAndCarry) {
  std::vector<Discrepancy> items;
  for (int i = 0; i < 100000; ++i) {
    items.push_back(Item("absent_from_source", "3509020010" + std::to_string(100000 + i) + "/1"));
    items.back().evidence_json = R"([{"kind":"register","import":0,"row":1}])";
  }
  const auto t0 = std::chrono::steady_clock::now();
  auto r1 = Save(items);
  ASSERT_TRUE(r1.ok()) << r1.status().ToString();
  const auto t1 = std::chrono::steady_clock::now();
  items.resize(90000);
  auto r2 = Save(items);
  ASSERT_TRUE(r2.ok()) << r2.status().ToString();
  const auto t2 = std::chrono::steady_clock::now();
  EXPECT_EQ(r1->new_items, 100000);
  EXPECT_EQ(r2->carried_items, 90000);
  EXPECT_EQ(r2->resolved_items, 10000);
  const double first = std::chrono::duration<double>(t1 - t0).count();
  const double second = std::chrono::duration<double>(t2 - t1).count();
  std::printf("SaveComparison: 100000 new items %.2f s, 90000 carried %.2f s\n", first, second);
}

}  // namespace
}  // namespace popreg::store
