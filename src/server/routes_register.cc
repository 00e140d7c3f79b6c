// The register as it stands: the areas, a community's household cards a page at a time, one
// card with its persons and history, a person's history, the incomplete persons, the totals, and
// the deliberate, audited reveal of one person's whole ID number.
#include <algorithm>
#include <string>

#include "base/env.h"
#include "recon/policy.h"
#include "report/incomplete.h"
#include "report/totals.h"
#include "server/api.h"
#include "server/masking.h"
#include "store/register_edit.h"
#include "store/sql.h"

namespace popreg::server {
namespace {

// A person and a card as the history stores them (store::PersonJson, HouseholdJson), one
// spelling of their fields for the store and the API; a person also with its register key.
nlohmann::json PersonView(const store::Person& p) {
  nlohmann::json j = nlohmann::json::parse(store::PersonJson(p));
  j["key"] = p.card_no + "/" + p.person_no;
  return j;
}

nlohmann::json HouseholdView(const store::Household& h) {
  return nlohmann::json::parse(store::HouseholdJson(h));
}

nlohmann::json HistoryJson(const std::vector<store::HistoryEntry>& rows) {
  nlohmann::json out = nlohmann::json::array();
  for (const store::HistoryEntry& h : rows) {
    out.push_back({{"id", h.id},
                   {"entity", h.entity},
                   {"key", h.entity_key},
                   {"before", ParsedOrNull(h.before_json)},
                   {"after", ParsedOrNull(h.after_json)},
                   {"who", h.who},
                   {"at", h.at},
                   {"why", h.why},
                   {"evidence", h.evidence},
                   {"item", h.item_id == 0 ? nlohmann::json() : nlohmann::json(h.item_id)}});
  }
  return out;
}

bool Whole(const Call& call) { return call.Allow(recon::Action::kSeeIdNumbers).ok(); }

Result<Reply> Areas(Call& call) {
  RETURN_IF_ERROR(call.AllowSomewhere(recon::Action::kRead));
  ASSIGN_OR_RETURN(std::vector<store::Area> areas, call.store.ListAreas());
  nlohmann::json out = nlohmann::json::array();
  for (const store::Area& a : areas) {
    out.push_back({{"code", a.code},
                   {"name", a.name},
                   {"level", a.level},
                   {"parent_code", a.parent_code},
                   {"yours", call.Allow(recon::Action::kRead, a.code).ok()}});
  }
  return Json({{"areas", std::move(out)}});
}

// A community's cards in dwelling order... by card number, `limit` after the card `after`.
Result<Reply> Households(Call& call) {
  const std::string community = call.Query("community").value_or("");
  if (community.size() != 12) return InvalidArgument("community=CODE (12 digits) is required");
  RETURN_IF_ERROR(call.Allow(recon::Action::kRead, community));
  const std::string after = call.Query("after").value_or("");
  ASSIGN_OR_RETURN(const int64_t limit, IntQuery(call, "limit", 100, 1, 1000));
  nlohmann::json out = nlohmann::json::array();
  std::string next;
  RETURN_IF_ERROR(call.store.Read("listing households", [&](store::sql::Session& s) -> Status {
    ASSIGN_OR_RETURN(std::vector<store::Household> hh, store::HouseholdsOfCommunity(s, community));
    std::sort(hh.begin(), hh.end(), [](const store::Household& a, const store::Household& b) {
      return a.card_no < b.card_no;
    });
    auto it = std::upper_bound(
        hh.begin(), hh.end(), after,
        [](const std::string& k, const store::Household& h) { return k < h.card_no; });
    std::vector<std::string> cards;
    for (; it != hh.end() && static_cast<int64_t>(cards.size()) < limit; ++it) {
      cards.push_back(it->card_no);
      out.push_back(HouseholdView(*it));
      out.back()["members"] = 0;
    }
    if (it != hh.end() && !cards.empty()) next = cards.back();
    ASSIGN_OR_RETURN(std::vector<store::Person> persons, store::PersonsOfCards(s, cards));
    size_t i = 0;
    for (const store::Person& p : persons) {
      while (i < cards.size() && cards[i] != p.card_no) ++i;
      if (i < cards.size() && p.status == "alive")
        out[i]["members"] = out[i]["members"].get<int>() + 1;
    }
    return Status::Ok();
  }));
  return Json({{"households", std::move(out)}, {"next", OrNull(next)}});
}

Result<Reply> Household(Call& call) {
  const std::string& card = call.Path("card");
  // Refused before the card is looked for (whether it exists is not theirs to learn).
  RETURN_IF_ERROR(call.AllowSomewhere(recon::Action::kRead));
  nlohmann::json body;
  RETURN_IF_ERROR(call.store.Read("reading card " + card, [&](store::sql::Session& s) -> Status {
    ASSIGN_OR_RETURN(std::optional<store::Household> h, store::GetHousehold(s, card));
    if (!h) return NotFound("card " + card);
    RETURN_IF_ERROR(call.Allow(recon::Action::kRead, h->community_code));
    body = HouseholdView(*h);
    ASSIGN_OR_RETURN(std::vector<store::Person> persons, store::PersonsOfCard(s, card));
    body["persons"] = nlohmann::json::array();
    for (const store::Person& p : persons) body["persons"].push_back(PersonView(p));
    return Status::Ok();
  }));
  ASSIGN_OR_RETURN(std::vector<store::HistoryEntry> history, store::CardHistory(call.store, card));
  body["history"] = HistoryJson(history);
  return Json(Masked(std::move(body), Whole(call)));
}

// The community of a person's card, checked against the user: NotFound for an unknown person.
Result<store::Person> ReadablePerson(Call& call, const std::string& key) {
  RETURN_IF_ERROR(call.AllowSomewhere(recon::Action::kRead));  // before looking (as Household)
  store::Person person;
  RETURN_IF_ERROR(call.store.Read("reading person " + key, [&](store::sql::Session& s) -> Status {
    ASSIGN_OR_RETURN(std::string resolved, store::ResolveKey(s, key));
    ASSIGN_OR_RETURN(std::optional<store::Person> p, store::GetPerson(s, resolved));
    if (!p) return NotFound("person " + key);
    ASSIGN_OR_RETURN(std::optional<store::Household> h, store::GetHousehold(s, p->card_no));
    RETURN_IF_ERROR(call.Allow(recon::Action::kRead, h ? h->community_code : ""));
    person = *p;
    return Status::Ok();
  }));
  return person;
}

Result<Reply> PersonHistoryRoute(Call& call) {
  const std::string key = call.Query("person").value_or("");
  if (key.empty()) return InvalidArgument("person=CARD/NO is required");
  ASSIGN_OR_RETURN(store::Person p, ReadablePerson(call, key));
  ASSIGN_OR_RETURN(store::PersonHistoryResult h, store::PersonHistory(call.store, key));
  nlohmann::json body = {{"person", PersonView(p)},
                         {"keys", h.keys},
                         {"merged_into", OrNull(h.merged_into)},
                         {"history", HistoryJson(h.rows)}};
  return Json(Masked(std::move(body), Whole(call)));
}

// One person's whole ID number, for a reviewer who needs it: allowed by the policy
// (kRevealIdNumber), with a reason, and written to the audit log before it is sent.
Result<Reply> Reveal(Call& call) {
  ASSIGN_OR_RETURN(nlohmann::json body, call.Body());
  ASSIGN_OR_RETURN(std::string key, StringField(body, "person"));
  ASSIGN_OR_RETURN(std::string reason, StringField(body, "reason"));
  if (reason.size() < 2) return InvalidArgument("say why the number is needed (reason)");
  RETURN_IF_ERROR(call.AllowSomewhere(recon::Action::kRevealIdNumber));
  ASSIGN_OR_RETURN(store::Person p, ReadablePerson(call, key));
  ASSIGN_OR_RETURN(
      std::optional<store::Household> h, [&]() -> Result<std::optional<store::Household>> {
        std::optional<store::Household> out;
        RETURN_IF_ERROR(call.store.Read("reading card", [&](store::sql::Session& s) -> Status {
          ASSIGN_OR_RETURN(out, store::GetHousehold(s, p.card_no));
          return Status::Ok();
        }));
        return out;
      }());
  RETURN_IF_ERROR(call.Allow(recon::Action::kRevealIdNumber, h ? h->community_code : ""));
  const std::string object = p.card_no + "/" + p.person_no;
  RETURN_IF_ERROR(AuditAs(call.store, call.Me().login, "person.reveal", object,
                          {{"reason", reason}, {"address", call.Address()}}));
  return Json(
      {{"person", object}, {"id_number", p.id_number}, {"mother_id_number", p.mother_id_number}});
}

Result<Reply> Incomplete(Call& call) {
  ASSIGN_OR_RETURN(std::string area, call.Area(recon::Action::kRead));
  ASSIGN_OR_RETURN(Date as_of, call.DateParam("as_of"));
  ASSIGN_OR_RETURN(std::vector<report::IncompletePerson> list,
                   report::ListIncomplete(call.store, area, as_of));
  nlohmann::json out = nlohmann::json::array();
  for (const report::IncompletePerson& p : list) {
    out.push_back({{"community_code", p.community_code},
                   {"key", p.register_key},
                   {"name", p.name},
                   {"sex", p.sex},
                   {"birth_date", p.birth_date},
                   {"id_number", p.id_number},
                   {"missing", p.missing},
                   {"since", p.since}});
  }
  return Json(Masked({{"as_of", as_of.Iso()}, {"persons", std::move(out)}}, Whole(call)));
}

nlohmann::json TotalsJson(const report::Totals& t) {
  return {{"cards", t.cards},          {"persons", t.persons},     {"alive", t.alive},
          {"deceased", t.deceased},    {"moved_out", t.moved_out}, {"complete", t.complete},
          {"incomplete", t.incomplete}};
}

Result<Reply> TotalsRoute(Call& call) {
  ASSIGN_OR_RETURN(std::string area, call.Area(recon::Action::kRead));
  ASSIGN_OR_RETURN(Date as_of, call.DateParam("as_of"));
  ASSIGN_OR_RETURN(report::RegisterTotals t, report::CountRegister(call.store, area, as_of));
  nlohmann::json by = nlohmann::json::object();
  for (const auto& [code, totals] : t.by_community) by[code] = TotalsJson(totals);
  return Json({{"as_of", as_of.Iso()}, {"all", TotalsJson(t.all)}, {"by_community", by}});
}

}  // namespace

void AddRegisterRoutes(Api& api) {
  api.Add("GET", "/api/v1/areas", Access::kUser, Areas);
  api.Add("GET", "/api/v1/households", Access::kUser, Households);
  api.Add("GET", "/api/v1/households/{card}", Access::kUser, Household);
  api.Add("GET", "/api/v1/history", Access::kUser, PersonHistoryRoute);
  api.Add("POST", "/api/v1/persons/reveal", Access::kUser, Reveal);
  api.Add("GET", "/api/v1/incomplete", Access::kUser, Incomplete);
  api.Add("GET", "/api/v1/totals", Access::kUser, TotalsRoute);
}

}  // namespace popreg::server
