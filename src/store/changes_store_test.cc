// What the statistics and the changes export read of the store, on each backend: comparisons by
// their dates (store/comparisons.h) and the register's changes since a time with their forward
// pointers (store/register_edit.h).
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "store/comparisons.h"
#include "store/register_edit.h"
#include "store/sql.h"
#include "store/store_test_util.h"

namespace popreg::store {
namespace {

class ChangesStoreTest : public testing::StoreFileTest {
 protected:
  int64_t Save(const std::string& as_of, const std::string& since) {
    ComparisonInfo info;
    info.as_of = as_of;
    info.since = since;
    info.started_by = "clerk";
    info.summary_json = R"({"statistics":{"as_of":")" + as_of + R"("}})";
    std::vector<Discrepancy> none;
    auto r = store_->SaveComparison(info, none);
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return r.ok() ? r->comparison_id : 0;
  }
};

TEST_F(ChangesStoreTest, TheNewestComparisonOfADateAndWindow) {
  const int64_t a = Save("2026-09-30", "2025-10-01");
  const int64_t b = Save("2026-09-30", "2026-01-01");
  const int64_t c = Save("2026-06-30", "2025-07-01");
  auto newest = FindComparison(*store_, "2026-09-30", "");
  ASSERT_TRUE(newest.ok()) << newest.status().ToString();
  ASSERT_TRUE(newest->has_value());
  EXPECT_EQ((*newest)->id, b);
  EXPECT_EQ((*newest)->info.since, "2026-01-01");
  EXPECT_EQ((*newest)->info.summary_json, R"({"statistics":{"as_of":"2026-09-30"}})");
  auto window = FindComparison(*store_, "2026-09-30", "2025-10-01");
  ASSERT_TRUE(window.ok() && window->has_value());
  EXPECT_EQ((*window)->id, a);
  auto none = FindComparison(*store_, "2026-12-31", "");
  ASSERT_TRUE(none.ok());
  EXPECT_FALSE(none->has_value());
  auto all = ListComparisons(*store_);
  ASSERT_TRUE(all.ok());
  ASSERT_EQ(all->size(), 3u);
  EXPECT_EQ((*all)[2].id, c);
  EXPECT_EQ((*all)[2].info.as_of, "2026-06-30");
}

TEST_F(ChangesStoreTest, ChangesSinceATimeWithTheirForwardPointers) {
  const ChangeNote note{"reviewer", "merging", "item 7", 0};
  Status st = store_->Write("a register", [&](sql::Session& s) -> Status {
    RETURN_IF_ERROR(PutHousehold(s, {"C1", "350902001001", "", "", "", "蕉城路1号"}, note));
    Person p;
    p.card_no = "C1";
    p.person_no = "1";
    p.name = "王小明";
    RETURN_IF_ERROR(PutPerson(s, p, note));
    p.person_no = "2";
    RETURN_IF_ERROR(PutPerson(s, p, note));
    p.person_no = "3";
    RETURN_IF_ERROR(PutPerson(s, p, note));
    RETURN_IF_ERROR(RemovePerson(s, "C1/2", note));
    RETURN_IF_ERROR(AddForward(s, "C1/2", "C1/1", 0));
    return RemovePerson(s, "C1/3", note);
  });
  ASSERT_TRUE(st.ok()) << st.ToString();
  auto all = ChangesSince(*store_, "2000-01-01");
  ASSERT_TRUE(all.ok()) << all.status().ToString();
  ASSERT_EQ(all->size(), 6u);
  EXPECT_EQ((*all)[0].entry.entity, "household");
  EXPECT_EQ((*all)[4].entry.entity_key, "C1/2");
  EXPECT_EQ((*all)[4].merged_into, "C1/1");                // removed into another
  EXPECT_EQ((*all)[5].merged_into, "");                    // removed
  EXPECT_EQ((*all)[1].merged_into, "");                    // created
  auto since = ChangesSince(*store_, (*all)[0].entry.at);  // the time itself is included
  ASSERT_TRUE(since.ok());
  EXPECT_EQ(since->size(), 6u);
  auto later = ChangesSince(*store_, "2999-01-01");
  ASSERT_TRUE(later.ok());
  EXPECT_TRUE(later->empty());
}

}  // namespace
}  // namespace popreg::store
