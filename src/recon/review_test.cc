// The review workflow and applying on the real components: a district from the generator, a real
// SQLite store, a real comparison, then items verified, approved, applied and undone.
#include "recon/review.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "gen/district.h"
#include "recon/apply.h"
#include "recon/compare.h"
#include "recon/correct.h"
#include "store/import.h"
#include "store/register_edit.h"
#include "store/review.h"
#include "store/users.h"

namespace popreg::recon {
namespace {

namespace fs = std::filesystem;

class ReviewTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new fs::path(fs::temp_directory_path() /
                        ("popreg-review-test-" + std::to_string(getpid())));
    fs::remove_all(*dir_);
    gen::GenOptions g;
    g.out_dir = (*dir_ / "district").string();
    g.households = 500;
    g.seed = 21;
    auto summary = gen::GenerateDistrict(g);
    ASSERT_TRUE(summary.ok()) << summary.status().ToString();
    // One compared store, copied for each test (a comparison of 500 households costs seconds).
    const std::string master = (*dir_ / "master.db").string();
    auto s = store::CreateStore(master);
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    store::ImportOptions options;
    options.as_of = "2026-09-30";
    for (const gen::FileSummary& f : summary->files) {
      const std::string name = f.file.substr(0, f.file.find('.'));
      auto kind = io::ParseKind(name);
      if (!kind.ok()) continue;
      auto r = store::ImportFile(**s, *kind, (*dir_ / "district" / f.file).string(), options);
      ASSERT_TRUE(r.ok()) << f.file << ": " << r.status().ToString();
    }
    auto user = [&](std::string login, std::string role, std::vector<std::string> areas) {
      store::User u;
      u.login = std::move(login);
      u.role = std::move(role);
      u.areas = std::move(areas);
      u.all_areas = u.areas.empty();
      Status st = store::AddUser(**s, u, "a long password", "test");
      ASSERT_TRUE(st.ok()) << st.ToString();
    };
    user("rev", "reviewer", {});
    user("staff", "community", {});  // community staff of the whole district
    user("clerk", "clerk", {});
    // Staff of one township only: the township of the first item's community.
    CompareOptions c;
    c.as_of = *Date::ParseIso("2026-09-30");
    c.since = *Date::ParseIso("2025-10-01");
    auto run = RunComparison(**s, c, "clerk");
    ASSERT_TRUE(run.ok()) << run.status().ToString();
    for (const store::Discrepancy& d : run->compare.items) {
      if (d.community_code.size() == 12) {
        township_ = new std::string(d.community_code.substr(0, 9) + "000");
        break;
      }
    }
    ASSERT_NE(township_, nullptr);
    user("local", "community", {*township_});
  }
  static void TearDownTestSuite() {
    fs::remove_all(*dir_);
    delete dir_;
    delete township_;
  }

  void SetUp() override {
    const std::string name = ::testing::UnitTest::GetInstance()->current_test_info()->name();
    path_ = (*dir_ / (name + ".db")).string();
    fs::copy_file(*dir_ / "master.db", path_, fs::copy_options::overwrite_existing);
    auto s = store::OpenStore(path_);
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    store_ = std::move(*s);
  }

