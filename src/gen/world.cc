#include "gen/world.h"

#include <algorithm>
#include <cmath>
#include <string>
#include <unordered_set>

#include "base/env.h"
#include "gen/names.h"
#include "norm/id_number.h"
#include "norm/regions.h"

namespace popreg::gen {
namespace {

// The rates of the generator. Defaults are what a mid-sized urban district of eastern China
// looks like to its family-planning office in a year: most of the register is right, and every
// kind of drift is present in numbers large enough to measure.
constexpr RateSpec kRates[] = {
    {"migrant_households", 0.02, "households that moved into the district in the last two years"},
    {"migrant_carded", 0.5, "share of migrant households the office has carded"},
    {"never_carded", 0.006, "residents on the police list the office never carded"},
    {"not_on_police", 0.004, "carded residents whose hukou is elsewhere (not on the police list)"},
    {"birth_rate", 0.009, "births per resident per year"},
    {"twins", 0.015, "share of births that are twins"},
    {"sibling_near_date", 0,
     "births in the window on an older sibling's day and month (same mother), another year"},
    {"birth_recorded", 0.6, "share of births in the window the office has carded"},
    {"birth_recorded_before", 0.92, "share of births before the window the office has carded"},
    {"birth_police_registered", 0.9, "share of newborns the police register (after a delay)"},
    {"moved_out", 0.012, "residents moving out of the district per year"},
    {"moved_out_recorded", 0.6, "share of moves out the office has recorded"},
    {"moved_within", 0,
     "households moved to another community of the district (the register has the old place)"},
    {"other_province_id", 0,
     "residents with an ID number of another province (born elsewhere), besides migrants"},
    {"death_recorded", 0.55, "share of deaths in the window the office has recorded"},
    {"death_recorded_before", 0.93, "share of deaths before the window the office has recorded"},
    {"cremation", 0.8, "share of deaths with a cremation record"},
    {"death_certificate", 0.65, "share of deaths with a hospital death certificate"},
    {"evidence_id_missing", 0.08, "death records without an ID number"},
    {"evidence_id_wrong", 0.03, "death records with a mistyped ID number"},
    {"evidence_birth_missing", 0.1, "death records without a birth date"},
    {"evidence_sex_missing", 0.08, "death records without the sex"},
    {"evidence_sparse", 0, "death records with only name, sex and home address (no ID, no birth)"},
    {"evidence_register_address", 0,
     "death records whose address is the home address written exactly as on the register"},
    {"outsider_deaths", 0.1, "death records of people from outside the district, per death"},
    {"vaccination", 0.92, "share of newborns with a vaccination record"},
    {"vaccination_outsiders", 0.03, "vaccinated newborns of mothers from outside, per newborn"},
    {"child_name_empty", 0.25, "vaccination records without the child's name"},
    {"child_nickname", 0.2, "vaccination records with a nickname instead of the name"},
    {"duplicate", 0.004, "register persons carded a second time in the same township"},
    {"name_homophone", 0.012, "register names with a homophone character"},
    {"name_lookalike", 0.004, "register names with a look-alike character"},
    {"name_near_homophone", 0,
     "register names with a character of a southern-accent near reading (lin/ling, zi/zhi, l/n)"},
    {"id_substitution", 0.004, "register ID numbers with one digit wrong"},
    {"id_transposition", 0.003, "register ID numbers with two adjacent digits swapped"},
    {"birth_swap", 0.004, "register birth dates with day and month swapped"},
    {"birth_digit", 0.002, "register birth dates with one digit wrong"},
    {"wrong_sex", 0.002, "register persons with the wrong sex"},
    {"blank_value", 0.004, "register persons missing a name, sex, birth date or ID number"},
    {"multi_name_birth", 0, "register persons with a wrong name character and birth date"},
    {"multi_name_sex", 0, "register persons with a wrong name character and sex"},
    {"multi_name_id", 0, "register persons with a wrong name character and ID number"},
    {"multi_birth_sex", 0, "register persons with a wrong birth date and sex"},
    {"multi_name_birth_sex", 0, "register persons with a wrong name character, birth date and sex"},
    {"legacy_id15", 0.04, "register persons born before 2000 with a 15-digit legacy ID"},
    {"register_traditional", 0.005, "register names typed in traditional characters"},
    {"traditional", 0.015, "department names typed in traditional characters"},
    {"inner_space", 0.005, "names typed with a space inside"},
    {"fullwidth", 0.01, "ID numbers and dates typed with full-width digits"},
    {"id_spaced", 0.01, "ID numbers typed with spaces or dashes"},
    {"odd_spelling", 0.04, "values spelled differently from the rest of their file"},
};

constexpr int kHistoryDays = 730;  // the world's events reach two years back
constexpr int kNewbornDays = 547;  // newborns: born in the last eighteen months

class Builder {
 public:
  // rng_ draws everything the default rates use; extra_ draws only for rates whose default is 0,
  // so that setting them leaves the default district unchanged where they do not act.
  Builder(const GenOptions& options, World* w, IdSet* ids)
      : w_(*w), rng_(Rng(options.seed).Fork(1)), extra_(Rng(options.seed).Fork(3)), ids_(*ids) {}

