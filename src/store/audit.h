// Reading the audit log (written by the store's modules in the same transaction as what they
// record; see AuditEntry in store.h).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "store/store.h"

namespace popreg::store {

struct AuditRecord {
  int64_t id = 0;
  AuditEntry entry;
};

// Every entry at or after `since` (an ISO 8601 date or time; "" = all), oldest first.
Result<std::vector<AuditRecord>> ListAudit(Store& store, std::string_view since);

}  // namespace popreg::store