  std::vector<store::Discrepancy> Items(const std::string& type = "",
                                        const std::string& status = "") {
    store::DiscrepancyFilter f;
    f.type = type;
    f.status = status;
    auto l = store_->ListDiscrepancies(f);
    EXPECT_TRUE(l.ok()) << l.status().ToString();
    return l.ok() ? *l : std::vector<store::Discrepancy>{};
  }
  store::Discrepancy Item(int64_t id) {
    for (const store::Discrepancy& d : Items()) {
      if (d.id == id) return d;
    }
    ADD_FAILURE() << "no item " << id;
    return {};
  }
  Result<ReviewResult> Do(const std::string& user, ReviewAction a, int64_t item,
                          std::map<std::string, std::string> set = {}) {
    ReviewRequest r;
    r.user = user;
    r.action = a;
    r.item = item;
    r.set = std::move(set);
    r.note = "test";
    return Review(*store_, r);
  }
  Result<ApplyResult> ApplyOne(int64_t item) {
    ApplyRequest r;
    r.user = "rev";
    r.item = item;
    return Apply(*store_, r);
  }
  store::Person PersonAt(const std::string& key) {
    std::optional<store::Person> p;
    Status st = store_->Read("test", [&](store::sql::Session& s) -> Status {
      ASSIGN_OR_RETURN(p, store::GetPerson(s, key));
      return Status();
    });
    EXPECT_TRUE(st.ok()) << st.ToString();
    EXPECT_TRUE(p.has_value()) << key;
    return p.value_or(store::Person{});
  }
  bool HasPerson(const std::string& key) {
    bool found = false;
    Status st = store_->Read("test", [&](store::sql::Session& s) -> Status {
      ASSIGN_OR_RETURN(std::optional<store::Person> p, store::GetPerson(s, key));
      found = p.has_value();
      return Status();
    });
    EXPECT_TRUE(st.ok());
    return found;
  }
  // Verifies (as staff) and approves (as the reviewer) one item.
  void Decide(int64_t id, std::map<std::string, std::string> set = {}) {
    auto v = Do("staff", ReviewAction::kVerify, id, std::move(set));
    ASSERT_TRUE(v.ok()) << v.status().ToString();
    auto a = Do("rev", ReviewAction::kApprove, id);
    ASSERT_TRUE(a.ok()) << a.status().ToString();
  }

  static fs::path* dir_;
  static std::string* township_;
  std::string path_;
  std::unique_ptr<store::Store> store_;
};

fs::path* ReviewTest::dir_ = nullptr;
std::string* ReviewTest::township_ = nullptr;

TEST_F(ReviewTest, TransitionsAndTheirErrors) {
  const int64_t id = Items("field_mismatch").front().id;
  // Approving an open item: staff verify first.
  auto r = Do("rev", ReviewAction::kApprove, id);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), ErrorCode::kFailedPrecondition);
  EXPECT_NE(r.status().message().find("item " + std::to_string(id)), std::string::npos);
  EXPECT_NE(r.status().message().find("is open"), std::string::npos) << r.status().message();
  EXPECT_NE(r.status().message().find("approve"), std::string::npos);
  ASSERT_TRUE(Do("staff", ReviewAction::kVerify, id).ok());
  EXPECT_EQ(Item(id).status, "verified");
  EXPECT_FALSE(Do("staff", ReviewAction::kVerify, id).ok());  // already verified
  ASSERT_TRUE(Do("rev", ReviewAction::kApprove, id).ok());
  // Reopening a decision goes back to the state before it.
  ASSERT_TRUE(Do("rev", ReviewAction::kReopen, id).ok());
  EXPECT_EQ(Item(id).status, "verified");
  ASSERT_TRUE(Do("staff", ReviewAction::kReopen, id).ok());
  EXPECT_EQ(Item(id).status, "open");
  ASSERT_TRUE(Do("staff", ReviewAction::kDispute, id).ok());
  EXPECT_EQ(Item(id).status, "disputed");
  EXPECT_FALSE(Do("rev", ReviewAction::kApprove, id).ok());  // a dispute is rejected or reopened
  ASSERT_TRUE(Do("rev", ReviewAction::kReject, id).ok());
  EXPECT_EQ(Item(id).status, "rejected");
  ASSERT_TRUE(Do("rev", ReviewAction::kReopen, id).ok());
  EXPECT_EQ(Item(id).status, "disputed");
  // Every change is a review row with who, the states and the values as they were.
  auto reviews = store::ListReviews(*store_, id);
  ASSERT_TRUE(reviews.ok());
  ASSERT_EQ(reviews->size(), 7u);
  EXPECT_EQ((*reviews)[0].who, "staff");
  EXPECT_EQ((*reviews)[0].status_before, "open");
  EXPECT_EQ((*reviews)[0].status_after, "verified");
  EXPECT_NE((*reviews)[0].values_json.find("register_value"), std::string::npos);
  EXPECT_EQ((*reviews)[1].who, "rev");
  EXPECT_EQ((*reviews)[1].note, "test");
}