  Status Build() {
    RETURN_IF_ERROR(SetUp());
    MakeAreas();
    for (int64_t h = 0; h < w_.options.households; ++h) MakeHousehold();
    MakeBirths();
    MakeEvents();
    MakeOutsiders();
    MakeRegister();
    MakeMovesWithin();
    return Status::Ok();
  }

 private:
  double R(std::string_view name) const { return w_.rate(name); }
  // True with probability R(name), drawn from extra_ and only when the rate is not 0.
  bool Extra(std::string_view name) { return R(name) > 0 && extra_.Bernoulli(R(name)); }

  Status SetUp() {
    const GenOptions& o = w_.options;  // households checked by GenerateDistrict
    if (!o.as_of.Valid()) return InvalidArgument("--as-of is not a valid date");
    w_.as_of = o.as_of;
    w_.since = o.since.Valid() ? o.since : o.as_of.AddYears(-1).AddDays(1);
    if (w_.since > w_.as_of) return InvalidArgument("--since must not be after --as-of");
    if (w_.as_of.year < 1990 || w_.as_of.year > 2100) {
      return InvalidArgument("--as-of must be between 1990 and 2100");
    }
    for (const RateSpec& r : kRates) w_.rates[std::string(r.name)] = r.default_value;
    for (const auto& [name, value] : o.rates) {
      auto it = w_.rates.find(name);
      if (it == w_.rates.end()) {
        return InvalidArgument("unknown rate '" + name + "' (popreg gen --list-rates lists them)");
      }
      if (!(value >= 0 && value <= 1)) {
        return InvalidArgument("rate '" + name + "' must be between 0 and 1");
      }
      it->second = value;
    }
    for (const norm::Region& r : norm::AllRegions()) {
      if (r.level == "县级") county_codes_.push_back(&r);
    }
    ASSIGN_OR_RETURN(const norm::Region* district, CountyRegion(o.district_code));
    w_.district_name = district->name;
    w_.province = district->province;
    district_since_ = district->since;
    w_.district_code = o.district_code;
    for (const norm::Region* r : county_codes_) {
      if (r->province == w_.province && r->code != w_.district_code && r->until != 0) {
        province_retired_.push_back(r);
      }
    }
    for (bool female : {false, true}) {
      for (bool modern : {false, true}) {
        std::vector<double> weights;
        for (const WeightedName& n : GivenChars(female, modern)) weights.push_back(n.weight);
        given_[female][modern] = WeightedIndex::Make(weights).value();
      }
    }
    std::vector<double> sw;
    for (const WeightedName& n : Surnames()) sw.push_back(n.weight);
    surname_index_ = WeightedIndex::Make(sw).value();
    std::vector<double> she;
    for (const WeightedName& n : SheSurnames()) she.push_back(n.weight);
    she_index_ = WeightedIndex::Make(she).value();
    return Status::Ok();
  }

  // -- Areas --

  std::string PlaceName(int syllables) {
    std::string s;
    for (int i = 0; i < syllables; ++i) s += rng_.Pick(PlaceSyllables());
    return s;
  }

  void MakeAreas() {
    const int64_t n = w_.options.households;
    const int n_townships = static_cast<int>(std::clamp<int64_t>(n / 2500 + 2, 2, 99));
    std::unordered_set<std::string> used_names;
    auto unique_name = [&](const std::string& suffix) {
      for (;;) {
        std::string name = PlaceName(2) + suffix;
        if (used_names.insert(name).second) return name;
      }
    };
    for (int t = 0; t < n_townships; ++t) {
      Township tw;
      tw.town = t >= (n_townships + 1) / 2;  // the first half are urban streets (街道)
      const int seq = tw.town ? 100 + t : 1 + t;
      tw.code = w_.options.district_code + Pad(seq, 3) + "000";
      tw.name = unique_name(tw.town ? "镇" : "街道");
      w_.townships.push_back(tw);
    }
    // About 450 households a community, unevenly spread.
    const int64_t n_communities = std::max<int64_t>(n_townships, n / 450 + 1);
    std::vector<int> per_township(n_townships, 1);
    for (int64_t c = n_townships; c < n_communities; ++c) {
      per_township[rng_.Uniform(n_townships)]++;
    }
    for (int t = 0; t < n_townships; ++t) {
      int urban_seq = 1;
      int village_seq = 200;
      for (int i = 0; i < per_township[t]; ++i) {
        Community c;
        c.township = t;
        c.village = w_.townships[t].town && rng_.Bernoulli(0.7);
        const int seq = c.village ? village_seq++ : urban_seq++;
        c.code = w_.townships[t].code.substr(0, 9) + Pad(seq, 3);
        c.name = unique_name(c.village ? "村" : "社区");
        w_.communities.push_back(c);
      }
    }
    std::vector<double> weights;
    for (size_t i = 0; i < w_.communities.size(); ++i) {
      weights.push_back(std::exp(rng_.Normal(0, 0.4)));
    }
    community_index_ = WeightedIndex::Make(weights).value();
  }

  static std::string Pad(int64_t v, int width) {
    std::string s = std::to_string(v);
    return s.size() >= static_cast<size_t>(width) ? s : std::string(width - s.size(), '0') + s;
  }

