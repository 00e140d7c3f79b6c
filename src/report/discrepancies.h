// The discrepancy file: the exchange spec's CSV ("The discrepancy file popreg writes"), an xlsx
// workbook for people (Chinese headers, frozen header row, filters, column widths) and JSON for
// programs.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "store/store.h"

namespace popreg::report {

enum class DiscrepancyFormat { kCsv, kXlsx, kJson };

// Parses "csv", "xlsx" or "json".
Result<DiscrepancyFormat> ParseDiscrepancyFormat(std::string_view name);

// The spec's header, in its order.
std::span<const std::string_view> DiscrepancyColumns();

// One item as the spec's row: the columns of DiscrepancyColumns() in order. A column that does
// not apply is empty; match_probability has at most 6 decimals.
std::vector<std::string> DiscrepancyRow(const store::Discrepancy& d);

// Writes `items` to `path`. csv: UTF-8, the spec's English header exactly, and the spec's types
// only (card corrections, the office's own items, are left out); xlsx: one sheet with
// the spec's columns in the spec's order under Chinese headers, types and statuses in Chinese;
// json: an array of objects by the spec's column names plus evidence, explanation and the
// comparisons that found the item first and last. Errors name the path; a failed write leaves
// no partial file behind.
Status WriteDiscrepancies(std::span<const store::Discrepancy> items, DiscrepancyFormat format,
                          const std::string& path);

}  // namespace popreg::report