TEST_F(ReviewTest, RolesAndCommunitiesAreChecked) {
  const store::Discrepancy d = Items("field_mismatch").front();
  auto r = Do("clerk", ReviewAction::kVerify, d.id);
  EXPECT_EQ(r.status().code(), ErrorCode::kPermissionDenied);
  r = Do("staff", ReviewAction::kApprove, d.id);
  EXPECT_EQ(r.status().code(), ErrorCode::kPermissionDenied);
  r = Do("nobody", ReviewAction::kVerify, d.id);
  EXPECT_EQ(r.status().code(), ErrorCode::kUnauthenticated);
  // Staff of one township verify its items and no others.
  for (const store::Discrepancy& i : Items()) {
    if (i.community_code.empty()) continue;
    const bool own = i.community_code.starts_with(township_->substr(0, 9));
    auto v = Do("local", ReviewAction::kVerify, i.id);
    EXPECT_EQ(v.ok(), own) << i.id << " " << i.community_code << " "
                           << (v.ok() ? "" : v.status().message());
    if (!own) {
      EXPECT_NE(v.status().message().find(i.community_code), std::string::npos);
      break;
    }
  }
}

TEST_F(ReviewTest, BulkApprovalByTypeAndProbability) {
  ReviewRequest verify;
  verify.user = "staff";
  verify.action = ReviewAction::kVerify;
  verify.type = "field_mismatch";
  auto v = Review(*store_, verify);
  ASSERT_TRUE(v.ok()) << v.status().ToString();
  const int64_t mismatches = static_cast<int64_t>(Items("field_mismatch").size());
  EXPECT_EQ(v->changed, mismatches);
  ReviewRequest approve;
  approve.user = "rev";
  approve.action = ReviewAction::kApprove;
  approve.type = "field_mismatch";
  auto a = Review(*store_, approve);
  ASSERT_TRUE(a.ok()) << a.status().ToString();
  EXPECT_EQ(a->changed, mismatches);
  EXPECT_EQ(Items("field_mismatch", "approved").size(), static_cast<size_t>(mismatches));
  // By probability: open items linked at least that probably, each with its own review row.
  ReviewRequest sure;
  sure.user = "rev";
  sure.action = ReviewAction::kApprove;
  sure.type = "unrecorded_death";
  sure.min_probability = 0.99;
  auto p = Review(*store_, sure);
  ASSERT_TRUE(p.ok()) << p.status().ToString();
  int64_t expected = 0;
  for (const store::Discrepancy& d : Items("unrecorded_death")) {
    if (d.match_probability && *d.match_probability >= 0.99) {
      ++expected;
      EXPECT_EQ(d.status, "approved");
      EXPECT_EQ(store::ListReviews(*store_, d.id)->size(), 1u);
    } else {
      EXPECT_EQ(d.status, "open");
    }
  }
  EXPECT_EQ(p->changed, expected);
  EXPECT_GT(expected, 0);
}

