// Tests of schema 5 (what the web server needs): the audit log's hash chain and its pages,
// users who must change their password and the sign-in lockout, the worklist's keyset pages, and
// the migration from schema 4, on real stores: SQLite files, and PostgreSQL databases in the
// postgres_store/ run of ctest.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <memory>
#include <string>
#include <tuple>
#include <vector>

#include "store/audit.h"
#include "store/common_store.h"
#include "store/items.h"
#include "store/postgres/postgres_store.h"
#include "store/review.h"
#include "store/sql.h"
#include "store/sqlite/sqlite_store.h"
#include "store/store_test_util.h"
#include "store/users.h"

namespace popreg::store {
namespace {

class Schema5Test : public testing::StoreFileTest {
 protected:
  // Runs statements with the append-only triggers of audit_log off, as someone with the
  // database's keys could.
  Status Tamper(const std::vector<std::string>& statements) {
    return store_->Write("tampering", [&](sql::Session& s) -> Status {
      if (s.dialect() == sql::Dialect::kSqlite) {
        RETURN_IF_ERROR(s.Exec("t", "DROP TRIGGER IF EXISTS audit_log_no_update").status());
        RETURN_IF_ERROR(s.Exec("t", "DROP TRIGGER IF EXISTS audit_log_no_delete").status());
      } else {
        RETURN_IF_ERROR(
            s.Exec("t", "ALTER TABLE audit_log DISABLE TRIGGER audit_log_append_only").status());
      }
      for (const std::string& sql : statements) RETURN_IF_ERROR(s.Exec("t", sql).status());
      return Status();
    });
  }

  void AddAlice() {
    User u;
    u.login = "alice";
    u.role = "reviewer";
    u.all_areas = true;
    ASSERT_TRUE(AddUser(*store_, u, "correct horse", "admin").ok());
  }

