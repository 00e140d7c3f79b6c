// Applying approved items to the register, and undoing them (docs/review.md). Each item's
// change goes through store/register_edit.h, which writes its history row (before, after, who,
// when, which item, which evidence) in the same transaction; the item becomes "applied".
//
// What each type does:
// - field_mismatch, incomplete_record, invalid_id_number: the field is set to the verified value,
//   else the police list's (an ID must pass GB 11643); an incomplete card takes what any of them
//   has, and a value no one has is left for the incomplete-information list.
// - unrecorded_death: status deceased, the death date of the best death record (or verified).
// - missing_in_register: a new person in the card of the police household (or of the same
//   dwelling), else a new card numbered after the community's last.
// - unrecorded_birth: the child joins the mother's card (or a new card), with the police name
//   and ID when a source has them; refused when the same child (mother, date, sex) already has
//   a card in the township.
// - duplicate_in_register: the two persons merge into the one kept; values only the other had
//   are copied; the other leaves a forward pointer; a card left empty is removed.
// - absent_from_source: the verified outcome: moved_out (with the date and destination in the
//   history), deceased (with the death date), or present (nothing changes; the note is kept).
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "base/cancel.h"
#include "base/date.h"
#include "base/status.h"
#include "store/store.h"

namespace popreg::recon {

struct ApplyRequest {
  std::string user;           // a reviewer (recon/policy.h)
  int64_t item = 0;           // one approved item, or
  bool all_approved = false;  // every approved item (of `community`, when given)
  std::string community;      // an area code prefix; "" = all
  std::string note;
  int64_t batch_size = 10000;  // items per transaction
  // Called after each batch with the items done and the total.
  std::function<void(int64_t done, int64_t total)> progress;
  // Polled before each batch: when set, Apply stops with Cancelled; the batches done stay
  // applied (each is whole), the rest stay approved (base/cancel.h). May be null.
  const CancelFlag* cancel = nullptr;
};

struct ApplyResult {
  int64_t applied = 0;
  int64_t batches = 0;
  // Approved items left as they were, each with why ("item 12: the register's name is now ...").
  std::vector<std::string> refused;
};

// Applies the selected approved items, one transaction per batch: a batch is applied whole or
// not at all (a process killed during one leaves the register and the items as before it). An
// item the register no longer fits (its person gone or changed since the comparison, the same
// birth already carded, no value to set) is refused and stays approved; a single --item that is
// refused is a FailedPrecondition error with the reason.
Result<ApplyResult> Apply(store::Store& store, const ApplyRequest& request);

// Restores the values an applied item changed, through new history rows, and moves the item
// back to "approved". Refused (FailedPrecondition) when a later change touched the same values,
// naming each such change; the whole undo is one transaction.
struct UndoResult {
  int64_t changes = 0;  // history rows written
};
Result<UndoResult> Undo(store::Store& store, const std::string& user, int64_t item,
                        const std::string& note);

}  // namespace popreg::recon
