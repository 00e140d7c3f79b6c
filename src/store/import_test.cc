// Tests of ImportFile on real SQLite stores and real CSV/xlsx files in a temporary folder.
#include "store/import.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "io/csv.h"
#include "io/xlsx_writer.h"
#include "store/store.h"
#include "store/store_test_util.h"

namespace popreg::store {
namespace {

namespace fs = std::filesystem;
using testing::Rows;

class ImportTest : public testing::StoreFileTest {};

const std::vector<std::string> kRegisterHeader = {
    "户卡编号", "社区代码", "楼号",         "人员序号", "姓名",
    "性别",     "出生日期", "公民身份号码", "人员状态", "备注"};

Rows GoodRegister() {
  return {kRegisterHeader,
          {"3509020010010001", "350902001001", "1", "1", "張 偉", "男", "1985/3/2",
           "350902198503020011", "", "x"},
          {"3509020010010001", "350902001001", "1", "2", "王小红", "女", "20100101",
           "350902201001010020", "alive", ""},
          {"3509020010010002", "350902001002", "", "1", "李四", "", "", "", "deceased", ""}};
}

TEST_F(ImportTest, AGoodRegisterImportsAndLoads) {
  const std::string path = Xlsx("register.xlsx", GoodRegister());
  auto s = ImportFile(*store_, io::Kind::kRegister, path, options_);
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  EXPECT_EQ(s->rows, 3);
  EXPECT_EQ(s->imported, 3);
  EXPECT_EQ(s->rejected, 0);
  EXPECT_FALSE(s->already_imported);
  auto cols = store_->LoadRegisterColumns();
  ASSERT_TRUE(cols.ok());
  ASSERT_EQ(cols->size(), 3u);
  EXPECT_EQ(cols->name[0], "张伟");
  EXPECT_EQ(cols->sex[0], "M");
  EXPECT_EQ(cols->birth_date[0], "1985-03-02");
  EXPECT_EQ(cols->status[0], "alive");
  EXPECT_EQ(cols->community_code[0], "350902001001");
  EXPECT_EQ(cols->status[2], "deceased");
  EXPECT_EQ(cols->sex[2], "");  // an incomplete record is imported, not rejected
  auto imports = store_->ListImports();
  ASSERT_TRUE(imports.ok());
  ASSERT_EQ(imports->size(), 1u);
  EXPECT_EQ((*imports)[0].rows_imported, 3);
  EXPECT_EQ((*imports)[0].info.sha256.size(), 64u);
}

TEST_F(ImportTest, StatusesInEverySpellingOfTheSpec) {
  Rows rows = {kRegisterHeader};
  const std::vector<std::string> statuses = {"在册", "死亡", "迁出", "moved_out", "gone"};
  for (size_t i = 0; i < statuses.size(); ++i) {
    rows.push_back({"3509020010010001", "350902001001", "1", std::to_string(i + 1), "王芳", "女",
                    "1985-03-02", "", statuses[i], ""});
  }
  auto s = ImportFile(*store_, io::Kind::kRegister, Xlsx("status.xlsx", rows), options_);
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  EXPECT_EQ(s->imported, 4);
  ASSERT_EQ(s->rejected, 1);
  EXPECT_EQ(s->first_rejects[0].column, "status");
  EXPECT_EQ(s->first_rejects[0].value, "gone");
  auto cols = store_->LoadRegisterColumns();
  ASSERT_TRUE(cols.ok());
  EXPECT_EQ(cols->status, (TextColumn{"alive", "deceased", "moved_out", "moved_out"}));
}

TEST_F(ImportTest, AMissingRequiredColumnFailsAndChangesNothing) {
  Rows rows = GoodRegister();
  for (auto& r : rows) r.erase(r.begin() + 1);  // drop 社区代码
  const std::string path = Csv("register.csv", rows);
  auto s = ImportFile(*store_, io::Kind::kRegister, path, options_);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.status().message().find("register.csv"), std::string::npos);
  EXPECT_NE(s.status().message().find("community_code"), std::string::npos);
  EXPECT_EQ(*store_->CountRegisterPersons(), 0);
  EXPECT_TRUE(store_->ListImports()->empty());
}

Rows PoliceWithRejects() {
  return {{"姓名", "性别", "出生日期", "公民身份号码"},
          {"王小明", "男", "1985-03-02", "350902198503020011"},
          {"李四", "?", "1950-01-01", "350902195001010031"},
          {"", "女", "1988-03-12", "350902198803120021"},
          {"赵六", "F", "1990-02-30", "350902199002280012"},
          {"钱七", "M", "1991-01-01", "350902199101010019"}};
}

TEST_F(ImportTest, RejectsAreListedAndTheRestImported) {
  const std::string path = Csv("police.csv", PoliceWithRejects());
  auto s = ImportFile(*store_, io::Kind::kPolicePopulation, path, options_);
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  EXPECT_EQ(s->rows, 5);
  EXPECT_EQ(s->imported, 2);
  EXPECT_EQ(s->rejected, 3);
  ASSERT_EQ(s->first_rejects.size(), 3u);
  EXPECT_EQ(s->first_rejects[0].source_row, 2);
  EXPECT_EQ(s->first_rejects[0].column, "sex");
  EXPECT_EQ(s->first_rejects[0].value, "?");
  EXPECT_EQ(s->first_rejects[1].source_row, 3);
  EXPECT_EQ(s->first_rejects[1].column, "name");
  EXPECT_EQ(s->first_rejects[2].column, "birth_date");
  auto imports = store_->ListImports();
  ASSERT_EQ(imports->size(), 1u);
  EXPECT_EQ((*imports)[0].rows_imported, 2);
  EXPECT_EQ((*imports)[0].rows_rejected, 3);
}

TEST_F(ImportTest, StrictFailsTheWholeFile) {
  const std::string path = Csv("police.csv", PoliceWithRejects());
  options_.strict = true;
  auto s = ImportFile(*store_, io::Kind::kPolicePopulation, path, options_);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.status().message().find("row 2"), std::string::npos) << s.status().message();
  EXPECT_TRUE(store_->ListImports()->empty());
}