  // -- People --

  Date BirthForAge(double age_years) {
    const int64_t days = static_cast<int64_t>(age_years * 365.25) + rng_.UniformInt(0, 364);
    return w_.as_of.AddDays(-days);
  }

  std::string Surname(bool she) {
    return std::string(she ? SheSurnames()[she_index_.Sample(rng_)].text
                           : Surnames()[surname_index_.Sample(rng_)].text);
  }

  std::string GivenName(bool female, const Date& birth) {
    const bool modern = birth.year >= 1990;
    const auto chars = GivenChars(female, modern);
    const WeightedIndex& idx = given_[female][modern];
    const double single = birth.year < 1960 ? 0.3 : birth.year < 1990 ? 0.4 : 0.15;
    std::string g(chars[idx.Sample(rng_)].text);
    if (rng_.Bernoulli(single)) return g;
    if (female && rng_.Bernoulli(0.05)) return g + g;  // 婷婷, 丹丹
    std::string second;
    do {
      second = std::string(chars[idx.Sample(rng_)].text);
    } while (second == g);
    return g + second;
  }

  // The address code of a new ID number: the district's own for most; for people born before the
  // code existed, a retired code of the same province; for migrants, any county code in use in
  // their birth year.
  std::string AddressCode(const Date& birth, bool migrant) {
    const bool newborn = birth > w_.as_of.AddDays(-kNewbornDays - 1);
    if (!newborn && Extra("other_province_id")) {
      for (int tries = 0; tries < 200; ++tries) {
        const norm::Region* r = extra_.Pick(county_codes_);
        const int y = std::max(birth.year, 1981);
        if (r->province != w_.province && r->since <= y && (r->until == 0 || r->until > y)) {
          return r->code;
        }
      }
    }
    if (!newborn && (migrant || rng_.Bernoulli(0.04))) {
      for (int tries = 0; tries < 50; ++tries) {
        const norm::Region* r = rng_.Pick(county_codes_);
        const int y = std::max(birth.year, 1981);
        if (r->since <= y && (r->until == 0 || r->until > y) && r->code != w_.district_code) {
          return r->code;
        }
      }
    }
    if (birth.year < district_since_ && !province_retired_.empty() && rng_.Bernoulli(0.7)) {
      return rng_.Pick(province_retired_)->code;
    }
    return w_.district_code;
  }

  std::string NewId(const Date& birth, char sex, bool migrant) {
    const std::string code = AddressCode(birth, migrant);
    for (;;) {
      int seq = static_cast<int>(rng_.Uniform(500)) * 2 + (sex == 'M' ? 1 : 0);
      if (seq == 0) continue;
      std::string first17 = code + birth.Compact() + Pad(seq, 3);
      // The first 17 characters are digits and determine the check character.
      if (ids_.insert(std::stoull(first17)).second) return first17 + norm::IdCheckChar(first17);
    }
  }

  int64_t AddPerson(int64_t household, const std::string& surname, char sex, const Date& birth,
                    std::string relation, bool migrant, const std::string& ethnicity) {
    Person p;
    p.sex = sex;
    p.birth = birth;
    p.household = household;
    p.relation = std::move(relation);
    p.ethnicity = ethnicity;
    if (ethnicity == "维吾尔族") {
      p.name = std::string(rng_.Pick(UyghurNames(sex == 'F'))) + "·" +
               std::string(rng_.Pick(UyghurNames(false)));
    } else {
      p.name = surname + GivenName(sex == 'F', birth);
    }
    p.id = NewId(birth, sex, migrant);
    w_.persons.push_back(std::move(p));
    const int64_t pid = static_cast<int64_t>(w_.persons.size()) - 1;
    if (household >= 0) w_.households[household].members.push_back(pid);
    return pid;
  }

  std::string Ethnicity() {
    const double u = rng_.UniformDouble();
    if (u < 0.025) return "畲族";
    if (u < 0.029) return "回族";
    if (u < 0.032) return "维吾尔族";
    if (u < 0.035) return "满族";
    return "汉族";
  }

