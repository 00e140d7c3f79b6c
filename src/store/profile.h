// Import profiles: a TOML file that maps a department's own layout onto the exchange spec, so
// that a department's new layout is a new profile, never a code change.
//
//   kind = "register"                # optional; when given, it must match --kind
//   dates = "DD/MM/YYYY"             # optional; the department's fixed date spelling
//   ignore = ["序号", "备注"]         # optional; columns dropped (not even kept as raw values)
//   [columns]                        # optional; spec English column name -> the file's header
//   id_number = "身份证号"
//   relation = "户主关系"
//
// `dates` is a pattern of YYYY, MM and DD (each exactly once) and literal characters, e.g.
// "YYYYMMDD", "DD/MM/YYYY", "MM/DD/YYYY", "DD.MM.YYYY". Next to a literal (or at the end) MM and
// DD take one or two digits; next to another field (either side) they take exactly two. The spec's
// spellings (1985-03-02, 1985/3/2, 1985年3月2日, ...) are always accepted too, after the profile's
// pattern. Headers are matched like the spec's (io::NormalizeHeaderCell); the spec's own names and
// aliases still work for columns that the profile does not map.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/date.h"
#include "base/status.h"
#include "io/schema.h"

namespace popreg::store {

struct ImportProfile {
  std::string file;  // the profile's path, for messages
  std::optional<io::Kind> kind;
  // (spec English column name, the department's header), in the file's order.
  std::vector<std::pair<std::string, std::string>> columns;
  std::vector<std::string> ignore;
  std::string dates;  // empty = the spec's spellings only

  // The header row with the profile applied: a department header that the profile maps becomes
  // the spec's English name; an ignored header becomes empty (dropped); others are unchanged.
  std::vector<std::string> MapHeaderRow(const std::vector<std::string>& header) const;
  // `header` with ignored columns made empty (for the raw values, which keep the file's names).
  std::vector<std::string> RawHeaderRow(const std::vector<std::string>& header) const;
  // The date in `text` read with `dates`, or nullopt (also when `dates` is empty).
  std::optional<Date> ParseDate(std::string_view text) const;
};

// Reads and checks a profile for files of `kind`. Errors are InvalidArgument naming the file and
// the key, e.g. "police.toml: columns.id_numbr: not a column of police_population (...)":
// a TOML syntax error (with its line), an unknown top-level key, a value of the wrong type, a
// `kind` other than `kind`, a column that the kind lacks, two columns mapped to one header, or a
// `dates` pattern without each of YYYY, MM and DD exactly once. A missing file is NotFound.
Result<ImportProfile> LoadProfile(const std::string& path, io::Kind kind);

// The kinds of file a profile reads (the one it declares, or each that its columns fit when it
// declares none), for listings; when it reads none, `problem` says why (LoadProfile's error for
// the kind it declares, or for the first kind when it declares none).
struct ProfileKinds {
  std::vector<io::Kind> kinds;
  Status problem;
};
ProfileKinds KindsOfProfile(const std::string& path);

// Parses a `dates` pattern (see above); exposed for tests.
std::optional<Date> ParseDateWithPattern(std::string_view text, std::string_view pattern);

}  // namespace popreg::store
