#include "report/table_out.h"

#include <cstdio>
#include <string>
#include <vector>

#include "io/csv.h"
#include "io/xlsx_writer.h"

namespace popreg::report {

Status WriteTable(std::string_view format, const std::string& path, std::string_view sheet,
                  std::span<const TableColumn> columns,
                  const std::vector<std::vector<std::string>>& rows,
                  const std::vector<std::vector<std::string>>& xlsx_rows) {
  if (format == "csv") {
    ASSIGN_OR_RETURN(auto out, io::CsvWriter::Create(path));
    std::vector<std::string_view> header;
    for (const TableColumn& c : columns) header.push_back(c.name);
    RETURN_IF_ERROR(out->Write(header));
    for (const auto& r : rows) RETURN_IF_ERROR(out->Write(r));
    return out->Close();
  }
  if (format == "xlsx") {
    io::XlsxWriterOptions options;
    std::vector<std::string_view> header;
    for (const TableColumn& c : columns) {
      header.push_back(c.zh);
      options.column_widths.push_back(c.width);
    }
    ASSIGN_OR_RETURN(auto out, io::XlsxWriter::Create(path, sheet, options));
    RETURN_IF_ERROR(out->WriteRow(header));
    for (const auto& r : xlsx_rows.empty() ? rows : xlsx_rows) RETURN_IF_ERROR(out->WriteRow(r));
    return out->Close();
  }
  return InvalidArgument("--format: '" + std::string(format) + "' is not csv or xlsx");
}

std::string OneDecimal(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f", v + 0.0);  // + 0.0: no "-0.0"
  return buf;
}

}  // namespace popreg::report