TEST_F(ReviewTest, ItemsTickedByIdChangeTogetherOrNotAtAll) {
  const std::vector<store::Discrepancy> open = Items("field_mismatch");
  ASSERT_GE(open.size(), 3u);
  ReviewRequest verify;
  verify.user = "staff";
  verify.action = ReviewAction::kVerify;
  // Two ticked, one twice, and an id that is no item: those two change, the rest is listed.
  verify.items = {open[0].id, open[1].id, open[0].id, 999999};
  auto v = Review(*store_, verify);
  ASSERT_TRUE(v.ok()) << v.status().ToString();
  EXPECT_EQ(v->changed, 2);
  ASSERT_EQ(v->skipped.size(), 1u);
  EXPECT_NE(v->skipped[0].find("999999"), std::string::npos);
  EXPECT_EQ(Items("field_mismatch", "verified").size(), 2u);
  // An item already verified is skipped, with why; the others change.
  verify.items = {open[0].id, open[2].id};
  v = Review(*store_, verify);
  ASSERT_TRUE(v.ok()) << v.status().ToString();
  EXPECT_EQ(v->changed, 1);
  EXPECT_EQ(v->skipped.size(), 1u);
  // The three verified are approved together.
  const std::vector<store::Discrepancy> approved_before = Items("", "approved");
  ReviewRequest approve;
  approve.user = "rev";
  approve.action = ReviewAction::kApprove;
  approve.items = {open[0].id, open[1].id, open[2].id};
  ASSERT_TRUE(Review(*store_, approve).ok());
  EXPECT_EQ(Items("", "approved").size(), approved_before.size() + 3);
  // A ticked item of a community the user does not have refuses the whole request: the item of
  // their own township stays open too.
  int64_t own = 0, other = 0;
  for (const store::Discrepancy& d : Items("", "open")) {
    if (d.community_code.size() != 12) continue;
    (d.community_code.starts_with(township_->substr(0, 9)) ? own : other) = d.id;
  }
  ASSERT_NE(own, 0);
  ASSERT_NE(other, 0);
  ReviewRequest local;
  local.user = "local";
  local.action = ReviewAction::kVerify;
  local.items = {own, other};
  EXPECT_EQ(Review(*store_, local).status().code(), ErrorCode::kPermissionDenied);
  EXPECT_EQ(Item(own).status, "open");
  EXPECT_EQ(Item(other).status, "open");
  // Ids go alone: not with a type, nor with corrected values.
  ReviewRequest both = verify;
  both.type = "field_mismatch";
  EXPECT_EQ(Review(*store_, both).status().code(), ErrorCode::kInvalidArgument);
  ReviewRequest set = verify;
  set.set["name"] = "张三";
  EXPECT_EQ(Review(*store_, set).status().code(), ErrorCode::kInvalidArgument);
}

