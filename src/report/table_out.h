// Writing a report's table as CSV (English header, values as programs read them) or as a one-sheet
// xlsx workbook (Chinese header, values as people read them). Internal to report/.
#pragma once

#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"

namespace popreg::report {

struct TableColumn {
  std::string_view name;  // the CSV header
  std::string_view zh;    // the workbook's header
  double width = 0;       // the workbook's column width; 0 = as wide as the values
};

// Writes `rows` (each as many cells as `columns`) to `path`: format "csv" with the columns' English
// names, or "xlsx" (sheet `sheet`) with their Chinese names and `xlsx_rows` when it is not empty
// (the same rows spelled for people). Any other format is InvalidArgument; errors name the path.
Status WriteTable(std::string_view format, const std::string& path, std::string_view sheet,
                  std::span<const TableColumn> columns,
                  const std::vector<std::vector<std::string>>& rows,
                  const std::vector<std::vector<std::string>>& xlsx_rows = {});

// `v` with one decimal ("87.5").
std::string OneDecimal(double v);

}  // namespace popreg::report
