// The register's totals: cards, persons by status, and the living persons who are complete and
// those on the incomplete-information list, counted apart (docs/review.md).
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>

#include "base/date.h"
#include "base/status.h"
#include "store/store.h"

namespace popreg::report {

struct Totals {
  int64_t cards = 0;
  int64_t persons = 0;  // every person on a card
  int64_t alive = 0, deceased = 0, moved_out = 0;
  int64_t complete = 0;    // alive with every required value
  int64_t incomplete = 0;  // alive and on the incomplete-information list
};

struct RegisterTotals {
  Totals all;
  std::map<std::string, Totals> by_community;
};

// The totals of the register of `store` (only the area `community`, a code prefix, when not
// empty) as of `as_of` (the ID is required from the age of one on that day).
Result<RegisterTotals> CountRegister(store::Store& store, std::string_view community,
                                     const Date& as_of);

}  // namespace popreg::report
