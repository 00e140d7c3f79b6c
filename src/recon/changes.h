// Changes of the register as a file, for reporting upward to the city platform and for carrying
// them to another copy of the register: `popreg export --kind changes` writes one row per change
// of a person or household card since a date (report/changes.h), and `popreg import --kind
// changes` applies such a file to a register (here), whole or not at all.
//
// A row of the file, in the exchange spec's English column names:
//   change           created | changed | closed (a person's status left alive: deceased or
//                    moved out) | merged (a person removed into another: merged_into) | removed
//   entity           person | household
//   changed_at       when (ISO 8601 UTC), who, item_id (the discrepancy item whose applying made
//   who, item_id     it; empty when none), why (the history's sentence)
//   why
//   merged_into      the register key a merged person now lives on
//   changed_columns  the register columns whose values the change set, comma-separated
//   card_no ... mother_id_number   the spec's register columns, with the values after the change:
//                    a person's (card_no, person_no and the person's columns) or a household's
//                    (card_no and the household's columns); after a removal only the key
//   before_<column>  the value before the change, for each of changed_columns
// Every value is as the store keeps it (ISO dates, M/F, alive/deceased/moved_out).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "store/store.h"

namespace popreg::recon {

// The columns before the register's, in order.
inline constexpr std::string_view kChangeHeadColumns[] = {
    "change", "entity", "changed_at", "who", "item_id", "why", "merged_into", "changed_columns"};
// The register columns a person row carries (besides card_no) and those a household row does.
inline constexpr std::string_view kPersonChangeColumns[] = {
    "card_no",  "person_no", "name",   "sex",        "birth_date",      "id_number",
    "relation", "ethnicity", "status", "death_date", "mother_id_number"};
inline constexpr std::string_view kHouseholdChangeColumns[] = {
    "card_no", "community_code", "building", "unit", "room", "address"};

// The whole header of a changes file: the head columns, the spec's register columns in spec
// order, then before_<column> for each of them.
std::vector<std::string> ChangeFileColumns();

struct ChangesImportResult {
  int64_t rows = 0;  // changes applied
  int64_t persons = 0, households = 0;
};

// Applies the changes file `path` (csv or xlsx, the layout above) to the register of `store` in
// file order, in one transaction: every row or none. Each row is checked against the register as
// the rows before it left it: a created person or card must not exist yet, any other must exist
// with the row's before values (the after values of the columns it did not change), and the
// card of a person must exist; the first row that does not fit is a FailedPrecondition error
// naming the file, the row and the column ("changes.csv row 12, column name: the register has
// '李娜', the file expected '李那'"), and nothing is applied. Each change writes its history row
// (who = `user`, why = "changes from FILE row R", evidence = where it came from: the item, when
// and by whom). A merged person leaves its forward pointer. `user` must be allowed to import
// (recon/policy.h).
Result<ChangesImportResult> ImportChanges(store::Store& store, const std::string& path,
                                          const std::string& user);

}  // namespace popreg::recon
