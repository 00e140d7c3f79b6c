// The incomplete-information list (不完整信息): register persons shown alive who still lack a
// value the spec requires (a name, a sex, a birth date, or an ID number from the age of one), each
// with what is missing and since when. They are counted apart from the complete register and
// leave the list once completed.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "base/date.h"
#include "base/status.h"
#include "store/store.h"

namespace popreg::report {

struct IncompletePerson {
  std::string community_code;
  std::string register_key;
  std::string name, sex, birth_date, id_number;
  std::string missing;  // "name,birth_date", as recon::Rule5MissingFields says
  // Since when it has lacked them: the time of the earliest history row from which on the
  // person's card never had these values, or the first birthday when only the ID is missing and
  // the person turned one later. ISO 8601 (a date or a time).
  std::string since;
};

// The incomplete persons of the area `community` (a code prefix; "" = all) as of `as_of`, by
// community and register key.
Result<std::vector<IncompletePerson>> ListIncomplete(store::Store& store,
                                                     std::string_view community, const Date& as_of);

// Writes them to `path`: "csv" (UTF-8, English header) or "xlsx" (Chinese headers). Errors name
// the path.
Status WriteIncomplete(const std::vector<IncompletePerson>& persons, std::string_view format,
                       const std::string& path);

}  // namespace popreg::report
