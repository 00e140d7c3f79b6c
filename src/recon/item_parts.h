// What applying an item (apply.cc) and counting its effect (effects.cc) read of it alike: its
// JSON objects (and the history's), read leniently, and the parts of its keys. For recon/ and
// the reports above it.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "store/store.h"

namespace popreg::recon {

// An item's action_json or values_json as an object; {} for "" or text that is not one.
nlohmann::json ItemObject(const std::string& text);
// The string at `key` of `j`, or "" when there is none or it is no string.
std::string ItemString(const nlohmann::json& j, const char* key);

// The child an unrecorded_birth item is about, from its birth_key (mother's 18-digit ID | ISO
// date | M or F) and identity (twins share a key: "...|n" is the nth of them). nullopt when the
// key is too short to be one.
struct ItemBirth {
  std::string mother_id, birth_date, sex;
  int64_t nth = 1;
};
std::optional<ItemBirth> BirthOfItem(const store::Discrepancy& d);

// The register keys a duplicate_in_register item keeps and removes: its action's, else its two
// register keys.
std::pair<std::string, std::string> MergeOfItem(const store::Discrepancy& d,
                                                const nlohmann::json& action);

// The value of a register person (or household) named by its spec register column (card_no,
// person_no, name, ... mother_id_number; card_no, community_code, ... address). Callers pass
// known columns only: any other name gives the last column (mother_id_number, address).
std::string& PersonField(store::Person& p, std::string_view column);
std::string& HouseholdField(store::Household& h, std::string_view column);

// The area in which the same birth is never carded twice: a 12-digit community's township (its
// first 9 digits); any other code is its own area.
std::string BirthArea(const std::string& community_code);

}  // namespace popreg::recon
