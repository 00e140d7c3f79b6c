#include "norm/address.h"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "base/env.h"

namespace popreg::norm {
namespace {

TEST(ParseAddress, UsualUrbanForms) {
  EXPECT_EQ(ParseAddress("3号楼2单元501室").Key(), "3/2/501");
  EXPECT_EQ(ParseAddress("3栋2单元501").Key(), "3/2/501");
  EXPECT_EQ(ParseAddress("3-2-501").Key(), "3/2/501");
  EXPECT_EQ(ParseAddress("3幢2单元501室").Key(), "3/2/501");
  EXPECT_EQ(ParseAddress("3座2单元501房").Key(), "3/2/501");
  EXPECT_EQ(ParseAddress("3#楼2单元501").Key(), "3/2/501");
  EXPECT_EQ(ParseAddress("12A栋1单元1203室").Key(), "12A/1/1203");
  EXPECT_EQ(ParseAddress("3号楼501室").Key(), "3//501");
  EXPECT_EQ(ParseAddress("22-1601").Key(), "22//1601");
}

TEST(ParseAddress, PrefixesSpacesWidthsAndNumerals) {
  EXPECT_EQ(ParseAddress("福建省蕉城区金山街道金湖社区3号楼2单元501室").Key(), "3/2/501");
  EXPECT_EQ(ParseAddress("蕉城区八一五中路88号金湖小区 3 栋 2 单元 501").Key(), "3/2/501");
  EXPECT_EQ(ParseAddress("金湖社区２２－３－１６０１").Key(), "22/3/1601");
  EXPECT_EQ(ParseAddress("金湖社区三号楼二单元501室").Key(), "3/2/501");
  EXPECT_EQ(ParseAddress("金湖社区十二栋1单元0501室").Key(), "12/1/501");
  EXPECT_EQ(ParseAddress("3单元501室").Key(), "/3/501");
}

TEST(ParseAddress, VillageHouseNumbers) {
  EXPECT_EQ(ParseAddress("蕉城区七都镇北山村12号").Key(), "//12");
  EXPECT_EQ(ParseAddress("北山村五组三十一号").Key(), "//31");
}

TEST(ParseAddress, NothingToFind) {
  EXPECT_TRUE(ParseAddress("").empty());
  EXPECT_TRUE(ParseAddress("福建省宁德市蕉城区").empty());
  EXPECT_EQ(ParseAddress("不详").Key(), "//");
}

TEST(AddressTail, TakesTheAdministrativePrefixOff) {
  EXPECT_EQ(AddressTail("福建省蕉城区竹春街道竹林社区幸福路18号"), "竹林社区幸福路18号");
  EXPECT_EQ(AddressTail("蕉城区竹林社区幸福路18号"), "竹林社区幸福路18号");
  EXPECT_EQ(AddressTail("竹林社区 幸福路１８号"), "竹林社区幸福路18号");
  EXPECT_EQ(AddressTail("宁德市蕉城区八都镇北山村三组"), "北山村三组");
  EXPECT_EQ(AddressTail("新疆维吾尔自治区乌鲁木齐市天山区和平路5号"), "和平路5号");
  // 社区 and 小区 are not districts; a prefix with nothing after it stays.
  EXPECT_EQ(AddressTail("阳光小区5幢"), "阳光小区5幢");
  EXPECT_EQ(AddressTail("金湖社区12号"), "金湖社区12号");
  EXPECT_EQ(AddressTail("蕉城区"), "蕉城区");
  EXPECT_EQ(AddressTail("蕉城区竹林社区城市花园3号"), "竹林社区城市花园3号");
  EXPECT_EQ(AddressTail("福建省宁德市蕉城区竹林社区城市花园3号"), "竹林社区城市花园3号");
  EXPECT_EQ(AddressTail(""), "");
}

TEST(AreaIndex, ResolvesCommunityNamesWithAndWithoutSuffix) {
  AreaIndex idx;
  idx.Add("350902001000", "金山街道");
  idx.Add("350902001001", "金湖社区");
  idx.Add("350902001002", "金山社区");
  idx.Add("350902102200", "北山村");
  EXPECT_EQ(idx.Resolve("福建省蕉城区金山街道金湖社区3栋2单元501"), "350902001001");
  EXPECT_EQ(idx.Resolve("蕉城区金湖居委会3-2-501"), "350902001001");
  EXPECT_EQ(idx.Resolve("蕉城区金山街道金山社区3-2-501"), "350902001002");
  EXPECT_EQ(idx.Resolve("七都镇北山村委会12号"), "350902102200");
  EXPECT_EQ(idx.Resolve("蕉城区金山街道"), "350902001000");
  EXPECT_EQ(idx.Resolve("古田县城关"), "");
}

TEST(AreaIndex, AmbiguousNamesResolveToNothing) {
  AreaIndex idx;
  idx.Add("350902001001", "东湖社区");
  idx.Add("350902002001", "东湖社区");
  EXPECT_EQ(idx.Resolve("东湖社区3-2-501"), "");
}

// Resolve looks areas up by their keys' substrings; it must find what searching the address for
// every area finds. Many areas of a few characters make names inside names, keys shared by
// several areas, and ties.
TEST(AreaIndex, FindsWhatSearchingForEveryAreaFinds) {
  const std::vector<std::string> chars = {"金", "湖", "山", "东", "城", "关", "北", "新"};
  const std::vector<std::string> suffixes = {"社区", "村", "街道", ""};
  struct Area {
    std::string code, name, key;
  };
  std::vector<Area> areas;
  AreaIndex idx;
  Rng rng(5);
  for (int i = 0; i < 400; ++i) {
    std::string key;
    for (uint64_t n = 1 + rng.Uniform(3); n > 0; --n) key += rng.Pick(chars);
    const std::string suffix = rng.Pick(suffixes);
    // Townships end in 000; a code may repeat (one area added twice is no tie).
    const std::string code =
        fmt::format("3509{:05}{}", rng.Uniform(300), suffix == "街道" ? "000" : "001");
    areas.push_back({code, key + suffix, key});
    idx.Add(code, key + suffix);
  }
  auto search = [&](const std::string& address) {
    const Area* best = nullptr;
    int best_score = 0;
    bool tie = false;
    for (const Area& a : areas) {
      const int whole = address.find(a.name) != std::string::npos ? 1 : 0;
      if (!whole && address.find(a.key) == std::string::npos) continue;
      const int score = whole * 4'000'000 + (a.code.ends_with("000") ? 0 : 2'000'000) +
                        static_cast<int>(a.name.size());
      if (score > best_score) {
        best = &a;
        best_score = score;
        tie = false;
      } else if (score == best_score && best->code != a.code) {
        tie = true;
      }
    }
    return best == nullptr || tie ? std::string() : best->code;
  };
  int resolved = 0;
  for (int i = 0; i < 3000; ++i) {
    std::string address = "蕉城区";
    for (uint64_t n = 1 + rng.Uniform(6); n > 0; --n) address += rng.Pick(chars);
    address += rng.Pick(suffixes) + (i % 2 == 0 ? "3-2-501" : "");  // a name may end it
    const std::string want = search(address);
    EXPECT_EQ(idx.Resolve(address), want) << address;
    resolved += want.empty() ? 0 : 1;
  }
  EXPECT_GT(resolved, 300);
  EXPECT_LT(resolved, 2700);  // ties and misses too
}

}  // namespace
}  // namespace popreg::norm
