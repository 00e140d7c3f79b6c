// Tests of what makes an import the same import (the file's bytes and the profile it is read
// with), and of the counts of an import that reads its file once.
#include <gtest/gtest.h>

#include <fstream>
#include <string>

#include "store/import.h"
#include "store/profile.h"
#include "store/store.h"
#include "store/store_test_util.h"

namespace popreg::store {
namespace {

using testing::Rows;

class ImportIdentityTest : public testing::StoreFileTest {
 protected:
  ImportProfile Profile(const std::string& name, const std::string& text) {
    const std::string path = (dir_ / name).string();
    std::ofstream(path) << text;
    auto p = LoadProfile(path, io::Kind::kDeathCertificates);
    EXPECT_TRUE(p.ok()) << p.status().ToString();
    return p.ok() ? *p : ImportProfile{};
  }
  Result<ImportSummary> Import(const std::string& path) {
    return ImportFile(*store_, io::Kind::kDeathCertificates, path, options_);
  }
};

// 03/04/2026 is 3 April day first, and a spec spelling nowhere: only a profile reads it.
const Rows kDeaths = {{"姓名", "死亡日期", "备注"},
                      {"赵六", "03/04/2026", ""},
                      {"钱七", "2026-01-05", ""},
                      {"孙八", "", "no date"}};

TEST_F(ImportIdentityTest, TheSameBytesThroughAnotherProfileAreAnotherImport) {
  const std::string file = Csv("deaths.csv", kDeaths);
  auto plain = Import(file);
  ASSERT_TRUE(plain.ok()) << plain.status().ToString();
  EXPECT_EQ(plain->rejected, 2);  // 03/04/2026 is no spec date; the empty date is rejected

  options_.profile = Profile("day-first.toml", "dates = \"DD/MM/YYYY\"\n");
  auto day_first = Import(file);
  ASSERT_TRUE(day_first.ok()) << day_first.status().ToString();
  EXPECT_FALSE(day_first->already_imported);
  EXPECT_EQ(day_first->rejected, 1);
  EXPECT_NE(day_first->id, plain->id);

  // The same profile again, even from another file with the same settings, is the same import.
  options_.profile = Profile("copy.toml", "# a copy\ndates = \"DD/MM/YYYY\"\n");
  auto again = Import(file);
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  EXPECT_TRUE(again->already_imported);
  EXPECT_EQ(again->id, day_first->id);

  options_.profile = Profile("month-first.toml", "dates = \"MM/DD/YYYY\"\n");
  auto month_first = Import(file);
  ASSERT_TRUE(month_first.ok());
  EXPECT_FALSE(month_first->already_imported);

  // Without a profile the identity is the file's SHA-256, as before profiles existed.
  options_.profile.reset();
  auto plain_again = Import(file);
  ASSERT_TRUE(plain_again.ok());
  EXPECT_TRUE(plain_again->already_imported);
  auto imports = store_->ListImports();
  ASSERT_EQ(imports->size(), 3u);
  EXPECT_EQ((*imports)[0].info.sha256, *FileSha256(file));
  EXPECT_NE((*imports)[1].info.sha256, *FileSha256(file));
}

TEST_F(ImportIdentityTest, ProfileDigestIgnoresOrderAndPathButNotSettings) {
  const std::string sha(64, 'a');
  ImportProfile a;
  a.file = "a.toml";
  a.columns = {{"name", "死者姓名"}, {"death_date", "死亡时间"}};
  a.ignore = {"序号", "备注"};
  ImportProfile b = a;
  b.file = "b.toml";
  b.columns = {{"death_date", "死亡时间"}, {"name", "死者姓名"}};
  b.ignore = {"备注", "序号"};
  EXPECT_EQ(*ImportDigest(sha, &a), *ImportDigest(sha, &b));
  EXPECT_EQ(*ImportDigest(sha, nullptr), sha);
  ImportProfile c = a;
  c.ignore = {"序号"};
  EXPECT_NE(*ImportDigest(sha, &a), *ImportDigest(sha, &c));
  ImportProfile d = a;
  d.columns[0].second = "姓名";
  EXPECT_NE(*ImportDigest(sha, &a), *ImportDigest(sha, &d));
  ImportProfile e = a;
  e.kind = io::Kind::kDeathCertificates;
  EXPECT_NE(*ImportDigest(sha, &a), *ImportDigest(sha, &e));
  EXPECT_NE(*ImportDigest(std::string(64, 'b'), &a), *ImportDigest(sha, &a));
}

TEST_F(ImportIdentityTest, RowCountsComeFromTheOnePass) {
  auto s = Import(Csv("deaths.csv", kDeaths));
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  EXPECT_EQ(s->rows, 3);
  EXPECT_EQ(s->imported, 1);
  EXPECT_EQ(s->rejected, 2);
  auto imports = store_->ListImports();
  ASSERT_EQ(imports->size(), 1u);
  EXPECT_EQ((*imports)[0].info.rows_total, 3);
  EXPECT_EQ((*imports)[0].rows_imported, 1);
  EXPECT_EQ((*imports)[0].rows_rejected, 2);
  // The same file again reports the stored counts.
  auto again = Import(Csv("deaths.csv", kDeaths));
  ASSERT_TRUE(again.ok());
  EXPECT_TRUE(again->already_imported);
  EXPECT_EQ(again->rows, 3);
}

}  // namespace
}  // namespace popreg::store
