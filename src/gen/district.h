// `popreg gen`: a synthetic district in the exchange format, with the list of every discrepancy a
// perfect comparison must report.
//
// The generator first builds a "world" (the people who really live in the district, with their
// births, deaths and moves), then writes what each office would have recorded of it: the
// register with the family-planning office's mistakes, the police lists, the health and
// civil-affairs lists with their own spellings, and the manual report. Because it knows who is
// who, it can say exactly which discrepancies the spec's rules produce (truth.csv), and it writes
// that knowledge too (identities.csv: which person each data row describes), so that linkage can
// be scored against labels, and the register as it should be (population.csv: every person the
// register should hold, with their true values and status), so that applying a reviewed
// comparison can be checked end to end.
#pragma once

#include <cstdint>
#include <map>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "base/date.h"
#include "base/status.h"

namespace popreg::gen {

// A rate the user may set with `--rate NAME=VALUE`; every rate is a probability.
struct RateSpec {
  std::string_view name;
  double default_value;
  std::string_view help;
};

// Every rate in the order `--list-rates` prints them.
std::span<const RateSpec> RateSpecs();

// The rates an error profile sets, by name.
using RateMap = std::map<std::string, double, std::less<>>;

// Reads an error profile: a TOML file with a `[rates]` table of rate names (RateSpecs()) and
// values, each a number in [0, 1], and optionally a top-level `description` string (see
// docs/synthetic-district.md and gen-profiles/). Returns the rates it sets. Errors are
// InvalidArgument naming the file and, where there is one, the key: a file that cannot be read,
// a TOML syntax error (with its line), an unknown key or rate name, a value that is not a number
// in [0, 1].
Result<RateMap> ReadProfile(const std::string& path);

struct GenOptions {
  std::string out_dir;
  int64_t households = 20000;
  uint64_t seed = 1;
  Date as_of{2026, 9, 30};
  // Start of the comparison window; when invalid (the default) it is as_of minus one year plus
  // one day, so that every child born in the window is under one year old on as_of.
  Date since{};
  // The district's 6-digit division code; must be a county-level code in the shipped table.
  std::string district_code = "350902";
  // A city of this many districts (1-100): district_code and the next codes CityDistricts
  // gives, `households` shared among them. Each district is made and written in turn, so memory
  // is one district's however many there are.
  int districts = 1;
  // Overrides of RateSpecs() by name (a profile's, then the command line's).
  RateMap rates;
};

struct FileSummary {
  std::string file;      // e.g. "register.csv"
  int64_t rows = 0;      // data rows
  std::string encoding;  // "utf-8", "utf-8-bom", "gb18030"
  bool chinese_headers = false;
};

struct GenSummary {
  Date as_of;
  Date since;
  std::vector<std::string> districts;  // their division codes, the first the option's
  int64_t households = 0;              // households of the world
  int64_t persons = 0;                 // persons of the world who lived in the district
  int64_t townships = 0;
  int64_t communities = 0;
  std::vector<FileSummary> files;
  // Count of truth rows per discrepancy type, in the spec's order.
  std::vector<std::pair<std::string, int64_t>> truth;
};

// The county-level division codes of a city of `count` districts that starts at `first`: first,
// then the other codes in use of its prefecture (the same first four digits), then of the rest
// of its province, in the table's order. InvalidArgument when `first` is not a county-level code
// or the province has too few.
Result<std::vector<std::string>> CityDistricts(const std::string& first, int count);

// Checks the options (dates, district code, rate names and values in [0, 1]) and writes the
// district, or the city of options.districts districts, into options.out_dir (created if
// missing; existing files of the same names are replaced). A city's files are one district's
// files after another (each department's file in one spelling, with one header; person,
// household and row numbers running on); its truth.csv is sorted as a district's. Deterministic:
// the same options give byte-identical files, and a city of one district is the district.
// Errors name the file or the option at fault.
Result<GenSummary> GenerateDistrict(const GenOptions& options);

}  // namespace popreg::gen
