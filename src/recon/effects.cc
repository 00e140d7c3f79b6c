#include "recon/effects.h"

#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "norm/id_number.h"
#include "recon/item_parts.h"

namespace popreg::recon {
namespace {

using Json = nlohmann::json;

std::string Get(const Json& j, const char* key) { return ItemString(j, key); }

int64_t In(const Window& w, std::string_view date) { return w.Contains(date) ? 1 : 0; }

ItemEffect Refused(std::string why) {
  ItemEffect e;
  e.refused = std::move(why);
  return e;
}

ItemEffect One(std::string_view community, int64_t total, int64_t births, int64_t deaths) {
  ItemEffect e;
  if (total != 0 || births != 0 || deaths != 0) {
    e.deltas.push_back({std::string(community), total, births, deaths});
  }
  return e;
}

class Effects {
 public:
  Effects(const store::Discrepancy& d, const RegisterFacts& facts, const Window& window)
      : d_(d),
        facts_(facts),
        reg_(facts.reg()),
        window_(window),
        verified_(ItemObject(d.values_json)),
        action_(ItemObject(d.action_json)) {}

  ItemEffect Run() {
    const std::string& t = d_.type;
    if (t == "field_mismatch" || t == store::kCardCorrection) {
      return d_.field == "birth_date" ? BirthDate() : ItemEffect();
    }
    if (t == "incomplete_record") return Complete();
    if (t == "unrecorded_death") return Death();
    if (t == "absent_from_source") return Absent();
    if (t == "missing_in_register") return Missing();
    if (t == "unrecorded_birth") return Birth();
    if (t == "duplicate_in_register") return Merge();
    return {};  // invalid_id_number: an ID changes no count
  }

 private:
  int64_t Person() const { return facts_.Find(d_.register_key); }
  ItemEffect Gone() const {
    return Refused("person " + d_.register_key + " is not in the register");
  }

  ItemEffect BirthDate() {
    const int64_t p = Person();
    if (p < 0) return Gone();
    std::string value = Get(verified_, "birth_date");
    if (value.empty()) value = d_.source_value;
    const std::string_view now = reg_.birth_date[p];
    if (value.empty() || now == value) return {};
    if (now != d_.register_value) return Refused("the birth date is no longer the one compared");
    return One(reg_.community_code[p], 0, In(window_, value) - In(window_, now), 0);
  }

  ItemEffect Complete() {
    const int64_t p = Person();
    if (p < 0) return Gone();
    if (!reg_.birth_date[p].empty()) return {};
    std::string value = Get(verified_, "birth_date");
    if (value.empty() && action_.contains("fill")) value = Get(action_["fill"], "birth_date");
    return One(reg_.community_code[p], 0, In(window_, value), 0);
  }

  ItemEffect Death() {
    const int64_t p = Person();
    if (p < 0) return Gone();
    if (reg_.status[p] != "alive")
      return Refused(d_.register_key + " is " + std::string(reg_.status[p]));
    std::string date = Get(verified_, "death_date");
    if (date.empty()) date = Get(action_, "death_date");
    if (date.empty()) return Refused("no death date");
    return One(reg_.community_code[p], -1, 0, In(window_, date));
  }

  ItemEffect Absent() {
    const int64_t p = Person();
    if (p < 0) return Gone();
    std::string outcome = Get(verified_, "outcome");
    const bool assumed = outcome.empty();
    if (assumed) outcome = "moved_out";  // the proposal: verify whether the person moved away
    if (outcome == "present") return {};
    if (reg_.status[p] != "alive")
      return Refused(d_.register_key + " is " + std::string(reg_.status[p]));
    std::string date;
    if (outcome == "deceased") {
      date = Get(verified_, "death_date");
      if (date.empty()) date = Get(verified_, "date");
    }
    ItemEffect e =
        One(reg_.community_code[p], -1, 0, outcome == "deceased" ? In(window_, date) : 0);
    e.assumed = assumed;
    return e;
  }

  ItemEffect Missing() {
    std::string id = Get(verified_, "id_number");
    if (id.empty()) id = d_.source_id_number;
    if (!id.empty()) {
      const norm::IdInfo info = norm::ParseIdNumber(id, window_.as_of);
      if (info.valid() && !facts_.WithId(info.normalized).empty()) {
        return Refused("ID " + info.normalized + " is carded already");
      }
    }
    // The police household's card, where the police list's other members are; else the
    // community verified or the item's.
    std::string community = facts_.CardCommunity(Get(action_, "card"));
    if (community.empty()) community = Get(verified_, "community_code");
    if (community.empty()) community = d_.community_code;
    if (community.empty()) return Refused("the community is unknown");
    return One(community, 1, 0, 0);
  }

