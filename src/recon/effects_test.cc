// CountEffect item by item, on a small register (effects.h). That the projections agree with
// what `popreg apply` really does on a whole district is tests/cli_stats_test.sh's check.
#include "recon/effects.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace popreg::recon {
namespace {

const Window kWindow{*Date::ParseIso("2025-10-01"), *Date::ParseIso("2026-09-30")};
constexpr const char* kMother = "350902199001011223";

// A register of two cards in two communities of one township.
class CountEffectTest : public ::testing::Test {
 protected:
  void SetUp() override {
    // card, person, community, sex, birth, id, status, death, mother
    Add("3509020010010001", "1", "350902001001", "F", "1990-01-01", kMother, "alive", "", "");
    Add("3509020010010001", "2", "350902001001", "M", "2026-01-05", "", "alive", "", kMother);
    Add("3509020010010001", "3", "350902001001", "M", "1950-03-02", "", "alive", "", "");
    Add("3509020010020001", "1", "350902001002", "F", "1980-05-05", "", "alive", "", "");
    Add("3509020010020001", "2", "350902001002", "F", "", "", "alive", "", "");
    Add("3509020010020001", "3", "350902001002", "M", "1940-01-01", "", "deceased", "2026-02-02",
        "");
  }

  void Add(const char* card, const char* person, const char* community, const char* sex,
           const char* birth, const char* id, const char* status, const char* death,
           const char* mother) {
    reg_.card_no.push_back(card);
    reg_.person_no.push_back(person);
    reg_.community_code.push_back(community);
    reg_.sex.push_back(sex);
    reg_.birth_date.push_back(birth);
    reg_.id_number.push_back(id);
    reg_.status.push_back(status);
    reg_.death_date.push_back(death);
    reg_.mother_id_number.push_back(mother);
    for (auto* c : {&reg_.name, &reg_.relation, &reg_.ethnicity, &reg_.building, &reg_.unit,
                    &reg_.room, &reg_.address}) {
      c->push_back("");
    }
  }

  ItemEffect Effect(const store::Discrepancy& d) {
    const RegisterFacts facts(reg_);
    return CountEffect(d, facts, kWindow);
  }

  static store::Discrepancy Item(const char* type, const char* key = "",
                                 const char* community = "") {
    store::Discrepancy d;
    d.type = type;
    d.register_key = key;
    d.community_code = community;
    return d;
  }

