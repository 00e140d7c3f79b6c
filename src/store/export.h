// `popreg export`: writes what the store holds back in the exchange format.
#pragma once

#include <cstdint>
#include <string>

#include "base/status.h"
#include "io/schema.h"
#include "store/store.h"

namespace popreg::store {

// Writes the store's register to `path` in the spec's `register` layout: a header of the spec's
// English column names in spec order, then one row per person ordered by (card_no, person_no).
// A path ending in ".xlsx" (any case) is written as a one-sheet workbook, anything else as UTF-8
// CSV. Values are written as the store holds them (ISO dates, M/F, statuses alive/deceased/
// moved_out), so importing the export gives the same people. Returns the number of persons
// written; errors name the path. A store without a register writes only the header.
Result<int64_t> ExportRegister(Store& store, const std::string& path);

// Writes what the store holds of `kind` to `path` in the spec's layout of that kind: a header of
// its English column names in spec order, then one row per record, as CSV or xlsx like
// ExportRegister. The register is ExportRegister's; areas are the store's areas ordered by code;
// any other kind is the normalised records of the latest committed import of that kind, in
// source-row order (a column the imported file lacked is empty; rejected rows are not there).
// Importing the file as `kind` and exporting it again gives the same bytes. Returns the number of
// rows written; a store without an import of `kind` is NotFound ("import one first").
Result<int64_t> ExportKind(Store& store, io::Kind kind, const std::string& path);

}  // namespace popreg::store
