// The items' lives in time, read lean for the reports that look back (report/progress.h, the
// assessment): when each discrepancy item was first found and every status change since, without
// the items' values. One consistent read of the store; 55,000 items and their reviews take a
// fraction of a second.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "base/status.h"
#include "store/store.h"

namespace popreg::store {

struct ItemTimeline {
  int64_t id = 0;
  std::string community_code;  // "" when the item has none
  std::string found_at;        // when its first comparison finished (ISO 8601 UTC)
};

struct StatusChange {
  int64_t item_id = 0;
  std::string at;  // ISO 8601 UTC
  std::string status_before, status_after;
};

struct UserSince {
  std::string login, role, created_at;
  bool all_areas = false;
  std::vector<std::string> areas;
};

struct ComparisonTime {
  int64_t id = 0;
  std::string at;         // when it finished (ISO 8601 UTC)
  std::string area_code;  // the area compared; "" = the whole store
};

struct Timeline {
  std::vector<ItemTimeline> items;          // by id
  std::vector<StatusChange> changes;        // by item id, then in the order they were made
  std::vector<UserSince> users;             // by login (disabled users left out)
  std::vector<ComparisonTime> comparisons;  // oldest first
};

// The whole timeline of the store's items, in one read.
Result<Timeline> LoadTimeline(Store& store);

}  // namespace popreg::store