  void MakeHousehold() {
    Household hh;
    hh.community = static_cast<int>(community_index_.Sample(rng_));
    const Community& c = w_.communities[hh.community];
    if (c.village) {
      hh.room = std::to_string(rng_.UniformInt(1, 180));
    } else {
      hh.building = std::to_string(rng_.UniformInt(1, 40));
      hh.unit = std::to_string(rng_.UniformInt(1, 4));
      hh.room = std::to_string(rng_.UniformInt(1, 18) * 100 + rng_.UniformInt(1, 4));
    }
    hh.migrant = rng_.Bernoulli(R("migrant_households"));
    const auto h = static_cast<int64_t>(w_.households.size());
    hh.hukou_no = w_.district_code + Pad(h + 1, 9);
    w_.households.push_back(hh);
    const bool migrant = hh.migrant;

    const std::string eth = Ethnicity();
    const bool she = eth == "畲族";
    const std::string surname = Surname(she);
    auto spouse_surname = [&] { return Surname(she && rng_.Bernoulli(0.6)); };
    const double type = rng_.UniformDouble();
    auto couple = [&](double husband_age) {
      AddPerson(h, surname, 'M', BirthForAge(husband_age), "户主", migrant, eth);
      const double wife_age =
          std::max(20.0, husband_age - std::clamp(rng_.Normal(2, 2.5), -3.0, 9.0));
      return AddPerson(h, spouse_surname(), 'F', BirthForAge(wife_age), "配偶", migrant, eth);
    };
    auto children = [&](int64_t mother, int n, const std::string& child_surname) {
      const double mother_age = AgeOf(mother);
      for (int i = 0; i < n; ++i) {
        const double max_age = std::min(mother_age - 20, 30.0);
        if (max_age < 1.6) break;
        const double age = 1.6 + rng_.UniformDouble() * (max_age - 1.6);
        const char sex = rng_.Bernoulli(0.52) ? 'M' : 'F';
        const int64_t kid = AddPerson(h, child_surname, sex, BirthForAge(age),
                                      sex == 'M' ? "子" : "女", migrant, eth);
        w_.persons[kid].mother = mother;
        if (w_.persons[mother].relation == "配偶") w_.persons[kid].father = mother - 1;
      }
    };
    if (type < 0.13) {
      const bool elderly = rng_.Bernoulli(0.5);
      AddPerson(
          h, surname, rng_.Bernoulli(0.45) ? 'M' : 'F',
          BirthForAge(elderly ? 65 + rng_.UniformDouble() * 27 : 22 + rng_.UniformDouble() * 40),
          "户主", migrant, eth);
    } else if (type < 0.28) {
      couple(60 + rng_.UniformDouble() * 28);
    } else if (type < 0.38) {
      couple(24 + rng_.UniformDouble() * 32);
    } else if (type < 0.80) {
      const int64_t wife = couple(27 + rng_.UniformDouble() * 30);
      const int n =
          1 + static_cast<int>(rng_.Uniform(100) < 45) + static_cast<int>(rng_.Uniform(100) < 10);
      children(wife, n, rng_.Bernoulli(0.9) ? surname : SurnameOf(w_.persons[wife].name));
    } else if (type < 0.95) {
      const int64_t wife = couple(30 + rng_.UniformDouble() * 25);
      children(wife, 1 + static_cast<int>(rng_.Uniform(100) < 40), surname);
      const double parent_age = AgeOf(wife - 1) + 24 + rng_.UniformDouble() * 10;
      if (parent_age < 98) {
        if (rng_.Bernoulli(0.6)) {
          AddPerson(h, surname, 'M', BirthForAge(parent_age), "父亲", migrant, eth);
        }
        AddPerson(h, spouse_surname(), 'F', BirthForAge(parent_age - rng_.UniformDouble() * 4),
                  "母亲", migrant, eth);
      }
    } else {
      const int64_t mother = AddPerson(h, surname, 'F', BirthForAge(28 + rng_.UniformDouble() * 25),
                                       "户主", migrant, eth);
      children(mother, 1 + static_cast<int>(rng_.Uniform(100) < 30), surname);
    }
  }

  double AgeOf(int64_t pid) const {
    return static_cast<double>(w_.as_of.ToDays() - w_.persons[pid].birth.ToDays()) / 365.25;
  }

  // -- Births of the last eighteen months --

  void MakeBirths() {
    std::vector<int64_t> mothers;
    for (size_t pid = 0; pid < w_.persons.size(); ++pid) {
      const Person& p = w_.persons[pid];
      const double age = AgeOf(static_cast<int64_t>(pid)) - 1.5;
      if (p.sex == 'F' && p.relation == "配偶" && age >= 20 && age <= 42) {
        mothers.push_back(static_cast<int64_t>(pid));
      }
    }
    if (mothers.empty()) return;
    const double expected = R("birth_rate") * static_cast<double>(w_.persons.size()) * 1.5;
    const double p_birth = std::min(0.6, expected / static_cast<double>(mothers.size()));
    std::unordered_map<int64_t, std::vector<int64_t>> children_of;  // for sibling_near_date
    if (R("sibling_near_date") > 0) {
      for (size_t pid = 0; pid < w_.persons.size(); ++pid) {
        if (w_.persons[pid].mother >= 0) {
          children_of[w_.persons[pid].mother].push_back(static_cast<int64_t>(pid));
        }
      }
    }
    int64_t event = 0;
    for (int64_t mother : mothers) {
      if (!rng_.Bernoulli(p_birth)) continue;
      Date birth = w_.as_of.AddDays(-rng_.UniformInt(0, kNewbornDays));
      const int n = rng_.Bernoulli(R("twins")) ? 2 : 1;
      char first_sex = rng_.Bernoulli(0.52) ? 'M' : 'F';
      if (Extra("sibling_near_date")) SiblingNearDate(children_of[mother], &birth, &first_sex);
      const bool registered = rng_.Bernoulli(R("birth_police_registered"));
      const Date reg =
          birth.AddDays(5 + static_cast<int64_t>(-std::log(1 - rng_.UniformDouble()) * 35));
      for (int i = 0; i < n; ++i) {
        const char sex = i == 0 || rng_.Bernoulli(0.6) ? first_sex : (first_sex == 'M' ? 'F' : 'M');
        AddBaby(mother, birth, sex, event, registered ? reg : Date{});
      }
      ++event;
    }
  }

