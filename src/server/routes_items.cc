// The worklist: discrepancy items page by page (keyset: the 100,000th item as quick as the
// first), one item with its evidence, explanation and review history, the review actions one by
// one or in bulk, undoing an applied item, and revealing one ID number. Community staff see and
// act on the items of their own communities only (recon/policy.h decides, per item).
#include <string>

#include "recon/apply.h"
#include "recon/correct.h"
#include "recon/review.h"
#include "server/api.h"
#include "server/masking.h"
#include "store/items.h"
#include "store/review.h"

namespace popreg::server {
namespace {

nlohmann::json ItemJson(const store::Discrepancy& d) {
  nlohmann::json j = {
      {"id", d.id},
      {"type", d.type},
      {"status", d.status},
      {"community_code", d.community_code},
      {"register_key", d.register_key},
      {"register_key_2", d.register_key_2},
      {"source_kind", d.source_kind},
      {"source_import_id", d.source_import_id},
      {"source_row", d.source_row},
      {"source_id_number", d.source_id_number},
      {"field", d.field},
      {"register_value", d.register_value},
      {"source_value", d.source_value},
      {"birth_key", d.birth_key},
      {"match_probability",
       d.match_probability ? nlohmann::json(*d.match_probability) : nlohmann::json()},
      {"proposal", d.proposal},
      {"first_comparison", d.first_comparison},
      {"last_comparison", d.last_comparison},
  };
  return j;
}

// The filter and search of a worklist request (community, type, status, comparison, least
// probability, search).
Result<store::ItemQuery> ItemFilter(Call& call) {
  store::ItemQuery q;
  ASSIGN_OR_RETURN(q.filter.community_code, call.Area(recon::Action::kRead));
  q.filter.type = call.Query("type").value_or("");
  q.filter.status = call.Query("status").value_or("");
  ASSIGN_OR_RETURN(q.filter.comparison_id, IntQuery(call, "comparison", 0, 0, INT64_MAX));
  q.search = call.Query("search").value_or("");
  ASSIGN_OR_RETURN(q.min_probability, ProbabilityQuery(call, "min_probability"));
  return q;
}

Result<Reply> CountItemsRoute(Call& call) {
  ASSIGN_OR_RETURN(store::ItemQuery q, ItemFilter(call));
  ASSIGN_OR_RETURN(std::vector<store::ItemCount> counts, store::CountItems(call.store, q));
  nlohmann::json out = nlohmann::json::array();
  int64_t total = 0;
  for (const store::ItemCount& c : counts) {
    out.push_back({{"type", c.type}, {"status", c.status}, {"count", c.count}});
    total += c.count;
  }
  return Json({{"counts", std::move(out)}, {"total", total}});
}

Result<Reply> ListItems(Call& call) {
  ASSIGN_OR_RETURN(store::ItemQuery q, ItemFilter(call));
  const std::string sort = call.Query("sort").value_or("id");
  std::optional<store::ItemSort> key = store::ParseItemSort(sort);
  if (!key) {
    return InvalidArgument("sort '" + sort +
                           "' is none of id, type, community, probability, status, updated");
  }
  q.sort = *key;
  const std::string order = call.Query("order").value_or("asc");
  if (order != "asc" && order != "desc") return InvalidArgument("order is asc or desc");
  q.descending = order == "desc";
  q.after = call.Query("after").value_or("");
  q.count_total = call.Query("total").value_or("") == "true";
  ASSIGN_OR_RETURN(const int64_t limit, IntQuery(call, "limit", 50, 1, 500));
  q.limit = static_cast<int>(limit);
  ASSIGN_OR_RETURN(store::ItemPage page, store::ListItemsPage(call.store, q));
  const bool whole = call.Allow(recon::Action::kSeeIdNumbers).ok();
  nlohmann::json items = nlohmann::json::array();
  for (const store::Discrepancy& d : page.items) {
    // The store kept to the area; the policy has the last word on every row all the same.
    if (!call.Allow(recon::Action::kRead, d.community_code).ok()) continue;
    items.push_back(Masked(ItemJson(d), whole));
  }
  nlohmann::json body = {{"items", std::move(items)}, {"next", OrNull(page.next)}};
  if (page.total) body["total"] = *page.total;
  return Json(std::move(body));
}

Result<store::Discrepancy> ReadItem(Call& call, int64_t id) {
  // A role that reads nothing is refused before the item is looked for: whether an id exists
  // is not theirs to learn.
  RETURN_IF_ERROR(call.AllowSomewhere(recon::Action::kRead));
  store::Discrepancy item;
  RETURN_IF_ERROR(
      call.store.Read("reading item " + std::to_string(id), [&](store::sql::Session& s) -> Status {
        ASSIGN_OR_RETURN(item, store::ReadItemForReview(s, id));
        return Status::Ok();
      }));
  RETURN_IF_ERROR(call.Allow(recon::Action::kRead, item.community_code));
  return item;
}

Result<Reply> GetItem(Call& call) {
  ASSIGN_OR_RETURN(const int64_t id, call.PathId("id"));
  ASSIGN_OR_RETURN(store::Discrepancy d, ReadItem(call, id));
  nlohmann::json j = ItemJson(d);
  j["evidence"] = ParsedOrNull(d.evidence_json);
  j["explanation"] = ParsedOrNull(d.explanation_json);
  j["verified_values"] = ParsedOrNull(d.values_json);
  ASSIGN_OR_RETURN(std::vector<store::ReviewRecord> reviews, store::ListReviews(call.store, id));
  nlohmann::json history = nlohmann::json::array();
  for (const store::ReviewRecord& r : reviews) {
    history.push_back({{"id", r.id},
                       {"who", r.who},
                       {"at", r.at},
                       {"from", r.status_before},
                       {"to", r.status_after},
                       {"note", r.note},
                       {"values", ParsedOrNull(r.values_json)}});
  }
  j["reviews"] = std::move(history);
  return Json(Masked(std::move(j), call.Allow(recon::Action::kSeeIdNumbers).ok()));
}

Result<std::map<std::string, std::string>> SetField(const nlohmann::json& body) {
  std::map<std::string, std::string> set;
  auto it = body.find("set");
  if (it == body.end() || it->is_null()) return set;
  if (!it->is_object()) return InvalidArgument("the field set is not an object of values");
  for (const auto& [k, v] : it->items()) {
    if (!v.is_string()) return InvalidArgument("set." + k + " is not text");
    set[k] = v.get<std::string>();
  }
  return set;
}

nlohmann::json ReviewResultJson(const recon::ReviewResult& r) {
  return {{"changed", r.changed}, {"skipped", r.skipped}};
}

Result<Reply> ReviewItem(Call& call) {
  ASSIGN_OR_RETURN(const int64_t id, call.PathId("id"));
  ASSIGN_OR_RETURN(nlohmann::json body, call.Body());
  recon::ReviewRequest r;
  r.user = call.Me().login;
  r.item = id;
  ASSIGN_OR_RETURN(std::string action, StringField(body, "action"));
  ASSIGN_OR_RETURN(r.action, recon::ParseReviewAction(action));
  ASSIGN_OR_RETURN(r.note, StringField(body, "note", false));
  ASSIGN_OR_RETURN(r.set, SetField(body));
  ASSIGN_OR_RETURN(recon::ReviewResult res, recon::Review(call.store, r));
  ASSIGN_OR_RETURN(store::Discrepancy d, ReadItem(call, id));
  nlohmann::json out = ReviewResultJson(res);
  out["item"] = Masked(ItemJson(d), call.Allow(recon::Action::kSeeIdNumbers).ok());
  return Json(std::move(out));
}

// The most ids one bulk request may tick: the worklist's selection, with room to spare.
constexpr size_t kMaxTickedItems = 10000;

// Many items at once: the items ticked in a list (by id), every item of a type (in an area,
// linked at least so probably), of a household card, or of an area. All change or none.
Result<Reply> ReviewMany(Call& call) {
  ASSIGN_OR_RETURN(nlohmann::json body, call.Body());
  recon::ReviewRequest r;
  r.user = call.Me().login;
  ASSIGN_OR_RETURN(std::string action, StringField(body, "action"));
  ASSIGN_OR_RETURN(r.action, recon::ParseReviewAction(action));
  ASSIGN_OR_RETURN(r.note, StringField(body, "note", false));
  ASSIGN_OR_RETURN(r.type, StringField(body, "type", false));
  ASSIGN_OR_RETURN(r.household, StringField(body, "household", false));
  ASSIGN_OR_RETURN(r.community, StringField(body, "community", false));
  if (auto it = body.find("items"); it != body.end() && !it->is_null()) {
    if (!it->is_array() || it->size() > kMaxTickedItems) {
      return InvalidArgument("items is a list of at most " + std::to_string(kMaxTickedItems) +
                             " item ids");
    }
    for (const nlohmann::json& id : *it) {
      if (!id.is_number_integer() || id.get<int64_t>() < 1) {
        return InvalidArgument("items holds item ids (whole numbers from 1), not " + id.dump());
      }
      r.items.push_back(id.get<int64_t>());
    }
    if (r.items.empty()) return InvalidArgument("items is empty: tick at least one item");
  }
  if (auto it = body.find("min_probability"); it != body.end() && !it->is_null()) {
    if (!it->is_number()) return InvalidArgument("min_probability is not a number");
    r.min_probability = it->get<double>();
  }
  if (r.items.empty() && r.type.empty() && r.household.empty() && r.community.empty()) {
    return InvalidArgument(
        "choose the items: items (ids), type (with community), household or community");
  }
  ASSIGN_OR_RETURN(recon::ReviewResult res, recon::Review(call.store, r));
  return Json(ReviewResultJson(res));
}

// A correction raised from the household card: an item per field, verified by whoever saw it
// (recon/correct.h), then reviewed as every item is.
Result<Reply> RaiseCorrectionRoute(Call& call) {
  // A role that verifies nowhere learns nothing, not even whether the person exists.
  RETURN_IF_ERROR(call.AllowSomewhere(recon::Action::kVerify));
  ASSIGN_OR_RETURN(nlohmann::json body, call.Body());
  recon::CorrectionRequest r;
  r.user = call.Me().login;
  ASSIGN_OR_RETURN(r.person, StringField(body, "person"));
  ASSIGN_OR_RETURN(r.note, StringField(body, "note"));
  ASSIGN_OR_RETURN(r.set, SetField(body));
  ASSIGN_OR_RETURN(std::vector<int64_t> ids, recon::RaiseCorrection(call.store, r));
  const bool whole = call.Allow(recon::Action::kSeeIdNumbers).ok();
  nlohmann::json items = nlohmann::json::array();
  for (const int64_t id : ids) {
    ASSIGN_OR_RETURN(store::Discrepancy d, ReadItem(call, id));
    items.push_back(Masked(ItemJson(d), whole));
  }
  return Json({{"items", std::move(items)}}, 201);
}

Result<Reply> UndoItem(Call& call) {
  ASSIGN_OR_RETURN(const int64_t id, call.PathId("id"));
  ASSIGN_OR_RETURN(nlohmann::json body, call.Body());
  ASSIGN_OR_RETURN(std::string note, StringField(body, "note", false));
  ASSIGN_OR_RETURN(recon::UndoResult res, recon::Undo(call.store, call.Me().login, id, note));
  return Json({{"item", id}, {"changes", res.changes}});
}

}  // namespace

void AddItemRoutes(Api& api) {
  api.Add("GET", "/api/v1/items", Access::kUser, ListItems);
  api.Add("GET", "/api/v1/items/counts", Access::kUser, CountItemsRoute);
  api.Add("GET", "/api/v1/items/{id}", Access::kUser, GetItem);
  api.Add("POST", "/api/v1/items/{id}/review", Access::kUser, ReviewItem);
  api.Add("POST", "/api/v1/items/{id}/undo", Access::kUser, UndoItem);
  api.Add("POST", "/api/v1/reviews", Access::kUser, ReviewMany);
  api.Add("POST", "/api/v1/corrections", Access::kUser, RaiseCorrectionRoute);
}

}  // namespace popreg::server