  AuditChainCheck Verify() {
    auto c = VerifyAuditChain(*store_);
    EXPECT_TRUE(c.ok()) << c.status().ToString();
    return c.ok() ? *c : AuditChainCheck{};
  }
};

TEST_F(Schema5Test, EveryAuditRowIsChainedToTheOneBefore) {
  AddAlice();
  ASSERT_TRUE(SetUserDisabled(*store_, "alice", true, "admin").ok());
  ASSERT_TRUE(SetUserDisabled(*store_, "alice", false, "admin").ok());
  ASSERT_TRUE(store_->AppendAudit({"bob", "2026-10-05T08:00:00.000Z", "login", "", ""}).ok());
  auto log = ListAudit(*store_, "");
  ASSERT_TRUE(log.ok()) << log.status().ToString();
  ASSERT_EQ(log->size(), 4u);
  EXPECT_EQ((*log)[0].prev_hash, kAuditGenesisHash);
  for (size_t i = 0; i < log->size(); ++i) {
    const AuditRecord& r = (*log)[i];
    EXPECT_EQ(r.hash.size(), 64u);
    EXPECT_EQ(r.hash, AuditHash(r));
    if (i > 0) {
      EXPECT_EQ(r.prev_hash, (*log)[i - 1].hash);
    }
  }
  EXPECT_EQ((*log)[3].entry.details_json, "{}");  // stored, and hashed, as {}
  // The documented serialisation.
  EXPECT_EQ(AuditHashInput((*log)[3]),
            "popreg audit v1;1:4;3:bob;24:2026-10-05T08:00:00.000Z;5:login;0:;2:{};64:" +
                (*log)[2].hash + ";");
  AuditChainCheck c = Verify();
  EXPECT_TRUE(c.intact());
  EXPECT_EQ(c.rows, 4);
}

TEST_F(Schema5Test, AChangedRowBreaksTheChainThere) {
  AddAlice();
  ASSERT_TRUE(SetUserDisabled(*store_, "alice", true, "admin").ok());
  ASSERT_TRUE(SetUserDisabled(*store_, "alice", false, "admin").ok());
  ASSERT_TRUE(Verify().intact());
  ASSERT_TRUE(Tamper({"UPDATE audit_log SET who = 'mallory' WHERE id = 2"}).ok());
  AuditChainCheck c = Verify();
  EXPECT_EQ(c.broken_id, 2);
  EXPECT_EQ(c.rows, 2);
  EXPECT_NE(c.why.find("hash does not match"), std::string::npos) << c.why;
}

TEST_F(Schema5Test, ARowRehashedOrRemovedBreaksTheChainAtTheNext) {
  AddAlice();
  ASSERT_TRUE(SetUserDisabled(*store_, "alice", true, "admin").ok());
  ASSERT_TRUE(SetUserDisabled(*store_, "alice", false, "admin").ok());
  auto log = ListAudit(*store_, "");
  ASSERT_TRUE(log.ok());
  AuditRecord forged = (*log)[1];
  forged.entry.who = "mallory";
  forged.hash = AuditHash(forged);
  ASSERT_TRUE(
      Tamper({"UPDATE audit_log SET who = 'mallory', hash = '" + forged.hash + "' WHERE id = 2"})
          .ok());
  AuditChainCheck c = Verify();
  EXPECT_EQ(c.broken_id, 3);
  EXPECT_NE(c.why.find("not the hash of row 2"), std::string::npos) << c.why;

  ASSERT_TRUE(Tamper({"DELETE FROM audit_log WHERE id = 1"}).ok());
  c = Verify();
  EXPECT_EQ(c.broken_id, 2);
  EXPECT_NE(c.why.find("first row"), std::string::npos) << c.why;
}

TEST_F(Schema5Test, AuditPagesFilterAndGoOnAfterAnId) {
  for (int i = 1; i <= 7; ++i) {
    const std::string day = "2026-10-0" + std::to_string(i);
    ASSERT_TRUE(
        store_
            ->AppendAudit({i % 2 == 0 ? "bob" : "carol", day + "T08:00:00.000Z",
                           i % 3 == 0 ? "review" : "login", "item " + std::to_string(i), ""})
            .ok());
  }
  auto ids = [](const Result<std::vector<AuditRecord>>& page) {
    EXPECT_TRUE(page.ok()) << page.status().ToString();
    std::vector<int64_t> out;
    if (page.ok())
      for (const AuditRecord& r : *page) out.push_back(r.id);
    return out;
  };
  AuditFilter f;
  f.limit = 3;
  EXPECT_EQ(ids(ListAuditPage(*store_, f)), (std::vector<int64_t>{1, 2, 3}));
  f.after_id = 3;
  EXPECT_EQ(ids(ListAuditPage(*store_, f)), (std::vector<int64_t>{4, 5, 6}));
  f.after_id = 6;
  EXPECT_EQ(ids(ListAuditPage(*store_, f)), (std::vector<int64_t>{7}));
  f = AuditFilter{.limit = 2, .newest_first = true};
  EXPECT_EQ(ids(ListAuditPage(*store_, f)), (std::vector<int64_t>{7, 6}));
  f.after_id = 6;
  EXPECT_EQ(ids(ListAuditPage(*store_, f)), (std::vector<int64_t>{5, 4}));
  EXPECT_EQ(ids(ListAuditPage(*store_, {.who = "bob"})), (std::vector<int64_t>{2, 4, 6}));
  EXPECT_EQ(ids(ListAuditPage(*store_, {.action = "review"})), (std::vector<int64_t>{3, 6}));
  // `until` a date covers its day; a time is inclusive.
  EXPECT_EQ(ids(ListAuditPage(*store_, {.since = "2026-10-02", .until = "2026-10-04"})),
            (std::vector<int64_t>{2, 3, 4}));
  EXPECT_EQ(ids(ListAuditPage(*store_, {.until = "2026-10-02T08:00:00.000Z"})),
            (std::vector<int64_t>{1, 2}));
  EXPECT_EQ(ListAuditPage(*store_, {.limit = 0}).status().code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(ListAuditPage(*store_, {.limit = 1001}).status().code(), ErrorCode::kInvalidArgument);
}

TEST_F(Schema5Test, APasswordGivenBySomeoneElseMustBeChanged) {
  AddAlice();
  auto u = FindUser(*store_, "alice");
  ASSERT_TRUE(u.ok() && u->has_value());
  EXPECT_TRUE((*u)->must_change_password);
  ASSERT_TRUE(SetOwnPassword(*store_, "alice", "my own secret").ok());
  EXPECT_FALSE((*FindUser(*store_, "alice"))->must_change_password);
  EXPECT_TRUE(*CheckUserPassword(*store_, "alice", "my own secret"));
  ASSERT_TRUE(SetUserPassword(*store_, "alice", "reset by admin", "admin").ok());
  EXPECT_TRUE((*FindUser(*store_, "alice"))->must_change_password);
  ASSERT_TRUE(SetUserPassword(*store_, "alice", "alice sets it", "alice").ok());
  EXPECT_FALSE((*FindUser(*store_, "alice"))->must_change_password);
  EXPECT_EQ(SetOwnPassword(*store_, "nobody", "whatever1").code(), ErrorCode::kNotFound);
  EXPECT_EQ(SetOwnPassword(*store_, "alice", "short").code(), ErrorCode::kInvalidArgument);
  auto log = ListAudit(*store_, "");
  ASSERT_TRUE(log.ok());
  EXPECT_EQ(log->back().entry.action, "user.password");
  EXPECT_EQ(log->back().entry.who, "alice");
  EXPECT_EQ(log->back().entry.details_json, R"({"must_change_password":false})");
}

TEST_F(Schema5Test, TheFifthFailureInARowLocksTheAccount) {
  AddAlice();
  const std::string now = "2026-10-05T08:00:00.000Z";
  for (int i = 1; i <= 4; ++i) {
    auto f = RecordLoginFailure(*store_, "alice", now);
    ASSERT_TRUE(f.ok()) << f.status().ToString();
    EXPECT_EQ(f->failed_logins, i);
    EXPECT_FALSE(f->locked);
  }
  EXPECT_EQ((*FindUser(*store_, "alice"))->failed_logins, 4);
  auto f = RecordLoginFailure(*store_, "alice", now);
  ASSERT_TRUE(f.ok());
  EXPECT_TRUE(f->locked);
  EXPECT_EQ(f->locked_until, "2026-10-05T08:15:00.000Z");
  EXPECT_EQ(f->failed_logins, 0);
  auto u = *FindUser(*store_, "alice");
  EXPECT_EQ(u->locked_until, "2026-10-05T08:15:00.000Z");
  EXPECT_EQ(u->failed_logins, 0);
  auto log = ListAudit(*store_, "");
  EXPECT_EQ(log->back().entry.action, "user.locked");
  EXPECT_EQ(log->back().entry.object, "user alice");
  // The password still checks: refusing a locked account is the caller's first step.
  EXPECT_TRUE(*CheckUserPassword(*store_, "alice", "correct horse"));

  ASSERT_TRUE(ClearLoginFailures(*store_, "alice").ok());
  u = *FindUser(*store_, "alice");
  EXPECT_EQ(u->locked_until, "");
  EXPECT_EQ(u->failed_logins, 0);
  f = RecordLoginFailure(*store_, "alice", "2026-10-05T09:00:00Z", /*max_failures=*/1,
                         /*lock_minutes=*/60);
  ASSERT_TRUE(f.ok());
  EXPECT_EQ(f->locked_until, "2026-10-05T10:00:00.000Z");
  EXPECT_EQ(RecordLoginFailure(*store_, "nobody", now).status().code(), ErrorCode::kNotFound);
  EXPECT_EQ(RecordLoginFailure(*store_, "alice", "yesterday").status().code(),
            ErrorCode::kInvalidArgument);
  EXPECT_EQ(ClearLoginFailures(*store_, "nobody").code(), ErrorCode::kNotFound);
  EXPECT_TRUE(Verify().intact());
}

// ---- The worklist's pages ----

class ItemPagesTest : public Schema5Test {
 protected:
  // `n` items: types, communities (some none), probabilities (some none, many equal) and
  // statuses mixed, so that every sort key has ties.
  void MakeItems(int n) {
    std::vector<Discrepancy> items;
    for (int i = 0; i < n; ++i) {
      Discrepancy d;
      d.type = std::string(kDiscrepancyTypes[i % 5]);
      d.community_code = i % 7 == 0 ? "" : "3509020010" + std::to_string(10 + i % 4);
      if (i % 4 != 0) d.match_probability = (i % 9) / 9.0;
      d.register_key = "C" + std::to_string(i / 3) + "/" + std::to_string(i % 3);
      d.source_id_number = "35090219850302" + std::to_string(1000 + i);
      d.identity = "item " + std::to_string(i);
      items.push_back(d);
    }
    ComparisonInfo info{"2026-09-30", "2026-01-01", "", "clerk", "", ""};
    ASSERT_TRUE(store_->SaveComparison(info, items).ok());
    for (int i = 0; i < n; i += 6) {
      ASSERT_TRUE(
          store_
              ->SetDiscrepancyStatus(items[i].id, i % 12 == 0 ? "verified" : "disputed", "wang", "")
              .ok());
    }
  }

  std::vector<Discrepancy> All(const DiscrepancyFilter& f = {}) {
    auto l = store_->ListDiscrepancies(f);
    EXPECT_TRUE(l.ok()) << l.status().ToString();
    return l.ok() ? *l : std::vector<Discrepancy>{};
  }

  // Every page of `q`, joined, as ids.
  std::vector<int64_t> Walk(ItemQuery q) {
    std::vector<int64_t> out;
    for (int pages = 0; pages < 1000; ++pages) {
      auto p = ListItemsPage(*store_, q);
      EXPECT_TRUE(p.ok()) << p.status().ToString();
      if (!p.ok()) break;
      EXPECT_LE(p->items.size(), static_cast<size_t>(q.limit));
      for (const Discrepancy& d : p->items) out.push_back(d.id);
      if (p->next.empty()) break;
      q.after = p->next;
    }
    return out;
  }
};

std::string TextKey(const Discrepancy& d, ItemSort sort) {
  switch (sort) {
    case ItemSort::kType:
      return d.type;
    case ItemSort::kCommunity:
      return d.community_code;
    case ItemSort::kStatus:
      return d.status;
    case ItemSort::kUpdated:
      return d.updated_at;
    default:
      return "";
  }
}

TEST_F(ItemPagesTest, EverySortKeyPagesThroughEveryItemOnceInOrder) {
  MakeItems(100);
  const std::vector<Discrepancy> all = All();
  ASSERT_EQ(all.size(), 100u);
  for (const Discrepancy& d : all) EXPECT_FALSE(d.updated_at.empty());
  for (ItemSort sort : {ItemSort::kId, ItemSort::kType, ItemSort::kCommunity,
                        ItemSort::kProbability, ItemSort::kStatus, ItemSort::kUpdated}) {
    for (bool descending : {false, true}) {
      SCOPED_TRACE(std::string(ItemSortName(sort)) + (descending ? " desc" : " asc"));
      std::vector<Discrepancy> expected = all;
      std::stable_sort(
          expected.begin(), expected.end(), [&](const Discrepancy& a, const Discrepancy& b) {
            auto key = [&](const Discrepancy& d) {
              return std::make_tuple(
                  TextKey(d, sort),
                  sort == ItemSort::kProbability ? d.match_probability.value_or(-1) : 0.0, d.id);
            };
            return descending ? key(b) < key(a) : key(a) < key(b);
          });
      std::vector<int64_t> want;
      for (const Discrepancy& d : expected) want.push_back(d.id);
      EXPECT_EQ(Walk({.sort = sort, .descending = descending, .limit = 7}), want);
    }
  }
}

TEST_F(ItemPagesTest, FiltersSearchAndTotals) {
  MakeItems(60);
  DiscrepancyFilter f{.type = "field_mismatch", .community_code = "350902001011"};
  std::vector<int64_t> want;
  for (const Discrepancy& d : All(f)) want.push_back(d.id);
  ASSERT_FALSE(want.empty());
  EXPECT_EQ(Walk({.filter = f, .limit = 2}), want);
  f = {.status = "disputed"};
  want.clear();
  for (const Discrepancy& d : All(f)) want.push_back(d.id);
  EXPECT_EQ(Walk({.filter = f, .sort = ItemSort::kCommunity, .limit = 3}).size(), want.size());

  auto p = ListItemsPage(*store_,
                         {.filter = {.community_code = "3509"}, .limit = 5, .count_total = true});
  ASSERT_TRUE(p.ok()) << p.status().ToString();
  EXPECT_EQ(p->items.size(), 5u);
  EXPECT_EQ(p->total, static_cast<int64_t>(All({.community_code = "3509"}).size()));
  EXPECT_FALSE(ListItemsPage(*store_, {.limit = 5})->total.has_value());

  // Search: a source ID number, a register key, a card number.
  auto ids = [&](const std::string& search) {
    std::vector<int64_t> out;
    auto page = ListItemsPage(*store_, {.search = search, .limit = 500});
    EXPECT_TRUE(page.ok()) << page.status().ToString();
    if (page.ok())
      for (const Discrepancy& d : page->items) out.push_back(d.id);
    return out;
  };
  const std::vector<Discrepancy> all = All();
  EXPECT_EQ(ids(all[10].source_id_number), std::vector<int64_t>{all[10].id});
  EXPECT_EQ(ids(all[10].register_key), std::vector<int64_t>{all[10].id});
  EXPECT_EQ(ids("C3"), (std::vector<int64_t>{all[9].id, all[10].id, all[11].id}));
  EXPECT_TRUE(ids("C3/9").empty());
}

TEST_F(ItemPagesTest, TheLeastProbabilityKeepsItemsLinkedAtLeastSoProbably) {
  MakeItems(90);
  for (double least : {0.0, 0.5, 8 / 9.0, 1.0}) {
    SCOPED_TRACE(least);
    std::vector<int64_t> want;
    int64_t count = 0;
    for (const Discrepancy& d : All()) {
      if (d.match_probability && *d.match_probability >= least) want.push_back(d.id);
    }
    EXPECT_EQ(Walk({.min_probability = least, .limit = 4}), want);
    // Items without a probability never pass, even the least one.
    auto counts = CountItems(*store_, {.min_probability = least});
    ASSERT_TRUE(counts.ok()) << counts.status().ToString();
    for (const ItemCount& c : *counts) count += c.count;
    EXPECT_EQ(count, static_cast<int64_t>(want.size()));
    auto p = ListItemsPage(*store_, {.min_probability = least, .count_total = true});
    ASSERT_TRUE(p.ok());
    EXPECT_EQ(p->total, static_cast<int64_t>(want.size()));
  }
  EXPECT_LT(Walk({.min_probability = 0.5}).size(), All().size());
  for (double bad : {-0.1, 1.5, std::nan("")}) {
    EXPECT_EQ(ListItemsPage(*store_, {.min_probability = bad}).status().code(),
              ErrorCode::kInvalidArgument);
    EXPECT_EQ(CountItems(*store_, {.min_probability = bad}).status().code(),
              ErrorCode::kInvalidArgument);
  }
}

TEST_F(ItemPagesTest, ASearchFindsItemsByTheirRegisterPersonsIdNumberOrName) {
  ImportInfo info;
  info.kind = io::Kind::kRegister;
  info.file_name = "register.csv";
  info.sha256 = "r1";
  auto t = store_->BeginImport(info);
  ASSERT_TRUE(t.ok());
  RegisterRow row;
  row.source_row = 1;
  row.household = {"C1", "350902001011", "", "", "", ""};
  row.person.card_no = "C1";
  row.person.person_no = "2";
  row.person.name = "王小明";
  row.person.id_number = "350902198503020011";
  ASSERT_TRUE((*t)->AddRegisterRows(std::vector<RegisterRow>{row}).ok());
  ASSERT_TRUE((*t)->Commit().ok());
  MakeItems(9);  // item 5 is C1/2
  const std::vector<Discrepancy> all = All();
  for (const std::string search : {"350902198503020011", "王小明"}) {
    auto p = ListItemsPage(*store_, {.search = search});
    ASSERT_TRUE(p.ok()) << p.status().ToString();
    ASSERT_EQ(p->items.size(), 1u) << search;
    EXPECT_EQ(p->items[0].register_key, "C1/2");
  }
}

TEST_F(ItemPagesTest, ACursorOfAnotherListIsRefused) {
  MakeItems(10);
  auto p = ListItemsPage(*store_, {.sort = ItemSort::kType, .limit = 3});
  ASSERT_TRUE(p.ok());
  ASSERT_FALSE(p->next.empty());
  EXPECT_EQ(ListItemsPage(*store_, {.sort = ItemSort::kStatus, .after = p->next}).status().code(),
            ErrorCode::kInvalidArgument);
  EXPECT_EQ(ListItemsPage(*store_, {.sort = ItemSort::kType, .descending = true, .after = p->next})
                .status()
                .code(),
            ErrorCode::kInvalidArgument);
  for (const std::string bad : {"zz", "abc", "00"}) {
    EXPECT_EQ(ListItemsPage(*store_, {.after = bad}).status().code(), ErrorCode::kInvalidArgument);
  }
  EXPECT_EQ(ListItemsPage(*store_, {.limit = 501}).status().code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(ListItemsPage(*store_, {.filter = {.status = "lost"}}).status().code(),
            ErrorCode::kInvalidArgument);
  EXPECT_EQ(ParseItemSort("probability"), ItemSort::kProbability);
  EXPECT_FALSE(ParseItemSort("name"));
}

// SQLite's plans: a page of the default list (all but resolved items) or of one status walks
// its sort key's index (a range after a cursor), never the whole table, and never sorts the
// items in a temporary b-tree.
TEST_F(ItemPagesTest, EachPageIsAnIndexRangeScanOnSqlite) {
  if (Postgres()) GTEST_SKIP() << "SQLite's query plans";
  MakeItems(50);
  for (ItemSort sort : {ItemSort::kId, ItemSort::kType, ItemSort::kCommunity,
                        ItemSort::kProbability, ItemSort::kStatus, ItemSort::kUpdated}) {
    for (bool descending : {false, true}) {
      for (const std::string status : {"", "open"}) {
        for (bool with_cursor : {false, true}) {
          ItemQuery q{
              .filter = {.status = status}, .sort = sort, .descending = descending, .limit = 3};
          if (with_cursor) {
            auto first = ListItemsPage(*store_, q);
            ASSERT_TRUE(first.ok());
            ASSERT_FALSE(first->next.empty());
            q.after = first->next;
          }
          auto statements = ItemPageStatements(q);
          ASSERT_TRUE(statements.ok()) << statements.status().ToString();
          ASSERT_EQ(statements->size(), with_cursor && sort != ItemSort::kId ? 2u : 1u);
          for (const ItemStatement& st : *statements) {
            std::string plan;
            ASSERT_TRUE(
                store_
                    ->Read("plan",
                           [&](sql::Session& s) -> Status {
                             ASSIGN_OR_RETURN(
                                 sql::Rows r,
                                 s.Query("plan", "EXPLAIN QUERY PLAN " + st.sql, st.params));
                             for (size_t i = 0; i < r.size(); ++i) {
                               plan += r.String(i, 3) + "\n";
                             }
                             return Status();
                           })
                    .ok());
            SCOPED_TRACE(st.sql + "\n" + plan);
            EXPECT_EQ(plan.find("TEMP B-TREE"), std::string::npos);
            const bool rowid_order = sort == ItemSort::kId && status.empty();
            if (!rowid_order) {
              EXPECT_NE(plan.find(" USING INDEX discrepancies_by_"), std::string::npos);
            }
            if (&st == &statements->front() && statements->size() == 2) {
              // The ties of the cursor's value: a seek on the key and the id.
              EXPECT_NE(plan.find(descending ? "=? AND id<?" : "=? AND id>?"), std::string::npos);
            }
            if (with_cursor || !status.empty()) {
              // A range: SEARCH, not SCAN.
              EXPECT_EQ(plan.find("SCAN "), std::string::npos);
            }
          }
        }
      }
    }
  }
}

// ---- Migration 6 ----

TEST_F(Schema5Test, ASchema5StoreTakesCardCorrectionsAndStillRefusesOtherTypes) {
  {
    auto old = OldStore("old5.db", 5);
    ASSERT_NE(old, nullptr);
    ASSERT_TRUE(old->Write("an old store",
                           [](sql::Session& s) -> Status {
                             return s
                                 .Exec("c",
                                       "INSERT INTO comparisons (id, as_of, since, started_at, "
                                       "finished_at) VALUES (1, '2026-09-30', '2026-01-01', "
                                       "'2026-10-01T08:00:00.000Z', '2026-10-01T09:00:00.000Z')")
                                 .status();
                           })
                    .ok());
    // Schema 5 refuses the new type.
    Discrepancy d;
    d.type = std::string(kCardCorrection);
    d.identity = "card_correction|C1/1|name";
    EXPECT_FALSE(
        old->Write("a correction", [&](sql::Session& s) { return InsertItem(s, d); }).ok());
  }
  auto s = OpenStore(Location("old5.db"));
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  store_ = std::move(*s);
  EXPECT_EQ(*store_->SchemaVersion(), 6);
  EXPECT_TRUE(store_->IntegrityCheck().ok()) << store_->IntegrityCheck().ToString();
  Discrepancy d;
  d.type = std::string(kCardCorrection);
  d.identity = "card_correction|C1/1|relation";
  d.register_key = "C1/1";
  d.field = "relation";
  d.register_value = "之子";
  d.source_value = "之女";
  ASSERT_TRUE(
      store_->Write("a correction", [&](sql::Session& s) { return InsertItem(s, d); }).ok());
  EXPECT_GT(d.id, 0);
  auto listed = ListItemsPage(*store_, {.filter = {.type = std::string(kCardCorrection)}});
  ASSERT_TRUE(listed.ok()) << listed.status().ToString();
  ASSERT_EQ(listed->items.size(), 1u);
  EXPECT_EQ(listed->items[0].field, "relation");
  EXPECT_EQ(listed->items[0].first_comparison, 1);
  // The same identity again, while the first is open: refused, naming it.
  Discrepancy twice = d;
  Status st = store_->Write("again", [&](sql::Session& s) { return InsertItem(s, twice); });
  EXPECT_EQ(st.code(), ErrorCode::kAlreadyExists);
  EXPECT_NE(st.message().find(std::to_string(d.id)), std::string::npos);
  // The checks still hold for what is neither the spec's nor popreg's.
  for (const char* sql : {"UPDATE discrepancies SET type = 'rumour'",
                          "UPDATE discrepancies SET field = 'shoe_size'"}) {
    EXPECT_FALSE(
        store_->Write("bad", [&](sql::Session& s) { return s.Exec("bad", sql).status(); }).ok())
        << sql;
  }
  // A comparison that finds nothing resolves no correction.
  std::vector<Discrepancy> none;
  ComparisonInfo info{"2026-10-31", "2026-01-01", "", "clerk", "", ""};
  auto saved = store_->SaveComparison(info, none);
  ASSERT_TRUE(saved.ok()) << saved.status().ToString();
  EXPECT_EQ(saved->resolved_items, 0);
}

// ---- Migration 5 ----

TEST_F(Schema5Test, ASchema4StoreMigratesWithItsAuditLogChained) {
  {
    auto old = OldStore("old.db", 4);
    ASSERT_NE(old, nullptr);
    EXPECT_EQ(*old->SchemaVersion(), 4);
    // What popreg 4 wrote: a user, audit rows, a comparison with two items, one reviewed.
    ASSERT_TRUE(
        old->Write("an old store",
                   [](sql::Session& s) -> Status {
                     RETURN_IF_ERROR(s.Exec("u",
                                            "INSERT INTO users (id, login, role, password_hash, "
                                            "created_at, all_areas) VALUES (1, 'admin', 'admin', "
                                            "'x', '2026-08-01T08:00:00.000Z', ?1)",
                                            {int64_t{1}})
                                         .status());
                     for (int64_t id = 1; id <= 3; ++id) {
                       RETURN_IF_ERROR(
                           s.Exec("a",
                                  "INSERT INTO audit_log (id, at, who, action, "
                                  "object, details_json) VALUES (?1, ?2, 'admin', "
                                  "'user.add', 'user x', '{\"n\":1}')",
                                  {id, "2026-08-0" + std::to_string(id) + "T08:00:00.000Z"})
                               .status());
                     }
                     RETURN_IF_ERROR(s.Exec("c",
                                            "INSERT INTO comparisons (id, as_of, since, "
                                            "started_at, finished_at) VALUES (1, '2026-09-30', "
                                            "'2026-01-01', '2026-10-01T08:00:00.000Z', "
                                            "'2026-10-01T09:00:00.000Z')")
                                         .status());
                     for (int64_t id = 1; id <= 2; ++id) {
                       RETURN_IF_ERROR(s.Exec("d",
                                              "INSERT INTO discrepancies (id, identity, type, "
                                              "status, first_comparison, last_comparison) "
                                              "VALUES (?1, ?2, 'invalid_id_number', 'open', 1, "
                                              "1)",
                                              {id, "i" + std::to_string(id)})
                                           .status());
                     }
                     return s
                         .Exec("r",
                               "INSERT INTO reviews (id, discrepancy_id, who, at, "
                               "status_before, status_after) VALUES (1, 2, 'wang', "
                               "'2026-10-02T10:00:00.000Z', 'open', 'verified')")
                         .status();
                   })
            .ok());
  }
  auto s = OpenStore(Location("old.db"));
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  store_ = std::move(*s);
  EXPECT_EQ(*store_->SchemaVersion(), 6);
  EXPECT_TRUE(store_->IntegrityCheck().ok()) << store_->IntegrityCheck().ToString();
  AuditChainCheck c = Verify();
  EXPECT_TRUE(c.intact()) << c.why;
  EXPECT_EQ(c.rows, 3);
  auto log = ListAudit(*store_, "");
  ASSERT_EQ(log->size(), 3u);
  EXPECT_EQ((*log)[0].prev_hash, kAuditGenesisHash);
  EXPECT_EQ((*log)[2].hash, AuditHash((*log)[2]));
  auto admin = *FindUser(*store_, "admin");
  ASSERT_TRUE(admin.has_value());
  EXPECT_FALSE(admin->must_change_password);
  EXPECT_EQ(admin->failed_logins, 0);
  EXPECT_EQ(admin->locked_until, "");
  auto items = store_->ListDiscrepancies({});
  ASSERT_EQ(items->size(), 2u);
  EXPECT_EQ((*items)[0].updated_at, "2026-10-01T09:00:00.000Z");  // found by comparison 1
  EXPECT_EQ((*items)[1].updated_at, "2026-10-02T10:00:00.000Z");  // its review
  // The chain goes on from the migrated rows, and the log is append-only again.
  ASSERT_TRUE(store_->AppendAudit({"bob", "", "login", "", ""}).ok());
  EXPECT_EQ(Verify().rows, 4);
  EXPECT_FALSE(store_
                   ->Write("changing the log",
                           [](sql::Session& s) {
                             return s.Exec("t", "UPDATE audit_log SET who = 'x'").status();
                           })
                   .ok());
}

}  // namespace
}  // namespace popreg::store
