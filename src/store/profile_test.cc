// Tests of import profiles: loading and checking them, and importing through the examples in
// profiles/.
#include "store/profile.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include "io/csv.h"
#include "io/xlsx_writer.h"
#include "store/import.h"
#include "store/store.h"
#include "store/store_test_util.h"

namespace popreg::store {
namespace {

namespace fs = std::filesystem;
using testing::Rows;

std::string Example(const std::string& name) {
  return std::string(POPREG_SOURCE_DIR) + "/profiles/" + name;
}

class ProfileTest : public testing::StoreFileTest {
 protected:
  // Writes a profile `name` into the scratch folder; returns its path.
  std::string Toml(const std::string& name, const std::string& text) {
    const std::string path = (dir_ / name).string();
    std::ofstream(path) << text;
    return path;
  }
  // The message of loading a profile made of `text`, which must fail.
  std::string LoadError(const std::string& text, io::Kind kind = io::Kind::kRegister) {
    auto p = LoadProfile(Toml("p.toml", text), kind);
    EXPECT_FALSE(p.ok());
    return p.ok() ? "" : p.status().message();
  }
};

TEST(DatePatternTest, ReadsTheFieldsInThePatternsOrder) {
  EXPECT_EQ(ParseDateWithPattern("05/01/2026", "DD/MM/YYYY")->Iso(), "2026-01-05");
  EXPECT_EQ(ParseDateWithPattern("5/1/2026", "DD/MM/YYYY")->Iso(), "2026-01-05");
  EXPECT_EQ(ParseDateWithPattern("01/17/2026", "MM/DD/YYYY")->Iso(), "2026-01-17");
  EXPECT_EQ(ParseDateWithPattern(" 19850302 ", "YYYYMMDD")->Iso(), "1985-03-02");
  EXPECT_EQ(ParseDateWithPattern("1985年3月2日", "YYYY年MM月DD日")->Iso(), "1985-03-02");
  EXPECT_EQ(ParseDateWithPattern("02.03.1985", "DD.MM.YYYY")->Iso(), "1985-03-02");
}

TEST(DatePatternTest, RefusesWhatDoesNotFit) {
  EXPECT_FALSE(ParseDateWithPattern("17/01/2026", "MM/DD/YYYY"));  // no month 17
  EXPECT_FALSE(ParseDateWithPattern("31/02/2026", "DD/MM/YYYY"));  // no 31 February
  EXPECT_FALSE(ParseDateWithPattern("1985032", "YYYYMMDD"));
  EXPECT_FALSE(ParseDateWithPattern("2026-01-05", "DD/MM/YYYY"));
  EXPECT_FALSE(ParseDateWithPattern("05/01/2026x", "DD/MM/YYYY"));
  EXPECT_FALSE(ParseDateWithPattern("", "DD/MM/YYYY"));
  EXPECT_FALSE(ParseDateWithPattern("05/01/2026", ""));
}

TEST_F(ProfileTest, TheExamplesLoad) {
  auto police = LoadProfile(Example("police-population.toml"), io::Kind::kPolicePopulation);
  ASSERT_TRUE(police.ok()) << police.status().ToString();
  EXPECT_EQ(police->dates, "YYYYMMDD");
  auto deaths = LoadProfile(Example("hospital-deaths.toml"), io::Kind::kDeathCertificates);
  ASSERT_TRUE(deaths.ok()) << deaths.status().ToString();
  auto vacc = LoadProfile(Example("vaccination-clinic.toml"), io::Kind::kVaccinations);
  ASSERT_TRUE(vacc.ok()) << vacc.status().ToString();
}

TEST_F(ProfileTest, ErrorsNameTheFileAndTheKey) {
  std::string e = LoadError("[columns]\nid_numbr = \"身份证号\"\n");
  EXPECT_NE(e.find("p.toml: columns.id_numbr: not a column of register"), std::string::npos) << e;
  e = LoadError("dates = \"DD/MM\"\n");
  EXPECT_NE(e.find("p.toml: dates:"), std::string::npos) << e;
  e = LoadError("dates = 3\n");
  EXPECT_NE(e.find("p.toml: dates:"), std::string::npos) << e;
  e = LoadError("ignore = \"序号\"\n");
  EXPECT_NE(e.find("p.toml: ignore:"), std::string::npos) << e;
  e = LoadError("ignore = [\"序号\", 2]\n");
  EXPECT_NE(e.find("p.toml: ignore[1]:"), std::string::npos) << e;
  e = LoadError("colums = 1\n");
  EXPECT_NE(e.find("p.toml: colums: unknown key"), std::string::npos) << e;
  e = LoadError("kind = \"cremations\"\n");
  EXPECT_NE(e.find("p.toml: kind:"), std::string::npos) << e;
  e = LoadError("[columns]\nname = \"姓名\"\nid_number = \" 姓名\"\n");
  EXPECT_NE(e.find("p.toml: columns."), std::string::npos) << e;
  EXPECT_NE(e.find("mapped to two columns"), std::string::npos) << e;
  e = LoadError("[columns\n");
  EXPECT_NE(e.find("p.toml: line 1"), std::string::npos) << e;
  auto missing = LoadProfile((dir_ / "none.toml").string(), io::Kind::kRegister);
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.status().code(), ErrorCode::kNotFound);
}

TEST_F(ProfileTest, KindsOfAProfileAreTheOneItDeclaresOrEachItsColumnsFit) {
  ProfileKinds k = KindsOfProfile(Example("police-population.toml"));
  EXPECT_TRUE(k.problem.ok()) << k.problem.message();
  EXPECT_EQ(k.kinds, std::vector<io::Kind>{io::Kind::kPolicePopulation});
  // No kind: every kind with a column `mother_id_number`.
  k = KindsOfProfile(Toml("any.toml", "[columns]\nmother_id_number = \"母亲身份证\"\n"));
  EXPECT_TRUE(k.problem.ok()) << k.problem.message();
  EXPECT_EQ(k.kinds, (std::vector<io::Kind>{io::Kind::kRegister, io::Kind::kPolicePopulation,
                                            io::Kind::kPoliceBirths, io::Kind::kVaccinations}));
  // A broken profile reads nothing; the problem is told for its own kind, not a kind mismatch.
  k = KindsOfProfile(Toml("bad.toml", "kind = \"cremations\"\n[columns]\nnope = \"x\"\n"));
  EXPECT_TRUE(k.kinds.empty());
  EXPECT_NE(k.problem.message().find("bad.toml: columns.nope: not a column of cremations"),
            std::string::npos)
      << k.problem.message();
  k = KindsOfProfile(Toml("syntax.toml", "[columns\n"));
  EXPECT_TRUE(k.kinds.empty());
  EXPECT_NE(k.problem.message().find("syntax.toml: line 1"), std::string::npos);
}

TEST_F(ProfileTest, PoliceExportImportsThroughItsProfile) {
  const Rows rows = {{"序号", "户编号", "所属派出所", "户籍地址", "姓名", "性别", "出生日期",
                      "身份证号", "户主关系", "备注"},
                     {"1", "H001", "城东派出所", "幸福路1号", "张伟", "男", "19850302",
                      "350902198503020011", "户主", ""},
                     {"2", "H001", "城东派出所", "幸福路1号", "王小红", "女", "2010/1/1",
                      "350902201001010020", "女", "spec spelling"},
                     {"3", "H002", "城东派出所", "幸福路2号", "李四", "男", "1985-13-40",
                      "350902198503020038", "户主", "bad date"}};
  const std::string path = Xlsx("police.xlsx", rows);
  // Without the profile the file lacks the spec's id_number column.
  auto plain = ImportFile(*store_, io::Kind::kPolicePopulation, path, options_);
  ASSERT_FALSE(plain.ok());
  EXPECT_NE(plain.status().message().find("id_number"), std::string::npos);

  auto profile = LoadProfile(Example("police-population.toml"), io::Kind::kPolicePopulation);
  ASSERT_TRUE(profile.ok()) << profile.status().ToString();
  options_.profile = *profile;
  auto s = ImportFile(*store_, io::Kind::kPolicePopulation, path, options_);
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  EXPECT_EQ(s->rows, 3);
  EXPECT_EQ(s->imported, 2);
  EXPECT_EQ(s->rejected, 1);
  ASSERT_EQ(s->first_rejects.size(), 1u);
  EXPECT_EQ(s->first_rejects[0].column, "birth_date");
  EXPECT_EQ(s->first_rejects[0].source_row, 3);
}

TEST_F(ProfileTest, HospitalDeathsImportWithDayFirstDates) {
  const Rows rows = {{"序号", "死者姓名", "性别", "证件号码", "死亡时间", "填报单位", "根本死因"},
                     {"1", "赵六", "男", "350902194001010012", "25/01/2026", "市一院", "肺炎"},
                     {"2", "钱七", "女", "", "5/2/2026", "市一院", ""}};
  const std::string path = Csv("deaths.csv", rows);
  auto profile = LoadProfile(Example("hospital-deaths.toml"), io::Kind::kDeathCertificates);
  ASSERT_TRUE(profile.ok()) << profile.status().ToString();
  options_.profile = *profile;
  auto s = ImportFile(*store_, io::Kind::kDeathCertificates, path, options_);
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  EXPECT_EQ(s->imported, 2);
  EXPECT_EQ(s->rejected, 0);
}

TEST_F(ProfileTest, VaccinationListImportsWithMonthFirstDates) {
  const Rows rows = {
      {"序号", "受种者姓名", "性别", "出生日期", "母亲证件号码", "接种门诊", "建卡人"},
      {"1", "小宝", "女", "01/17/2026", "350902198803120021", "城东门诊", "李医生"},
      {"2", "", "男", "17/01/2026", "350902198803120021", "城东门诊", "李医生"}};
  const std::string path = Csv("vacc.csv", rows);
  auto profile = LoadProfile(Example("vaccination-clinic.toml"), io::Kind::kVaccinations);
  ASSERT_TRUE(profile.ok()) << profile.status().ToString();
  options_.profile = *profile;
  auto s = ImportFile(*store_, io::Kind::kVaccinations, path, options_);
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  EXPECT_EQ(s->imported, 1);
  EXPECT_EQ(s->rejected, 1);  // 17/01/2026 is not month first
}

TEST_F(ProfileTest, ARegisterProfileMapsValuesIntoTheRegister) {
  const std::string toml = Toml("reg.toml",
                                "kind = \"register\"\n"
                                "dates = \"DD/MM/YYYY\"\n"
                                "ignore = [\"备注\"]\n"
                                "[columns]\n"
                                "card_no = \"户号\"\n"
                                "id_number = \"身份证号\"\n"
                                "relation = \"户主关系\"\n");
  auto profile = LoadProfile(toml, io::Kind::kRegister);
  ASSERT_TRUE(profile.ok()) << profile.status().ToString();
  const Rows rows = {
      {"户号", "社区代码", "人员序号", "姓名", "性别", "出生日期", "身份证号", "户主关系", "备注"},
      {"C1", "350902001001", "1", "张伟", "男", "02/03/1985", "350902198503020011", "户主", "x"}};
  options_.profile = *profile;
  auto s = ImportFile(*store_, io::Kind::kRegister, Csv("reg.csv", rows), options_);
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  auto cols = store_->LoadRegisterColumns();
  ASSERT_TRUE(cols.ok());
  ASSERT_EQ(cols->size(), 1u);
  EXPECT_EQ(cols->card_no[0], "C1");
  EXPECT_EQ(cols->birth_date[0], "1985-03-02");
  EXPECT_EQ(cols->id_number[0], "350902198503020011");
  EXPECT_EQ(cols->relation[0], "户主");
}

TEST_F(ProfileTest, AProfileForAnotherKindIsRefused) {
  auto profile = LoadProfile(Example("hospital-deaths.toml"), io::Kind::kDeathCertificates);
  ASSERT_TRUE(profile.ok());
  options_.profile = *profile;
  const std::string path = Csv("c.csv", {{"name", "death_date"}, {"a", "2026-01-01"}});
  auto s = ImportFile(*store_, io::Kind::kCremations, path, options_);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.status().message().find("hospital-deaths.toml: kind:"), std::string::npos)
      << s.status().ToString();
  auto imports = store_->ListImports();
  ASSERT_TRUE(imports.ok());
  EXPECT_TRUE(imports->empty());
}

TEST_F(ProfileTest, AMissingMappedColumnNamesTheProfile) {
  auto profile = LoadProfile(Example("police-population.toml"), io::Kind::kPolicePopulation);
  ASSERT_TRUE(profile.ok());
  options_.profile = *profile;
  const std::string path = Csv("p.csv", {{"姓名", "性别", "出生日期"}, {"张伟", "男", "19850302"}});
  auto s = ImportFile(*store_, io::Kind::kPolicePopulation, path, options_);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.status().message().find("police-population.toml"), std::string::npos)
      << s.status().ToString();
}

}  // namespace
}  // namespace popreg::store
