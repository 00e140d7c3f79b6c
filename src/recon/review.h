// The review workflow of a discrepancy item (docs/review.md): community staff verify or dispute
// what they checked on the ground, a district reviewer approves or rejects, and only approved
// items are applied (recon/apply.h). Every change is one review row (who, when, the note, the
// values as they were); a decision may be reopened until it is applied.
//
//   open --verify--> verified --approve--> approved --apply--> applied
//   open --dispute-> disputed --reject---> rejected
//   open, verified, disputed --reject--> rejected
//   verified, disputed --reopen--> open;  approved, rejected --reopen--> the state before
//   open or verified --approve with --min-probability P--> approved (items linked at >= P)
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "base/status.h"
#include "store/store.h"

namespace popreg::recon {

enum class ReviewAction { kVerify, kDispute, kApprove, kReject, kReopen };

// "verify", "dispute", ... and back; InvalidArgument for another word.
std::string_view ReviewActionName(ReviewAction a);
Result<ReviewAction> ParseReviewAction(std::string_view name);

struct ReviewRequest {
  std::string user;  // the store's user acting (recon/policy.h decides what they may do)
  ReviewAction action = ReviewAction::kVerify;
  std::string note;
  // Values the community staff verified, correcting the proposal (verify only): a field of the
  // register person (name, sex, birth_date, id_number, relation, ethnicity, mother_id_number,
  // death_date) or, for absent_from_source, outcome (moved_out, deceased, present), date and
  // destination. Each is checked (a date is a date, an ID passes GB 11643, ...).
  std::map<std::string, std::string> set;

  // Which items: exactly one of these.
  int64_t item = 0;            // one item
  std::vector<int64_t> items;  // these items (ticked in a list): like a selection below
  std::string type;            // every item of a type (with `community` and `min_probability`)
  std::string household;       // every item of one card (its persons, or to be added to it)
  std::string community;       // with `type` or alone: the items of an area (a code prefix)
  std::optional<double> min_probability;  // with approve: items linked at least this probably
};

struct ReviewResult {
  int64_t changed = 0;  // items moved
  // Items of a bulk selection left as they were, with why ("item 12 is applied").
  std::vector<std::string> skipped;
};

// Carries out the request in one transaction: all items change or none. A single item whose
// state does not allow the action is a FailedPrecondition error naming the item, its state and
// the action; in a bulk selection such items are skipped and listed. Permission is checked for
// every item's community (PermissionDenied names the first refused).
Result<ReviewResult> Review(store::Store& store, const ReviewRequest& request);

// Checks and normalises the values of a verify's --set for an item of `type` ("1985/3/2" ->
// "1985-03-02", "男" -> "M", an ID's check digit). InvalidArgument names the field and value.
Result<std::map<std::string, std::string>> CheckVerifiedValues(
    const std::string& type, const std::map<std::string, std::string>& set);

}  // namespace popreg::recon