  ItemEffect Birth() {
    const std::optional<ItemBirth> b = BirthOfItem(d_);
    if (!b) return Refused("the item has no birth key");
    std::string area = BirthArea(d_.community_code);
    std::string community;
    if (const int64_t m = facts_.Find(Get(action_, "mother_key")); m >= 0) {
      community = reg_.community_code[m];
      if (community.size() == 12) area = BirthArea(community);
    }
    if (community.empty()) {
      for (size_t m : facts_.WithId(b->mother_id)) {
        if (reg_.status[m] == "alive") {
          community = reg_.community_code[m];
          break;
        }
      }
    }
    const int64_t carded_before = action_.value("carded", int64_t{0});
    if (facts_.Children(b->mother_id, b->birth_date, b->sex, area) >= carded_before + b->nth) {
      return Refused("the child of " + b->mother_id + " born " + b->birth_date +
                     " has a card already");
    }
    if (community.empty()) community = Get(verified_, "community_code");
    if (community.empty()) community = d_.community_code;
    if (community.empty()) {
      return Refused("the mother is not in the register, the community unknown");
    }
    return One(community, 1, In(window_, b->birth_date), 0);
  }

  ItemEffect Merge() {
    const auto [keep, gone] = MergeOfItem(d_, action_);
    const int64_t k = facts_.Find(keep), g = facts_.Find(gone);
    if (k < 0 || g < 0)
      return Refused("one of " + keep + " and " + gone + " is not in the register");
    if (k == g) return Refused(keep + " and " + gone + " are one card already");
    const bool deceased = reg_.status[g] == "deceased";
    ItemEffect e =
        One(reg_.community_code[g], reg_.status[g] == "alive" ? -1 : 0,
            -In(window_, reg_.birth_date[g]), deceased ? -In(window_, reg_.death_date[g]) : 0);
    // Values only the removed card has are copied to the card kept.
    const bool takes_birth = reg_.birth_date[k].empty();
    const bool takes_death = reg_.death_date[k].empty() && reg_.status[k] == "deceased";
    const int64_t births = takes_birth ? In(window_, reg_.birth_date[g]) : 0;
    const int64_t deaths = takes_death ? In(window_, reg_.death_date[g]) : 0;
    if (births != 0 || deaths != 0)
      e.deltas.push_back({std::string(reg_.community_code[k]), 0, births, deaths});
    return e;
  }

  const store::Discrepancy& d_;
  const RegisterFacts& facts_;
  const store::RegisterColumns& reg_;
  const Window& window_;
  const Json verified_;
  const Json action_;
};

}  // namespace

RegisterFacts::RegisterFacts(const store::RegisterColumns& reg) : reg_(reg) {
  by_key_.reserve(reg.size());
  by_id_.reserve(reg.size());
  for (size_t i = 0; i < reg.size(); ++i) {
    by_key_.emplace(fmt::format("{}/{}", reg.card_no[i], reg.person_no[i]), i);
    card_first_.emplace(reg.card_no[i], i);
    if (!reg.id_number[i].empty()) by_id_.emplace(reg.id_number[i], i);
    if (!reg.birth_date[i].empty())
      children_.emplace(fmt::format("{}|{}", reg.birth_date[i], reg.sex[i]), i);
  }
}

int64_t RegisterFacts::Find(std::string_view key) const {
  if (key.empty()) return -1;
  auto it = by_key_.find(std::string(key));
  return it == by_key_.end() ? -1 : static_cast<int64_t>(it->second);
}

std::string RegisterFacts::CardCommunity(std::string_view card_no) const {
  if (card_no.empty()) return "";
  auto it = card_first_.find(card_no);
  return std::string(it == card_first_.end() ? "" : reg_.community_code[it->second]);
}

std::vector<size_t> RegisterFacts::WithId(std::string_view id) const {
  std::vector<size_t> out;
  auto [b, e] = by_id_.equal_range(id);
  for (auto it = b; it != e; ++it) out.push_back(it->second);
  return out;
}

int64_t RegisterFacts::Children(std::string_view mother_id, std::string_view birth_date,
                                std::string_view sex, std::string_view area) const {
  const std::vector<size_t> mothers = WithId(mother_id);
  int64_t n = 0;
  auto [b, e] = children_.equal_range(std::string(birth_date) + "|" + std::string(sex));
  for (auto it = b; it != e; ++it) {
    const size_t c = it->second;
    if (!reg_.community_code[c].starts_with(area)) continue;
    bool hers = reg_.mother_id_number[c] == mother_id;
    for (size_t m : mothers) hers = hers || reg_.card_no[m] == reg_.card_no[c];
    n += hers ? 1 : 0;
  }
  return n;
}

ItemEffect CountEffect(const store::Discrepancy& d, const RegisterFacts& facts,
                       const Window& window) {
  return Effects(d, facts, window).Run();
}

}  // namespace popreg::recon