  // A birth in the window on the day and month of an older sibling's birthday, in another year
  // (2022-05-14 and 2026-05-14 differ in one digit), mostly of the same sex: a newborn that
  // looks like the sibling with a mistyped birth date. Leaves the birth alone when the mother
  // has no older child with a birthday in the window.
  void SiblingNearDate(const std::vector<int64_t>& siblings, Date* birth, char* sex) {
    const Date from = std::max(w_.since, w_.as_of.AddDays(-kNewbornDays));
    std::vector<std::pair<Date, char>> options;
    for (int64_t s : siblings) {
      const Person& p = w_.persons[s];
      for (int y : {w_.as_of.year, w_.as_of.year - 1}) {
        const Date d{y, p.birth.month, p.birth.day};
        if (d.Valid() && from <= d && d <= w_.as_of && d != p.birth) options.emplace_back(d, p.sex);
      }
    }
    if (options.empty()) return;
    const auto& [d, sibling_sex] = extra_.Pick(options);
    *birth = d;
    if (extra_.Bernoulli(0.7)) *sex = sibling_sex;
  }

  // The surname part of a Han name: a compound surname when the name starts with one.
  static std::string SurnameOf(const std::string& name) {
    for (const WeightedName& s : Surnames()) {
      if (s.text.size() == 6 && name.starts_with(s.text)) return std::string(s.text);
    }
    return name.substr(0, std::min<size_t>(3, name.size()));
  }

  int64_t AddBaby(int64_t mother, const Date& birth, char sex, int64_t event, const Date& reg) {
    const Person& m = w_.persons[mother];
    const int64_t father = m.relation == "配偶" ? mother - 1 : -1;
    std::string surname = SurnameOf(m.name);
    if (father >= 0 && rng_.Bernoulli(0.9)) surname = SurnameOf(w_.persons[father].name);
    const int64_t pid =
        AddPerson(m.household, surname, sex, birth, sex == 'M' ? "子" : "女", false, m.ethnicity);
    Person& p = w_.persons[pid];
    p.mother = mother;
    p.father = father;
    p.birth_event = event;
    p.police_registered = reg;
    if (!(reg.Valid() && reg <= w_.as_of)) p.id.clear();  // no ID before the police register it
    return pid;
  }

  // -- Deaths and moves --

  // Yearly probability of dying at `age` (Gompertz 1825: mortality grows exponentially with age;
  // the constants give about 0.2% at 40, 1.3% at 60 and 8% at 80).
  static double YearlyDeathRate(double age) {
    return std::min(0.35, 0.00006 * std::exp(0.09 * age));
  }

  void MakeEvents() {
    const double years = (kHistoryDays + 15) / 365.25;
    std::vector<char> household_moves(w_.households.size(), 0);
    for (size_t h = 0; h < w_.households.size(); ++h) {
      // Households with a newborn stay: their births are in this district's lists.
      bool has_newborn = false;
      for (int64_t pid : w_.households[h].members) has_newborn |= w_.persons[pid].birth_event >= 0;
      household_moves[h] =
          !w_.households[h].migrant && !has_newborn && rng_.Bernoulli(R("moved_out") * 2 * 0.4) ? 1
                                                                                                : 0;
    }
    const Date move_from = w_.as_of.AddDays(-kHistoryDays);
    for (size_t h = 0; h < w_.households.size(); ++h) {
      const Date household_move = move_from.AddDays(rng_.UniformInt(0, kHistoryDays - 1));
      for (int64_t pid : w_.households[h].members) {
        Person& p = w_.persons[pid];
        const double age = AgeOf(pid);
        const bool newborn = age < kNewbornDays / 365.25 + 0.01;
        if (household_moves[h] && !newborn) {
          p.moved_out = true;
          p.moved_out_on = std::max(household_move, p.birth);  // not before the child was born
          continue;
        }
        if (!newborn && rng_.Bernoulli(R("moved_out") * 2 * 0.6)) {
          p.moved_out = true;
          p.moved_out_on =
              std::max(move_from.AddDays(rng_.UniformInt(0, kHistoryDays - 1)), p.birth);
          continue;
        }
        if (!newborn && rng_.Bernoulli(1 - std::pow(1 - YearlyDeathRate(age - 1), years))) {
          p.dead = true;
          p.death = w_.as_of.AddDays(rng_.UniformInt(-kHistoryDays, 15));
          if (p.death == w_.as_of)
            p.death = p.death.AddDays(-1);  // alive or dead on as_of, not both
          if (p.death < p.birth) p.death = p.birth;
          continue;
        }
        if (p.relation != "户主" && !newborn && rng_.Bernoulli(R("never_carded"))) {
          p.never_carded = true;
        } else if (!w_.households[h].migrant && !newborn && rng_.Bernoulli(R("not_on_police"))) {
          p.not_on_police = true;
        }
      }
    }
  }

