// What each department's file says per community, counted by a comparison while it has the
// links at hand, so that `popreg stats` (report/stats.h) never links again: per community and
// per department the distinct persons, those born and those died in the window, and how many of
// them are linked to a register person; and the departments together (births from any source
// once per child, deaths from any source once per person). The comparison keeps them in its
// summary_json under "statistics".
//
// A person is counted once however many rows of a file describe them: rows linked to the same
// register person, or with the same ID number, are one person (for deaths across files also the
// same name and death date). A record's community is its own community code, else the one its
// address names, else the linked register person's; a record none of these place is counted
// under the community "" (shown as 未能归属).
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/date.h"
#include "base/status.h"
#include "recon/rules.h"
#include "store/store.h"

namespace popreg::recon {

// The departments counted, by the spec's kind names, in the spec's order.
inline constexpr std::string_view kCountedKinds[] = {
    "police_population", "police_births", "vaccinations", "cremations", "death_certificates"};

// One department's figures in one community.
struct SourceFigures {
  int64_t persons = 0;  // distinct persons of the file
  int64_t births = 0;   // of them, born in [since, as_of]
  int64_t deaths = 0;   // of them, died in [since, as_of]
  int64_t linked = 0;   // persons linked to a register person
  int64_t linked_births = 0, linked_deaths = 0;
  bool operator==(const SourceFigures&) const = default;
};

// The departments together in one community.
struct UnionFigures {
  int64_t total = 0;   // the police list's persons (the one department that lists everyone)
  int64_t births = 0;  // children born in the window known from any source, once per child
  int64_t deaths = 0;  // persons died in the window known from any source, once per person
  bool operator==(const UnionFigures&) const = default;
};

struct CommunityCounts {
  std::map<std::string, SourceFigures> sources;  // by kind name; a kind not imported is absent
  UnionFigures departments;
  bool operator==(const CommunityCounts&) const = default;
};

struct SourceCounts {
  Date since, as_of;
  std::vector<std::string> kinds;                      // the departments that were imported
  std::map<std::string, CommunityCounts> communities;  // by community code; "" = unknown
  bool operator==(const SourceCounts&) const = default;
};

// One record as counted: its community ("" unknown), the register person it is linked to (-1
// none), the values that make two records one person, and its dates (ISO; "" unknown).
struct CountedRecord {
  std::string_view community;
  int32_t linked = -1;
  std::string_view id_number;  // "" = none
  std::string same_person;     // another key that makes records one person; "" = none
  std::string_view birth_date, death_date;
};

// Counts the distinct persons of `records` into `out` (per community: persons, births and
// deaths in `window`, linked ones). `register_community` places a record no community places
// through its linked register person. Linear in the number of records.
void CountPersons(const std::vector<CountedRecord>& records, const Window& window,
                  const TextColumn& register_community, std::map<std::string, SourceFigures>* out);

// The counts as the JSON object kept under summary_json's "statistics", and back. FromJson is
// nullopt when `summary_json` has no "statistics" (a comparison made before popreg counted
// them); InvalidArgument when it is malformed.
std::string CountsJson(const SourceCounts& counts);
Result<std::optional<SourceCounts>> CountsFromSummary(std::string_view summary_json);

}  // namespace popreg::recon
