// The statistics comparison (`popreg stats`, issue 13): per area the total population, the
// births and the deaths of the window as the register has them, as each department has them, as
// the office's manual report has them, the differences, and the register as it will read once
// the approved items (or every open item) are applied.
//
// The departments' figures come from the comparison (recon/counts.h: it counts them while it
// has the links); the register's are counted now from the store, and the projections add each
// item's recon::CountEffect. Every township is the sum of its communities and the district the
// sum of its townships: what no community places (an unlinked cremation without an address the
// areas know, a code outside the district) is the row 未能归属 (code "") at each level.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "base/date.h"
#include "base/status.h"
#include "store/store.h"

namespace popreg::report {

struct Figures {
  int64_t total = 0, births = 0, deaths = 0;
  Figures& operator+=(const Figures& o) {
    total += o.total;
    births += o.births;
    deaths += o.deaths;
    return *this;
  }
  bool operator==(const Figures&) const = default;
};

struct StatsOptions {
  Date as_of;
  std::optional<Date> since;  // the window's start; nullopt = the comparison's
  std::string level = "community";
  std::string area;  // an area code (a township covers its communities) or code prefix; "" = all
};

// One area's figures. The register's: total = persons alive, births = persons born in the window
// (whatever their status now), deaths = persons deceased with a death date in the window. A
// department's (source, linked): total = its distinct persons, births = of them born in the
// window, deaths = of them died in the window.
struct StatsRow {
  std::string code, name, level;  // level: community | township | district; code "" for 未能归属
  Figures reg;                    // the register as it is now
  Figures after_approved;         // once the approved items are applied
  Figures after_all;              // once every open item is applied
  std::map<std::string, Figures> source;  // per department (spec kind name), distinct persons
  std::map<std::string, Figures> linked;  // of those, linked to a register person
  Figures departments;                    // all departments together, a person counted once
  std::optional<Figures> manual;  // the manual report (nullopt: the community did not report)
  // Added: the items whose projection rests on their proposal rather than verified values
  // (absent_from_source without a verified outcome, counted as moved out), in after_all.
  int64_t assumed = 0;
};

struct Statistics {
  Date as_of, since;
  int64_t comparison_id = 0;
  std::string level;
  std::vector<StatsRow> rows;  // the rows of `level`, by code; 未能归属 last
  StatsRow total;              // the district (level "district"), or the area asked for ("total")
  // Added: the departments the comparison read (spec kind names, spec order); a department
  // missing here has no figures, not zero ones.
  std::vector<std::string> kinds;
  // Added: the rows of every level ("community", "township", "district"), for the workbook's
  // sheets; rows is one of them.
  std::map<std::string, std::vector<StatsRow>> levels;
  std::string area_name;  // the district's name, or the area's
};

// Computes the statistics of the newest comparison of `options.as_of` (and of options.since,
// when given). A store without such a comparison is FailedPrecondition naming the `popreg
// compare` to run; so is a comparison made before popreg counted the departments' figures.
// An unknown level is InvalidArgument.
Result<Statistics> ComputeStatistics(store::Store& store, const StatsOptions& options);

// Writes `s` to `path`: "csv" (UTF-8, English header, the rows of s.level and the total), "xlsx"
// (a sheet per level, Chinese headers under merged group headers, frozen header rows, numbers
// as numbers) or "pdf" (an A4 landscape table per level). A failed write leaves no file.
Status WriteStatistics(const Statistics& s, const std::string& format, const std::string& path);

// Writes the register's figures of each community in the manual_report kind's columns
// (community_code, total_population, births, deaths under their Chinese aliases), "csv" or
// "xlsx", so that the office can lay it beside its hand-made report.
Status WriteManualLayout(const Statistics& s, const std::string& format, const std::string& path);

}  // namespace popreg::report
