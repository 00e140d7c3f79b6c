#include "recon/correct.h"

#include <algorithm>
#include <nlohmann/json.hpp>

#include "recon/item_parts.h"
#include "recon/policy.h"
#include "recon/review.h"
#include "recon/words.h"
#include "store/register_edit.h"
#include "store/review.h"
#include "store/users.h"

namespace popreg::recon {

Result<std::vector<int64_t>> RaiseCorrection(store::Store& store, const CorrectionRequest& r) {
  for (const auto& [field, value] : r.set) {
    if (std::find(std::begin(kCorrectableFields), std::end(kCorrectableFields), field) ==
        std::end(kCorrectableFields)) {
      return InvalidArgument("--set " + field + "=" + value +
                             ": a card correction sets name, sex, birth_date, id_number, "
                             "relation or ethnicity");
    }
  }
  if (r.set.empty()) return InvalidArgument("say what is right: --set FIELD=VALUE");
  if (r.note.find_first_not_of(" \t\r\n") == std::string::npos) {
    return InvalidArgument("a correction needs a note: what was seen, and where");
  }
  ASSIGN_OR_RETURN(const auto values,
                   CheckVerifiedValues(std::string(store::kCardCorrection), r.set));
  ASSIGN_OR_RETURN(std::optional<store::User> user, store::FindUser(store, r.user));
  if (!user) RETURN_IF_ERROR(Authorize(store, r.user, Action::kRead).status());

  std::vector<int64_t> ids;
  RETURN_IF_ERROR(
      store.Write("a card correction by " + r.user, [&](store::sql::Session& s) -> Status {
        ids.clear();
        ASSIGN_OR_RETURN(std::optional<store::Person> person, store::GetPerson(s, r.person));
        if (!person) {
          return NotFound("there is no person " + r.person + " in the register");
        }
        ASSIGN_OR_RETURN(std::optional<store::Household> home,
                         store::GetHousehold(s, person->card_no));
        const std::string community = home ? home->community_code : "";
        RETURN_IF_ERROR(Allow(*user, Action::kVerify, community));
        for (const std::string_view field : kCorrectableFields) {
          auto it = values.find(std::string(field));
          if (it == values.end()) continue;
          const std::string& now = PersonField(*person, field);
          if (now == it->second) continue;
          store::Discrepancy d;
          d.type = std::string(store::kCardCorrection);
          d.community_code = community;
          d.register_key = r.person;
          d.field = std::string(field);
          d.register_value = now;
          d.source_value = it->second;
          d.identity = d.type + "|" + d.register_key + "|" + d.field;
          d.proposal = "将 " + d.register_key + " 的" + std::string(FieldWord(d.field)) + "由“" +
                       now + "”改为“" + it->second + "”（" + r.user + " 核对户卡时更正：" + r.note +
                       "）";
          RETURN_IF_ERROR(store::InsertItem(s, d));
          // Raised by someone who saw it: verified by them at once, with their note and value.
          const nlohmann::ordered_json verified = {{d.field, d.source_value}};
          RETURN_IF_ERROR(
              store::RecordTransition(s, d, "verified", r.user, r.note, verified.dump()));
          ids.push_back(d.id);
        }
        if (ids.empty()) {
          return InvalidArgument("the card already says so: nothing of " + r.person +
                                 " to correct");
        }
        return Status();
      }));
  return ids;
}

}  // namespace popreg::recon
