#include "report/totals.h"

#include <set>
#include <string>

#include "recon/rules.h"

namespace popreg::report {

Result<RegisterTotals> CountRegister(store::Store& store, std::string_view community,
                                     const Date& as_of) {
  ASSIGN_OR_RETURN(store::RegisterColumns reg, store.LoadRegisterColumns());
  RegisterTotals out;
  // The register comes by card (RegisterColumns), a card's persons one after another, and a
  // community's persons mostly so: a card is counted where it starts, and the community's
  // totals are looked up when the code changes, not per person.
  std::string_view code;
  Totals* community_totals = nullptr;
  for (size_t i = 0; i < reg.size(); ++i) {
    if (!reg.community_code[i].starts_with(community)) continue;
    if (community_totals == nullptr || reg.community_code[i] != code) {
      code = reg.community_code[i];
      community_totals = &out.by_community[std::string(code)];
    }
    const bool new_card = i == 0 || reg.card_no[i] != reg.card_no[i - 1];
    for (Totals* t : {&out.all, community_totals}) {
      t->cards += new_card ? 1 : 0;
      ++t->persons;
      if (reg.status[i] == "deceased") {
        ++t->deceased;
      } else if (reg.status[i] == "moved_out") {
        ++t->moved_out;
      } else {
        ++t->alive;
        const bool lacking = !recon::Rule5MissingFields(reg.name[i], reg.sex[i], reg.birth_date[i],
                                                        reg.id_number[i], as_of)
                                  .empty();
        ++(lacking ? t->incomplete : t->complete);
      }
    }
  }
  return out;
}

}  // namespace popreg::report
