// A correction raised from the household card (docs/review.md, "Card corrections"): community
// staff who found on the ground that a value on a person's card is wrong propose the right one.
// It goes the reviewed path of every item: each field corrected becomes an item of type
// card_correction (store.h kCardCorrection), verified at once by the one who raised it (they
// saw it) with their note; a district reviewer approves or rejects it; applying it changes the
// register with history, and undo restores it.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "base/status.h"
#include "store/store.h"

namespace popreg::recon {

// The fields of a person a card correction may set.
inline constexpr std::string_view kCorrectableFields[] = {"name",      "sex",      "birth_date",
                                                          "id_number", "relation", "ethnicity"};

struct CorrectionRequest {
  std::string user;    // who raises it (community staff of the person's community, or wider)
  std::string person;  // the register key CARD/PERSON of a person in the register
  // The right values, checked and normalised as a verify's (CheckVerifiedValues): "1985/3/2"
  // is 1985-03-02, an ID passes GB 11643. At least one must differ from the card.
  std::map<std::string, std::string> set;
  std::string note;  // required: what was seen, and where
};

// Adds one item per field whose value differs from the card, in one transaction (all or none),
// and returns their ids in field order. InvalidArgument for a field not correctable, a value
// that fails its check, no value that differs, or no note; NotFound for a person not in the
// register; PermissionDenied for a user who may not verify in the person's community;
// AlreadyExists when an item still open to review already proposes that field of that person;
// FailedPrecondition before the first comparison.
Result<std::vector<int64_t>> RaiseCorrection(store::Store& store, const CorrectionRequest& r);

}  // namespace popreg::recon
