// Writing one-sheet xlsx workbooks (exports, test fixtures) through libxlsxwriter.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"

namespace popreg::io {

struct XlsxWriterOptions {
  // The first row written is a header: bold, and frozen so that it stays visible when scrolling.
  bool header_row = true;
  // Filter buttons on the header over every row and column written (only with header_row).
  bool autofilter = true;
  // Each column is as wide as its widest value (internal::DisplayWidth: Chinese characters count
  // 2), plus a margin, between Excel's default 8.43 and max_column_width.
  bool auto_column_widths = true;
  double max_column_width = 60;
  // Explicit widths in Excel's units for the first columns, overriding the automatic ones; a
  // width <= 0 leaves that column automatic (or at the default without auto_column_widths).
  std::vector<double> column_widths;
  // Rows go to a temporary file as they are written and strings are stored inline: memory stays
  // flat (7 MB peak for 1,000,000 rows x 12 columns, written in about 13 s). Off, the library
  // keeps the whole sheet in memory and shares strings (1.4 GB peak for the same sheet).
  bool constant_memory = true;
};

// One cell of XlsxWriter::WriteCells: a number, or text as WriteRow writes it.
struct XlsxCell {
  std::string text;              // when `number` is not set; "" leaves the cell empty
  std::optional<double> number;  // written as a number
  std::string number_format;     // Excel's format code for the number ("#,##0"); "" = General
  bool bold = false;
};

// Writes rows of strings into the one sheet of a new xlsx workbook (or several: AddSheet). Every
// cell is written as TEXT in the text number format "@" (an 18-digit ID keeps its digits, "007"
// keeps its zeros, a date stays as typed), with Excel's "number stored as text" warning switched
// off; an empty string leaves the cell empty. Text is kept exactly: control characters and literal
// "_xHHHH_" sequences are escaped so that XlsxReader (and Excel) read back the same string. The
// file is produced by Close(). Not thread-safe.
class XlsxWriter {
 public:
  // Starts a workbook at `path` with one sheet named `sheet_name` (at most 31 characters, none
  // of []:*?/\, not starting or ending with an apostrophe: else InvalidArgument). The file is
  // created (or truncated) now, so an unwritable path is an IoError naming it here.
  static Result<std::unique_ptr<XlsxWriter>> Create(const std::string& path,
                                                    std::string_view sheet_name = "Sheet1",
                                                    const XlsxWriterOptions& options = {});
  // Closes the workbook if Close() was not called, ignoring errors.
  ~XlsxWriter();
  XlsxWriter(const XlsxWriter&) = delete;
  XlsxWriter& operator=(const XlsxWriter&) = delete;

  // Writes the next row. A field that is not well-formed UTF-8 or longer than Excel's 32767
  // characters, more than 16384 fields, or a row after Excel's 1048576th, is an InvalidArgument
  // naming the path and the cell ("out.xlsx: cell C5: ...") and nothing of the row is written.
  // A failure of the library is an IoError that every later call (and Close) returns again.
  Status WriteRow(const std::vector<std::string>& fields);
  Status WriteRow(const std::vector<std::string_view>& fields);
  // Writes the next row cell by cell: numbers as numbers in their format, text as WriteRow
  // writes it, bold where asked. Errors as WriteRow's.
  Status WriteCells(const std::vector<XlsxCell>& cells);

  // Merges the cells of rows first_row..last_row and columns first_col..last_col (0-based, both
  // included) of the current sheet into one showing `text`, bold and centred. The rows may be
  // written before or after. Requires options.constant_memory = false (FailedPrecondition), as
  // a merged range is written out of row order; a range beyond Excel's limits is
  // InvalidArgument. Ranges must not overlap (the library does not check it).
  Status MergeCells(int64_t first_row, int first_col, int64_t last_row, int last_col,
                    std::string_view text);
  // Keeps the first `rows` rows and `cols` columns of the current sheet in view when scrolling
  // (instead of the header row alone).
  Status FreezePanes(int64_t rows, int cols);
  // Finishes the current sheet (its widths and filter) and starts another named `name` (the
  // rules of Create); the rows written next go there, the first of them the header when
  // options.header_row.
  Status AddSheet(std::string_view name);

  // Applies the widths and the filter and writes the file; errors (a full disk, an unwritable
  // directory) name the path, and the partial file is removed. Calling it again returns the first
  // result; WriteRow after Close is a FailedPrecondition.
  Status Close();

  // Rows written so far to the current sheet (the header included).
  int64_t rows_written() const;

 private:
  struct Impl;
  explicit XlsxWriter(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace popreg::io
