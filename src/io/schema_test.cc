#include "io/schema.h"

#include <gtest/gtest.h>

#include <map>
#include <set>
#include <string>
#include <vector>

namespace popreg::io {
namespace {

std::vector<std::string> RequiredNames(Kind k) {
  std::vector<std::string> out;
  for (const ColumnSpec& c : Columns(k)) {
    if (c.required) out.emplace_back(c.name);
  }
  return out;
}

TEST(SchemaTest, KindNamesRoundTrip) {
  const std::vector<std::string> names = {
      "areas",        "register",   "police_population",  "police_births",
      "vaccinations", "cremations", "death_certificates", "manual_report"};
  ASSERT_EQ(AllKinds().size(), names.size());
  for (size_t i = 0; i < names.size(); ++i) {
    EXPECT_EQ(KindName(AllKinds()[i]), names[i]);
    Result<Kind> k = ParseKind(names[i]);
    ASSERT_TRUE(k.ok());
    EXPECT_EQ(*k, AllKinds()[i]);
  }
  Result<Kind> bad = ParseKind("births");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("births"), std::string::npos);
}

// The required columns of each kind, as the spec lists them.
TEST(SchemaTest, RequiredColumnsPerKind) {
  const std::map<Kind, std::vector<std::string>> want = {
      {Kind::kAreas, {"code", "name", "level", "parent_code"}},
      {Kind::kRegister,
       {"card_no", "community_code", "person_no", "name", "sex", "birth_date", "id_number"}},
      {Kind::kPolicePopulation, {"name", "sex", "birth_date", "id_number"}},
      {Kind::kPoliceBirths, {"name", "sex", "birth_date", "mother_id_number"}},
      {Kind::kVaccinations, {"sex", "birth_date", "mother_id_number"}},
      {Kind::kCremations, {"name", "death_date"}},
      {Kind::kDeathCertificates, {"name", "death_date"}},
      {Kind::kManualReport, {"community_code", "total_population", "births", "deaths"}},
  };
  for (Kind k : AllKinds()) EXPECT_EQ(RequiredNames(k), want.at(k)) << KindName(k);
}

TEST(SchemaTest, ColumnCountsAndSpotChecks) {
  EXPECT_EQ(Columns(Kind::kAreas).size(), 4u);
  EXPECT_EQ(Columns(Kind::kRegister).size(), 16u);
  EXPECT_EQ(Columns(Kind::kPolicePopulation).size(), 11u);
  EXPECT_EQ(Columns(Kind::kPoliceBirths).size(), 11u);
  EXPECT_EQ(Columns(Kind::kVaccinations).size(), 9u);
  EXPECT_EQ(Columns(Kind::kCremations).size(), 8u);
  EXPECT_EQ(Columns(Kind::kDeathCertificates).size(), 8u);
  EXPECT_EQ(Columns(Kind::kManualReport).size(), 4u);
  // The register says 地址 for address, the other kinds 住址.
  EXPECT_EQ(Columns(Kind::kRegister)[5].name, "address");
  EXPECT_EQ(Columns(Kind::kRegister)[5].alias, "地址");
  EXPECT_EQ(Columns(Kind::kPolicePopulation)[3].alias, "住址");
  EXPECT_EQ(Columns(Kind::kRegister)[10].alias, "公民身份号码");
  EXPECT_EQ(Columns(Kind::kVaccinations)[0].alias, "儿童姓名");
  EXPECT_EQ(Columns(Kind::kManualReport)[1].alias, "总人口");
  // Names and aliases are unique within a kind, and already normalised.
  for (Kind k : AllKinds()) {
    std::set<std::string_view> seen;
    for (const ColumnSpec& c : Columns(k)) {
      EXPECT_TRUE(seen.insert(c.name).second) << c.name;
      EXPECT_TRUE(seen.insert(c.alias).second) << c.alias;
      EXPECT_EQ(NormalizeHeaderCell(c.name), c.name);
      EXPECT_EQ(NormalizeHeaderCell(c.alias), c.alias);
    }
  }
}

TEST(SchemaTest, EveryKindMapsByEnglishNamesAndByAliases) {
  for (Kind k : AllKinds()) {
    std::vector<std::string> english;
    std::vector<std::string> chinese;
    for (const ColumnSpec& c : Columns(k)) {
      english.emplace_back(c.name);
      chinese.emplace_back(c.alias);
    }
    for (const auto& header : {english, chinese}) {
      Result<HeaderMap> m = MapHeader(k, header, "f.csv");
      ASSERT_TRUE(m.ok()) << m.status().ToString();
      EXPECT_EQ(m->kind, k);
      for (size_t i = 0; i < Columns(k).size(); ++i) {
        EXPECT_EQ(m->index[i], static_cast<int>(i));
        EXPECT_EQ(m->Find(Columns(k)[i].name), static_cast<int>(i));
      }
      EXPECT_TRUE(m->extras.empty());
    }
    // Only the required columns suffice.
    Result<HeaderMap> m = MapHeader(k, RequiredNames(k), "f.csv");
    ASSERT_TRUE(m.ok()) << m.status().ToString();
  }
}

TEST(SchemaTest, ChineseHeadersInAnyOrder) {
  Result<HeaderMap> m = MapHeader(Kind::kPolicePopulation,
                                  {"公民身份号码", "姓名", "民族", "性别", "出生日期"}, "p.csv");
  ASSERT_TRUE(m.ok()) << m.status().ToString();
  EXPECT_EQ(m->Find("id_number"), 0);
  EXPECT_EQ(m->Find("name"), 1);
  EXPECT_EQ(m->Find("ethnicity"), 2);
  EXPECT_EQ(m->Find("sex"), 3);
  EXPECT_EQ(m->Find("birth_date"), 4);
  EXPECT_EQ(m->Find("address"), -1);      // optional and absent
  EXPECT_EQ(m->Find("no_such_col"), -1);  // not a column of the kind
}

TEST(SchemaTest, FullWidthPaddedAndCasedHeaders) {
  Result<HeaderMap> m = MapHeader(
      Kind::kCremations,
      {"  Name\t", "\u3000死亡日期\u3000", "ＩＤ＿ＮＵＭＢＥＲ", " Sex ", "FUNERAL_HOME"}, "c.csv");
  ASSERT_TRUE(m.ok()) << m.status().ToString();
  EXPECT_EQ(m->Find("name"), 0);
  EXPECT_EQ(m->Find("death_date"), 1);
  EXPECT_EQ(m->Find("id_number"), 2);
  EXPECT_EQ(m->Find("sex"), 3);
  EXPECT_EQ(m->Find("funeral_home"), 4);
}

TEST(SchemaTest, NormalizeHeaderCell) {
  EXPECT_EQ(NormalizeHeaderCell("  ID_Number \t"), "id_number");
  EXPECT_EQ(NormalizeHeaderCell("\u3000\u3000姓名\u3000"), "姓名");
  EXPECT_EQ(NormalizeHeaderCell("ＢＩＲＴＨ＿ＤＡＴＥ"), "birth_date");
  EXPECT_EQ(NormalizeHeaderCell("\u00A0name\u00A0"), "name");
  EXPECT_EQ(NormalizeHeaderCell("出生 日期"), "出生 日期");  // inner spaces stay
  EXPECT_EQ(NormalizeHeaderCell(""), "");
  EXPECT_EQ(NormalizeHeaderCell(" \u3000\t"), "");
  EXPECT_EQ(NormalizeHeaderCell("（备注）"), "(备注)");
  EXPECT_EQ(NormalizeHeaderCell("𠀀Ａ"), "𠀀a");
  EXPECT_EQ(NormalizeHeaderCell("bad\xFF\xE5"), "bad\uFFFD\uFFFD");  // ill-formed bytes
}

TEST(SchemaTest, MissingRequiredColumnNamesBothNames) {
  Result<HeaderMap> m = MapHeader(Kind::kPolicePopulation, {"姓名", "性别", "出生日期", "住址"},
                                  "police_population.csv");
  ASSERT_FALSE(m.ok());
  EXPECT_EQ(m.status().code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(m.status().message(),
            "police_population.csv: missing required column id_number (公民身份号码)");

  m = MapHeader(Kind::kManualReport, {"community_code", "births"}, "report.csv");
  ASSERT_FALSE(m.ok());
  EXPECT_EQ(m.status().message(),
            "report.csv: missing required columns total_population (总人口), deaths (死亡人数)");
}

TEST(SchemaTest, DuplicateColumnIsAnError) {
  Result<HeaderMap> m = MapHeader(Kind::kCremations, {"name", "death_date", "姓名"}, "c.csv");
  ASSERT_FALSE(m.ok());
  EXPECT_EQ(m.status().code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(m.status().message(), "c.csv: column name (姓名) appears twice (columns 1 and 3)");

  m = MapHeader(Kind::kCremations, {"name", "death_date", "备注", " 备注 "}, "c.csv");
  ASSERT_FALSE(m.ok());
  EXPECT_NE(m.status().message().find("备注"), std::string::npos);
  EXPECT_NE(m.status().message().find("columns 3 and 4"), std::string::npos);
}

TEST(SchemaTest, ExtrasAreKept) {
  Result<HeaderMap> m = MapHeader(Kind::kDeathCertificates,
                                  {"备注", "姓名", "", "死亡日期", "Doctor", "  "}, "d.csv");
  ASSERT_TRUE(m.ok()) << m.status().ToString();
  ASSERT_EQ(m->extras.size(), 2u);
  EXPECT_EQ(m->extras[0], (std::pair<int, std::string>{0, "备注"}));
  EXPECT_EQ(m->extras[1], (std::pair<int, std::string>{4, "Doctor"}));
  EXPECT_EQ(m->Find("name"), 1);
  EXPECT_EQ(m->Find("death_date"), 3);
}

}  // namespace
}  // namespace popreg::io
