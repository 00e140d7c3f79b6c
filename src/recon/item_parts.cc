#include "recon/item_parts.h"

#include <cstdlib>

namespace popreg::recon {

nlohmann::json ItemObject(const std::string& text) {
  if (text.empty()) return nlohmann::json::object();
  nlohmann::json j = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  return j.is_object() ? j : nlohmann::json::object();
}

std::string ItemString(const nlohmann::json& j, const char* key) {
  auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

std::optional<ItemBirth> BirthOfItem(const store::Discrepancy& d) {
  const std::string& key = d.birth_key;
  if (key.size() < 18 + 1 + 10 + 2) return std::nullopt;
  ItemBirth b;
  b.mother_id = key.substr(0, 18);
  b.birth_date = key.substr(19, 10);
  b.sex = key.substr(30, 1);
  const size_t bar = d.identity.rfind('|');
  if (bar != std::string::npos) b.nth = std::atoll(d.identity.c_str() + bar + 1);
  return b;
}

std::pair<std::string, std::string> MergeOfItem(const store::Discrepancy& d,
                                                const nlohmann::json& action) {
  std::string keep = ItemString(action, "keep"), gone = ItemString(action, "remove");
  if (keep.empty() || gone.empty()) return {d.register_key, d.register_key_2};
  return {keep, gone};
}

std::string& PersonField(store::Person& p, std::string_view column) {
  if (column == "card_no") return p.card_no;
  if (column == "person_no") return p.person_no;
  if (column == "name") return p.name;
  if (column == "sex") return p.sex;
  if (column == "birth_date") return p.birth_date;
  if (column == "id_number") return p.id_number;
  if (column == "relation") return p.relation;
  if (column == "ethnicity") return p.ethnicity;
  if (column == "status") return p.status;
  if (column == "death_date") return p.death_date;
  return p.mother_id_number;
}

std::string& HouseholdField(store::Household& h, std::string_view column) {
  if (column == "card_no") return h.card_no;
  if (column == "community_code") return h.community_code;
  if (column == "building") return h.building;
  if (column == "unit") return h.unit;
  if (column == "room") return h.room;
  return h.address;
}

std::string BirthArea(const std::string& community_code) {
  return community_code.size() == 12 ? community_code.substr(0, 9) : community_code;
}

}  // namespace popreg::recon
