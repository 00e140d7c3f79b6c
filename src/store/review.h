// The review rows of discrepancy items: every status change, append-only, with the values of
// its moment. Which changes are allowed is recon/review.h's business; these functions record
// them, inside the caller's write transaction (Store::Write).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "store/store.h"

namespace popreg::store {

struct ReviewRecord {
  int64_t id = 0;
  int64_t item_id = 0;
  std::string who, at, status_before, status_after, note;
  // The item as it was before the change (its register and source values, and the values
  // staff had verified), and the values this change set, as a JSON object.
  std::string values_json;
};

// Adds an item that no comparison found (a card correction, recon/correct.h) in this
// transaction, open, and sets item.id. Its first and last comparison are the newest one, the
// register's state it was raised against (FailedPrecondition when there is none yet).
// AlreadyExists when an item of its identity is still open to review, naming that item.
Status InsertItem(sql::Session& s, Discrepancy& item);

// Moves `item` (as read in this transaction) to `status_after`: the item's status and, when
// `verified_values_json` is not empty, its verified values; a review row; an audit entry.
Status RecordTransition(sql::Session& s, const Discrepancy& item, std::string_view status_after,
                        std::string_view who, std::string_view note,
                        std::string_view verified_values_json);

// One item, read inside a transaction (NotFound naming it).
Result<Discrepancy> ReadItemForReview(sql::Session& s, int64_t id);
// Items matching a filter, inside a transaction.
Result<std::vector<Discrepancy>> ReadItemsForReview(sql::Session& s,
                                                    const DiscrepancyFilter& filter);

// The review rows of an item, oldest first.
Result<std::vector<ReviewRecord>> ListReviews(Store& store, int64_t item_id);

}  // namespace popreg::store
