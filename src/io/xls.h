// Reading the first worksheet of a legacy Excel workbook (.xls, BIFF8 and older, in an OLE2
// compound document), through the FreeXL library.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "base/status.h"
#include "io/csv.h"
#include "io/table.h"

namespace popreg::io {

// Reads the first worksheet of an xls file. What a cell gives:
// - text: the UTF-8 that FreeXL converts from the file's UTF-16 or code page, exactly;
// - an integer: its decimal digits; another number: as internal::FormatDouble prints it (the
//   shortest decimal that is the same double, plain for 1e-6 <= |x| < 1e21), as for xlsx; a
//   boolean is an integer to FreeXL ("1" or "0");
// - a number in a date or date-time format: the ISO date "YYYY-MM-DD" that FreeXL computes (time
//   of day dropped); in a time-only format: "HH:MM:SS".
// Empty cells at the end of a row are dropped, and rows without any value are skipped, as for
// xlsx; CsvRecord::line is the 1-based row number in the sheet.
//
// Isolation: FreeXL 1.0.6 (Debian 12) corrupts memory on some damaged files (our fuzzing found a
// heap corruption that crashes freexl_open, and stack over-reads), so it runs in a child process
// forked by Open() that sends the rows back through a pipe; a crash of FreeXL becomes an error of
// this reader, never of the caller's process. The child holds FreeXL's copy of the whole workbook
// (FreeXL reads it all when opening; at most 65536 x 256 cells in BIFF8); the caller's process
// holds one row. The child uses only malloc, stdio and iconv, which glibc keeps usable after a
// fork from a multi-threaded process; its standard error goes to /dev/null (a crash report from
// FreeXL is not for the clerk). It is killed and reaped when the reader is destroyed.
//
// Errors name the file and what FreeXL found: "old.xls: not a valid xls file: the compound
// document is damaged or truncated (FreeXL error -8)", "old.xls: the workbook is password-
// protected", "old.xls: no Excel workbook in this OLE2 file (a password-protected xlsx, or a
// Word document?)", "old.xls: damaged xls file: the xls reader (FreeXL 1.0.6) crashed (signal 11)
// on it"; a bad cell names it: "old.xls: sheet 1, cell C4: ...". A missing file is NotFound, an
// unreadable one IoError, a broken one InvalidArgument; failing to start the child process is
// ResourceExhausted. After an error every later call returns it again. Not thread-safe.
class XlsReader final : public TableReader {
 public:
  static Result<std::unique_ptr<XlsReader>> Open(const std::string& path);
  ~XlsReader() override;

  Result<bool> Next(CsvRecord* out) override;
  std::string_view format() const override { return "xls"; }
  const std::string& name() const override;

  // The name of the sheet being read, as shown on its tab.
  const std::string& sheet_name() const;

 private:
  struct Impl;
  explicit XlsReader(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace popreg::io
