// Internal to report/: the columns of the statistics table (report/stats.h) and the writers of
// each format, which WriteStatistics chooses from.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "report/stats.h"

namespace popreg::report {

// One numeric column of the table: its group (登记, 公安户籍, ...), its Chinese header, its CSV
// name, and its value in a row (nullopt: nothing to show, e.g. a department not imported or a
// community that sent no manual report).
struct StatsColumn {
  std::string group;        // Chinese group header
  std::string header;       // Chinese column header
  std::string name;         // English CSV name, e.g. "police_population_persons"
  bool difference = false;  // the register minus a department: shown with its sign
  std::function<std::optional<int64_t>(const StatsRow&)> value;
};

// The columns in order: the register, each department (spec order), the departments together,
// the manual report, after the approved items, after every open item.
std::vector<StatsColumn> StatsColumns(const Statistics& s);

// The Chinese name of a level: 社区（村）, 乡镇（街道）, 区县.
std::string_view LevelName(std::string_view level);

// One line saying what the table is: the date, the window, the comparison.
std::string StatsSubtitle(const Statistics& s);

Status WriteStatsCsv(const Statistics& s, const std::string& path);
Status WriteStatsXlsx(const Statistics& s, const std::string& path);
Status WriteStatsPdf(const Statistics& s, const std::string& path);

}  // namespace popreg::report
