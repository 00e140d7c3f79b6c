#include "store/review.h"

#include <nlohmann/json.hpp>
#include <string>

#include "store/common_store.h"
#include "store/sql.h"

namespace popreg::store {

Status RecordTransition(sql::Session& s, const Discrepancy& item, std::string_view status_after,
                        std::string_view who, std::string_view note,
                        std::string_view verified_values_json) {
  const std::string what = "item " + std::to_string(item.id);
  ASSIGN_OR_RETURN(std::string at, s.Now());
  nlohmann::ordered_json values = {
      {"register_value", item.register_value},
      {"source_value", item.source_value},
      {"verified_before", item.values_json.empty()
                              ? nlohmann::ordered_json::object()
                              : nlohmann::ordered_json::parse(item.values_json, nullptr, false)}};
  if (!verified_values_json.empty()) {
    values["verified"] = nlohmann::ordered_json::parse(verified_values_json, nullptr, false);
    RETURN_IF_ERROR(
        s.Exec("setting the status of " + what,
               "UPDATE discrepancies SET status = ?2, values_json = ?3, updated_at = ?4 "
               "WHERE id = ?1",
               {item.id, std::string(status_after), std::string(verified_values_json), at})
            .status());
  } else {
    RETURN_IF_ERROR(s.Exec("setting the status of " + what,
                           "UPDATE discrepancies SET status = ?2, updated_at = ?3 WHERE id = ?1",
                           {item.id, std::string(status_after), at})
                        .status());
  }
  ASSIGN_OR_RETURN(int64_t review, NextId(s, "reviews"));
  RETURN_IF_ERROR(s.Exec("recording the review of " + what,
                         "INSERT INTO reviews (id, discrepancy_id, who, at, status_before, "
                         "status_after, note, values_json) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, "
                         "?8)",
                         {review, item.id, std::string(who), at, item.status,
                          std::string(status_after), std::string(note), values.dump()})
                      .status());
  nlohmann::ordered_json details = {{"status_before", item.status},
                                    {"status_after", std::string(status_after)},
                                    {"note", std::string(note)}};
  return InsertAudit(s, AuditEntry{std::string(who), at, "review", what, details.dump()}).status();
}

Result<Discrepancy> ReadItemForReview(sql::Session& s, int64_t id) { return SelectItem(s, id); }

Result<std::vector<Discrepancy>> ReadItemsForReview(sql::Session& s,
                                                    const DiscrepancyFilter& filter) {
  return SelectItems(s, filter);
}

Result<std::vector<ReviewRecord>> ListReviews(Store& store, int64_t item_id) {
  std::vector<ReviewRecord> out;
  RETURN_IF_ERROR(store.Read("reading reviews", [&](sql::Session& s) -> Status {
    ASSIGN_OR_RETURN(sql::Rows r, s.Query("reading the reviews of item " + std::to_string(item_id),
                                          "SELECT id, discrepancy_id, who, at, status_before, "
                                          "status_after, note, values_json FROM reviews WHERE "
                                          "discrepancy_id = ?1 ORDER BY id",
                                          {item_id}));
    for (size_t i = 0; i < r.size(); ++i) {
      out.push_back(ReviewRecord{r.Int(i, 0), r.Int(i, 1), r.String(i, 2), r.String(i, 3),
                                 r.String(i, 4), r.String(i, 5), r.String(i, 6), r.String(i, 7)});
    }
    return Status();
  }));
  return out;
}

}  // namespace popreg::store
