// Tests of ExportRegister: export after import reproduces the same people.
#include "store/export.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "io/csv.h"
#include "io/table.h"
#include "store/import.h"
#include "store/store.h"
#include "store/store_test_util.h"

namespace popreg::store {
namespace {

namespace fs = std::filesystem;
using testing::Rows;

class ExportTest : public testing::StoreFileTest {};

// Every row of a CSV or xlsx file, the header first.
Rows ReadAll(const std::string& path) {
  Rows rows;
  auto r = io::TableReader::Open(path);
  EXPECT_TRUE(r.ok()) << r.status().ToString();
  if (!r.ok()) return rows;
  io::CsvRecord rec;
  while (true) {
    auto more = (*r)->Next(&rec);
    EXPECT_TRUE(more.ok());
    if (!more.ok() || !*more) break;
    rows.push_back(rec.fields);
  }
  return rows;
}

Rows Register() {
  return {
      {"户卡编号", "社区代码", "楼号", "单元", "房号", "地址", "人员序号", "姓名", "性别",
       "出生日期", "公民身份号码", "与户主关系", "民族", "人员状态", "死亡日期", "母亲身份号码",
       "备注"},
      {"3509020010010001", "350902001001", "1", "2", "301", "幸福路1号, 301室", "1", "張 偉", "男",
       "1985/3/2", "350902198503020011", "户主", "汉", "", "", "", "x"},
      {"3509020010010001", "350902001001", "1", "2", "301", "幸福路1号, 301室", "2", "王小红", "女",
       "20100101", "350902201001010020", "女", "汉", "alive", "", "350902198803120021", ""},
      {"3509020010010002", "350902001002", "", "", "", "", "1", "李四", "", "", "", "", "", "死亡",
       "2026年1月5日", "", ""},
      {"3509020010010003", "350902001002", "", "", "", "\"老\"街", "1", "阿依古丽·买买提", "F",
       "1990.07.08", "35090219900708002x", "户主", "维吾尔", "迁出", "", "", ""}};
}

void ExpectSamePeople(const RegisterColumns& a, const RegisterColumns& b) {
  ASSERT_EQ(a.size(), b.size());
  EXPECT_EQ(a.card_no, b.card_no);
  EXPECT_EQ(a.person_no, b.person_no);
  EXPECT_EQ(a.name, b.name);
  EXPECT_EQ(a.sex, b.sex);
  EXPECT_EQ(a.birth_date, b.birth_date);
  EXPECT_EQ(a.id_number, b.id_number);
  EXPECT_EQ(a.relation, b.relation);
  EXPECT_EQ(a.ethnicity, b.ethnicity);
  EXPECT_EQ(a.status, b.status);
  EXPECT_EQ(a.death_date, b.death_date);
  EXPECT_EQ(a.mother_id_number, b.mother_id_number);
  EXPECT_EQ(a.community_code, b.community_code);
  EXPECT_EQ(a.building, b.building);
  EXPECT_EQ(a.unit, b.unit);
  EXPECT_EQ(a.room, b.room);
  EXPECT_EQ(a.address, b.address);
}

TEST_F(ExportTest, CsvExportAfterImportReproducesThePeople) {
  auto first = NewStore("a.db");
  ASSERT_TRUE(first);
  auto s = ImportFile(*first, io::Kind::kRegister, Csv("register.csv", Register()), options_);
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  ASSERT_EQ(s->imported, 4);
  const std::string out = (dir_ / "export.csv").string();
  auto n = ExportRegister(*first, out);
  ASSERT_TRUE(n.ok()) << n.status().ToString();
  EXPECT_EQ(*n, 4);

  const Rows rows = ReadAll(out);
  ASSERT_EQ(rows.size(), 5u);
  const std::vector<std::string> header = {
      "card_no",   "community_code", "building",   "unit",
      "room",      "address",        "person_no",  "name",
      "sex",       "birth_date",     "id_number",  "relation",
      "ethnicity", "status",         "death_date", "mother_id_number"};
  EXPECT_EQ(rows[0], header);

  auto second = NewStore("b.db");
  ASSERT_TRUE(second);
  auto t = ImportFile(*second, io::Kind::kRegister, out, options_);
  ASSERT_TRUE(t.ok()) << t.status().ToString();
  EXPECT_EQ(t->imported, 4);
  EXPECT_EQ(t->rejected, 0);
  auto a = first->LoadRegisterColumns();
  auto b = second->LoadRegisterColumns();
  ASSERT_TRUE(a.ok() && b.ok());
  ExpectSamePeople(*a, *b);
  EXPECT_EQ(b->status[3], "moved_out");
  EXPECT_EQ(b->death_date[2], "2026-01-05");
}

TEST_F(ExportTest, XlsxExportAfterImportReproducesThePeople) {
  auto first = NewStore("a.db");
  ASSERT_TRUE(first);
  ASSERT_TRUE(
      ImportFile(*first, io::Kind::kRegister, Csv("register.csv", Register()), options_).ok());
  const std::string out = (dir_ / "export.XLSX").string();
  ASSERT_TRUE(ExportRegister(*first, out).ok());
  auto second = NewStore("b.db");
  ASSERT_TRUE(second);
  auto t = ImportFile(*second, io::Kind::kRegister, out, options_);
  ASSERT_TRUE(t.ok()) << t.status().ToString();
  auto a = first->LoadRegisterColumns();
  auto b = second->LoadRegisterColumns();
  ASSERT_TRUE(a.ok() && b.ok());
  ExpectSamePeople(*a, *b);
}

TEST_F(ExportTest, AnEmptyStoreWritesTheHeaderOnly) {
  auto store = NewStore("a.db");
  ASSERT_TRUE(store);
  const std::string out = (dir_ / "empty.csv").string();
  auto n = ExportRegister(*store, out);
  ASSERT_TRUE(n.ok());
  EXPECT_EQ(*n, 0);
  EXPECT_EQ(ReadAll(out).size(), 1u);
}

TEST_F(ExportTest, AnUnwritablePathIsAnErrorNamingIt) {
  auto store = NewStore("a.db");
  ASSERT_TRUE(store);
  const std::string out = (dir_ / "no-such-dir" / "x.csv").string();
  auto n = ExportRegister(*store, out);
  ASSERT_FALSE(n.ok());
  EXPECT_NE(n.status().ToString().find("x.csv"), std::string::npos) << n.status().ToString();
}

}  // namespace
}  // namespace popreg::store
