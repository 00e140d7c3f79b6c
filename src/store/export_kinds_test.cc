// Tests of ExportKind: every kind of the spec comes back out of the store in the spec's layout,
// and an export imported and exported again is the same file.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <string>

#include "io/schema.h"
#include "store/export.h"
#include "store/import.h"
#include "store/store.h"
#include "store/store_test_util.h"

namespace popreg::store {
namespace {

using testing::Rows;

class ExportKindsTest : public testing::StoreFileTest {};

std::string Slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// A file of each kind with Chinese headers, spellings to normalise and a column the spec lacks.
Rows File(io::Kind kind) {
  switch (kind) {
    case io::Kind::kAreas:
      return {{"代码", "名称", "级别", "上级代码"},
              {"350902", "蕉城区", "district", ""},
              {"350902001", "蕉南街道", "township", "350902"},
              {"350902001001", "社区一", "community", "350902001"}};
    case io::Kind::kRegister:
      return {{"户卡编号", "社区代码", "人员序号", "姓名", "性别", "出生日期", "公民身份号码"},
              {"3509020010010001", "350902001001", "1", "張 偉", "男", "1985/3/2",
               "350902198503020011"}};
    case io::Kind::kPolicePopulation:
      return {{"户号", "姓名", "性别", "出生日期", "公民身份号码", "备注"},
              {"H1", "張 偉", "男", "1985/3/2", "３５０９０２１９８５０３０２００１１", "x"},
              {"H1", "王小红", "女", "20100101", "350902201001010020", ""}};
    case io::Kind::kPoliceBirths:
      return {{"姓名", "性别", "出生日期", "母亲身份号码", "登记日期"},
              {"王小宝", "2", "2026年1月17日", "350902198803120021", "2026.02.01"}};
    case io::Kind::kVaccinations:
      return {{"儿童姓名", "性别", "出生日期", "母亲身份号码", "接种单位"},
              {"宝宝", "female", "2026-01-17", "350902198803120021", "城东卫生院"}};
    case io::Kind::kCremations:
      return {{"姓名", "死亡日期", "火化日期", "殡仪馆"},
              {"李四", "2026/1/5", "2026/1/7", "市殡仪馆"}};
    case io::Kind::kDeathCertificates:
      return {{"姓名", "性别", "死亡日期", "医疗机构", "死亡原因"},
              {"赵六", "M", "20260125", "市一院", "肺炎"}};
    case io::Kind::kManualReport:
      return {{"社区代码", "总人口", "出生人数", "死亡人数"},
              {"350902001001", "1200", "3", "2"},
              {"350902001002", "980", "1", "0"}};
  }
  return {};
}

TEST_F(ExportKindsTest, EveryKindRoundTripsByteForByte) {
  for (io::Kind kind : io::AllKinds()) {
    const std::string name(io::KindName(kind));
    SCOPED_TRACE(name);
    auto one = NewStore(name + "-1.db");
    auto two = NewStore(name + "-2.db");
    ASSERT_TRUE(one && two);
    auto s = ImportFile(*one, kind, Csv(name + ".csv", File(kind)), options_);
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    ASSERT_EQ(s->rejected, 0);
    const std::string first = (dir_ / (name + "-1.csv")).string();
    auto n = ExportKind(*one, kind, first);
    ASSERT_TRUE(n.ok()) << n.status().ToString();
    EXPECT_EQ(*n, static_cast<int64_t>(File(kind).size() - 1));
    auto again = ImportFile(*two, kind, first, options_);
    ASSERT_TRUE(again.ok()) << again.status().ToString();
    EXPECT_EQ(again->rejected, 0);
    const std::string second = (dir_ / (name + "-2.csv")).string();
    ASSERT_TRUE(ExportKind(*two, kind, second).ok());
    EXPECT_EQ(Slurp(first), Slurp(second));
    // The header is the spec's English names in spec order.
    std::string header;
    for (const io::ColumnSpec& c : io::Columns(kind)) {
      header += (header.empty() ? "" : ",") + std::string(c.name);
    }
    EXPECT_EQ(Slurp(first).substr(0, header.size() + 1), header + "\n");
  }
}

TEST_F(ExportKindsTest, RecordsAreExportedNormalised) {
  ASSERT_TRUE(ImportFile(*store_, io::Kind::kPolicePopulation,
                         Csv("police.csv", File(io::Kind::kPolicePopulation)), options_)
                  .ok());
  const std::string out = (dir_ / "out.csv").string();
  ASSERT_TRUE(ExportKind(*store_, io::Kind::kPolicePopulation, out).ok());
  EXPECT_EQ(Slurp(out),
            "hukou_no,police_station,community_code,address,name,sex,birth_date,id_number,"
            "relation,ethnicity,mother_id_number\n"
            "H1,,,,张伟,M,1985-03-02,350902198503020011,,,\n"
            "H1,,,,王小红,F,2010-01-01,350902201001010020,,,\n");
}

TEST_F(ExportKindsTest, TheLatestImportOfTheKindIsExported) {
  Rows later = File(io::Kind::kCremations);
  later[1][0] = "李五";
  ASSERT_TRUE(ImportFile(*store_, io::Kind::kCremations, Csv("c1.csv", File(io::Kind::kCremations)),
                         options_)
                  .ok());
  ASSERT_TRUE(ImportFile(*store_, io::Kind::kCremations, Csv("c2.csv", later), options_).ok());
  const std::string out = (dir_ / "out.xlsx").string();
  ASSERT_TRUE(ExportKind(*store_, io::Kind::kCremations, out).ok());
  auto back = NewStore("back.db");
  ASSERT_TRUE(ImportFile(*back, io::Kind::kCremations, out, options_).ok());
  const std::string csv = (dir_ / "back.csv").string();
  ASSERT_TRUE(ExportKind(*back, io::Kind::kCremations, csv).ok());
  EXPECT_NE(Slurp(csv).find("李五"), std::string::npos);
  EXPECT_EQ(Slurp(csv).find("李四"), std::string::npos);
}

TEST_F(ExportKindsTest, AKindNeverImportedIsNotFound) {
  auto n = ExportKind(*store_, io::Kind::kVaccinations, (dir_ / "v.csv").string());
  ASSERT_FALSE(n.ok());
  EXPECT_EQ(n.status().code(), ErrorCode::kNotFound);
  EXPECT_NE(n.status().message().find("vaccinations"), std::string::npos);
  // Areas and the register are the store's tables: empty ones export a header.
  auto a = ExportKind(*store_, io::Kind::kAreas, (dir_ / "a.csv").string());
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(*a, 0);
  EXPECT_EQ(Slurp((dir_ / "a.csv").string()), "code,name,level,parent_code\n");
}

}  // namespace
}  // namespace popreg::store
