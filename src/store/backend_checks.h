// Checks both backends make before they write: the arguments of the comparison methods of
// store.h, with the same messages whichever backend holds the store. Backend-neutral: no SQL.
#pragma once

#include <string_view>
#include <vector>

#include "base/status.h"
#include "store/store.h"

namespace popreg::store {

// True when `type` is one of kDiscrepancyTypes, `status` one of kDiscrepancyStatuses.
bool IsDiscrepancyType(std::string_view type);
// True when `type` is one of kItemTypes (the spec's or a card correction).
bool IsItemType(std::string_view type);
bool IsDiscrepancyStatus(std::string_view status);

// SaveComparison's items: a known type, a non-empty identity, no identity twice. The error names
// the item ("discrepancy item 3 of 10: ...").
Status CheckComparisonItems(const std::vector<Discrepancy>& items);

// ListDiscrepancies' filter: an empty or known type and status.
Status CheckDiscrepancyFilter(const DiscrepancyFilter& filter);

// SetDiscrepancyStatus' status.
Status CheckDiscrepancyStatus(std::string_view status);

}  // namespace popreg::store
