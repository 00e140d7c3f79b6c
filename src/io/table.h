// One reader for every input file: CSV, xlsx or legacy xls, chosen by the file's first bytes.
// Every reader gives rows of UTF-8 strings (io::CsvRecord), the header row first.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "base/status.h"
#include "io/csv.h"

namespace popreg::io {

enum class TableFormat { kCsv, kXlsx, kXls };

// "csv", "xlsx", "xls".
std::string_view TableFormatName(TableFormat f);

// The format of a file that starts with `head` (its first 8 bytes suffice): a zip archive
// ("PK\3\4", or "PK\5\6" for an empty one) is xlsx, an OLE2 compound document (D0 CF 11 E0 A1 B1
// 1A E1) is xls, anything else is CSV. The file name's extension is not consulted: a CSV file
// named .xlsx is read as CSV.
TableFormat DetectTableFormat(std::string_view head);

// Reads the rows of one table. Record 0 is the first row that is read (the header), 1 the first
// data row, and so on. CsvRecord::line is the physical line for CSV (CsvReader) and the 1-based
// row number in the sheet for xlsx and xls, so a clerk can find the row in Excel. Errors name the
// file and the place, e.g. "register.xlsx: sheet 1, cell B7: ..." or "a.csv: line 7: ...".
// Not thread-safe; one object per file.
class TableReader {
 public:
  // Opens `path` and chooses the reader by DetectTableFormat of its first bytes: CsvReader with
  // encoding detection, XlsxReader or XlsReader with default options. Errors are those of the
  // chosen reader's Open (a file that cannot be opened gets CsvReader's NotFound or IoError).
  static Result<std::unique_ptr<TableReader>> Open(const std::string& path);

  virtual ~TableReader() = default;

  // Reads the next row into `out` (reusing its strings' capacity). Returns true when a row was
  // read, false at the end. After an error every later call returns it again.
  virtual Result<bool> Next(CsvRecord* out) = 0;

  // "csv", "xlsx" or "xls".
  virtual std::string_view format() const = 0;
  // The name used in errors: the path as given to Open.
  virtual const std::string& name() const = 0;
};

}  // namespace popreg::io
