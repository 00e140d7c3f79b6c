#include "recon/review.h"

#include <algorithm>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <vector>

#include "base/env.h"
#include "norm/date_parse.h"
#include "norm/id_number.h"
#include "norm/name.h"
#include "norm/sex.h"
#include "recon/policy.h"
#include "store/register_edit.h"
#include "store/review.h"
#include "store/users.h"

namespace popreg::recon {
namespace {

// "verified", "disputed", ... for messages.
std::string_view ReviewActionDone(ReviewAction a) {
  switch (a) {
    case ReviewAction::kVerify:
      return "verified";
    case ReviewAction::kDispute:
      return "disputed";
    case ReviewAction::kApprove:
      return "approved";
    case ReviewAction::kReject:
      return "rejected";
    case ReviewAction::kReopen:
      return "reopened";
  }
  return "?";
}

// The permission each action needs; reopening a district decision needs the right to make it.
Action NeededAction(ReviewAction a, const std::string& status) {
  switch (a) {
    case ReviewAction::kVerify:
      return Action::kVerify;
    case ReviewAction::kDispute:
      return Action::kDispute;
    case ReviewAction::kApprove:
      return Action::kApprove;
    case ReviewAction::kReject:
      return Action::kReject;
    case ReviewAction::kReopen:
      return status == "approved" || status == "rejected" ? Action::kApprove : Action::kReopen;
  }
  return Action::kRead;
}

// The state an item moves to, or an error naming it, its state and the action.
Result<std::string> Target(const store::Discrepancy& d, ReviewAction a, bool by_probability,
                           const std::string& before_decision) {
  const std::string& s = d.status;
  auto refuse = [&](const std::string& why) -> Status {
    return FailedPrecondition("item " + std::to_string(d.id) + " (" + d.type + ") is " + s +
                              ": it cannot be " + std::string(ReviewActionDone(a)) +
                              (why.empty() ? "" : " (" + why + ")"));
  };
  switch (a) {
    case ReviewAction::kVerify:
      if (s == "open") return std::string("verified");
      return refuse(s == "verified" ? "already verified" : "reopen it first");
    case ReviewAction::kDispute:
      if (s == "open") return std::string("disputed");
      return refuse("reopen it first");
    case ReviewAction::kApprove:
      if (s == "verified") return std::string("approved");
      if (s == "open" && by_probability) return std::string("approved");
      return refuse(s == "open" ? "community staff verify it first" : "");
    case ReviewAction::kReject:
      if (s == "open" || s == "verified" || s == "disputed") return std::string("rejected");
      return refuse("");
    case ReviewAction::kReopen:
      if (s == "verified" || s == "disputed") return std::string("open");
      if (s == "approved" || s == "rejected") return before_decision;
      return refuse(s == "applied" ? "an applied item is undone with popreg undo" : "");
  }
  return refuse("");
}

// The state before the latest move into approved or rejected (open when unknown).
Result<std::string> StateBeforeDecision(store::Store& store, int64_t item) {
  ASSIGN_OR_RETURN(std::vector<store::ReviewRecord> reviews, store::ListReviews(store, item));
  for (auto it = reviews.rbegin(); it != reviews.rend(); ++it) {
    if (it->status_after == "approved" || it->status_after == "rejected") {
      return it->status_before;
    }
  }
  return std::string("open");
}

// The register persons and card an item is about, for --household.
bool OfHousehold(const store::Discrepancy& d, const std::string& card) {
  auto on_card = [&](const std::string& key) {
    return key.size() > card.size() && key.compare(0, card.size(), card) == 0 &&
           key[card.size()] == '/';
  };
  if (on_card(d.register_key) || on_card(d.register_key_2)) return true;
  if (d.action_json.empty()) return false;
  nlohmann::json a = nlohmann::json::parse(d.action_json, nullptr, false);
  return a.is_object() && a.value("card", std::string()) == card;
}

}  // namespace

std::string_view ReviewActionName(ReviewAction a) {
  switch (a) {
    case ReviewAction::kVerify:
      return "verify";
    case ReviewAction::kDispute:
      return "dispute";
    case ReviewAction::kApprove:
      return "approve";
    case ReviewAction::kReject:
      return "reject";
    case ReviewAction::kReopen:
      return "reopen";
  }
  return "?";
}

Result<ReviewAction> ParseReviewAction(std::string_view name) {
  for (ReviewAction a : {ReviewAction::kVerify, ReviewAction::kDispute, ReviewAction::kApprove,
                         ReviewAction::kReject, ReviewAction::kReopen}) {
    if (ReviewActionName(a) == name) return a;
  }
  return InvalidArgument("--action: '" + std::string(name) +
                         "' is not verify, dispute, approve, reject or reopen");
}

Result<std::map<std::string, std::string>> CheckVerifiedValues(
    const std::string& type, const std::map<std::string, std::string>& set) {
  std::map<std::string, std::string> out;
  const Date today = Env::Default().Today();
  auto bad = [](const std::string& field, const std::string& value, const std::string& why) {
    return InvalidArgument("--set " + field + "=" + value + ": " + why);
  };
  for (const auto& [field, value] : set) {
    if (field == "name") {
      const std::string name = norm::CanonicalName(value);
      if (name.empty()) return bad(field, value, "a name cannot be empty");
      out[field] = name;
    } else if (field == "sex") {
      const char sex = norm::ParseSex(value);
      if (sex == 0) return bad(field, value, "not a sex (男/女, M/F, 1/2)");
      out[field] = std::string(1, sex);
    } else if (field == "birth_date" || field == "death_date" || field == "date") {
      const std::optional<Date> d = norm::ParseDate(value);
      if (!d || !d->Valid()) return bad(field, value, "not a date");
      if (today < *d) return bad(field, value, "a date in the future");
      out[field] = d->Iso();
    } else if (field == "id_number" || field == "mother_id_number") {
      const norm::IdInfo id = norm::ParseIdNumber(value, today);
      if (!id.valid()) {
        return bad(field, value,
                   "fails GB 11643 (" + std::string(norm::IdErrorName(id.error)) + ")");
      }
      out[field] = id.normalized;
    } else if (field == "community_code") {
      if (value.size() != 12 ||
          !std::all_of(value.begin(), value.end(), [](char c) { return c >= '0' && c <= '9'; })) {
        return bad(field, value, "a community code has 12 digits");
      }
      out[field] = value;
    } else if (field == "relation" || field == "ethnicity" || field == "destination") {
      out[field] = value;
    } else if (field == "outcome") {
      if (type != "absent_from_source") {
        return bad(field, value, "an outcome is verified for absent_from_source items only");
      }
      if (value != "moved_out" && value != "deceased" && value != "present") {
        return bad(field, value, "the outcome is moved_out, deceased or present");
      }
      out[field] = value;
    } else {
      return bad(field, value,
                 "unknown field (name, sex, birth_date, id_number, relation, ethnicity, "
                 "mother_id_number, death_date, community_code, or outcome, date, "
                 "destination)");
    }
  }
  if (out.contains("outcome")) {
    if (out["outcome"] == "moved_out" && !out.contains("date")) {
      return InvalidArgument("--set outcome=moved_out needs --set date=DATE (when they left)");
    }
    if (out["outcome"] == "deceased" && !out.contains("death_date") && !out.contains("date")) {
      return InvalidArgument("--set outcome=deceased needs --set death_date=DATE");
    }
  }
  return out;
}

Result<ReviewResult> Review(store::Store& store, const ReviewRequest& r) {
  const int selectors = (r.item != 0) + !r.items.empty() + !r.type.empty() + !r.household.empty() +
                        (r.type.empty() && r.household.empty() && r.item == 0 && r.items.empty() &&
                         !r.community.empty());
  if (selectors != 1 || ((r.item != 0 || !r.items.empty()) && !r.community.empty())) {
    return InvalidArgument(
        "say which items: --item N, --items N,M,..., --type T [--community C], --household CARD "
        "or --community C");
  }
  if (r.min_probability && r.action != ReviewAction::kApprove) {
    return InvalidArgument("--min-probability goes with --action approve");
  }
  if (r.min_probability && (*r.min_probability < 0 || *r.min_probability > 1)) {
    return InvalidArgument("--min-probability is a probability between 0 and 1");
  }
  if (!r.set.empty() && (r.action != ReviewAction::kVerify || r.item == 0)) {
    return InvalidArgument(
        "--set corrects one item as it is verified: use it with --item and "
        "--action verify");
  }
  // Who acts, before anything is read: a user the store does not know does nothing.
  ASSIGN_OR_RETURN(std::optional<store::User> user, store::FindUser(store, r.user));
  if (!user) RETURN_IF_ERROR(Authorize(store, r.user, Action::kRead).status());
  // Whether they may act at all where they ask, before anything is read: a selection that finds
  // nothing must not answer a user who could not have acted on it.
  const Action needed = NeededAction(r.action, "");
  RETURN_IF_ERROR(r.community.empty() ? AllowSomewhere(*user, needed)
                                      : Allow(*user, needed, r.community));

  // The state before a decision, for reopening one (read outside the write: the review rows
  // of an approved item do not change while it stays approved).
  std::map<int64_t, std::string> before_decision;
  ReviewResult result;
  const std::string what = std::string(ReviewActionName(r.action)) + " by " + r.user;
  // Items to reopen need their earlier state; collect them first.
  std::vector<store::Discrepancy> selected;
  if (r.item != 0) {
    // One item: read it alone (a resolved one is no longer reviewed).
    RETURN_IF_ERROR(
        store.Read("reading item " + std::to_string(r.item), [&](store::sql::Session& s) -> Status {
          Result<store::Discrepancy> d = store::ReadItemForReview(s, r.item);
          if (d.ok() && d->status != "resolved") {
            selected.push_back(*std::move(d));
          }
          return d.ok() || d.status().code() == ErrorCode::kNotFound ? Status() : d.status();
        }));
  } else if (!r.items.empty()) {
    // Items ticked in a list: each read by its id; one gone since (or resolved) is skipped.
    std::set<int64_t> seen;
    RETURN_IF_ERROR(store.Read("reading the items ticked", [&](store::sql::Session& s) -> Status {
      for (const int64_t id : r.items) {
        if (!seen.insert(id).second) continue;
        Result<store::Discrepancy> d = store::ReadItemForReview(s, id);
        if (!d.ok() && d.status().code() != ErrorCode::kNotFound) return d.status();
        if (!d.ok() || d->status == "resolved") {
          result.skipped.push_back("there is no item " + std::to_string(id) +
                                   " (or it was resolved)");
          continue;
        }
        selected.push_back(*std::move(d));
      }
      return Status();
    }));
  } else {
    store::DiscrepancyFilter f;
    f.type = r.type;
    f.community_code = r.community;
    if (r.item == 0 && r.action == ReviewAction::kApprove && !r.min_probability) {
      f.status = "verified";  // bulk approval takes what community staff verified
    }
    ASSIGN_OR_RETURN(std::vector<store::Discrepancy> items, store.ListDiscrepancies(f));
    for (store::Discrepancy& d : items) {
      if (!r.household.empty() && !OfHousehold(d, r.household)) continue;
      selected.push_back(std::move(d));
    }
  }
  if (r.item != 0 && selected.empty()) {
    return NotFound("store " + store.location() + ": there is no item " + std::to_string(r.item) +
                    " (or it was resolved)");
  }
  // The values staff verified, checked for the item's type (--set goes with one --item).
  std::string values_json;
  if (!r.set.empty()) {
    ASSIGN_OR_RETURN(auto checked, CheckVerifiedValues(selected.front().type, r.set));
    nlohmann::ordered_json j = nlohmann::ordered_json::object();
    for (const auto& [k, v] : checked) j[k] = v;
    values_json = j.dump();
  }
  if (r.action == ReviewAction::kReopen) {
    for (const store::Discrepancy& d : selected) {
      if (d.status == "approved" || d.status == "rejected") {
        ASSIGN_OR_RETURN(before_decision[d.id], StateBeforeDecision(store, d.id));
      }
    }
  }
  RETURN_IF_ERROR(store.Write(what, [&](store::sql::Session& s) -> Status {
    for (const store::Discrepancy& listed : selected) {
      // Read again inside the write: another reviewer may have moved it meanwhile.
      ASSIGN_OR_RETURN(store::Discrepancy d, store::ReadItemForReview(s, listed.id));
      if (r.min_probability &&
          (!d.match_probability || *d.match_probability < *r.min_probability)) {
        if (r.item != 0) {
          return FailedPrecondition("item " + std::to_string(d.id) +
                                    " was linked with "
                                    "probability below " +
                                    std::to_string(*r.min_probability));
        }
        continue;
      }
      RETURN_IF_ERROR(Allow(*user, NeededAction(r.action, d.status), d.community_code));
      Result<std::string> target =
          Target(d, r.action, r.min_probability.has_value(), before_decision[d.id]);
      if (!target.ok()) {
        if (r.item != 0) return target.status();
        result.skipped.push_back(target.status().message());
        continue;
      }
      RETURN_IF_ERROR(store::RecordTransition(s, d, *target, r.user, r.note, values_json));
      ++result.changed;
    }
    return Status();
  }));
  return result;
}

}  // namespace popreg::recon
