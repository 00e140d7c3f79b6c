#include "store/register_edit.h"

#include <algorithm>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <tuple>
#include <unordered_map>
#include <vector>

#include "store/backend_checks.h"
#include "store/common_store.h"
#include "store/sql.h"

namespace popreg::store {
namespace {

constexpr std::string_view kPersonColumns =
    "card_no, person_no, name, sex, birth_date, id_number, relation, ethnicity, status, "
    "death_date, mother_id_number";
constexpr std::string_view kHouseholdColumns =
    "card_no, community_code, building, unit, room, address";

Person ReadPerson(const sql::Rows& r, size_t i) {
  Person p;
  p.card_no = r.String(i, 0);
  p.person_no = r.String(i, 1);
  p.name = r.String(i, 2);
  p.sex = r.String(i, 3);
  p.birth_date = r.String(i, 4);
  p.id_number = r.String(i, 5);
  p.relation = r.String(i, 6);
  p.ethnicity = r.String(i, 7);
  p.status = r.String(i, 8);
  p.death_date = r.String(i, 9);
  p.mother_id_number = r.String(i, 10);
  return p;
}

Household ReadHousehold(const sql::Rows& r, size_t i) {
  return Household{r.String(i, 0), r.String(i, 1), r.String(i, 2),
                   r.String(i, 3), r.String(i, 4), r.String(i, 5)};
}

std::vector<Person> ReadPersons(const sql::Rows& r) {
  std::vector<Person> out;
  for (size_t i = 0; i < r.size(); ++i) out.push_back(ReadPerson(r, i));
  return out;
}

// "card/person" split at its last slash; false when there is none.
bool SplitKey(std::string_view key, std::string* card, std::string* person) {
  const size_t slash = key.rfind('/');
  if (slash == std::string_view::npos || slash == 0 || slash + 1 == key.size()) return false;
  *card = std::string(key.substr(0, slash));
  *person = std::string(key.substr(slash + 1));
  return true;
}

Status AppendChange(sql::Session& s, std::string_view entity, std::string_view key,
                    const std::string& before, const std::string& after, const ChangeNote& n) {
  HistoryEntry e;
  e.entity = std::string(entity);
  e.entity_key = std::string(key);
  e.before_json = before;
  e.after_json = after;
  e.who = n.who;
  e.why = n.why;
  e.evidence = n.evidence;
  e.item_id = n.item_id;
  return InsertHistory(s, e).status();
}

std::vector<HistoryEntry> ReadHistory(const sql::Rows& r) {
  std::vector<HistoryEntry> out;
  for (size_t i = 0; i < r.size(); ++i) {
    out.push_back(HistoryEntry{r.String(i, 0), r.String(i, 1), r.String(i, 2), r.String(i, 3),
                               r.String(i, 4), r.String(i, 5), r.String(i, 6), r.String(i, 7),
                               r.Int(i, 8), r.Int(i, 9)});
  }
  return out;
}

constexpr std::string_view kHistoryColumns =
    "entity, entity_key, before_json, after_json, who, at, why, evidence, item_id, id";

}  // namespace

std::string PersonJson(const Person& p) {
  nlohmann::ordered_json j = {{"card_no", p.card_no},
                              {"person_no", p.person_no},
                              {"name", p.name},
                              {"sex", p.sex},
                              {"birth_date", p.birth_date},
                              {"id_number", p.id_number},
                              {"relation", p.relation},
                              {"ethnicity", p.ethnicity},
                              {"status", p.status},
                              {"death_date", p.death_date},
                              {"mother_id_number", p.mother_id_number}};
  return j.dump();
}

std::string HouseholdJson(const Household& h) {
  nlohmann::ordered_json j = {{"card_no", h.card_no},   {"community_code", h.community_code},
                              {"building", h.building}, {"unit", h.unit},
                              {"room", h.room},         {"address", h.address}};
  return j.dump();
}

Result<Person> PersonFromJson(std::string_view json) {
  nlohmann::json j = nlohmann::json::parse(json, nullptr, /*allow_exceptions=*/false);
  if (!j.is_object()) return InvalidArgument("not a person: " + std::string(json));
  auto get = [&](const char* k) { return j.contains(k) ? j[k].get<std::string>() : ""; };
  Person p;
  p.card_no = get("card_no");
  p.person_no = get("person_no");
  p.name = get("name");
  p.sex = get("sex");
  p.birth_date = get("birth_date");
  p.id_number = get("id_number");
  p.relation = get("relation");
  p.ethnicity = get("ethnicity");
  p.status = get("status");
  p.death_date = get("death_date");
  p.mother_id_number = get("mother_id_number");
  return p;
}

Result<Household> HouseholdFromJson(std::string_view json) {
  nlohmann::json j = nlohmann::json::parse(json, nullptr, /*allow_exceptions=*/false);
  if (!j.is_object()) return InvalidArgument("not a household: " + std::string(json));
  auto get = [&](const char* k) { return j.contains(k) ? j[k].get<std::string>() : ""; };
  return Household{get("card_no"), get("community_code"), get("building"),
                   get("unit"),    get("room"),           get("address")};
}

Result<std::optional<Person>> GetPerson(sql::Session& s, std::string_view key) {
  std::string card, person;
  if (!SplitKey(key, &card, &person)) return std::optional<Person>();
  ASSIGN_OR_RETURN(sql::Rows r, s.Query("reading person " + std::string(key),
                                        "SELECT " + std::string(kPersonColumns) +
                                            " FROM persons WHERE card_no = ?1 AND person_no = ?2",
                                        {card, person}));
  if (r.empty()) return std::optional<Person>();
  return std::optional<Person>(ReadPerson(r, 0));
}

Result<std::optional<Household>> GetHousehold(sql::Session& s, std::string_view card_no) {
  ASSIGN_OR_RETURN(sql::Rows r, s.Query("reading household " + std::string(card_no),
                                        "SELECT " + std::string(kHouseholdColumns) +
                                            " FROM households WHERE card_no = ?1",
                                        {std::string(card_no)}));
  if (r.empty()) return std::optional<Household>();
  return std::optional<Household>(ReadHousehold(r, 0));
}

Result<std::vector<Person>> PersonsOfCard(sql::Session& s, std::string_view card_no) {
  ASSIGN_OR_RETURN(sql::Rows r, s.Query("reading the persons of card " + std::string(card_no),
                                        "SELECT " + std::string(kPersonColumns) +
                                            " FROM persons WHERE card_no = ?1",
                                        {std::string(card_no)}));
  std::vector<Person> out = ReadPersons(r);
  // Person numbers are numbers: 2 before 10.
  std::sort(out.begin(), out.end(), [](const Person& a, const Person& b) {
    return std::make_pair(a.person_no.size(), a.person_no) <
           std::make_pair(b.person_no.size(), b.person_no);
  });
  return out;
}

Result<std::vector<std::string>> RegisterCommunities(sql::Session& s,
                                                     std::string_view area_prefix) {
  ASSIGN_OR_RETURN(sql::Rows r, s.Query("listing the register's communities",
                                        "SELECT DISTINCT community_code FROM households WHERE "
                                        "substr(community_code, 1, length(CAST(?1 AS TEXT))) = "
                                        "?1 ORDER BY community_code",
                                        {std::string(area_prefix)}));
  std::vector<std::string> out;
  for (size_t i = 0; i < r.size(); ++i) out.push_back(r.String(i, 0));
  return out;
}

Result<int64_t> CountHouseholds(sql::Session& s, std::string_view area_prefix) {
  ASSIGN_OR_RETURN(sql::Rows r,
                   s.Query("counting the households of area " + std::string(area_prefix),
                           "SELECT COUNT(*) FROM households WHERE "
                           "substr(community_code, 1, length(CAST(?1 AS TEXT))) = ?1",
                           {std::string(area_prefix)}));
  return r.Int(0, 0);
}

Result<std::vector<Household>> HouseholdsOfCommunity(sql::Session& s,
                                                     std::string_view community_code) {
  ASSIGN_OR_RETURN(sql::Rows r,
                   s.Query("reading the households of community " + std::string(community_code),
                           "SELECT " + std::string(kHouseholdColumns) +
                               " FROM households WHERE community_code = ?1 ORDER "
                               "BY card_no",
                           {std::string(community_code)}));
  std::vector<Household> out;
  out.reserve(r.size());
  for (size_t i = 0; i < r.size(); ++i) out.push_back(ReadHousehold(r, i));
  return out;
}

Result<std::vector<Person>> PersonsOfCards(sql::Session& s,
                                           const std::vector<std::string>& card_nos) {
  constexpr size_t kPerStatement = 500;
  std::vector<Person> out;
  for (size_t from = 0; from < card_nos.size(); from += kPerStatement) {
    const size_t n = std::min(kPerStatement, card_nos.size() - from);
    std::string sql = "SELECT " + std::string(kPersonColumns) + " FROM persons WHERE card_no IN (";
    std::vector<sql::Value> params;
    for (size_t i = 0; i < n; ++i) {
      sql += (i == 0 ? "?" : ", ?") + std::to_string(i + 1);
      params.emplace_back(card_nos[from + i]);
    }
    ASSIGN_OR_RETURN(sql::Rows r, s.Query("reading the persons of " + std::to_string(n) +
                                              " cards from " + card_nos[from],
                                          sql + ")", params));
    for (size_t i = 0; i < r.size(); ++i) out.push_back(ReadPerson(r, i));
  }
  // In the order of the cards given, and person numbers as numbers.
  std::unordered_map<std::string_view, size_t> rank;
  for (size_t i = 0; i < card_nos.size(); ++i) rank.emplace(card_nos[i], i);
  std::sort(out.begin(), out.end(), [&](const Person& a, const Person& b) {
    return std::make_tuple(rank.at(a.card_no), a.person_no.size(), std::string_view(a.person_no)) <
           std::make_tuple(rank.at(b.card_no), b.person_no.size(), std::string_view(b.person_no));
  });
  return out;
}

Result<std::vector<Person>> PersonsWithId(sql::Session& s, std::string_view id_number) {
  ASSIGN_OR_RETURN(sql::Rows r, s.Query("reading persons by ID number",
                                        "SELECT " + std::string(kPersonColumns) +
                                            " FROM persons WHERE id_number = ?1 ORDER BY "
                                            "card_no, person_no",
                                        {std::string(id_number)}));
  return ReadPersons(r);
}

Result<std::vector<Person>> ChildrenOf(sql::Session& s, std::string_view mother_id,
                                       std::string_view birth_date, std::string_view sex,
                                       std::string_view area_prefix) {
  ASSIGN_OR_RETURN(
      sql::Rows r,
      s.Query("looking for the same birth",
              "SELECT p.card_no, p.person_no, p.name, p.sex, p.birth_date, p.id_number, "
              "p.relation, p.ethnicity, p.status, p.death_date, p.mother_id_number FROM persons "
              "p JOIN households h ON h.card_no = p.card_no WHERE p.birth_date = ?2 AND p.sex = "
              "?3 AND substr(h.community_code, 1, length(CAST(?4 AS TEXT))) = ?4 AND "
              "(p.mother_id_number = ?1 OR EXISTS (SELECT 1 FROM persons m WHERE m.card_no = "
              "p.card_no AND m.id_number = ?1)) ORDER BY p.card_no, p.person_no",
              {std::string(mother_id), std::string(birth_date), std::string(sex),
               std::string(area_prefix)}));
  return ReadPersons(r);
}

Result<std::string> CardAtDwelling(sql::Session& s, const Household& where) {
  const bool has_place = !where.building.empty() || !where.unit.empty() || !where.room.empty();
  if (!has_place && where.address.empty()) return std::string();
  ASSIGN_OR_RETURN(sql::Rows r,
                   has_place
                       ? s.Query("looking for the card of a dwelling",
                                 "SELECT card_no FROM households WHERE community_code = ?1 AND "
                                 "building = ?2 AND unit = ?3 AND room = ?4 ORDER BY card_no",
                                 {where.community_code, where.building, where.unit, where.room})
                       : s.Query("looking for the card of an address",
                                 "SELECT card_no FROM households WHERE community_code = ?1 AND "
                                 "address = ?2 ORDER BY card_no",
                                 {where.community_code, where.address}));
  return r.empty() ? std::string() : r.String(0, 0);
}

Result<std::string> NextCardNo(sql::Session& s, std::string_view community_code) {
  // The largest card of the community: longest first, then by text (numbers of one width).
  ASSIGN_OR_RETURN(sql::Rows r,
                   s.Query("numbering a new card",
                           "SELECT card_no FROM households WHERE community_code = ?1 ORDER BY "
                           "length(card_no) DESC, card_no DESC LIMIT 1",
                           {std::string(community_code)}));
  if (r.empty()) return std::string(community_code) + "0001";
  std::string last = r.String(0, 0);
  // Add one to the trailing digits, keeping their width (and growing it when all were 9).
  size_t start = last.size();
  while (start > 0 && last[start - 1] >= '0' && last[start - 1] <= '9') --start;
  if (start == last.size()) return last + "-1";  // no digits at the end: a scheme we add to
  std::string digits = last.substr(start);
  int i = static_cast<int>(digits.size()) - 1;
  while (i >= 0 && digits[i] == '9') digits[i--] = '0';
  if (i < 0) {
    digits.insert(digits.begin(), '1');
  } else {
    ++digits[i];
  }
  return last.substr(0, start) + digits;
}

Result<std::string> NextPersonNo(sql::Session& s, std::string_view card_no) {
  ASSIGN_OR_RETURN(std::vector<Person> persons, PersonsOfCard(s, card_no));
  int64_t most = 0;
  for (const Person& p : persons) {
    int64_t n = 0;
    for (char c : p.person_no) {
      if (c < '0' || c > '9') {
        n = 0;
        break;
      }
      n = n * 10 + (c - '0');
    }
    most = std::max(most, n);
  }
  // The persons moved out by merges keep their numbers taken: count the forwards too.
  ASSIGN_OR_RETURN(sql::Rows f, s.Query("numbering a new person",
                                        "SELECT old_key FROM person_forwards WHERE old_key LIKE "
                                        "?1",
                                        {std::string(card_no) + "/%"}));
  for (size_t i = 0; i < f.size(); ++i) {
    std::string_view k = f.Text(i, 0);
    int64_t n = 0;
    for (char c : k.substr(card_no.size() + 1)) {
      if (c < '0' || c > '9') {
        n = 0;
        break;
      }
      n = n * 10 + (c - '0');
    }
    most = std::max(most, n);
  }
  return std::to_string(most + 1);
}

Status PutPerson(sql::Session& s, const Person& p, const ChangeNote& note,
                 const std::optional<Person>* known) {
  const std::string key = p.card_no + "/" + p.person_no;
  std::optional<Person> before;
  if (known != nullptr) {
    before = *known;
  } else {
    ASSIGN_OR_RETURN(before, GetPerson(s, key));
  }
  const std::string after_json = PersonJson(p);
  const std::vector<sql::Value> values = {
      p.card_no,  p.person_no, p.name,   p.sex,        p.birth_date,      p.id_number,
      p.relation, p.ethnicity, p.status, p.death_date, p.mother_id_number};
  if (!before) {
    ASSIGN_OR_RETURN(std::optional<Household> h, GetHousehold(s, p.card_no));
    if (!h) return NotFound("store " + s.location() + ": there is no card " + p.card_no);
    RETURN_IF_ERROR(s.Exec("adding person " + key,
                           "INSERT INTO persons (" + std::string(kPersonColumns) +
                               ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
                           values)
                        .status());
    return AppendChange(s, "person", key, "", after_json, note);
  }
  const std::string before_json = PersonJson(*before);
  if (before_json == after_json) return Status();
  RETURN_IF_ERROR(s.Exec("changing person " + key,
                         "UPDATE persons SET name = ?3, sex = ?4, birth_date = ?5, id_number = "
                         "?6, relation = ?7, ethnicity = ?8, status = ?9, death_date = ?10, "
                         "mother_id_number = ?11 WHERE card_no = ?1 AND person_no = ?2",
                         values)
                      .status());
  return AppendChange(s, "person", key, before_json, after_json, note);
}

Status RemovePerson(sql::Session& s, std::string_view key, const ChangeNote& note) {
  ASSIGN_OR_RETURN(std::optional<Person> before, GetPerson(s, key));
  if (!before)
    return NotFound("store " + s.location() + ": there is no person " + std::string(key));
  RETURN_IF_ERROR(s.Exec("removing person " + std::string(key),
                         "DELETE FROM persons WHERE card_no = ?1 AND person_no = ?2",
                         {before->card_no, before->person_no})
                      .status());
  return AppendChange(s, "person", key, PersonJson(*before), "", note);
}

Status PutHousehold(sql::Session& s, const Household& h, const ChangeNote& note) {
  ASSIGN_OR_RETURN(std::optional<Household> before, GetHousehold(s, h.card_no));
  const std::string after_json = HouseholdJson(h);
  const std::vector<sql::Value> values = {h.card_no, h.community_code, h.building,
                                          h.unit,    h.room,           h.address};
  if (!before) {
    RETURN_IF_ERROR(s.Exec("adding card " + h.card_no,
                           "INSERT INTO households (" + std::string(kHouseholdColumns) +
                               ") VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                           values)
                        .status());
    return AppendChange(s, "household", h.card_no, "", after_json, note);
  }
  const std::string before_json = HouseholdJson(*before);
  if (before_json == after_json) return Status();
  RETURN_IF_ERROR(s.Exec("changing card " + h.card_no,
                         "UPDATE households SET community_code = ?2, building = ?3, unit = ?4, "
                         "room = ?5, address = ?6 WHERE card_no = ?1",
                         values)
                      .status());
  return AppendChange(s, "household", h.card_no, before_json, after_json, note);
}

Status RemoveHousehold(sql::Session& s, std::string_view card_no, const ChangeNote& note) {
  ASSIGN_OR_RETURN(std::optional<Household> before, GetHousehold(s, card_no));
  if (!before) {
    return NotFound("store " + s.location() + ": there is no card " + std::string(card_no));
  }
  ASSIGN_OR_RETURN(std::vector<Person> left, PersonsOfCard(s, card_no));
  if (!left.empty()) {
    return FailedPrecondition("card " + std::string(card_no) + " still has " +
                              std::to_string(left.size()) + " persons");
  }
  RETURN_IF_ERROR(s.Exec("removing card " + std::string(card_no),
                         "DELETE FROM households WHERE card_no = ?1", {std::string(card_no)})
                      .status());
  return AppendChange(s, "household", card_no, HouseholdJson(*before), "", note);
}

Status AddForward(sql::Session& s, std::string_view old_key, std::string_view new_key,
                  int64_t item_id) {
  ASSIGN_OR_RETURN(std::string at, s.Now());
  return s
      .Exec("leaving a forward pointer from " + std::string(old_key),
            "INSERT INTO person_forwards (old_key, new_key, item_id, at) VALUES (?1, ?2, ?3, ?4)",
            {std::string(old_key), std::string(new_key), sql::IdOrNull(item_id), at})
      .status();
}

Result<std::vector<ItemRef>> ListItemRefs(Store& store, const DiscrepancyFilter& f) {
  RETURN_IF_ERROR(CheckDiscrepancyFilter(f));
  std::vector<ItemRef> out;
  RETURN_IF_ERROR(store.Read("listing items", [&](sql::Session& s) -> Status {
    ASSIGN_OR_RETURN(sql::Rows r,
                     s.Query("listing items",
                             "SELECT id, type, community_code, status FROM discrepancies WHERE " +
                                 std::string(kItemFilterWhere) + " ORDER BY id",
                             {f.type, f.community_code, f.status}));
    out.reserve(r.size());
    for (size_t i = 0; i < r.size(); ++i) {
      out.push_back({r.Int(i, 0), r.String(i, 1), r.String(i, 2), r.String(i, 3)});
    }
    return Status();
  }));
  return out;
}

Result<std::string> ResolveKey(sql::Session& s, std::string_view key) {
  std::string at(key);
  for (int hops = 0; hops < 64; ++hops) {  // pointers never form a cycle; bounded all the same
    ASSIGN_OR_RETURN(sql::Rows r,
                     s.Query("following a forward pointer",
                             "SELECT new_key FROM person_forwards WHERE old_key = ?1", {at}));
    if (r.empty()) return at;
    at = r.String(0, 0);
  }
  return DataLoss("store " + s.location() + ": the forward pointers of " + std::string(key) +
                  " form a cycle");
}

Result<std::vector<HistoryEntry>> HistoryOfItem(sql::Session& s, int64_t item_id) {
  ASSIGN_OR_RETURN(sql::Rows r, s.Query("reading the history of item " + std::to_string(item_id),
                                        "SELECT " + std::string(kHistoryColumns) +
                                            " FROM history WHERE item_id = ?1 ORDER BY id",
                                        {item_id}));
  return ReadHistory(r);
}

Result<std::vector<HistoryEntry>> HistoryAfter(sql::Session& s, std::string_view entity,
                                               std::string_view key, int64_t after_id) {
  ASSIGN_OR_RETURN(sql::Rows r, s.Query("reading later history of " + std::string(key),
                                        "SELECT " + std::string(kHistoryColumns) +
                                            " FROM history WHERE entity = ?1 AND entity_key = "
                                            "?2 AND id > ?3 ORDER BY id",
                                        {std::string(entity), std::string(key), after_id}));
  return ReadHistory(r);
}

Result<PersonHistoryResult> PersonHistory(Store& store, std::string_view key) {
  PersonHistoryResult out;
  RETURN_IF_ERROR(store.Read("reading a person's history", [&](sql::Session& s) -> Status {
    ASSIGN_OR_RETURN(sql::Rows fwd, s.Query("reading where " + std::string(key) + " went",
                                            "SELECT new_key FROM person_forwards WHERE "
                                            "old_key = ?1",
                                            {std::string(key)}));
    if (!fwd.empty()) out.merged_into = fwd.String(0, 0);
    out.keys.push_back(std::string(key));
    for (size_t i = 0; i < out.keys.size() && i < 1000; ++i) {
      ASSIGN_OR_RETURN(sql::Rows r, s.Query("reading what was merged into " + out.keys[i],
                                            "SELECT old_key FROM person_forwards WHERE "
                                            "new_key = ?1 ORDER BY old_key",
                                            {out.keys[i]}));
      for (size_t j = 0; j < r.size(); ++j) out.keys.push_back(r.String(j, 0));
    }
    for (const std::string& k : out.keys) {
      ASSIGN_OR_RETURN(sql::Rows r, s.Query("reading the history of " + k,
                                            "SELECT " + std::string(kHistoryColumns) +
                                                " FROM history WHERE entity = 'person' AND "
                                                "entity_key = ?1 ORDER BY id",
                                            {k}));
      std::vector<HistoryEntry> rows = ReadHistory(r);
      out.rows.insert(out.rows.end(), rows.begin(), rows.end());
    }
    std::sort(out.rows.begin(), out.rows.end(),
              [](const HistoryEntry& a, const HistoryEntry& b) { return a.id < b.id; });
    return Status();
  }));
  return out;
}

Result<std::vector<HistoryEntry>> CardHistory(Store& store, std::string_view card_no) {
  std::vector<HistoryEntry> out;
  RETURN_IF_ERROR(store.Read("reading a card's history", [&](sql::Session& s) -> Status {
    ASSIGN_OR_RETURN(sql::Rows r,
                     s.Query("reading the history of card " + std::string(card_no),
                             "SELECT " + std::string(kHistoryColumns) +
                                 " FROM history WHERE (entity = 'household' AND entity_key = "
                                 "?1) OR (entity = 'person' AND substr(entity_key, 1, "
                                 "length(CAST(?2 AS TEXT))) = ?2) ORDER BY id",
                             {std::string(card_no), std::string(card_no) + "/"}));
    out = ReadHistory(r);
    return Status();
  }));
  return out;
}

Result<std::string> SourceRecordJson(sql::Session& s, ImportId import_id, int64_t source_row) {
  ASSIGN_OR_RETURN(sql::Rows r, s.Query("reading a source record",
                                        "SELECT normalized FROM source_records WHERE import_id "
                                        "= ?1 AND source_row = ?2",
                                        {import_id, source_row}));
  if (r.empty()) {
    return NotFound("store " + s.location() + ": import " + std::to_string(import_id) +
                    " has no row " + std::to_string(source_row));
  }
  return r.String(0, 0);
}

Result<std::vector<RegisterChange>> ChangesSince(Store& store, std::string_view since) {
  std::vector<RegisterChange> out;
  RETURN_IF_ERROR(store.Read("reading the register's changes", [&](sql::Session& s) -> Status {
    ASSIGN_OR_RETURN(sql::Rows r, s.Query("reading the history since " + std::string(since),
                                          "SELECT " + std::string(kHistoryColumns) +
                                              " FROM history WHERE at >= ?1 ORDER BY id",
                                          {std::string(since)}));
    ASSIGN_OR_RETURN(sql::Rows f, s.Query("reading the forward pointers",
                                          "SELECT old_key, new_key FROM person_forwards"));
    std::map<std::string, std::string> forward;
    for (size_t i = 0; i < f.size(); ++i) forward[f.String(i, 0)] = f.String(i, 1);
    for (HistoryEntry& h : ReadHistory(r)) {
      RegisterChange c;
      if (h.entity == "person" && h.after_json.empty()) {
        auto it = forward.find(h.entity_key);
        if (it != forward.end()) c.merged_into = it->second;
      }
      c.entry = std::move(h);
      out.push_back(std::move(c));
    }
    return Status();
  }));
  return out;
}

}  // namespace popreg::store
