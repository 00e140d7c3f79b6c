#include "io/xlsx_writer.h"

#include <xlsxwriter.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <map>
#include <utility>

#include "io/sheet_values.h"
#include "io/transcode.h"

namespace popreg::io {
namespace {

constexpr size_t kMaxCellChars = 32767;  // Excel's limit
constexpr double kDefaultWidth = 8.43;   // Excel's default column width
constexpr double kWidthMargin = 2;

size_t CountCodePoints(std::string_view s) {
  size_t n = 0;
  for (char c : s) {
    if ((static_cast<unsigned char>(c) & 0xC0) != 0x80) ++n;
  }
  return n;
}

// The text handed to libxlsxwriter: literal "_xHHHH_" escaped (the library escapes control
// characters itself but not these), and NUL, which would end the C string, as "_x0000_".
std::string LibraryText(std::string_view field) {
  std::string s = internal::EscapeXstringLiterals(field);
  if (s.find('\0') == std::string::npos) return s;
  std::string out;
  for (char c : s) {
    if (c == '\0') {
      out += "_x0000_";
    } else {
      out += c;
    }
  }
  return out;
}

}  // namespace

struct XlsxWriter::Impl {
  std::string path;
  XlsxWriterOptions options;
  std::string sheet_name;
  lxw_workbook* workbook = nullptr;
  lxw_worksheet* sheet = nullptr;
  lxw_format* text = nullptr;
  lxw_format* header = nullptr;
  lxw_format* merged = nullptr;
  std::map<std::pair<std::string, bool>, lxw_format*> formats;  // WriteCells' (format, bold)
  int64_t rows = 0;
  int columns = 0;          // widest row written
  std::vector<int> widths;  // display width of the widest value per column
  Status error;             // sticky library failure
  bool closed = false;
  Status close_status;

  ~Impl() {
    if (workbook != nullptr) workbook_close(workbook);
  }

  Status LibraryError(std::string_view where, lxw_error e) const {
    return IoError(path + ": " + std::string(where) + (where.empty() ? "" : ": ") +
                   "xlsx writer failed: " + lxw_strerror(e));
  }

  // Whether a row of `n` cells may be written next: OK, or the error naming the row.
  Status CanWrite(size_t n) const {
    if (closed) return FailedPrecondition(path + ": write after Close");
    if (!error.ok()) return error;
    if (rows >= internal::kMaxSheetRows) {
      return InvalidArgument(path + ": more than " + std::to_string(internal::kMaxSheetRows) +
                             " rows (Excel's limit)");
    }
    if (n > static_cast<size_t>(internal::kMaxSheetColumns)) {
      return InvalidArgument(path + ": row " + std::to_string(rows + 1) + ": more than " +
                             std::to_string(internal::kMaxSheetColumns) +
                             " columns (Excel's limit)");
    }
    return Status::Ok();
  }

  // Whether `f` may be the text of cell `col` of the next row.
  Status CheckText(size_t col, std::string_view f) const {
    const std::string cell =
        "cell " + internal::ColumnName(static_cast<int>(col)) + std::to_string(rows + 1);
    if (internal::ScanUtf8(f).valid != f.size()) {
      return InvalidArgument(path + ": " + cell + ": text is not valid UTF-8");
    }
    if (CountCodePoints(f) > kMaxCellChars) {
      return InvalidArgument(path + ": " + cell + ": text longer than " +
                             std::to_string(kMaxCellChars) + " characters (Excel's limit)");
    }
    return Status::Ok();
  }

  // Keeps the library's failure of cell `col` of the next row.
  Status CellError(size_t col, lxw_error e) {
    error = LibraryError(
        "cell " + internal::ColumnName(static_cast<int>(col)) + std::to_string(rows + 1), e);
    return error;
  }

  void Widen(size_t col, int width) {
    if (widths.size() <= col) widths.resize(col + 1, 0);
    widths[col] = std::max(widths[col], width);
  }

  // The format of WriteCells' numbers and bold text, made once per (format, bold).
  lxw_format* CellFormat(const std::string& number_format, bool bold) {
    lxw_format*& f = formats[{number_format, bold}];
    if (f == nullptr) {
      f = workbook_add_format(workbook);
      if (f == nullptr) return nullptr;
      if (!number_format.empty()) format_set_num_format(f, number_format.c_str());
      if (bold) format_set_bold(f);
    }
    return f;
  }

