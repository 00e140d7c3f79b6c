#include "store/common_store.h"

#include <nlohmann/json.hpp>
#include <string>
#include <utility>
#include <vector>

#include "io/schema.h"
#include "store/audit.h"
#include "store/backend_checks.h"

namespace popreg::store {

// One list of the item's columns for both: the list's is the whole one with its four JSON
// columns read as NULL (a macro: string literals are joined at compile time, so both stay
// constants whose order cannot drift apart).
#define POPREG_ITEM_COLUMNS(EVIDENCE, EXPLANATION, ACTION, VALUES)                        \
  "id, identity, type, community_code, register_key, register_key_2, source_kind, "       \
  "source_import_id, source_row, source_id_number, field, register_value, source_value, " \
  "birth_key, match_probability, proposal, " EVIDENCE ", " EXPLANATION                    \
  ", status, "                                                                            \
  "first_comparison, last_comparison, " ACTION ", " VALUES ", updated_at"
const std::string_view kItemColumns =
    POPREG_ITEM_COLUMNS("evidence_json", "explanation_json", "action_json", "values_json");
const std::string_view kItemListColumns = POPREG_ITEM_COLUMNS("NULL", "NULL", "NULL", "NULL");
#undef POPREG_ITEM_COLUMNS

const std::string_view kItemFilterWhere =
    "(CAST(?1 AS TEXT) = '' OR type = ?1) AND (CAST(?2 AS TEXT) = '' OR "
    "substr(coalesce(community_code, ''), 1, length(CAST(?2 AS TEXT))) = ?2) AND (CASE WHEN "
    "CAST(?3 AS TEXT) = '' THEN status <> 'resolved' ELSE status = ?3 END)";

Discrepancy ReadItem(const sql::Rows& r, size_t i) {
  Discrepancy d;
  d.id = r.Int(i, 0);
  d.identity = r.Text(i, 1);
  d.type = r.Text(i, 2);
  d.community_code = r.Text(i, 3);
  d.register_key = r.Text(i, 4);
  d.register_key_2 = r.Text(i, 5);
  d.source_kind = r.Text(i, 6);
  d.source_import_id = r.Int(i, 7);
  d.source_row = r.Int(i, 8);
  d.source_id_number = r.Text(i, 9);
  d.field = r.Text(i, 10);
  d.register_value = r.Text(i, 11);
  d.source_value = r.Text(i, 12);
  d.birth_key = r.Text(i, 13);
  d.match_probability = r.Double(i, 14);
  d.proposal = r.Text(i, 15);
  d.evidence_json = r.Text(i, 16);
  d.explanation_json = r.Text(i, 17);
  d.status = r.Text(i, 18);
  d.first_comparison = r.Int(i, 19);
  d.last_comparison = r.Int(i, 20);
  d.action_json = r.Text(i, 21);
  d.values_json = r.Text(i, 22);
  d.updated_at = r.Text(i, 23);
  return d;
}

std::string Hex(const unsigned char* p, size_t n) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  out.reserve(2 * n);
  for (size_t i = 0; i < n; ++i) {
    out += kDigits[p[i] >> 4];
    out += kDigits[p[i] & 15];
  }
  return out;
}

Result<int64_t> NextId(sql::Session& s, std::string_view table) { return s.NextId(table); }

Result<std::vector<Discrepancy>> SelectItems(sql::Session& s, const DiscrepancyFilter& f) {
  RETURN_IF_ERROR(CheckDiscrepancyFilter(f));
  ASSIGN_OR_RETURN(sql::Rows r,
                   s.Query("listing discrepancies",
                           "SELECT " + std::string(kItemColumns) + " FROM discrepancies WHERE " +
                               std::string(kItemFilterWhere) +
                               " AND (CAST(?4 AS BIGINT) = 0 OR id IN (SELECT discrepancy_id FROM "
                               "comparison_items WHERE comparison_id = ?4)) ORDER BY id",
                           {f.type, f.community_code, f.status, f.comparison_id}));
  std::vector<Discrepancy> out;
  out.reserve(r.size());
  for (size_t i = 0; i < r.size(); ++i) out.push_back(ReadItem(r, i));
  return out;
}

Result<Discrepancy> SelectItem(sql::Session& s, int64_t id) {
  ASSIGN_OR_RETURN(
      sql::Rows r,
      s.Query("reading item " + std::to_string(id),
              "SELECT " + std::string(kItemColumns) + " FROM discrepancies WHERE id = ?1", {id}));
  if (r.empty())
    return NotFound("store " + s.location() + ": there is no item " + std::to_string(id));
  return ReadItem(r, 0);
}

Result<int64_t> InsertHistory(sql::Session& s, const HistoryEntry& e) {
  ASSIGN_OR_RETURN(int64_t id, NextId(s, "history"));
  std::string at = e.at;
  if (at.empty()) {
    ASSIGN_OR_RETURN(at, s.Now());
  }
  RETURN_IF_ERROR(s.Exec("appending history",
                         "INSERT INTO history (id, entity, entity_key, before_json, after_json, "
                         "who, at, why, evidence, item_id) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, "
                         "?8, ?9, ?10)",
                         {id, e.entity, e.entity_key, sql::TextOrNull(e.before_json),
                          sql::TextOrNull(e.after_json), e.who, at, e.why, e.evidence,
                          sql::IdOrNull(e.item_id)})
                      .status());
  return id;
}

