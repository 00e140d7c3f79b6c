#include "store/review.h"

#include <nlohmann/json.hpp>
#include <string>

#include "store/backend_checks.h"
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

Status InsertItem(sql::Session& s, Discrepancy& item) {
  const std::string what = "adding the item " + item.identity;
  if (!IsItemType(item.type) || item.identity.empty()) {
    return InvalidArgument(what + ": the type '" + item.type + "' or the identity is not one");
  }
  ASSIGN_OR_RETURN(sql::Rows newest, s.Query(what, "SELECT max(id) FROM comparisons", {}));
  if (newest.IsNull(0, 0)) {
    return FailedPrecondition(
        "there is no comparison yet: a correction is raised against the "
        "register a comparison has looked at");
  }
  const int64_t comparison = newest.Int(0, 0);
  ASSIGN_OR_RETURN(sql::Rows same, s.Query(what,
                                           "SELECT id FROM discrepancies WHERE identity = ?1 "
                                           "AND status <> 'resolved'",
                                           {item.identity}));
  if (!same.empty()) {
    return AlreadyExists("item " + same.String(0, 0) + " already proposes this: review that one");
  }
  ASSIGN_OR_RETURN(item.id, NextId(s, "discrepancies"));
  ASSIGN_OR_RETURN(std::string at, s.Now());
  item.status = "open";
  item.first_comparison = item.last_comparison = comparison;
  item.updated_at = at;
  const std::optional<double>& p = item.match_probability;
  return s
      .Exec(what,
            "INSERT INTO discrepancies (id, identity, type, community_code, register_key, "
            "register_key_2, source_kind, source_import_id, source_row, source_id_number, field, "
            "register_value, source_value, birth_key, match_probability, status, proposal, "
            "evidence_json, explanation_json, first_comparison, last_comparison, action_json, "
            "values_json, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, "
            "?13, ?14, ?15, 'open', ?16, ?17, ?18, ?19, ?19, ?20, ?21, ?22)",
            {item.id,
             item.identity,
             item.type,
             sql::TextOrNull(item.community_code),
             sql::TextOrNull(item.register_key),
             sql::TextOrNull(item.register_key_2),
             sql::TextOrNull(item.source_kind),
             sql::IdOrNull(item.source_import_id),
             sql::IdOrNull(item.source_row),
             sql::TextOrNull(item.source_id_number),
             sql::TextOrNull(item.field),
             sql::TextOrNull(item.register_value),
             sql::TextOrNull(item.source_value),
             sql::TextOrNull(item.birth_key),
             p ? sql::Value(*p) : sql::Value(nullptr),
             item.proposal,
             sql::TextOrNull(item.evidence_json),
             sql::TextOrNull(item.explanation_json),
             comparison,
             sql::TextOrNull(item.action_json),
             sql::TextOrNull(item.values_json),
             at})
      .status();
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
