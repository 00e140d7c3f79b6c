// `popreg import`: reads one file of the exchange format into the store, whole or not at all.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "base/cancel.h"
#include "base/date.h"
#include "base/status.h"
#include "io/schema.h"
#include "store/profile.h"
#include "store/store.h"

namespace popreg::store {

struct ImportOptions {
  bool strict = false;   // any reject fails the whole file
  bool replace = false;  // a register may replace the store's register
  // The month the file covers, "YYYY-MM"; empty = inferred from the rows (InferMonth).
  std::string month;
  // The community (or other area) of the department that sent it; empty = the whole district.
  // Must be one of the store's areas once it has areas.
  std::string community;
  std::string user;   // who imports; may be empty
  std::string as_of;  // ISO date for ID checks; empty = today
  // Maps a department's own layout onto the spec (see store/profile.h); nullopt = the spec's.
  std::optional<ImportProfile> profile;
  // The file's name as the office knows it, for listings (ImportInfo::file_name); empty = the
  // last part of the path (the server imports an upload from a copy of its own naming).
  std::string file_name;
  // Called every few thousand rows with the lines read and the file's lines (0 when unknown, as
  // for a workbook). May be empty.
  std::function<void(int64_t done, int64_t total)> progress;
  // Polled with each batch of rows and before the commit: when set the import stops with
  // Cancelled and nothing of it is kept (base/cancel.h). May be null.
  const CancelFlag* cancel = nullptr;
};

struct ImportSummary {
  int64_t rows = 0;      // data rows in the file
  int64_t imported = 0;  // source records added
  int64_t rejected = 0;  // rows rejected
  bool already_imported = false;
  std::string imported_at;            // when already_imported: when it was imported
  std::vector<Reject> first_rejects;  // at most kMaxListedRejects
  ImportId id = 0;
  std::string month;         // the month recorded (when already_imported: the first import's)
  std::string month_source;  // how it was found: "given", "the latest event date YYYY-MM-DD",
                             // "the month before the import date"
  std::string community;     // the community recorded ("" = the whole district)
};

inline constexpr size_t kMaxListedRejects = 20;

// Lower-case hex SHA-256 of the file's bytes; an IoError naming the file when it cannot be read.
Result<std::string> FileSha256(const std::string& path);

// The identity of an import (ImportInfo::sha256): without a profile, the file's SHA-256
// `file_sha256` itself; with one, the lower-case hex SHA-256 of a text made of `file_sha256` and
// the profile's settings (kind, dates, the column mapping and the ignored columns, both sorted;
// not the profile's path or comments). The same bytes read through another profile are another
// import; through the same settings, the same one.
Result<std::string> ImportDigest(const std::string& file_sha256, const ImportProfile* profile);

// The column whose dates say which month a file of `kind` covers: births by the registration
// date (registered_date, else birth_date), vaccinations by birth_date, deaths by death_date;
// "" for kinds without event dates (areas, register, police list, manual report).
std::vector<std::string_view> MonthDateColumns(io::Kind kind);

// The month a file covers when it is not given: the month of the latest event date among its
// imported rows (MonthDateColumns; dates after `today` are typing mistakes and do not count),
// else, for kinds without event dates or files without any, the month before `today` (the
// import date). `latest` is the latest event date ("" when none).
std::string InferMonth(const std::string& latest, const Date& today);

// Imports `path` as a file of `kind`. The same kind, bytes and profile (ImportDigest) imported
// before is a no-op (already_imported). The file's rows are read once. A missing required column,
// an unreadable file or row, a reject under `strict`, or a register into a store that has one
// without `replace`, is an error naming the file (and the column or row), and the store is left
// exactly as before.
//
// The import records options.month, or the month InferMonth finds, and options.community; a
// month that is not YYYY-MM, or a community the store's areas do not have, is InvalidArgument.
//
// A row whose required value cannot be read (empty, or a date or sex that is no known spelling)
// is rejected; in a register, an empty name, sex, birth_date or id_number is imported as empty
// (an incomplete record is the comparison's finding). Values that read but fail a check (an ID
// with a wrong check digit) are imported as they are.
Result<ImportSummary> ImportFile(Store& store, io::Kind kind, const std::string& path,
                                 const ImportOptions& options);

}  // namespace popreg::store
