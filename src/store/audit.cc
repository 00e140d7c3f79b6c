#include "store/audit.h"

#include <sodium.h>

#include <string>
#include <vector>

#include "store/common_store.h"
#include "store/sql.h"

namespace popreg::store {
namespace {

constexpr std::string_view kAuditColumns =
    "id, who, at, action, object, details_json, prev_hash, hash";

AuditRecord ReadAuditRow(const sql::Rows& r, size_t i) {
  return AuditRecord{
      r.Int(i, 0),
      AuditEntry{r.String(i, 1), r.String(i, 2), r.String(i, 3), r.String(i, 4), r.String(i, 5)},
      r.String(i, 6), r.String(i, 7)};
}

void AddField(std::string& out, std::string_view field) {
  out += std::to_string(field.size());
  out += ':';
  out += field;
  out += ';';
}

}  // namespace

std::string AuditHashInput(const AuditRecord& row) {
  std::string out = "popreg audit v1;";
  AddField(out, std::to_string(row.id));
  AddField(out, row.entry.who);
  AddField(out, row.entry.at);
  AddField(out, row.entry.action);
  AddField(out, row.entry.object);
  AddField(out, row.entry.details_json);
  AddField(out, row.prev_hash);
  return out;
}

std::string AuditHash(const AuditRecord& row) {
  const std::string input = AuditHashInput(row);
  unsigned char digest[crypto_hash_sha256_BYTES];
  // crypto_hash_sha256 needs no sodium_init (it has no CPU-dependent variants to pick).
  crypto_hash_sha256(digest, reinterpret_cast<const unsigned char*>(input.data()), input.size());
  return Hex(digest, sizeof digest);
}

Result<std::vector<AuditRecord>> ListAudit(Store& store, std::string_view since) {
  std::vector<AuditRecord> out;
  RETURN_IF_ERROR(store.Read("reading the audit log", [&](sql::Session& s) -> Status {
    // Times are ISO 8601 text in UTC, so text order is time order and a date is a prefix.
    ASSIGN_OR_RETURN(sql::Rows r, s.Query("reading the audit log",
                                          "SELECT " + std::string(kAuditColumns) +
                                              " FROM audit_log WHERE at >= ?1 ORDER BY id",
                                          {std::string(since)}));
    for (size_t i = 0; i < r.size(); ++i) out.push_back(ReadAuditRow(r, i));
    return Status();
  }));
  return out;
}

Result<std::vector<AuditRecord>> ListAuditPage(Store& store, const AuditFilter& f) {
  if (f.limit < 1 || f.limit > 1000) {
    return InvalidArgument("an audit page holds 1 to 1000 entries, not " + std::to_string(f.limit));
  }
  if (f.after_id < 0) return InvalidArgument("after_id must not be negative");
  // Only the conditions asked for, so that the planner sees plain ranges and equalities.
  std::string where = "1 = 1";
  std::vector<sql::Value> params;
  auto param = [&](sql::Value v) { return sql::Bind(params, std::move(v)); };
  if (!f.since.empty()) where += " AND at >= " + param(f.since);
  if (!f.until.empty()) {
    // A prefix of `at` as long as `until` is at or before it: a date covers its whole day.
    const std::string p = param(f.until);
    where += " AND substr(at, 1, length(CAST(" + p + " AS TEXT))) <= " + p;
  }
  if (!f.who.empty()) where += " AND who = " + param(f.who);
  if (!f.action.empty()) where += " AND action = " + param(f.action);
  if (f.after_id > 0) where += (f.newest_first ? " AND id < " : " AND id > ") + param(f.after_id);
  const std::string sql = "SELECT " + std::string(kAuditColumns) + " FROM audit_log WHERE " +
                          where + " ORDER BY id" + (f.newest_first ? " DESC" : "") + " LIMIT " +
                          param(f.limit);
  std::vector<AuditRecord> out;
  RETURN_IF_ERROR(store.Read("reading the audit log", [&](sql::Session& s) -> Status {
    ASSIGN_OR_RETURN(sql::Rows r, s.Query("reading a page of the audit log", sql, params));
    out.reserve(r.size());
    for (size_t i = 0; i < r.size(); ++i) out.push_back(ReadAuditRow(r, i));
    return Status();
  }));
  return out;
}

Result<AuditChainCheck> VerifyAuditChain(Store& store) {
  AuditChainCheck check;
  RETURN_IF_ERROR(store.Read("checking the audit log's chain", [&](sql::Session& s) -> Status {
    constexpr int64_t kPiece = 10000;
    std::string prev(kAuditGenesisHash);
    int64_t prev_id = 0;
    while (true) {
      ASSIGN_OR_RETURN(sql::Rows r, s.Query("reading the audit log",
                                            "SELECT " + std::string(kAuditColumns) +
                                                " FROM audit_log WHERE id > ?1 ORDER BY id "
                                                "LIMIT ?2",
                                            {prev_id, kPiece}));
      for (size_t i = 0; i < r.size(); ++i) {
        const AuditRecord row = ReadAuditRow(r, i);
        ++check.rows;
        if (row.prev_hash != prev) {
          check.broken_id = row.id;
          check.why = prev_id == 0
                          ? "it is the first row, but its prev_hash is not 64 zeros (rows before "
                            "it were removed, or it was changed)"
                          : "its prev_hash is not the hash of row " + std::to_string(prev_id) +
                                " (a row was changed, removed or inserted before it)";
          return Status();
        }
        if (AuditHash(row) != row.hash) {
          check.broken_id = row.id;
          check.why = "its hash does not match its contents (the row was changed)";
          return Status();
        }
        prev = row.hash;
        prev_id = row.id;
      }
      if (static_cast<int64_t>(r.size()) < kPiece) return Status();
    }
  }));
  return check;
}

}  // namespace popreg::store
