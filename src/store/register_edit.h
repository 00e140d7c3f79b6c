// Changes of the register one person or household at a time, for applying reviewed items
// (recon/apply.h) and undoing them. Each function runs inside the caller's write transaction
// (Store::Write) and appends the history row of its change (before, after, who, when, why,
// evidence, item) in that same transaction: a change and its history are never apart.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "store/store.h"

namespace popreg::store {

// Who makes a change and why, for its history row.
struct ChangeNote {
  std::string who;
  std::string why;       // a sentence: the item's proposal, or "undo of item 12"
  std::string evidence;  // e.g. "item 12; police_population import 3 row 40"
  int64_t item_id = 0;   // the item applied (or undone); 0 = none
};

// The JSON of a person or household as the history keeps it (keys in the order of the spec's
// columns; the register import writes the same form).
std::string PersonJson(const Person& p);
std::string HouseholdJson(const Household& h);
// The reverse; InvalidArgument for text that is not such an object.
Result<Person> PersonFromJson(std::string_view json);
Result<Household> HouseholdFromJson(std::string_view json);

// The person with this register key ("card_no/person_no"), or nullopt.
Result<std::optional<Person>> GetPerson(sql::Session& s, std::string_view key);
// The household of this card, or nullopt.
Result<std::optional<Household>> GetHousehold(sql::Session& s, std::string_view card_no);
// The persons of one card, by person number.
Result<std::vector<Person>> PersonsOfCard(sql::Session& s, std::string_view card_no);
// The register read in pieces, for what prints it area by area without holding it whole
// (report/books.h); run them inside one Store::Read to see one snapshot.
// The community codes of the register's households that start with `area_prefix` ("" = all),
// ascending.
Result<std::vector<std::string>> RegisterCommunities(sql::Session& s, std::string_view area_prefix);
// The number of households whose community code starts with `area_prefix` ("" = all).
Result<int64_t> CountHouseholds(sql::Session& s, std::string_view area_prefix);
// The households of one community (its exact code), by card number.
Result<std::vector<Household>> HouseholdsOfCommunity(sql::Session& s,
                                                     std::string_view community_code);
// The persons of these cards (any number; read 500 cards a statement), by card number as given
// in `card_nos`, then by person number ("2" before "10").
Result<std::vector<Person>> PersonsOfCards(sql::Session& s,
                                           const std::vector<std::string>& card_nos);
// The persons whose ID number is `id_number` (exact text).
Result<std::vector<Person>> PersonsWithId(sql::Session& s, std::string_view id_number);
// Persons of the cards whose community code starts with `area_prefix` whose mother is
// `mother_id`, born on `birth_date`, of sex `sex`: the same child, for "never card one birth
// twice in a township".
Result<std::vector<Person>> ChildrenOf(sql::Session& s, std::string_view mother_id,
                                       std::string_view birth_date, std::string_view sex,
                                       std::string_view area_prefix);
// The first card of this household's dwelling (same community, building, unit, room; or the
// same address when it has none of them), or "".
Result<std::string> CardAtDwelling(sql::Session& s, const Household& where);
// The next card number of a community: the register's own scheme, the largest number of the
// community's cards plus one with the same width (3509020010010041 -> ...0042); the community
// code and "0001" when the community has no card yet.
Result<std::string> NextCardNo(sql::Session& s, std::string_view community_code);
// The next person number of a card (the largest plus one; "1" for a new card).
Result<std::string> NextPersonNo(sql::Session& s, std::string_view card_no);

// Writes a person: inserted when its key is new, else updated to these values. A history row
// records it (no row, and no write, when nothing differs). The card must exist. `before`, when
// given, is the person as the caller read it in this transaction (saves reading it again).
Status PutPerson(sql::Session& s, const Person& p, const ChangeNote& note,
                 const std::optional<Person>* before = nullptr);
// Removes a person (history: before, no after). NotFound when there is none.
Status RemovePerson(sql::Session& s, std::string_view key, const ChangeNote& note);
// Writes a household (inserted or updated, with history as PutPerson).
Status PutHousehold(sql::Session& s, const Household& h, const ChangeNote& note);
// Removes a household that has no persons left (history as RemovePerson).
Status RemoveHousehold(sql::Session& s, std::string_view card_no, const ChangeNote& note);
// Leaves a forward pointer from a merged person's key to the person it was merged into.
Status AddForward(sql::Session& s, std::string_view old_key, std::string_view new_key,
                  int64_t item_id);
// An item's id, type, community and status, for choosing what to work on without reading
// every item whole.
struct ItemRef {
  int64_t id = 0;
  std::string type, community_code, status;
};
Result<std::vector<ItemRef>> ListItemRefs(Store& store, const DiscrepancyFilter& filter);

// Where a key now lives: the key it was merged into (following pointers), or itself.
Result<std::string> ResolveKey(sql::Session& s, std::string_view key);

// The history rows made by applying (or undoing) one item, oldest first.
Result<std::vector<HistoryEntry>> HistoryOfItem(sql::Session& s, int64_t item_id);
// History rows of an entity after history row `after_id`, oldest first.
Result<std::vector<HistoryEntry>> HistoryAfter(sql::Session& s, std::string_view entity,
                                               std::string_view key, int64_t after_id);

// The history of a person: its own rows and those of every person merged into it (following
// the forward pointers back), oldest first; `merged_into` is set to the key the person was
// merged into when it was (then its rows end there).
struct PersonHistoryResult {
  std::vector<HistoryEntry> rows;
  std::vector<std::string> keys;  // the key and every key merged into it
  std::string merged_into;
};
Result<PersonHistoryResult> PersonHistory(Store& store, std::string_view key);
// The history of a card: the household's rows and those of every person ever on it.
Result<std::vector<HistoryEntry>> CardHistory(Store& store, std::string_view card_no);

// A change of the register as the changes export reports it (report/changes.h): a history row,
// and for a person removed by a merge the key it was merged into (its forward pointer now).
struct RegisterChange {
  HistoryEntry entry;
  std::string merged_into;  // "" when the person was not merged, or for a household
};
// Every history row written at or after `since` (an ISO 8601 date, or a UTC time such as
// "2026-10-02T09:00:00", compared as text with the rows' times), in the order written.
Result<std::vector<RegisterChange>> ChangesSince(Store& store, std::string_view since);

// An imported row's normalised values (a JSON object by the spec's English column names), or
// NotFound.
Result<std::string> SourceRecordJson(sql::Session& s, ImportId import_id, int64_t source_row);

}  // namespace popreg::store