  Status WriteCells(const std::vector<XlsxCell>& cells) {
    RETURN_IF_ERROR(CanWrite(cells.size()));
    for (size_t i = 0; i < cells.size(); ++i) {
      if (!cells[i].number) RETURN_IF_ERROR(CheckText(i, cells[i].text));
    }
    const auto row = static_cast<lxw_row_t>(rows);
    for (size_t i = 0; i < cells.size(); ++i) {
      const XlsxCell& c = cells[i];
      const auto col = static_cast<lxw_col_t>(i);
      lxw_error e = LXW_NO_ERROR;
      if (c.number) {
        lxw_format* f = CellFormat(c.number_format, c.bold);
        if (f == nullptr) return CellError(i, LXW_ERROR_MEMORY_MALLOC_FAILED);
        e = worksheet_write_number(sheet, row, col, *c.number, f);
        char buf[32];
        std::snprintf(buf, sizeof buf, "%.0f", *c.number);
        Widen(i, static_cast<int>(std::strlen(buf) * 4 / 3));  // with thousands separators
      } else if (!c.text.empty()) {
        e = worksheet_write_string(sheet, row, col, LibraryText(c.text).c_str(),
                                   c.bold ? header : text);
        Widen(i, internal::DisplayWidth(c.text));
      }
      if (e != LXW_NO_ERROR) return CellError(i, e);
    }
    columns = std::max(columns, static_cast<int>(cells.size()));
    ++rows;
    return Status::Ok();
  }

  template <typename Field>
  Status Write(const std::vector<Field>& fields) {
    RETURN_IF_ERROR(CanWrite(fields.size()));
    for (size_t i = 0; i < fields.size(); ++i) RETURN_IF_ERROR(CheckText(i, fields[i]));
    const bool is_header = options.header_row && rows == 0;
    const auto row = static_cast<lxw_row_t>(rows);
    for (size_t i = 0; i < fields.size(); ++i) {
      const std::string_view f = fields[i];
      if (f.empty()) continue;
      const auto col = static_cast<lxw_col_t>(i);
      const lxw_error e = worksheet_write_string(sheet, row, col, LibraryText(f).c_str(),
                                                 is_header ? header : text);
      if (e != LXW_NO_ERROR) return CellError(i, e);
      Widen(i, internal::DisplayWidth(f));
    }
    columns = std::max(columns, static_cast<int>(fields.size()));
    ++rows;
    return Status::Ok();
  }

  // Sets the current sheet's column widths and filter.
  Status FinishSheet() {
    Status st = error;
    if (st.ok()) {
      const size_t n = std::max(widths.size(), options.column_widths.size());
      for (size_t i = 0; i < n && st.ok(); ++i) {
        double w = 0;
        if (i < options.column_widths.size() && options.column_widths[i] > 0) {
          w = options.column_widths[i];
        } else if (options.auto_column_widths && i < widths.size() && widths[i] > 0) {
          w = std::clamp(widths[i] + kWidthMargin, kDefaultWidth,
                         std::max(options.max_column_width, kDefaultWidth));
        }
        if (w <= 0) continue;
        const auto col = static_cast<lxw_col_t>(i);
        const lxw_error e = worksheet_set_column(sheet, col, col, w, nullptr);
        if (e != LXW_NO_ERROR) st = LibraryError("column widths", e);
      }
    }
    if (st.ok() && options.header_row && options.autofilter && rows > 0 && columns > 0) {
      const lxw_error e = worksheet_autofilter(sheet, 0, 0, static_cast<lxw_row_t>(rows - 1),
                                               static_cast<lxw_col_t>(columns - 1));
      if (e != LXW_NO_ERROR) st = LibraryError("autofilter", e);
    }
    return st;
  }

  // Starts the sheet `name` (checked as Create checks it).
  Status StartSheet(const std::string& name) {
    if (const lxw_error e = workbook_validate_sheet_name(workbook, name.c_str());
        e != LXW_NO_ERROR) {
      return InvalidArgument(path + ": invalid sheet name \"" + name + "\": " + lxw_strerror(e));
    }
    sheet = workbook_add_worksheet(workbook, name.c_str());
    if (sheet == nullptr) return Internal(path + ": cannot add the worksheet " + name);
    sheet_name = name;
    rows = 0;
    columns = 0;
    widths.clear();
    if (options.header_row) worksheet_freeze_panes(sheet, 1, 0);
    worksheet_ignore_errors(sheet, LXW_IGNORE_NUMBER_STORED_AS_TEXT, "A1:XFD1048576");
    return Status::Ok();
  }

