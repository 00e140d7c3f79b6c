// `popreg export`: writes what the store holds back in the exchange format.
#pragma once

#include <cstdint>
#include <string>

#include "base/status.h"
#include "store/store.h"

namespace popreg::store {

// Writes the store's register to `path` in the spec's `register` layout: a header of the spec's
// English column names in spec order, then one row per person ordered by (card_no, person_no).
// A path ending in ".xlsx" (any case) is written as a one-sheet workbook, anything else as UTF-8
// CSV. Values are written as the store holds them (ISO dates, M/F, statuses alive/deceased/
// moved_out), so importing the export gives the same people. Returns the number of persons
// written; errors name the path. A store without a register writes only the header.
Result<int64_t> ExportRegister(Store& store, const std::string& path);

}  // namespace popreg::store
