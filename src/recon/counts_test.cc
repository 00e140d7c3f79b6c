// The departments' figures a comparison keeps for `popreg stats` (counts.h).
#include "recon/counts.h"

#include <gtest/gtest.h>

#include <map>
#include <string>
#include <vector>

namespace popreg::recon {
namespace {

const Window kWindow{*Date::ParseIso("2025-10-01"), *Date::ParseIso("2026-09-30")};

CountedRecord Record(std::string_view community, int32_t linked, std::string_view id,
                     std::string_view birth, std::string_view death = "") {
  CountedRecord r;
  r.community = community;
  r.linked = linked;
  r.id_number = id;
  r.birth_date = birth;
  r.death_date = death;
  return r;
}

TEST(CountPersons, APersonOfSeveralRowsIsCountedOnce) {
  const TextColumn reg_community = {"A", "A", "B"};
  std::vector<CountedRecord> rs = {
      Record("A", 0, "ID1", "2026-01-01"),  // linked to register person 0
      Record("A", 0, "", "2026-01-01"),     // the same register person: one person
      Record("A", -1, "ID1", ""),           // the same ID: one person
      Record("B", 2, "ID3", "1980-01-01"),  // another, linked
      Record("", -1, "ID4", "2026-05-05"),  // unlinked, no community
      Record("", 1, "", "2020-01-01"),      // no community of its own: its register person's
  };
  std::map<std::string, SourceFigures> out;
  CountPersons(rs, kWindow, reg_community, &out);
  EXPECT_EQ(out["A"], (SourceFigures{2, 1, 0, 2, 1, 0}));
  EXPECT_EQ(out["B"], (SourceFigures{1, 0, 0, 1, 0, 0}));
  EXPECT_EQ(out[""], (SourceFigures{1, 1, 0, 0, 0, 0}));
}

TEST(CountPersons, DeathsOfOneNameAndDateAreOnePerson) {
  std::vector<CountedRecord> rs = {Record("A", -1, "", "", "2026-03-03"),
                                   Record("A", -1, "", "", "2026-03-03"),
                                   Record("A", -1, "", "", "2024-03-03")};
  rs[0].same_person = rs[1].same_person = "王芳|2026-03-03";
  std::map<std::string, SourceFigures> out;
  CountPersons(rs, kWindow, {}, &out);
  EXPECT_EQ(out["A"], (SourceFigures{2, 0, 1, 0, 0, 0}));
}

TEST(CountsJson, RoundTripsThroughTheSummary) {
  SourceCounts c;
  c.since = kWindow.since;
  c.as_of = kWindow.as_of;
  c.kinds = {"police_population", "cremations"};
  c.communities["350902001001"].sources["police_population"] = {10, 2, 0, 9, 1, 0};
  c.communities["350902001001"].departments = {10, 3, 1};
  c.communities[""].sources["cremations"] = {1, 0, 1, 0, 0, 0};
  const std::string summary = R"({"by_type":{},"statistics":)" + CountsJson(c) + "}";
  auto back = CountsFromSummary(summary);
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  ASSERT_TRUE(back->has_value());
  EXPECT_EQ(**back, c);
}

TEST(CountsJson, AnOlderSummaryHasNone) {
  auto none = CountsFromSummary(R"({"by_type":{}})");
  ASSERT_TRUE(none.ok());
  EXPECT_FALSE(none->has_value());
  EXPECT_FALSE(CountsFromSummary(R"({"statistics":{"since":"x"}})").ok());
}

}  // namespace
}  // namespace popreg::recon
