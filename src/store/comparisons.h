// Comparisons as the reports look them up (report/stats.h): by their reference date and window.
#pragma once

#include <optional>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "store/store.h"

namespace popreg::store {

// Every comparison, oldest first: id, as_of, since, area_code, started_by, started_at and
// finished_at (not the sources or summaries, which may be large).
Result<std::vector<ComparisonRecord>> ListComparisons(Store& store);

// The newest comparison of the reference date `as_of` whose window starts on `since` (any
// window when `since` is empty), whole (sources and summary), or nullopt when there is none.
Result<std::optional<ComparisonRecord>> FindComparison(Store& store, std::string_view as_of,
                                                       std::string_view since);

}  // namespace popreg::store