TEST_F(ReviewTest, ACardCorrectionIsAnItemReviewedAndAppliedAsTheOthers) {
  // A person of the local staff's township, and one of another.
  std::string own, other;
  for (const store::Discrepancy& d : Items("", "open")) {
    if (d.community_code.size() != 12 || d.register_key.empty()) continue;
    (d.community_code.starts_with(township_->substr(0, 9)) ? own : other) = d.register_key;
  }
  ASSERT_FALSE(own.empty());
  ASSERT_FALSE(other.empty());
  const store::Person before = PersonAt(own);
  CorrectionRequest r;
  r.user = "local";
  r.person = own;
  r.set = {{"name", before.name + "甲"}, {"relation", "之子"}, {"sex", before.sex}};
  r.note = "入户核实，户口簿为准";
  auto raised = RaiseCorrection(*store_, r);
  ASSERT_TRUE(raised.ok()) << raised.status().ToString();
  ASSERT_EQ(raised->size(), 2u);  // the sex is what the card says already
  const store::Discrepancy name = Item((*raised)[0]);
  EXPECT_EQ(name.type, "card_correction");
  EXPECT_EQ(name.field, "name");
  EXPECT_EQ(name.register_value, before.name);
  EXPECT_EQ(name.source_value, before.name + "甲");
  EXPECT_EQ(name.status, "verified");
  auto reviews = store::ListReviews(*store_, name.id);
  ASSERT_TRUE(reviews.ok());
  ASSERT_EQ(reviews->size(), 1u);
  EXPECT_EQ((*reviews)[0].who, "local");
  EXPECT_EQ((*reviews)[0].note, r.note);
  EXPECT_EQ(Item((*raised)[1]).field, "relation");
  // The same field again while the first is under review: refused, naming it.
  auto again = RaiseCorrection(*store_, r);
  EXPECT_EQ(again.status().code(), ErrorCode::kAlreadyExists);
  EXPECT_NE(again.status().message().find(std::to_string(name.id)), std::string::npos);
  // Refusals: another township's person, no note, a bad ID, a field not on the card, nothing
  // that differs, no such person. None adds an item.
  const size_t items = Items().size();
  CorrectionRequest bad = r;
  bad.person = other;
  EXPECT_EQ(RaiseCorrection(*store_, bad).status().code(), ErrorCode::kPermissionDenied);
  bad = r;
  bad.note = "  ";
  EXPECT_EQ(RaiseCorrection(*store_, bad).status().code(), ErrorCode::kInvalidArgument);
  bad.note = "x";
  bad.set = {{"id_number", "350902198503021235"}};
  EXPECT_EQ(RaiseCorrection(*store_, bad).status().code(), ErrorCode::kInvalidArgument);
  bad.set = {{"status", "dead"}};
  EXPECT_EQ(RaiseCorrection(*store_, bad).status().code(), ErrorCode::kInvalidArgument);
  bad.set = {{"sex", before.sex}};
  EXPECT_EQ(RaiseCorrection(*store_, bad).status().code(), ErrorCode::kInvalidArgument);
  bad.set = {{"name", "张三"}};
  bad.person = "9999999999999999/1";
  EXPECT_EQ(RaiseCorrection(*store_, bad).status().code(), ErrorCode::kNotFound);
  EXPECT_EQ(Items().size(), items);
  // Approved and applied: the card changes, with history naming the item; a comparison
  // afterwards neither resolves the items nor finds them.
  ASSERT_TRUE(Do("rev", ReviewAction::kApprove, name.id).ok());
  auto applied = ApplyOne(name.id);
  ASSERT_TRUE(applied.ok()) << applied.status().ToString();
  EXPECT_EQ(applied->applied, 1);
  EXPECT_EQ(PersonAt(own).name, before.name + "甲");
  auto h = store::PersonHistory(*store_, own);
  ASSERT_TRUE(h.ok());
  ASSERT_FALSE(h->rows.empty());
  EXPECT_EQ(h->rows.back().item_id, name.id);
  CompareOptions c;
  c.as_of = *Date::ParseIso("2026-09-30");
  c.since = *Date::ParseIso("2025-10-01");
  ASSERT_TRUE(RunComparison(*store_, c, "clerk").ok());
  EXPECT_EQ(Item((*raised)[1]).status, "verified");
  EXPECT_EQ(Item(name.id).status, "applied");
}

