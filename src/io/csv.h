// Streaming CSV (RFC 4180) in UTF-8 or GB18030.
#pragma once

#include <cstdint>
#include <cstdio>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "io/encoding.h"

namespace popreg::io {

// One record of a CSV file, fields in UTF-8.
struct CsvRecord {
  std::vector<std::string> fields;
  int64_t record = 0;  // 0 for the first record of the file (the header), 1 for the first data row
  int64_t line = 0;    // 1-based physical line where the record starts
};

// How a CsvReader reads; the defaults suit every real file.
struct CsvReaderOptions {
  // The file's encoding; detected from the first chunk (DetectEncoding) when unset.
  std::optional<Encoding> encoding;
  // Bytes read (and converted) at a time. Tests use tiny values to put chunk boundaries
  // everywhere; must be at least 1.
  size_t chunk_size = size_t{1} << 20;
  // A record whose fields together exceed this many bytes is an error (usually a stray quote that
  // swallows the rest of the file); it caps the reader's memory.
  size_t max_record_bytes = size_t{64} << 20;
};

// Reads a CSV file record by record with memory bounded by the longest record (plus one chunk).
// Quoted fields may hold commas, doubled quotes and newlines (CRLF or LF), kept as they are.
// The encoding is detected from the start of the file (DetectEncoding) unless given; a BOM
// (UTF-8, or GB18030's 84 31 95 33) is dropped whatever the encoding.
//
// Where the file departs from RFC 4180 the reader is lenient and predictable:
// - a record may end in LF, CRLF or a lone CR; the last record needs no line end, and a line end
//   at the end of the file does not make an empty extra record;
// - a completely empty line is skipped (RFC 4180 would make it a record of one empty field);
//   a line of spaces is a record;
// - a quote inside an unquoted field is an ordinary character (`ab"c` is the field `ab"c`);
// - text after the closing quote of a quoted field is appended (`"ab"c` is the field `abc`);
// - records need not have the same number of fields.
// An unterminated quoted field at the end of the file is an error naming the line where it opens.
// When the encoding was detected as UTF-8 only because everything so far was ASCII, and the first
// non-ASCII bytes turn out to be GB18030, the reader switches to GB18030 (ASCII reads the same in
// both). Not thread-safe.
class CsvReader {
 public:
  // Opens `path` and reads its first chunk. Errors: NotFound, IoError, or the InvalidArgument of
  // DetectEncoding with the line added: "a.csv: not UTF-8 or GB18030 text (byte offset N, line L)".
  static Result<std::unique_ptr<CsvReader>> Open(const std::string& path);
  static Result<std::unique_ptr<CsvReader>> Open(const std::string& path, Encoding encoding);
  static Result<std::unique_ptr<CsvReader>> Open(const std::string& path,
                                                 const CsvReaderOptions& options);
  // Reads from a string already in memory (tests, fuzzing). `name` is used in errors.
  static Result<std::unique_ptr<CsvReader>> FromString(std::string bytes, std::string name);
  static Result<std::unique_ptr<CsvReader>> FromString(std::string bytes, std::string name,
                                                       const CsvReaderOptions& options);
  ~CsvReader();

  // Reads the next record into `out`, reusing its strings' capacity (pass the same record again
  // for speed). Returns true when a record was read, false at end of file. An error (an
  // unterminated quote, bytes not in the file's encoding, an overlong record, a read failure)
  // names the file and the line, e.g. "a.csv: line 7: unterminated quoted field"; after an error,
  // every later call returns it again. Records before the bad bytes are returned normally.
  Result<bool> Next(CsvRecord* out);

  // The encoding in use (may change from kUtf8 to kGb18030 as described above).
  Encoding encoding() const;
  const std::string& name() const;

 private:
  struct Impl;
  explicit CsvReader(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// Writes RFC 4180 CSV: fields quoted when they hold a comma, quote, CR or LF; lines end in CRLF
// when `crlf`, else LF. Output is encoded in `encoding` (kUtf8Bom writes a BOM first). A record
// of one empty field is written as `""` so that a CsvReader does not skip it as a blank line.
// Output is buffered. Not thread-safe.
class CsvWriter {
 public:
  // Creates (or truncates) `path`; an IoError naming it when that fails.
  static Result<std::unique_ptr<CsvWriter>> Create(const std::string& path,
                                                   Encoding encoding = Encoding::kUtf8,
                                                   bool crlf = false);
  // Closes the file if Close() was not called, ignoring errors.
  ~CsvWriter();
  // Writes one record. Fields must be well-formed UTF-8 (else InvalidArgument, nothing written).
  // A write failure is an IoError (ResourceExhausted for a full disk) naming the path, and every
  // later call returns it again.
  Status Write(const std::vector<std::string>& fields);
  Status Write(const std::vector<std::string_view>& fields);
  // Flushes and closes; any write error surfaces here at the latest (e.g. ENOSPC as
  // ResourceExhausted "out.csv: write failed: No space left on device"). Calling it again returns
  // the first result.
  Status Close();

 private:
  struct Impl;
  explicit CsvWriter(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// Appends one field to `line`, quoted if it holds a comma, quote, CR or LF (quotes doubled); no
// separator is added.
void AppendCsvField(std::string* line, std::string_view field);

}  // namespace popreg::io
