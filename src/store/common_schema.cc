#include "store/common_schema.h"

#include <string>
#include <string_view>

#include "store/audit.h"

namespace popreg::store {
namespace {

// Statements both dialects accept.
constexpr std::string_view kSchema5Common[] = {
    "ALTER TABLE audit_log ADD COLUMN prev_hash TEXT NOT NULL DEFAULT ''",
    "ALTER TABLE audit_log ADD COLUMN hash TEXT NOT NULL DEFAULT ''",
    "ALTER TABLE users ADD COLUMN failed_logins INTEGER NOT NULL DEFAULT 0",
    "ALTER TABLE users ADD COLUMN locked_until TEXT NOT NULL DEFAULT ''",
    // The audit log by who, by action, by time (ListAuditPage).
    "CREATE INDEX audit_log_who ON audit_log (who, id)",
    "CREATE INDEX audit_log_action ON audit_log (action, id)",
    "CREATE INDEX audit_log_at ON audit_log (at)",
    // Per sort key of the worklist an index ending in id for the keyset (ListItemsPage): one
    // for the default list (all but resolved items), one after the status for a list of one
    // status. (status, type, id) replaces schema 3's (status, type).
    "CREATE INDEX discrepancies_by_type ON discrepancies (type, id)",
    "CREATE INDEX discrepancies_by_community ON discrepancies (community_key, id)",
    "CREATE INDEX discrepancies_by_probability ON discrepancies (probability_key, id)",
    "CREATE INDEX discrepancies_by_status ON discrepancies (status, id)",
    "CREATE INDEX discrepancies_by_updated ON discrepancies (updated_at, id)",
    "DROP INDEX discrepancies_status",
    "CREATE INDEX discrepancies_by_status_type ON discrepancies (status, type, id)",
    "CREATE INDEX discrepancies_by_status_community ON discrepancies (status, community_key, id)",
    "CREATE INDEX discrepancies_by_status_probability ON discrepancies (status, probability_key, "
    "id)",
    "CREATE INDEX discrepancies_by_status_updated ON discrepancies (status, updated_at, id)",
    // What the worklist's search looks up.
    "CREATE INDEX discrepancies_source_id_number ON discrepancies (source_id_number)",
    "CREATE INDEX discrepancies_register_key_2 ON discrepancies (register_key_2)",
    "CREATE INDEX persons_name ON persons (name)",
    // An item's last change, for the stores made before items recorded it.
    "UPDATE discrepancies SET updated_at = coalesce((SELECT max(r.at) FROM reviews r WHERE "
    "r.discrepancy_id = discrepancies.id AND r.at > (SELECT c.finished_at FROM comparisons c "
    "WHERE c.id = discrepancies.last_comparison)), (SELECT c.finished_at FROM comparisons c "
    "WHERE c.id = discrepancies.last_comparison), '')",
};

// Links every row of the audit log to the one before, in id order, in pieces.
Status FillAuditChain(sql::Session& s) {
  constexpr int64_t kPiece = 10000;
  AuditRecord row;
  row.hash = kAuditGenesisHash;
  while (true) {
    ASSIGN_OR_RETURN(sql::Rows r, s.Query("reading the audit log",
                                          "SELECT id, who, at, action, object, details_json "
                                          "FROM audit_log WHERE id > ?1 ORDER BY id LIMIT ?2",
                                          {row.id, kPiece}));
    for (size_t i = 0; i < r.size(); ++i) {
      row.prev_hash = std::move(row.hash);
      row.id = r.Int(i, 0);
      row.entry = AuditEntry{r.String(i, 1), r.String(i, 2), r.String(i, 3), r.String(i, 4),
                             r.String(i, 5)};
      row.hash = AuditHash(row);
      RETURN_IF_ERROR(s.Exec("chaining audit row " + std::to_string(row.id),
                             "UPDATE audit_log SET prev_hash = ?2, hash = ?3 WHERE id = ?1",
                             {row.id, row.prev_hash, row.hash})
                          .status());
    }
    if (static_cast<int64_t>(r.size()) < kPiece) return Status();
  }
}

}  // namespace

Status CommonMigration5(sql::Session& s) {
  for (std::string_view statement : kSchema5Common) {
    RETURN_IF_ERROR(s.Exec("migration 5", statement).status());
  }
  return FillAuditChain(s);
}

}  // namespace popreg::store