  // People from outside the district who appear in its lists: mothers of vaccinated newborns
  // living here without hukou, and people who died in its hospitals.
  void MakeOutsiders() {
    int64_t newborns = 0, deaths = 0;
    for (const Person& p : w_.persons) {
      if (p.birth_event >= 0) ++newborns;
      if (p.dead) ++deaths;
    }
    int64_t event = 1'000'000'000;
    const auto n_babies = static_cast<int64_t>(std::llround(newborns * R("vaccination_outsiders")));
    for (int64_t i = 0; i < n_babies; ++i) {
      const Date mb = BirthForAge(21 + rng_.UniformDouble() * 18);
      const int64_t mother = AddPerson(-1, Surname(false), 'F', mb, "", true, "汉族");
      const Date birth = w_.as_of.AddDays(-rng_.UniformInt(0, kNewbornDays));
      AddBaby(mother, birth, rng_.Bernoulli(0.52) ? 'M' : 'F', event++, Date{});
    }
    const auto n_dead = static_cast<int64_t>(std::llround(deaths * R("outsider_deaths")));
    for (int64_t i = 0; i < n_dead; ++i) {
      const char sex = rng_.Bernoulli(0.55) ? 'M' : 'F';
      const int64_t pid = AddPerson(-1, Surname(false), sex,
                                    BirthForAge(50 + rng_.UniformDouble() * 45), "", true, "汉族");
      Person& p = w_.persons[pid];
      p.dead = true;
      p.death = w_.as_of.AddDays(rng_.UniformInt(-420, -1));
    }
  }

  // -- The register --

  void MakeRegister() {
    std::vector<std::vector<RegisterRow>> cards(w_.households.size());
    for (size_t h = 0; h < w_.households.size(); ++h) {
      Household& hh = w_.households[h];
      if (hh.migrant && !rng_.Bernoulli(R("migrant_carded"))) continue;
      Community& c = w_.communities[hh.community];
      hh.card_no = c.code + Pad(c.next_card++, 4);
      hh.card_community = hh.community;
      hh.card_building = hh.building;
      hh.card_unit = hh.unit;
      hh.card_room = hh.room;
      for (int64_t pid : hh.members) {
        const Person& p = w_.persons[pid];
        if (p.never_carded) continue;
        if (p.birth_event >= 0 &&
            !rng_.Bernoulli(p.birth >= w_.since ? R("birth_recorded")
                                                : R("birth_recorded_before"))) {
          continue;
        }
        RegisterRow r;
        r.pid = pid;
        r.card_no = hh.card_no;
        r.community = hh.community;
        r.name = p.name;
        r.sex = std::string(1, p.sex);
        r.birth = p.birth.Iso();
        r.id = p.id;
        if (p.birth_event >= 0 && !p.id.empty() && rng_.Bernoulli(0.4)) r.id.clear();
        if (p.mother >= 0 && AgeOf(pid) < 18 && rng_.Bernoulli(0.85)) {
          r.mother_id = w_.persons[p.mother].id;
        }
        r.relation = p.relation;
        r.ethnicity = p.ethnicity;
        r.status = "alive";
        if (p.dead && p.death < w_.as_of &&
            rng_.Bernoulli(p.death < w_.since ? R("death_recorded_before") : R("death_recorded"))) {
          r.status = "deceased";
          r.death_date = p.death.Iso();
        } else if (p.moved_out && rng_.Bernoulli(R("moved_out_recorded"))) {
          r.status = "moved_out";
        }
        cards[h].push_back(std::move(r));
      }
    }
    MakeDuplicates(cards);
    for (auto& card : cards) {
      for (size_t i = 0; i < card.size(); ++i) {
        card[i].person_no = static_cast<int>(i) + 1;
        if (!card[i].second_card && !card[i].has_second_card && card[i].status == "alive") {
          AddMistake(card[i]);
        }
        AddBenignVariation(card[i]);
        w_.register_rows.push_back(std::move(card[i]));
      }
    }
  }

  // Households that moved to another community of the district after the office carded them:
  // the police list has the new community and address, the register still the old ones.
  void MakeMovesWithin() {
    if (R("moved_within") <= 0 || w_.communities.size() < 2) return;
    for (Household& hh : w_.households) {
      if (!extra_.Bernoulli(R("moved_within"))) continue;
      int to = hh.community;
      while (to == hh.community) to = static_cast<int>(community_index_.Sample(extra_));
      hh.community = to;
      hh.moved_within = true;
      if (w_.communities[to].village) {
        hh.building.clear();
        hh.unit.clear();
        hh.room = std::to_string(extra_.UniformInt(1, 180));
      } else {
        hh.building = std::to_string(extra_.UniformInt(1, 40));
        hh.unit = std::to_string(extra_.UniformInt(1, 4));
        hh.room = std::to_string(extra_.UniformInt(1, 18) * 100 + extra_.UniformInt(1, 4));
      }
    }
  }

