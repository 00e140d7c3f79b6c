#include "norm/regions.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <string_view>
#include <thread>
#include <vector>

extern "C" const char popreg_areacodes_csv[];
extern "C" const uint64_t popreg_areacodes_csv_size;

namespace popreg::norm {
namespace {

TEST(RegionsTest, EveryLineIsARow) {
  const std::string_view csv(popreg_areacodes_csv, popreg_areacodes_csv_size);
  size_t lines = 0;
  for (char c : csv) lines += c == '\n';
  if (!csv.empty() && csv.back() != '\n') ++lines;
  EXPECT_GT(AllRegions().size(), 6000u);
  EXPECT_EQ(AllRegions().size(), lines - 1);  // minus the header
}

TEST(RegionsTest, FirstRowAndValues) {
  const Region& first = AllRegions().front();
  EXPECT_EQ(first.code, "110000");  // the BOM is not part of anything
  EXPECT_EQ(first.name, "北京市");
  EXPECT_EQ(first.province, "北京市");
  EXPECT_EQ(first.level, "省级");
  EXPECT_EQ(first.status, "在用");
  EXPECT_EQ(first.since, 1981);
  EXPECT_EQ(first.until, 0);
  for (const Region& r : AllRegions()) {
    EXPECT_EQ(r.code.size(), 6u) << r.code;
    EXPECT_TRUE(r.level == "省级" || r.level == "地级" || r.level == "县级") << r.code;
    EXPECT_TRUE(r.status == "在用" || r.status == "弃用" || r.status == "变更") << r.code;
    EXPECT_EQ(r.until == 0, r.status == "在用") << r.code;
    EXPECT_GE(r.since, 1981) << r.code;
  }
}

TEST(RegionsTest, InUse) {
  EXPECT_TRUE(RegionCodeEverUsed("350902"));
  EXPECT_EQ(RegionName("350902"), "蕉城区");
  const Region* r = FindRegion("350902");
  ASSERT_NE(r, nullptr);
  EXPECT_EQ(r->province, "福建省");
  EXPECT_EQ(r->prefecture, "宁德市");
  EXPECT_EQ(r->level, "县级");
  EXPECT_EQ(r->status, "在用");
  EXPECT_EQ(r->since, 1999);
  EXPECT_EQ(r->until, 0);
}

TEST(RegionsTest, RetiredCodeWasEverUsed) {
  EXPECT_TRUE(RegionCodeEverUsed("110103"));
  EXPECT_EQ(RegionName("110103"), "崇文区");
  const Region* r = FindRegion("110103");
  ASSERT_NE(r, nullptr);
  EXPECT_EQ(r->status, "弃用");
  EXPECT_EQ(r->until, 2010);
  EXPECT_EQ(r->replaced_by, "110101");
}

TEST(RegionsTest, ReusedCodeGivesMostRecentName) {
  // 120110 was 东郊区 (1981-1992), then 东丽区.
  EXPECT_EQ(RegionName("120110"), "东丽区");
  size_t rows = 0;
  for (const Region& r : AllRegions()) rows += r.code == "120110";
  EXPECT_EQ(rows, 2u);
}

TEST(RegionsTest, Unknown) {
  EXPECT_FALSE(RegionCodeEverUsed("999999"));
  EXPECT_EQ(RegionName("999999"), "");
  EXPECT_EQ(FindRegion("999999"), nullptr);
  EXPECT_FALSE(RegionCodeEverUsed(""));
  EXPECT_FALSE(RegionCodeEverUsed("35090"));
  EXPECT_FALSE(RegionCodeEverUsed("3509021"));
  EXPECT_FALSE(RegionCodeEverUsed("35090X"));
}

TEST(RegionsTest, ConcurrentFirstUse) {
  std::vector<std::thread> threads;
  threads.reserve(4);
  std::vector<int> ok(4, 0);
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] { ok[t] = RegionName("350902") == "蕉城区"; });
  }
  for (auto& th : threads) th.join();
  for (int v : ok) EXPECT_EQ(v, 1);
}

}  // namespace
}  // namespace popreg::norm
