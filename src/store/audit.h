// Reading the audit log (written by the store's modules in the same transaction as what they
// record; see AuditEntry in store.h), and checking its hash chain.
//
// The chain (schema 5, docs/store.md "The audit log's hash chain"): every row carries the hash
// of the row before it (`prev_hash`; 64 zeros for the first row) and its own `hash`, the
// lower-case hex SHA-256 of AuditHashInput(row). Changing, removing or inserting a row breaks
// the chain at that row or the next, which VerifyAuditChain finds. The store appends rows under
// its write lock, so the chain is one line in id order.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "store/store.h"

namespace popreg::store {

// The prev_hash of the first row.
inline constexpr std::string_view kAuditGenesisHash =
    "0000000000000000000000000000000000000000000000000000000000000000";

struct AuditRecord {
  int64_t id = 0;
  AuditEntry entry;       // as stored: `at` and `details_json` are never empty
  std::string prev_hash;  // the hash of the row before, or kAuditGenesisHash
  std::string hash;       // AuditHash of this row
};

// The canonical serialisation a row's hash is taken over: the text "popreg audit v1;" followed
// by id (in decimal), who, at, action, object, details_json and prev_hash, each written as
// `<length in bytes, decimal>:<bytes>;`. E.g. row 1 by "admin" starts
// "popreg audit v1;1:1;5:admin;...". Lengths make the fields unambiguous whatever they hold.
std::string AuditHashInput(const AuditRecord& row);
// Lower-case hex SHA-256 of AuditHashInput(row) (libsodium's crypto_hash_sha256).
std::string AuditHash(const AuditRecord& row);

// Every entry at or after `since` (an ISO 8601 date or time; "" = all), oldest first.
Result<std::vector<AuditRecord>> ListAudit(Store& store, std::string_view since);

// Which entries ListAuditPage returns. Empty strings match everything.
struct AuditFilter {
  std::string since;   // at or after this ISO 8601 date or time
  std::string until;   // at or before this ISO 8601 time; a date (or any prefix) covers its day
  std::string who;     // exactly this login
  std::string action;  // exactly this action ("review", "user.add", ...)
  // Keyset paging: only entries after this id in the order asked (smaller ids when
  // newest_first); 0 = from the start. Give the id of the last entry of the previous page.
  int64_t after_id = 0;
  int64_t limit = 100;        // 1..1000
  bool newest_first = false;  // by id: descending, else ascending
};

// One page of the audit log: at most filter.limit entries, in id order as asked. A page ending
// with fewer than `limit` entries is the last. InvalidArgument for a limit out of range or a
// negative after_id. Each page is an index range scan, however deep.
Result<std::vector<AuditRecord>> ListAuditPage(Store& store, const AuditFilter& filter);

// What VerifyAuditChain found.
struct AuditChainCheck {
  int64_t rows = 0;       // rows checked (every row, when the chain is intact)
  int64_t broken_id = 0;  // the first row whose link is broken; 0 = the chain is intact
  std::string why;        // why it is broken, for people; "" when intact
  bool intact() const { return broken_id == 0; }
};

// Walks the whole audit log in id order (in pieces, on one snapshot), recomputing every row's
// hash and comparing each prev_hash with the row before it. Stops at the first broken row.
// What it cannot see: rows removed from the end (nothing after them points back), and a log
// rewritten from some row on with every later hash recomputed; keep a copy of the last hash
// elsewhere (the daily backup) to catch those.
Result<AuditChainCheck> VerifyAuditChain(Store& store);

}  // namespace popreg::store