  // Cards a few living persons a second time, in another household of the same township (a
  // grandparent's card, say) or twice in the same card.
  void MakeDuplicates(std::vector<std::vector<RegisterRow>>& cards) {
    std::vector<std::vector<size_t>> carded_by_township(w_.townships.size());
    for (size_t h = 0; h < cards.size(); ++h) {
      if (!cards[h].empty()) {
        carded_by_township[w_.communities[w_.households[h].community].township].push_back(h);
      }
    }
    const size_t n_households = cards.size();
    for (size_t h = 0; h < n_households; ++h) {
      const size_t n = cards[h].size();
      for (size_t i = 0; i < n; ++i) {
        RegisterRow& r = cards[h][i];
        const Person& p = w_.persons[r.pid];
        if (r.status != "alive" || p.dead || r.has_second_card || r.second_card) continue;
        if (!(p.OnPolice(w_.as_of) || p.BornIn(w_.since, w_.as_of))) continue;
        if (!rng_.Bernoulli(R("duplicate"))) continue;
        const auto& pool = carded_by_township[w_.communities[w_.households[h].community].township];
        const size_t target = rng_.Bernoulli(0.25) ? h : rng_.Pick(pool);
        RegisterRow copy = r;
        r.has_second_card = true;
        copy.second_card = true;
        copy.has_second_card = false;
        copy.card_no = w_.households[target].card_no;
        copy.community = w_.households[target].community;
        copy.relation = target == h ? r.relation : "其他";
        const double v = rng_.UniformDouble();
        if (v < 0.25) {
          ReplaceNameChar(&copy.name, /*lookalike=*/false);
        } else if (v < 0.45) {
          copy.id.clear();
        }
        cards[target].push_back(std::move(copy));
      }
    }
  }

  // Replaces one character of `name` with a homophone (or a look-alike); false when no
  // character of the name has one.
  bool ReplaceNameChar(std::string* name, bool lookalike) {
    std::vector<std::string_view> chars = SplitChars(*name);
    std::vector<size_t> candidates;
    for (size_t i = 0; i < chars.size(); ++i) {
      if (!(lookalike ? LookAlikes(chars[i]) : Homophones(chars[i])).empty())
        candidates.push_back(i);
    }
    if (candidates.empty()) return false;
    const size_t at = rng_.Pick(candidates);
    const auto options = lookalike ? LookAlikes(chars[at]) : Homophones(chars[at]);
    std::string out;
    for (size_t i = 0; i < chars.size(); ++i) out += i == at ? rng_.Pick(options) : chars[i];
    *name = out;
    return true;
  }

  // The office's mistakes on a living register person: at most one of the single kinds, or one
  // of the combinations (multi_*) of two or three.
  void AddMistake(RegisterRow& r) {
    static constexpr std::string_view kKinds[] = {
        "name_homophone", "name_lookalike", "id_substitution", "id_transposition",   "birth_swap",
        "birth_digit",    "wrong_sex",      "blank_value",     "name_near_homophone"};
    double u = rng_.UniformDouble();
    std::string_view kind;
    for (std::string_view k : kKinds) {
      if (u < R(k)) {
        kind = k;
        break;
      }
      u -= R(k);
    }
    static constexpr std::string_view kCombos[] = {"multi_name_birth", "multi_name_sex",
                                                   "multi_name_id", "multi_birth_sex",
                                                   "multi_name_birth_sex"};
    double combo_sum = 0;
    for (std::string_view c : kCombos) combo_sum += R(c);
    if (combo_sum > 0) {
      double v = extra_.UniformDouble();
      for (std::string_view c : kCombos) {
        if (v < R(c)) {
          AddCombination(r, c);
          return;
        }
        v -= R(c);
      }
    }
    ApplyMistake(r, kind);
  }

  // The parts of a combination: a name character (homophone, look-alike or near homophone, in
  // the proportion of their single rates), a birth date (day and month swapped when they can be,
  // else a digit), the sex, an ID digit.
  void AddCombination(RegisterRow& r, std::string_view combo) {
    if (combo.find("name") != std::string_view::npos) {
      std::string_view names[] = {"name_homophone", "name_lookalike", "name_near_homophone"};
      const double total = R(names[0]) + R(names[1]) + R(names[2]);
      double u = extra_.UniformDouble() * total;
      size_t first = 0;
      for (; first < 2 && !(u < R(names[first])); ++first) u -= R(names[first]);
      if (total <= 0) first = 0;
      for (size_t i = 0; i < 3; ++i) {
        const std::string before = r.name;
        ApplyMistake(r, names[(first + i) % 3]);
        if (r.name != before) break;
      }
    }
    if (combo.find("birth") != std::string_view::npos) {
      const std::string before = r.birth;
      ApplyMistake(r, "birth_swap");
      if (r.birth == before) ApplyMistake(r, "birth_digit");
    }
    if (combo.find("sex") != std::string_view::npos) ApplyMistake(r, "wrong_sex");
    if (combo.find("_id") != std::string_view::npos) {
      ApplyMistake(r, extra_.Bernoulli(0.6) ? "id_substitution" : "id_transposition");
    }
  }

