// What both backends do the same way, said once over store/sql.h: the Store methods whose SQL
// both dialects accept. A backend derives from CommonStore and supplies the rest (bulk imports,
// the columnar read, comparisons: where COPY and SQLite's own statements differ) plus Write and
// Read. Internal to store/.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "store/sql.h"
#include "store/store.h"

namespace popreg::store {

class CommonStore : public Store {
 public:
  Result<std::vector<Discrepancy>> ListDiscrepancies(const DiscrepancyFilter& filter) override;
  Status SetDiscrepancyStatus(int64_t id, const std::string& status, const std::string& who,
                              const std::string& note) override;
  Result<int64_t> AppendHistory(const HistoryEntry& entry) override;
  Result<std::vector<HistoryEntry>> ListHistory(const std::string& entity,
                                                const std::string& entity_key) override;
  Result<int64_t> AppendAudit(const AuditEntry& entry) override;
};

// The WHERE clause of DiscrepancyFilter's type (?1), area prefix (?2) and status (?3; "" = all
// but resolved), for every query that selects items by a filter.
extern const std::string_view kItemFilterWhere;

// The columns of an item as ReadItem reads them (SELECT kItemColumns FROM discrepancies).
extern const std::string_view kItemColumns;
// kItemColumns with NULL for the JSON columns (evidence, explanation, action, verified values),
// in the same places: what a list of items shows, read by ReadItem all the same.
extern const std::string_view kItemListColumns;
// Item `row` of rows selected with kItemColumns (or kItemListColumns).
Discrepancy ReadItem(const sql::Rows& rows, size_t row);

// The building blocks of the methods above, for the store's other modules inside their own
// transaction (they take the session of a Write or Read).
Result<int64_t> InsertHistory(sql::Session& s, const HistoryEntry& entry);
Result<int64_t> InsertAudit(sql::Session& s, const AuditEntry& entry);
// The audit row of import `id` (action "import", object "import N": its kind, file, month,
// community and row counts), appended inside the import's own transaction before it commits:
// an import is in the log exactly when it is in the store.
Status AuditImport(sql::Session& s, ImportId id, const ImportInfo& info);
// Bytes as lower-case hex (digests, cursors).
std::string Hex(const unsigned char* p, size_t n);
// The next id of `table` (the largest plus one: ids without gaps, as both backends give them).
Result<int64_t> NextId(sql::Session& s, std::string_view table);
// Items matching the filter, ordered by id.
Result<std::vector<Discrepancy>> SelectItems(sql::Session& s, const DiscrepancyFilter& filter);
// One item, or NotFound naming it.
Result<Discrepancy> SelectItem(sql::Session& s, int64_t id);

struct ItemQuery;  // store/items.h
struct ItemStatement {
  std::string sql;
  std::vector<sql::Value> params;  // the last is the LIMIT
};
// The statements ListItemsPage runs for `query`, in order, until it has one row more than the
// limit (each row ends in the sort value); for the test of their query plans.
Result<std::vector<ItemStatement>> ItemPageStatements(const ItemQuery& query);

}  // namespace popreg::store