  store::RegisterColumns reg_;
};

std::vector<CountDelta> Deltas(std::initializer_list<CountDelta> d) { return d; }

TEST_F(CountEffectTest, MissingInRegisterAddsAPersonToTheCardsCommunity) {
  store::Discrepancy d = Item("missing_in_register", "", "350902001001");
  d.source_id_number = "350902198001010012";
  EXPECT_EQ(Effect(d).deltas, Deltas({{"350902001001", 1, 0, 0}}));
  // The police household's card decides the community, as apply puts the person there.
  d.action_json = R"({"card":"3509020010020001"})";
  EXPECT_EQ(Effect(d).deltas, Deltas({{"350902001002", 1, 0, 0}}));
  // A verified community wins over the item's when there is no card.
  d.action_json = "";
  d.values_json = R"({"community_code":"350902001002"})";
  EXPECT_EQ(Effect(d).deltas, Deltas({{"350902001002", 1, 0, 0}}));
}

TEST_F(CountEffectTest, MissingInRegisterRefusedWhenCardedOrNowhere) {
  store::Discrepancy d = Item("missing_in_register", "", "350902001001");
  d.source_id_number = kMother;
  EXPECT_TRUE(Effect(d).deltas.empty());
  EXPECT_NE(Effect(d).refused, "");
  d.source_id_number = "";
  d.community_code = "";
  EXPECT_NE(Effect(d).refused, "");
}

TEST_F(CountEffectTest, UnrecordedBirthAddsAPersonAndABirthWhereTheMotherIs) {
  store::Discrepancy d = Item("unrecorded_birth", "", "350902001002");
  d.birth_key = std::string(kMother) + "|2026-03-04|F";
  d.identity = "unrecorded_birth|" + d.birth_key + "|1";
  d.action_json = R"({"mother_key":"3509020010010001/1","carded":0})";
  EXPECT_EQ(Effect(d).deltas, Deltas({{"350902001001", 1, 1, 0}}));
  // Born before the window: a person, no birth of the window.
  d.birth_key = std::string(kMother) + "|2024-03-04|F";
  EXPECT_EQ(Effect(d).deltas, Deltas({{"350902001001", 1, 0, 0}}));
}

TEST_F(CountEffectTest, UnrecordedBirthOfAChildCardedAlreadyIsRefused) {
  store::Discrepancy d = Item("unrecorded_birth", "", "350902001001");
  d.birth_key = std::string(kMother) + "|2026-01-05|M";  // person 3509020010010001/2
  d.identity = "unrecorded_birth|" + d.birth_key + "|1";
  EXPECT_TRUE(Effect(d).deltas.empty());
  EXPECT_NE(Effect(d).refused, "");
  // Twins of whom one is carded: the comparison counted it, the item is the other.
  d.action_json = R"({"carded":1})";
  EXPECT_EQ(Effect(d).deltas, Deltas({{"350902001001", 1, 1, 0}}));
}

TEST_F(CountEffectTest, UnrecordedDeathTakesOneOffAndAddsADeathInTheWindow) {
  store::Discrepancy d = Item("unrecorded_death", "3509020010010001/3");
  d.action_json = R"({"death_date":"2026-05-01"})";
  EXPECT_EQ(Effect(d).deltas, Deltas({{"350902001001", -1, 0, 1}}));
  d.values_json = R"({"death_date":"2025-01-01"})";  // verified: before the window
  EXPECT_EQ(Effect(d).deltas, Deltas({{"350902001001", -1, 0, 0}}));
  d = Item("unrecorded_death", "3509020010020001/3");  // deceased already
  d.action_json = R"({"death_date":"2026-05-01"})";
  EXPECT_NE(Effect(d).refused, "");
}

TEST_F(CountEffectTest, AbsentFromSourceByItsOutcomeOrTheProposal) {
  store::Discrepancy d = Item("absent_from_source", "3509020010020001/1");
  ItemEffect e = Effect(d);
  EXPECT_EQ(e.deltas, Deltas({{"350902001002", -1, 0, 0}}));
  EXPECT_TRUE(e.assumed);
  d.values_json = R"({"outcome":"present"})";
  e = Effect(d);
  EXPECT_TRUE(e.deltas.empty());
  EXPECT_FALSE(e.assumed);
  d.values_json = R"({"outcome":"deceased","death_date":"2026-07-01"})";
  EXPECT_EQ(Effect(d).deltas, Deltas({{"350902001002", -1, 0, 1}}));
  d.values_json = R"({"outcome":"moved_out","date":"2026-07-01"})";
  EXPECT_EQ(Effect(d).deltas, Deltas({{"350902001002", -1, 0, 0}}));
}

TEST_F(CountEffectTest, DuplicateTakesTheRemovedPersonAndItsBirthOff) {
  store::Discrepancy d = Item("duplicate_in_register", "3509020010010001/1");
  d.register_key_2 = "3509020010010001/2";
  d.action_json = R"({"keep":"3509020010010001/1","remove":"3509020010010001/2"})";
  EXPECT_EQ(Effect(d).deltas, Deltas({{"350902001001", -1, -1, 0}}));
  // The card kept has no birth date: it takes the removed one's, and the birth stays.
  d.action_json = R"({"keep":"3509020010020001/2","remove":"3509020010010001/2"})";
  EXPECT_EQ(Effect(d).deltas, Deltas({{"350902001001", -1, -1, 0}, {"350902001002", 0, 1, 0}}));
}

TEST_F(CountEffectTest, BirthDateCorrectionsMoveABirthIntoOrOutOfTheWindow) {
  store::Discrepancy d = Item("field_mismatch", "3509020010010001/2");
  d.field = "birth_date";
  d.register_value = "2026-01-05";
  d.source_value = "2025-01-05";
  EXPECT_EQ(Effect(d).deltas, Deltas({{"350902001001", 0, -1, 0}}));
  d.source_value = "2026-01-06";  // still in the window
  EXPECT_TRUE(Effect(d).deltas.empty());
  d.register_value = "2026-01-04";  // the register changed since: apply refuses
  EXPECT_NE(Effect(d).refused, "");
  d = Item("field_mismatch", "3509020010010001/2");
  d.field = "name";
  EXPECT_TRUE(Effect(d).deltas.empty());
  EXPECT_TRUE(Effect(Item("invalid_id_number", "3509020010010001/2")).deltas.empty());
}

TEST_F(CountEffectTest, AnIncompleteBirthDateFilledInMayAddABirth) {
  store::Discrepancy d = Item("incomplete_record", "3509020010020001/2");
  d.action_json = R"({"fill":{"birth_date":"2026-02-02"}})";
  EXPECT_EQ(Effect(d).deltas, Deltas({{"350902001002", 0, 1, 0}}));
  d.values_json = R"({"birth_date":"1999-02-02"})";
  EXPECT_TRUE(Effect(d).deltas.empty());
  // A person with a birth date: the item fills something else.
  EXPECT_TRUE(Effect(Item("incomplete_record", "3509020010010001/3")).deltas.empty());
}

TEST_F(CountEffectTest, APersonNoLongerInTheRegisterIsRefused) {
  const ItemEffect e = Effect(Item("unrecorded_death", "3509020010990001/1"));
  EXPECT_TRUE(e.deltas.empty());
  EXPECT_NE(e.refused, "");
}

}  // namespace
}  // namespace popreg::recon