TEST_F(ReviewTest, AFieldMismatchAppliedHasItsHistoryAndUndoRestoresIt) {
  const store::Discrepancy d = Items("field_mismatch").front();
  Decide(d.id);
  auto r = ApplyOne(d.id);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->applied, 1);
  EXPECT_EQ(Item(d.id).status, "applied");
  store::Person p = PersonAt(d.register_key);
  const std::string after = d.field == "name"         ? p.name
                            : d.field == "sex"        ? p.sex
                            : d.field == "birth_date" ? p.birth_date
                                                      : p.id_number;
  EXPECT_EQ(after, d.source_value);
  auto h = store::PersonHistory(*store_, d.register_key);
  ASSERT_TRUE(h.ok());
  ASSERT_FALSE(h->rows.empty());
  EXPECT_EQ(h->rows.back().item_id, d.id);
  EXPECT_EQ(h->rows.back().who, "rev");
  EXPECT_NE(h->rows.back().evidence.find("police_population"), std::string::npos);
  // Applying again is refused; undo restores the value through a new history row.
  EXPECT_EQ(ApplyOne(d.id).status().code(), ErrorCode::kFailedPrecondition);
  auto u = Undo(*store_, "rev", d.id, "wrong person");
  ASSERT_TRUE(u.ok()) << u.status().ToString();
  EXPECT_EQ(u->changes, 1);
  EXPECT_EQ(Item(d.id).status, "approved");
  p = PersonAt(d.register_key);
  const std::string back = d.field == "name"         ? p.name
                           : d.field == "sex"        ? p.sex
                           : d.field == "birth_date" ? p.birth_date
                                                     : p.id_number;
  EXPECT_EQ(back, d.register_value);
  EXPECT_EQ(store::PersonHistory(*store_, d.register_key)->rows.size(), h->rows.size() + 1);
  // Applied again, then changed by hand: the undo is refused, naming the later change.
  ASSERT_TRUE(ApplyOne(d.id).ok());
  const store::Person typed = PersonAt(d.register_key);
  Status st = store_->Write("test", [&](store::sql::Session& s) -> Status {
    store::Person q = typed;
    q.name += "甲";
    q.sex = q.sex == "M" ? "F" : "M";
    q.birth_date = "1901-01-01";
    q.id_number = "110101190101010017";
    return store::PutPerson(s, q, {"clerk", "typed over", "", 0});
  });
  ASSERT_TRUE(st.ok()) << st.ToString();
  u = Undo(*store_, "rev", d.id, "");
  ASSERT_FALSE(u.ok());
  EXPECT_EQ(u.status().code(), ErrorCode::kFailedPrecondition);
  EXPECT_NE(u.status().message().find("typed over"), std::string::npos) << u.status().message();
  EXPECT_NE(u.status().message().find(d.field), std::string::npos) << u.status().message();
}

TEST_F(ReviewTest, ADuplicateMergesIntoTheCardKeptWithAForwardPointer) {
  const store::Discrepancy d = Items("duplicate_in_register").front();
  Decide(d.id);
  ASSERT_TRUE(ApplyOne(d.id).ok());
  const nlohmann::json action = nlohmann::json::parse(d.action_json);
  const std::string keep = action["keep"], gone = action["remove"];
  EXPECT_TRUE(HasPerson(keep));
  EXPECT_FALSE(HasPerson(gone));
  auto h = store::PersonHistory(*store_, keep);
  ASSERT_TRUE(h.ok());
  EXPECT_NE(std::find(h->keys.begin(), h->keys.end(), gone), h->keys.end());
  auto g = store::PersonHistory(*store_, gone);
  ASSERT_TRUE(g.ok());
  EXPECT_EQ(g->merged_into, keep);
  ASSERT_FALSE(g->rows.empty());
  EXPECT_TRUE(g->rows.back().after_json.empty());  // removed
  // Undo puts the other card's person back and removes the pointer.
  ASSERT_TRUE(Undo(*store_, "rev", d.id, "").ok());
  EXPECT_TRUE(HasPerson(gone));
  EXPECT_TRUE(store::PersonHistory(*store_, gone)->merged_into.empty());
}

TEST_F(ReviewTest, ABirthIsNeverCardedTwiceInATownship) {
  // A birth whose mother has a card, which stays when the child's undo removes the child.
  store::Discrepancy d;
  for (const store::Discrepancy& b : Items("unrecorded_birth")) {
    if (nlohmann::json::parse(b.action_json).value("mother_key", "") != "") {
      d = b;
      break;
    }
  }
  ASSERT_NE(d.id, 0);
  Decide(d.id, {{"name", "王小宝"}});
  ASSERT_TRUE(ApplyOne(d.id).ok());
  // The child is on a card now, with the verified name, the birth key's mother, date and sex.
  store::Person child;
  Status st = store_->Read("test", [&](store::sql::Session& s) -> Status {
    ASSIGN_OR_RETURN(std::vector<store::Person> kids,
                     store::ChildrenOf(s, d.birth_key.substr(0, 18), d.birth_key.substr(19, 10),
                                       d.birth_key.substr(30, 1), ""));
    EXPECT_EQ(kids.size(), 1u);
    if (!kids.empty()) child = kids[0];
    return Status();
  });
  ASSERT_TRUE(st.ok()) << st.ToString();
  EXPECT_EQ(child.name, "王小宝");
  EXPECT_EQ(child.mother_id_number, d.birth_key.substr(0, 18));
  // Undone, a card for the same child made by hand, then applied again: refused.
  ASSERT_TRUE(Undo(*store_, "rev", d.id, "").ok());
  st = store_->Write("test", [&](store::sql::Session& s) -> Status {
    child.person_no = "99";
    return store::PutPerson(s, child, {"clerk", "carded by hand", "", 0});
  });
  ASSERT_TRUE(st.ok()) << st.ToString();
  auto r = ApplyOne(d.id);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("never carded twice"), std::string::npos)
      << r.status().message();
  EXPECT_NE(r.status().message().find(child.card_no + "/99"), std::string::npos);
  EXPECT_EQ(Item(d.id).status, "approved");
}

