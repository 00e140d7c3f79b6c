#include "store/comparisons.h"

#include <string>

#include "store/sql.h"

namespace popreg::store {
namespace {

constexpr std::string_view kColumns =
    "id, as_of, since, area_code, started_by, started_at, finished_at";

ComparisonRecord ReadRecord(const sql::Rows& r, size_t i) {
  ComparisonRecord c;
  c.id = r.Int(i, 0);
  c.info.as_of = r.String(i, 1);
  c.info.since = r.String(i, 2);
  c.info.area_code = r.String(i, 3);
  c.info.started_by = r.String(i, 4);
  c.info.started_at = r.String(i, 5);
  c.info.finished_at = r.String(i, 6);
  return c;
}

}  // namespace

Result<std::vector<ComparisonRecord>> ListComparisons(Store& store) {
  std::vector<ComparisonRecord> out;
  RETURN_IF_ERROR(store.Read("listing comparisons", [&](sql::Session& s) -> Status {
    ASSIGN_OR_RETURN(sql::Rows r, s.Query("listing comparisons", "SELECT " + std::string(kColumns) +
                                                                     " FROM comparisons ORDER "
                                                                     "BY id"));
    for (size_t i = 0; i < r.size(); ++i) out.push_back(ReadRecord(r, i));
    return Status();
  }));
  return out;
}

Result<std::optional<ComparisonRecord>> FindComparison(Store& store, std::string_view as_of,
                                                       std::string_view since) {
  std::optional<ComparisonRecord> out;
  RETURN_IF_ERROR(store.Read("finding a comparison", [&](sql::Session& s) -> Status {
    ASSIGN_OR_RETURN(
        sql::Rows r,
        s.Query("finding the comparison as of " + std::string(as_of),
                "SELECT " + std::string(kColumns) +
                    ", summary_json FROM comparisons WHERE as_of = ?1 AND (CAST(?2 AS TEXT) = '' "
                    "OR since = ?2) ORDER BY id DESC LIMIT 1",
                {std::string(as_of), std::string(since)}));
    if (r.empty()) return Status();
    out = ReadRecord(r, 0);
    out->info.summary_json = r.String(0, 7);
    ASSIGN_OR_RETURN(sql::Rows src, s.Query("reading the comparison's sources",
                                            "SELECT import_id FROM comparison_sources WHERE "
                                            "comparison_id = ?1 ORDER BY import_id",
                                            {out->id}));
    for (size_t i = 0; i < src.size(); ++i) out->info.sources.push_back(src.Int(i, 0));
    return Status();
  }));
  return out;
}

}  // namespace popreg::store
