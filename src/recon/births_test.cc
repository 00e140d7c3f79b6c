#include "recon/births.h"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <string>

#include "base/date.h"
#include "norm/id_number.h"

namespace popreg::recon {
namespace {

// A valid ID number of a woman born on `birth` (YYYYMMDD), numbered by `n`.
std::string WomansId(std::string_view birth, int n) {
  const std::string first17 = "350902" + std::string(birth) + fmt::format("{:03d}", 2 * (n % 500));
  return first17 + norm::IdCheckChar(first17);
}

// Cards of three (a head, his wife with her ID, their son without a mother's number), numbered
// so that the chunks RegisterMothers works in (16,384 persons) end inside cards.
store::RegisterColumns ThreePersonCards(int cards) {
  store::RegisterColumns reg;
  for (int c = 0; c < cards; ++c) {
    const std::string card = fmt::format("C{:06d}", c);
    const struct {
      const char *relation, *sex, *birth;
      std::string id;
    } persons[] = {{"户主", "M", "1980-01-01", ""},
                   {"妻", "F", "1985-03-01", WomansId("19850301", c)},
                   {"子", "M", "2012-05-05", ""}};
    int n = 0;
    for (const auto& p : persons) {
      reg.card_no.push_back(card);
      reg.person_no.push_back(std::to_string(++n));
      reg.name.push_back("某");
      reg.sex.push_back(p.sex);
      reg.birth_date.push_back(p.birth);
      reg.id_number.push_back(p.id);
      reg.relation.push_back(p.relation);
      reg.ethnicity.push_back("");
      reg.status.push_back("alive");
      reg.death_date.push_back("");
      reg.mother_id_number.push_back("");
      for (TextColumn* t :
           {&reg.community_code, &reg.building, &reg.unit, &reg.room, &reg.address}) {
        t->push_back("");
      }
    }
  }
  return reg;
}

TEST(RegisterMothersTest, EveryCardIsSeenWholeWhereverTheChunksEnd) {
  const store::RegisterColumns reg = ThreePersonCards(13000);
  const Date as_of = *Date::ParseIso("2026-09-30");
  for (int threads : {1, 3}) {
    SCOPED_TRACE(threads);
    const TextColumn mothers = RegisterMothers(reg, as_of, threads);
    ASSERT_EQ(mothers.size(), reg.size());
    for (size_t i = 0; i < reg.size(); ++i) {
      // The son's mother is his card's wife; neither parent has one in the card.
      const std::string expected(i % 3 == 2 ? reg.id_number[i - 1] : "");
      ASSERT_EQ(mothers[i], expected) << "person " << i << " of card " << reg.card_no[i];
    }
  }
}

}  // namespace
}  // namespace popreg::recon
