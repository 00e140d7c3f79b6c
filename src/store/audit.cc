#include "store/audit.h"

#include <string>

#include "store/sql.h"

namespace popreg::store {

Result<std::vector<AuditRecord>> ListAudit(Store& store, std::string_view since) {
  std::vector<AuditRecord> out;
  RETURN_IF_ERROR(store.Read("reading the audit log", [&](sql::Session& s) -> Status {
    // Times are ISO 8601 text in UTC, so text order is time order and a date is a prefix.
    ASSIGN_OR_RETURN(sql::Rows r, s.Query("reading the audit log",
                                          "SELECT id, who, at, action, object, details_json "
                                          "FROM audit_log WHERE at >= ?1 ORDER BY id",
                                          {std::string(since)}));
    for (size_t i = 0; i < r.size(); ++i) {
      out.push_back({r.Int(i, 0), AuditEntry{r.String(i, 1), r.String(i, 2), r.String(i, 3),
                                             r.String(i, 4), r.String(i, 5)}});
    }
    return Status();
  }));
  return out;
}

}  // namespace popreg::store