  // One mistake of the given kind (a rate's name), when the person allows it: birth dates only
  // of persons aged two or more, never into the window; ID digits only of 18-character IDs.
  void ApplyMistake(RegisterRow& r, std::string_view kind) {
    const Person& p = w_.persons[r.pid];
    const double age = AgeOf(r.pid);
    if (kind.empty()) return;
    if (kind == "name_homophone" || kind == "name_lookalike") {
      ReplaceNameChar(&r.name, kind == "name_lookalike");
    } else if (kind == "name_near_homophone") {
      ReplaceNearHomophone(&r.name);
    } else if (kind == "id_substitution" && r.id.size() == 18) {
      const size_t at = rng_.Uniform(18);
      char c;
      do {
        c = at == 17 ? "0123456789X"[rng_.Uniform(11)] : static_cast<char>('0' + rng_.Uniform(10));
      } while (c == r.id[at]);
      r.id[at] = c;
    } else if (kind == "id_transposition" && r.id.size() == 18) {
      for (int tries = 0; tries < 20; ++tries) {
        const size_t at = rng_.Uniform(17);
        if (r.id[at] != r.id[at + 1]) {
          std::swap(r.id[at], r.id[at + 1]);
          break;
        }
      }
    } else if (kind == "birth_swap" && age >= 2 && p.birth.day <= 12 &&
               p.birth.day != p.birth.month) {
      r.birth = Date{p.birth.year, p.birth.day, p.birth.month}.Iso();
    } else if (kind == "birth_digit" && age >= 2) {
      for (int tries = 0; tries < 20; ++tries) {
        std::string compact = p.birth.Compact();
        const size_t at = 3 + rng_.Uniform(5);  // last digit of the year, month or day
        compact[at] = static_cast<char>('0' + rng_.Uniform(10));
        Date d{std::stoi(compact.substr(0, 4)), std::stoi(compact.substr(4, 2)),
               std::stoi(compact.substr(6, 2))};
        // Never into the window: the date must not turn an adult into a newborn.
        if (d.Valid() && d != p.birth && d < w_.since.AddYears(-1)) {
          r.birth = d.Iso();
          break;
        }
      }
    } else if (kind == "wrong_sex") {
      r.sex = r.sex == "M" ? "F" : "M";
    } else if (kind == "blank_value") {
      const uint64_t which = rng_.Uniform(4);
      if (which == 0) r.name.clear();
      if (which == 1) r.sex.clear();
      if (which == 2 && age >= 2) r.birth.clear();
      if (which == 2 && age < 2) r.sex.clear();  // a newborn's birth date decides rule 6
      if (which == 3 && age >= 1.1) r.id.clear();
      if (which == 3 && age < 1.1) r.name.clear();
    }
  }

  // Replaces one character of `name` with one read alike in a southern accent (NearHomophones);
  // false when no character of the name has one.
  bool ReplaceNearHomophone(std::string* name) {
    std::vector<std::string_view> chars = SplitChars(*name);
    std::vector<size_t> candidates;
    for (size_t i = 0; i < chars.size(); ++i) {
      if (!NearHomophones(chars[i]).empty()) candidates.push_back(i);
    }
    if (candidates.empty()) return false;
    const size_t at = rng_.Pick(candidates);
    const auto options = NearHomophones(chars[at]);
    std::string out;
    for (size_t i = 0; i < chars.size(); ++i) out += i == at ? rng_.Pick(options) : chars[i];
    *name = out;
    return true;
  }

  // Spellings that normalise to the same value: not mistakes.
  void AddBenignVariation(RegisterRow& r) {
    const Person& p = w_.persons[r.pid];
    if (r.id == p.id && p.birth.year >= 1901 && p.birth.year <= 1999 &&
        rng_.Bernoulli(R("legacy_id15"))) {
      r.id = p.id.substr(0, 6) + p.id.substr(8, 9);
      r.id_legacy15 = true;
    }
    if (rng_.Bernoulli(R("register_traditional"))) {
      std::string out;
      for (std::string_view ch : SplitChars(r.name)) {
        std::string_view t = Traditional(ch);
        out += t.empty() ? ch : t;
      }
      r.name = out;
    }
  }

  World& w_;
  Rng rng_;
  Rng extra_;
  std::vector<const norm::Region*> county_codes_;
  std::vector<const norm::Region*> province_retired_;
  int district_since_ = 0;
  IdSet& ids_;
  WeightedIndex given_[2][2] = {{Dummy(), Dummy()}, {Dummy(), Dummy()}};
  WeightedIndex surname_index_ = Dummy();
  WeightedIndex she_index_ = Dummy();
  WeightedIndex community_index_ = Dummy();

  static WeightedIndex Dummy() {
    const double one = 1;
    return WeightedIndex::Make(std::span<const double>(&one, 1)).value();
  }
};

}  // namespace

bool Person::OnPolice(const Date& as_of) const {
  if (household < 0 || moved_out || not_on_police || id.empty()) return false;
  if (dead && death <= as_of) return false;
  if (birth_event >= 0) return police_registered.Valid() && police_registered <= as_of;
  return true;
}

std::span<const RateSpec> RateSpecs() { return kRates; }

Result<const norm::Region*> CountyRegion(const std::string& code) {
  const norm::Region* found = nullptr;
  for (const norm::Region& r : norm::AllRegions()) {
    if (r.level == "县级" && r.code == code && (found == nullptr || r.until == 0)) found = &r;
  }
  if (found == nullptr) {
    return InvalidArgument("--district " + code +
                           " is not a county-level division code of the shipped table");
  }
  return found;
}

Result<World> BuildWorld(const GenOptions& options, IdSet* ids) {
  World w;
  w.options = options;
  Builder b(options, &w, ids);
  RETURN_IF_ERROR(b.Build());
  return w;
}

}  // namespace popreg::gen
