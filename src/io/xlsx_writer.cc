#include "io/xlsx_writer.h"

#include <xlsxwriter.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
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

  template <typename Field>
  Status Write(const std::vector<Field>& fields) {
    if (closed) return FailedPrecondition(path + ": write after Close");
    if (!error.ok()) return error;
    if (rows >= internal::kMaxSheetRows) {
      return InvalidArgument(path + ": more than " + std::to_string(internal::kMaxSheetRows) +
                             " rows (Excel's limit)");
    }
    const std::string row_name = std::to_string(rows + 1);
    if (fields.size() > static_cast<size_t>(internal::kMaxSheetColumns)) {
      return InvalidArgument(path + ": row " + row_name + ": more than " +
                             std::to_string(internal::kMaxSheetColumns) +
                             " columns (Excel's limit)");
    }
    for (size_t i = 0; i < fields.size(); ++i) {
      const std::string_view f = fields[i];
      const std::string cell = "cell " + internal::ColumnName(static_cast<int>(i)) + row_name;
      if (internal::ScanUtf8(f).valid != f.size()) {
        return InvalidArgument(path + ": " + cell + ": text is not valid UTF-8");
      }
      if (CountCodePoints(f) > kMaxCellChars) {
        return InvalidArgument(path + ": " + cell + ": text longer than " +
                               std::to_string(kMaxCellChars) + " characters (Excel's limit)");
      }
    }
    const bool is_header = options.header_row && rows == 0;
    const auto row = static_cast<lxw_row_t>(rows);
    for (size_t i = 0; i < fields.size(); ++i) {
      const std::string_view f = fields[i];
      if (f.empty()) continue;
      const auto col = static_cast<lxw_col_t>(i);
      const lxw_error e = worksheet_write_string(sheet, row, col, LibraryText(f).c_str(),
                                                 is_header ? header : text);
      if (e != LXW_NO_ERROR) {
        error = LibraryError("cell " + internal::ColumnName(static_cast<int>(i)) + row_name, e);
        return error;
      }
      if (widths.size() <= i) widths.resize(i + 1, 0);
      widths[i] = std::max(widths[i], internal::DisplayWidth(f));
    }
    columns = std::max(columns, static_cast<int>(fields.size()));
    ++rows;
    return Status::Ok();
  }

  Status Finish() {
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
  if (const lxw_error e = workbook_validate_sheet_name(impl->workbook, impl->sheet_name.c_str());
      e != LXW_NO_ERROR) {
    std::remove(path.c_str());
    return InvalidArgument(path + ": invalid sheet name \"" + impl->sheet_name +
                           "\": " + lxw_strerror(e));
  }
  impl->sheet = workbook_add_worksheet(impl->workbook, impl->sheet_name.c_str());
  impl->text = workbook_add_format(impl->workbook);
  impl->header = workbook_add_format(impl->workbook);
  if (impl->sheet == nullptr || impl->text == nullptr || impl->header == nullptr) {
    return Internal(path + ": cannot add the worksheet");
  }
  format_set_num_format(impl->text, "@");
  format_set_num_format(impl->header, "@");
  format_set_bold(impl->header);
  if (options.header_row) worksheet_freeze_panes(impl->sheet, 1, 0);
  worksheet_ignore_errors(impl->sheet, LXW_IGNORE_NUMBER_STORED_AS_TEXT, "A1:XFD1048576");
  return std::unique_ptr<XlsxWriter>(new XlsxWriter(std::move(impl)));
}

Status XlsxWriter::WriteRow(const std::vector<std::string>& fields) { return impl_->Write(fields); }

Status XlsxWriter::WriteRow(const std::vector<std::string_view>& fields) {
  return impl_->Write(fields);
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
