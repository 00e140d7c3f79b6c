#include "report/totals.h"

#include <set>
#include <string>

#include "recon/rules.h"

namespace popreg::report {

Result<RegisterTotals> CountRegister(store::Store& store, std::string_view community,
                                     const Date& as_of) {
  ASSIGN_OR_RETURN(store::RegisterColumns reg, store.LoadRegisterColumns());
  RegisterTotals out;
  std::set<std::string> cards;
  std::map<std::string, std::set<std::string>> cards_of;
  for (size_t i = 0; i < reg.size(); ++i) {
    if (!reg.community_code[i].starts_with(community)) continue;
    for (Totals* t : {&out.all, &out.by_community[reg.community_code[i]]}) {
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
    cards.insert(reg.card_no[i]);
    cards_of[reg.community_code[i]].insert(reg.card_no[i]);
  }
  out.all.cards = static_cast<int64_t>(cards.size());
  for (auto& [code, t] : out.by_community) t.cards = static_cast<int64_t>(cards_of[code].size());
  return out;
}

}  // namespace popreg::report