TEST_F(ImportTest, ReimportingTheSameFileIsANoOp) {
  const std::string path = Csv("register.csv", GoodRegister());
  auto first = ImportFile(*store_, io::Kind::kRegister, path, options_);
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  auto again = ImportFile(*store_, io::Kind::kRegister, path, options_);
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  EXPECT_TRUE(again->already_imported);
  EXPECT_EQ(again->id, first->id);
  EXPECT_FALSE(again->imported_at.empty());
  EXPECT_EQ(store_->ListImports()->size(), 1u);
}

TEST_F(ImportTest, ASecondRegisterNeedsReplace) {
  ASSERT_TRUE(
      ImportFile(*store_, io::Kind::kRegister, Csv("r1.csv", GoodRegister()), options_).ok());
  Rows second = GoodRegister();
  second.pop_back();
  const std::string path = Csv("r2.csv", second);
  auto refused = ImportFile(*store_, io::Kind::kRegister, path, options_);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.status().code(), ErrorCode::kFailedPrecondition);
  EXPECT_NE(refused.status().message().find("--replace"), std::string::npos);
  EXPECT_EQ(*store_->CountRegisterPersons(), 3);
  options_.replace = true;
  auto replaced = ImportFile(*store_, io::Kind::kRegister, path, options_);
  ASSERT_TRUE(replaced.ok()) << replaced.status().ToString();
  EXPECT_EQ(*store_->CountRegisterPersons(), 2);
}

TEST_F(ImportTest, AreasImport) {
  const std::string path = Csv("areas.csv", {{"代码", "名称", "级别", "上级代码"},
                                             {"350902", "蕉城区", "district", ""},
                                             {"350902001", "蕉南街道", "township", "350902"},
                                             {"350902001001", "社区一", "community", "350902001"}});
  auto s = ImportFile(*store_, io::Kind::kAreas, path, options_);
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  EXPECT_EQ(s->rejected, 0);
  auto areas = store_->ListAreas();
  ASSERT_TRUE(areas.ok());
  ASSERT_EQ(areas->size(), 3u);
  EXPECT_EQ((*areas)[2].parent_code, "350902001");
}

TEST_F(ImportTest, AnUnreadableFileFailsAndChangesNothing) {
  const std::string path = (dir_ / "broken.xlsx").string();
  {
    std::FILE* f = std::fopen(path.c_str(), "wb");
    ASSERT_NE(f, nullptr);
    std::fputs("PK\3\4 truncated", f);
    std::fclose(f);
  }
  auto s = ImportFile(*store_, io::Kind::kRegister, path, options_);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.status().message().find("broken.xlsx"), std::string::npos) << s.status().message();
  EXPECT_TRUE(store_->ListImports()->empty());
}

}  // namespace
}  // namespace popreg::store