TEST_F(ReviewTest, AbsentNeedsAVerifiedOutcome) {
  const store::Discrepancy d = Items("absent_from_source").front();
  Decide(d.id);
  auto r = ApplyOne(d.id);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("outcome"), std::string::npos);
  ASSERT_TRUE(Do("rev", ReviewAction::kReopen, d.id).ok());
  ASSERT_TRUE(Do("staff", ReviewAction::kReopen, d.id).ok());
  // A bad value is refused with the field named; nothing changes.
  auto bad = Do("staff", ReviewAction::kVerify, d.id, {{"outcome", "emigrated"}});
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("outcome"), std::string::npos);
  EXPECT_EQ(Item(d.id).status, "open");
  Decide(d.id, {{"outcome", "moved_out"}, {"date", "2026/3/2"}, {"destination", "福州市"}});
  EXPECT_NE(Item(d.id).values_json.find("2026-03-02"), std::string::npos);
  ASSERT_TRUE(ApplyOne(d.id).ok());
  EXPECT_EQ(PersonAt(d.register_key).status, "moved_out");
  auto h = store::PersonHistory(*store_, d.register_key);
  EXPECT_NE(h->rows.back().why.find("福州市"), std::string::npos);
}

TEST_F(ReviewTest, EveryApprovedItemInBatchesThenCompareFindsNoneAgain) {
  // Verify and approve every item that needs no value from the ground, apply in small batches.
  for (const char* type :
       {"field_mismatch", "unrecorded_death", "duplicate_in_register", "missing_in_register"}) {
    ReviewRequest v;
    v.user = "staff";
    v.action = ReviewAction::kVerify;
    v.type = type;
    ASSERT_TRUE(Review(*store_, v).ok());
    v.user = "rev";
    v.action = ReviewAction::kApprove;
    ASSERT_TRUE(Review(*store_, v).ok());
  }
  const size_t approved = Items("", "approved").size();
  ApplyRequest a;
  a.user = "rev";
  a.all_approved = true;
  a.batch_size = 7;
  int64_t last = 0;
  a.progress = [&](int64_t done, int64_t total) {
    EXPECT_GT(done, last);
    EXPECT_EQ(total, static_cast<int64_t>(approved));
    last = done;
  };
  auto r = Apply(*store_, a);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->batches, static_cast<int64_t>((approved + 6) / 7));
  EXPECT_EQ(r->applied + static_cast<int64_t>(r->refused.size()), static_cast<int64_t>(approved));
  for (const std::string& why : r->refused) ADD_FAILURE() << why;
  CompareOptions c;
  c.as_of = *Date::ParseIso("2026-09-30");
  c.since = *Date::ParseIso("2025-10-01");
  auto again = RunComparison(*store_, c, "clerk");
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  for (const store::Discrepancy& d : again->compare.items) {
    if (d.type == "field_mismatch" || d.type == "unrecorded_death" ||
        d.type == "duplicate_in_register" || d.type == "missing_in_register") {
      EXPECT_EQ(d.status, "applied") << d.identity << " found again, " << d.status;
    }
  }
}

}  // namespace
}  // namespace popreg::recon
