// The changes of the register since a date, for reporting upward to the city platform (`popreg
// export --kind changes`): every person and household card created, changed, closed, merged or
// removed, from the history, with the values before and after and the item that caused each, in
// the layout recon/changes.h describes (which `popreg import --kind changes` applies to another
// copy of the register).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "base/status.h"
#include "store/store.h"

namespace popreg::report {

struct ChangesExport {
  int64_t rows = 0;  // changes written
  int64_t persons = 0, households = 0;
};

// Writes every change of the register made at or after `since` (an ISO date "2026-10-01" or a
// UTC time "2026-10-01T09:30:00", optionally with a trailing Z) to `path`, oldest first: CSV
// (UTF-8) or, for a path ending in .xlsx, a one-sheet workbook, both with the English header of
// recon::ChangeFileColumns(). A `since` that is neither is InvalidArgument; a failed write leaves
// no file.
Result<ChangesExport> ExportChanges(store::Store& store, std::string_view since,
                                    const std::string& path);

}  // namespace popreg::report
