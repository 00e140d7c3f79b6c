// The generator's internal model: the real district (world) and what each office recorded of it.
// Internal to src/gen/.
#pragma once

#include <cstdint>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "base/date.h"
#include "base/env.h"
#include "gen/district.h"
#include "norm/regions.h"

namespace popreg::gen {

struct Township {
  std::string code;  // 12-digit statistical code, e.g. 350902001000
  std::string name;  // e.g. 金山街道, 七都镇
  bool town = false;
};

struct Community {
  std::string code;  // 12-digit statistical code, e.g. 350902001001
  std::string name;  // e.g. 金湖社区, 北山村
  int township = 0;
  bool village = false;
  int next_card = 1;  // card numbers are community code + 4 digits
};

struct Household {
  int community = 0;
  std::string building, unit, room;  // empty in villages except room (the house number)
  std::string card_no;               // empty when the office never carded the household
  std::string hukou_no;              // police household number
  bool migrant = false;              // moved into the district recently
  std::vector<int64_t> members;      // person ids, head first
  // Where the office carded the household (set with card_no). A household that moved to another
  // community of the district (`moved_within`) keeps its old place here while community,
  // building, unit and room say where it lives now, as the police list has it.
  int card_community = -1;
  std::string card_building, card_unit, card_room;
  bool moved_within = false;
};

// One real person. Ids index World::persons.
struct Person {
  std::string name;  // canonical simplified
  char sex = 'M';
  Date birth;
  std::string id;  // 18 characters; empty while a newborn has none
  std::string ethnicity = "汉族";
  std::string relation;    // to the head of household
  int64_t household = -1;  // -1: lives outside the district
  int64_t mother = -1;
  int64_t father = -1;
  bool dead = false;
  Date death;
  bool moved_out = false;
  Date moved_out_on;
  // Newborns: the day the police registered the birth (invalid: not registered).
  Date police_registered;
  int64_t birth_event = -1;    // twins share one
  bool never_carded = false;   // the office never carded this person
  bool not_on_police = false;  // lives here and is carded, but the hukou is elsewhere
  // True when the person is on the police list of living residents on `as_of`.
  bool OnPolice(const Date& as_of) const;
  bool BornIn(const Date& from, const Date& to) const { return from <= birth && birth <= to; }
};

// A row of the register as the office keeps it (values as written, before file spelling).
struct RegisterRow {
  int64_t pid = -1;
  std::string card_no;
  int person_no = 0;
  int community = 0;
  std::string name, sex, birth, id, mother_id;  // canonical spelling; "" when blank
  std::string relation, ethnicity;
  std::string status;  // alive, deceased, moved_out
  std::string death_date;
  bool id_legacy15 = false;      // id holds a 15-digit legacy number
  bool second_card = false;      // this row is the second card of a person carded twice
  bool has_second_card = false;  // this row's person was carded a second time elsewhere
  std::string key() const { return card_no + "/" + std::to_string(person_no); }
};

struct World {
  GenOptions options;
  Date as_of, since;
  std::string district_code, district_name, province;
  std::unordered_map<std::string, double> rates;
  std::vector<Township> townships;
  std::vector<Community> communities;
  std::vector<Household> households;
  std::vector<Person> persons;
  std::vector<RegisterRow> register_rows;
  double rate(std::string_view name) const { return rates.at(std::string(name)); }
};

// The shipped table's row of a county-level code (of a code used more than once, the row in
// use), or InvalidArgument naming --district.
Result<const norm::Region*> CountyRegion(const std::string& code);

// The ID numbers given out so far, as the number their first 17 digits spell (the 18th follows
// from them). Shared by the districts of a city so that no two persons get the same ID.
using IdSet = std::unordered_set<uint64_t>;

// Builds the people, their events and the register (with its mistakes), giving out IDs not in
// `ids` and adding them to it. Deterministic in options.seed and the IDs already given out.
Result<World> BuildWorld(const GenOptions& options, IdSet* ids);

}  // namespace popreg::gen