Status AuditImport(sql::Session& s, ImportId id, const ImportInfo& info) {
  ASSIGN_OR_RETURN(sql::Rows counts,
                   s.Query("counting the import's rows for the audit log",
                           "SELECT rows_total, rows_imported, rows_rejected FROM imports WHERE "
                           "id = ?1",
                           {id}));
  if (counts.empty()) return Internal("import " + std::to_string(id) + " is not in the store");
  nlohmann::ordered_json details = {{"kind", std::string(io::KindName(info.kind))},
                                    {"file_name", info.file_name},
                                    {"sha256", info.sha256},
                                    {"month", info.month},
                                    {"community", info.community_code},
                                    {"rows", counts.Int(0, 0)},
                                    {"imported", counts.Int(0, 1)},
                                    {"rejected", counts.Int(0, 2)}};
  return InsertAudit(s, AuditEntry{info.imported_by, "", "import", "import " + std::to_string(id),
                                   details.dump()})
      .status();
}

Result<int64_t> InsertAudit(sql::Session& s, const AuditEntry& e) {
  AuditRecord row;
  ASSIGN_OR_RETURN(row.id, NextId(s, "audit_log"));
  row.entry = e;
  if (row.entry.at.empty()) {
    ASSIGN_OR_RETURN(row.entry.at, s.Now());
  }
  if (row.entry.details_json.empty()) row.entry.details_json = "{}";
  // The last row is the chain's end: the session holds the write lock, so no one appends
  // between this read and the insert.
  ASSIGN_OR_RETURN(sql::Rows last, s.Query("reading the audit log's last hash",
                                           "SELECT hash FROM audit_log ORDER BY id DESC LIMIT 1"));
  row.prev_hash = last.empty() ? std::string(kAuditGenesisHash) : last.String(0, 0);
  row.hash = AuditHash(row);
  RETURN_IF_ERROR(s.Exec("appending to the audit log",
                         "INSERT INTO audit_log (id, at, who, action, object, details_json, "
                         "prev_hash, hash) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
                         {row.id, row.entry.at, row.entry.who, row.entry.action, row.entry.object,
                          row.entry.details_json, row.prev_hash, row.hash})
                      .status());
  return row.id;
}

Result<std::vector<Discrepancy>> CommonStore::ListDiscrepancies(const DiscrepancyFilter& filter) {
  std::vector<Discrepancy> out;
  RETURN_IF_ERROR(Read("listing discrepancies", [&](sql::Session& s) -> Status {
    ASSIGN_OR_RETURN(out, SelectItems(s, filter));
    return Status();
  }));
  return out;
}

Status CommonStore::SetDiscrepancyStatus(int64_t id, const std::string& status,
                                         const std::string& who, const std::string& note) {
  RETURN_IF_ERROR(CheckDiscrepancyStatus(status));
  const std::string what = "item " + std::to_string(id);
  return Write("reviewing " + what, [&](sql::Session& s) -> Status {
    ASSIGN_OR_RETURN(sql::Rows r, s.Query("reading " + what,
                                          "SELECT status FROM discrepancies WHERE id = ?1", {id}));
    if (r.empty()) return NotFound("store " + s.location() + ": there is no " + what);
    const std::string before = r.String(0, 0);
    ASSIGN_OR_RETURN(std::string at, s.Now());
    RETURN_IF_ERROR(s.Exec("setting the status of " + what,
                           "UPDATE discrepancies SET status = ?2, updated_at = ?3 WHERE id = ?1",
                           {id, status, at})
                        .status());
    ASSIGN_OR_RETURN(int64_t review, NextId(s, "reviews"));
    RETURN_IF_ERROR(s.Exec("recording the review of " + what,
                           "INSERT INTO reviews (id, discrepancy_id, who, at, status_before, "
                           "status_after, note) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                           {review, id, who, at, before, status, note})
                        .status());
    nlohmann::ordered_json details = {
        {"status_before", before}, {"status_after", status}, {"note", note}};
    return InsertAudit(s, AuditEntry{who, at, "review", what, details.dump()}).status();
  });
}

Result<int64_t> CommonStore::AppendHistory(const HistoryEntry& entry) {
  int64_t id = 0;
  RETURN_IF_ERROR(Write("appending history", [&](sql::Session& s) -> Status {
    ASSIGN_OR_RETURN(id, InsertHistory(s, entry));
    return Status();
  }));
  return id;
}

Result<std::vector<HistoryEntry>> CommonStore::ListHistory(const std::string& entity,
                                                           const std::string& entity_key) {
  std::vector<HistoryEntry> out;
  RETURN_IF_ERROR(Read("listing history", [&](sql::Session& s) -> Status {
    ASSIGN_OR_RETURN(sql::Rows r,
                     s.Query("listing history",
                             "SELECT entity, entity_key, before_json, after_json, who, at, why, "
                             "evidence, item_id, id FROM history WHERE entity = ?1 AND "
                             "entity_key = ?2 ORDER BY id",
                             {entity, entity_key}));
    for (size_t i = 0; i < r.size(); ++i) {
      out.push_back(HistoryEntry{r.String(i, 0), r.String(i, 1), r.String(i, 2), r.String(i, 3),
                                 r.String(i, 4), r.String(i, 5), r.String(i, 6), r.String(i, 7),
                                 r.Int(i, 8), r.Int(i, 9)});
    }
    return Status();
  }));
  return out;
}

Result<int64_t> CommonStore::AppendAudit(const AuditEntry& entry) {
  int64_t id = 0;
  RETURN_IF_ERROR(Write("appending to the audit log", [&](sql::Session& s) -> Status {
    ASSIGN_OR_RETURN(id, InsertAudit(s, entry));
    return Status();
  }));
  return id;
}

}  // namespace popreg::store