  Status Finish() {
    Status st = FinishSheet();
    errno = 0;
    const lxw_error e = workbook_close(workbook);
    workbook = nullptr;
    if (st.ok() && e != LXW_NO_ERROR) {
      st = e == LXW_ERROR_CREATING_XLSX_FILE || e == LXW_ERROR_CREATING_TMPFILE
               ? IoError(path + ": cannot write the file: " + lxw_strerror(e) +
                         (errno != 0 ? std::string(" (") + std::strerror(errno) + ")" : ""))
               : LibraryError("", e);
    }
    if (!st.ok()) std::remove(path.c_str());
    return st;
  }
};

XlsxWriter::XlsxWriter(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

XlsxWriter::~XlsxWriter() = default;

Result<std::unique_ptr<XlsxWriter>> XlsxWriter::Create(const std::string& path,
                                                       std::string_view sheet_name,
                                                       const XlsxWriterOptions& options) {
  // libxlsxwriter opens the file only when closing; find an unwritable path now.
  if (FILE* f = std::fopen(path.c_str(), "wb")) {
    std::fclose(f);
  } else {
    return IoError(path + ": cannot create: " + std::strerror(errno));
  }
  auto impl = std::make_unique<Impl>();
  impl->path = path;
  impl->options = options;
  impl->sheet_name = std::string(sheet_name);
  lxw_workbook_options wo = {};
  wo.constant_memory = options.constant_memory ? LXW_TRUE : LXW_FALSE;
  wo.tmpdir = nullptr;
  wo.use_zip64 = LXW_FALSE;
  impl->workbook = workbook_new_opt(path.c_str(), &wo);
  if (impl->workbook == nullptr) {
    return ResourceExhausted(path + ": cannot start a workbook (out of memory)");
  }
  if (Status st = impl->StartSheet(impl->sheet_name); !st.ok()) {
    std::remove(path.c_str());
    return st;
  }
  impl->text = workbook_add_format(impl->workbook);
  impl->header = workbook_add_format(impl->workbook);
  impl->merged = workbook_add_format(impl->workbook);
  if (impl->text == nullptr || impl->header == nullptr || impl->merged == nullptr) {
    return Internal(path + ": cannot add the worksheet");
  }
  format_set_num_format(impl->text, "@");
  format_set_num_format(impl->header, "@");
  format_set_bold(impl->header);
  format_set_num_format(impl->merged, "@");
  format_set_bold(impl->merged);
  format_set_align(impl->merged, LXW_ALIGN_CENTER);
  format_set_align(impl->merged, LXW_ALIGN_VERTICAL_CENTER);
  return std::unique_ptr<XlsxWriter>(new XlsxWriter(std::move(impl)));
}

Status XlsxWriter::WriteRow(const std::vector<std::string>& fields) { return impl_->Write(fields); }

Status XlsxWriter::WriteRow(const std::vector<std::string_view>& fields) {
  return impl_->Write(fields);
}

Status XlsxWriter::WriteCells(const std::vector<XlsxCell>& cells) {
  return impl_->WriteCells(cells);
}

Status XlsxWriter::MergeCells(int64_t first_row, int first_col, int64_t last_row, int last_col,
                              std::string_view text) {
  Impl& m = *impl_;
  if (m.closed) return FailedPrecondition(m.path + ": write after Close");
  if (!m.error.ok()) return m.error;
  if (m.options.constant_memory) {
    return FailedPrecondition(m.path + ": merged cells need constant_memory = false");
  }
  if (first_row < 0 || first_col < 0 || last_row < first_row || last_col < first_col ||
      last_row >= internal::kMaxSheetRows || last_col >= internal::kMaxSheetColumns) {
    return InvalidArgument(m.path + ": no such range of cells to merge");
  }
  if (internal::ScanUtf8(text).valid != text.size()) {
    return InvalidArgument(m.path + ": merged cell text is not valid UTF-8");
  }
  const lxw_error e =
      worksheet_merge_range(m.sheet, static_cast<lxw_row_t>(first_row),
                            static_cast<lxw_col_t>(first_col), static_cast<lxw_row_t>(last_row),
                            static_cast<lxw_col_t>(last_col), LibraryText(text).c_str(), m.merged);
  if (e == LXW_ERROR_WORKSHEET_INDEX_OUT_OF_RANGE) {
    return InvalidArgument(m.path + ": cells " + internal::ColumnName(first_col) +
                           std::to_string(first_row + 1) + ":" + internal::ColumnName(last_col) +
                           std::to_string(last_row + 1) + ": " + lxw_strerror(e));
  }
  if (e != LXW_NO_ERROR) {
    m.error = m.LibraryError("merging cells", e);
    return m.error;
  }
  return Status::Ok();
}

Status XlsxWriter::FreezePanes(int64_t rows, int cols) {
  Impl& m = *impl_;
  if (m.closed) return FailedPrecondition(m.path + ": write after Close");
  if (rows < 0 || cols < 0 || rows >= internal::kMaxSheetRows ||
      cols >= internal::kMaxSheetColumns) {
    return InvalidArgument(m.path + ": cannot freeze " + std::to_string(rows) + " rows and " +
                           std::to_string(cols) + " columns");
  }
  worksheet_freeze_panes(m.sheet, static_cast<lxw_row_t>(rows), static_cast<lxw_col_t>(cols));
  return Status::Ok();
}

Status XlsxWriter::AddSheet(std::string_view name) {
  Impl& m = *impl_;
  if (m.closed) return FailedPrecondition(m.path + ": write after Close");
  RETURN_IF_ERROR(m.FinishSheet());
  return m.StartSheet(std::string(name));
}

Status XlsxWriter::Close() {
  if (!impl_->closed) {
    impl_->closed = true;
    impl_->close_status = impl_->Finish();
  }
  return impl_->close_status;
}

int64_t XlsxWriter::rows_written() const { return impl_->rows; }

}  // namespace popreg::io
