// Fuzz target for the value parsers of norm/: ID numbers (id_number.h), dates (date_parse.h),
// sex (sex.h) and canonical names (name.h). The whole input is one value for each of them.
//
// Beyond "no crash, no sanitizer report", it checks these properties and aborts when one fails:
// - a valid ID is 18 ASCII characters with a matching ISO 7064 MOD 11-2 check character
//   (GB 11643-1999), a real birth date, a sex and a region, and parsing its normalized form
//   gives the same number, date, sex and region;
// - a missing ID (empty, placeholder, spreadsheet damage) is not valid and has no sex;
// - every ID candidate is a valid 18-character number other than the input, the list sorted
//   without duplicates, and empty for a valid or missing input;
// - a parsed date is a real day and its ISO spelling parses back to it;
// - a parsed sex is 'M', 'F' or 0;
// - a canonical name is well-formed UTF-8.
#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "base/utf8.h"
#include "fuzz_check.h"
#include "norm/address.h"
#include "norm/date_parse.h"
#include "norm/id_number.h"
#include "norm/name.h"
#include "norm/sex.h"

namespace {

namespace norm = popreg::norm;

const popreg::Date kAsOf{2026, 6, 30};

// IdCandidates parses about 35 numbers; past this size an input cannot have 18 code points.
constexpr size_t kMaxCandidateInput = 96;

bool WellFormedUtf8(std::string_view s) {
  size_t pos = 0;
  while (pos < s.size()) {
    if (popreg::utf8::NextCodePoint(s, &pos) == popreg::utf8::kIllFormed) return false;
  }
  return true;
}

void CheckId(std::string_view text) {
  const norm::IdInfo id = norm::ParseIdNumber(text, kAsOf);
  FUZZ_CHECK(norm::IdErrorName(id.error) != "unknown");
  if (id.missing()) {
    FUZZ_CHECK(!id.valid());
    FUZZ_CHECK(id.sex == 0);
  }
  if (id.valid()) {
    const std::string& n = id.normalized;
    FUZZ_CHECK(n.size() == 18);
    FUZZ_CHECK(std::all_of(n.begin(), n.begin() + 17, [](char c) { return c >= '0' && c <= '9'; }));
    FUZZ_CHECK(norm::IdCheckChar(n) == n[17]);
    FUZZ_CHECK(id.birth.Valid() && id.birth.year >= 1900 && id.birth <= kAsOf);
    FUZZ_CHECK(id.sex == 'M' || id.sex == 'F');
    FUZZ_CHECK(!id.region.empty());
    FUZZ_CHECK(norm::IdAddressCodeEverUsed(n));
    const norm::IdInfo again = norm::ParseIdNumber(n, kAsOf);
    FUZZ_CHECK(again.valid());
    FUZZ_CHECK(again.normalized == n);
    FUZZ_CHECK(again.birth == id.birth);
    FUZZ_CHECK(again.sex == id.sex);
    FUZZ_CHECK(again.region == id.region);
  }
  if (text.size() > kMaxCandidateInput) return;
  const std::vector<std::string> candidates = norm::IdCandidates(text, kAsOf);
  if (id.valid() || id.missing()) FUZZ_CHECK(candidates.empty());
  FUZZ_CHECK(std::is_sorted(candidates.begin(), candidates.end()));
  FUZZ_CHECK(std::adjacent_find(candidates.begin(), candidates.end()) == candidates.end());
  for (const std::string& c : candidates) {
    FUZZ_CHECK(c.size() == 18);
    FUZZ_CHECK(c != id.normalized);
    FUZZ_CHECK(norm::ParseIdNumber(c, kAsOf).valid());
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  CheckId(text);

  if (const std::optional<popreg::Date> date = norm::ParseDate(text)) {
    FUZZ_CHECK(date->Valid());
    FUZZ_CHECK(norm::ParseDate(date->Iso()) == date);
  }

  const char sex = norm::ParseSex(text);
  FUZZ_CHECK(sex == 0 || sex == 'M' || sex == 'F');

  FUZZ_CHECK(WellFormedUtf8(norm::CanonicalName(text)));

  // Addresses: building, unit and room are ASCII digits or capital letters; resolving a name
  // against itself must not crash.
  const norm::AddressParts parts = norm::ParseAddress(text);
  for (const std::string* p : {&parts.building, &parts.unit, &parts.room}) {
    for (char c : *p) FUZZ_CHECK((c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z'));
  }
  norm::AreaIndex areas;
  areas.Add("350902001001", text);
  areas.Resolve(text);
  return 0;
}
