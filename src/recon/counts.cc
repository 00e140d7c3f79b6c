#include "recon/counts.h"

#include <nlohmann/json.hpp>
#include <unordered_map>

#include "link/disjoint_sets.h"

namespace popreg::recon {
namespace {

// The fields of SourceFigures in the order the JSON keeps them.
constexpr std::string_view kFields[] = {"persons", "births",        "deaths",
                                        "linked",  "linked_births", "linked_deaths"};

int64_t* FigureField(SourceFigures& f, size_t i) {
  int64_t* fields[] = {&f.persons, &f.births,        &f.deaths,
                       &f.linked,  &f.linked_births, &f.linked_deaths};
  return fields[i];
}

}  // namespace

void CountPersons(const std::vector<CountedRecord>& records, const Window& window,
                  const TextColumn& register_community, std::map<std::string, SourceFigures>* out) {
  link::DisjointSets groups(records.size());
  std::unordered_map<int32_t, uint32_t> by_link;
  std::unordered_map<std::string_view, uint32_t> by_id, by_key;
  by_link.reserve(records.size());
  by_id.reserve(records.size());
  for (uint32_t i = 0; i < records.size(); ++i) {
    const CountedRecord& r = records[i];
    if (r.linked >= 0) groups.Union(i, by_link.try_emplace(r.linked, i).first->second);
    if (!r.id_number.empty()) groups.Union(i, by_id.try_emplace(r.id_number, i).first->second);
    if (!r.same_person.empty()) groups.Union(i, by_key.try_emplace(r.same_person, i).first->second);
  }
  // Per group (at its root): the first community, link and dates its records give.
  struct Person {
    std::string_view community;
    int32_t linked = -1;
    std::string_view birth, death;
  };
  std::vector<Person> person(records.size());
  for (uint32_t i = 0; i < records.size(); ++i) {
    const CountedRecord& r = records[i];
    Person& p = person[groups.Find(i)];
    if (p.community.empty()) p.community = r.community;
    if (p.linked < 0) p.linked = r.linked;
    if (p.birth.empty()) p.birth = r.birth_date;
    if (p.death.empty()) p.death = r.death_date;
  }
  std::unordered_map<std::string_view, SourceFigures*> figures;  // of each community in `out`
  for (uint32_t i = 0; i < records.size(); ++i) {
    if (groups.Find(i) != i) continue;
    const Person& p = person[i];
    std::string_view community = p.community;
    if (community.empty() && p.linked >= 0 &&
        static_cast<size_t>(p.linked) < register_community.size()) {
      community = register_community[p.linked];
    }
    SourceFigures*& slot = figures[community];
    if (slot == nullptr) slot = &(*out)[std::string(community)];
    SourceFigures& f = *slot;
    const bool linked = p.linked >= 0;
    const bool born = window.Contains(p.birth);
    const bool died = window.Contains(p.death);
    ++f.persons;
    f.births += born ? 1 : 0;
    f.deaths += died ? 1 : 0;
    f.linked += linked ? 1 : 0;
    f.linked_births += linked && born ? 1 : 0;
    f.linked_deaths += linked && died ? 1 : 0;
  }
}

std::string CountsJson(const SourceCounts& counts) {
  nlohmann::json communities = nlohmann::json::object();
  for (const auto& [code, c] : counts.communities) {
    nlohmann::json j = nlohmann::json::object();
    for (const auto& [kind, f] : c.sources) {
      SourceFigures copy = f;
      nlohmann::json values = nlohmann::json::array();
      for (size_t i = 0; i < std::size(kFields); ++i) values.push_back(*FigureField(copy, i));
      j[kind] = values;
    }
    j["departments"] = {c.departments.total, c.departments.births, c.departments.deaths};
    communities[code] = j;
  }
  nlohmann::json j = {{"since", counts.since.Iso()},
                      {"as_of", counts.as_of.Iso()},
                      {"kinds", counts.kinds},
                      {"fields", kFields},
                      {"departments", {"total", "births", "deaths"}},
                      {"communities", communities}};
  return j.dump();
}

Result<std::optional<SourceCounts>> CountsFromSummary(std::string_view summary_json) {
  if (summary_json.empty()) return std::optional<SourceCounts>();
  const nlohmann::json summary = nlohmann::json::parse(summary_json, nullptr, false);
  if (!summary.is_object()) return InvalidArgument("the comparison's summary is not JSON");
  auto it = summary.find("statistics");
  if (it == summary.end()) return std::optional<SourceCounts>();
  const nlohmann::json& j = *it;
  auto bad = [](std::string_view what) {
    return InvalidArgument("the comparison's statistics are malformed: " + std::string(what));
  };
  try {
    SourceCounts c;
    const std::optional<Date> since = Date::ParseIso(j.at("since").get<std::string>());
    const std::optional<Date> as_of = Date::ParseIso(j.at("as_of").get<std::string>());
    if (!since || !as_of) return bad("since or as_of is no date");
    c.since = *since;
    c.as_of = *as_of;
    c.kinds = j.at("kinds").get<std::vector<std::string>>();
    const auto fields = j.at("fields").get<std::vector<std::string>>();
    for (const auto& [code, per] : j.at("communities").items()) {
      CommunityCounts& cc = c.communities[code];
      for (const auto& [kind, values] : per.items()) {
        if (kind == "departments") {
          if (!values.is_array() || values.size() != 3) return bad("departments of " + code);
          cc.departments = {values[0].get<int64_t>(), values[1].get<int64_t>(),
                            values[2].get<int64_t>()};
          continue;
        }
        if (!values.is_array() || values.size() != fields.size()) return bad(kind + " of " + code);
        SourceFigures& f = cc.sources[kind];
        for (size_t i = 0; i < fields.size(); ++i) {
          for (size_t k = 0; k < std::size(kFields); ++k) {
            if (fields[i] == kFields[k]) *FigureField(f, k) = values[i].get<int64_t>();
          }
        }
      }
    }
    return std::optional<SourceCounts>(std::move(c));
  } catch (const nlohmann::json::exception& e) {
    return bad(e.what());
  }
}

}  // namespace popreg::recon
