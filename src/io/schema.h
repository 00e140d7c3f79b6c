// The kinds of file of the exchange spec and their columns (English name, Chinese alias,
// required or not), and the mapping of a file's header row onto them.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"

namespace popreg::io {

enum class Kind {
  kAreas,
  kRegister,
  kPolicePopulation,
  kPoliceBirths,
  kVaccinations,
  kCremations,
  kDeathCertificates,
  kManualReport,
};

struct ColumnSpec {
  std::string_view name;   // English name, e.g. "id_number"
  std::string_view alias;  // Chinese alias, e.g. "公民身份号码"
  bool required;
};

// "areas", "register", "police_population", ... as in the spec.
std::string_view KindName(Kind k);
Result<Kind> ParseKind(std::string_view name);
// All kinds in spec order.
std::span<const Kind> AllKinds();
// The columns of a kind in spec order.
std::span<const ColumnSpec> Columns(Kind k);

// Normalises a header cell for matching (utf8::FoldAndTrim, then ASCII lower case): trims the
// spaces people type (ASCII, U+3000 ideographic, U+00A0 no-break, ...), maps full-width ASCII
// (U+FF01..U+FF5E) to half-width, lower-cases ASCII; bytes that are not UTF-8 become U+FFFD.
std::string NormalizeHeaderCell(std::string_view cell);

// Where each spec column sits in a file's header row.
struct HeaderMap {
  Kind kind;
  // index[i] is the position in the row of Columns(kind)[i], or -1 when the file lacks it.
  std::vector<int> index;
  // Positions and names (as written in the file) of header cells that are not spec columns, kept
  // as extra attributes, in file order. Empty cells are not listed.
  std::vector<std::pair<int, std::string>> extras;
  // Position of the spec column with English name `name`, or -1 (absent, or not a column of
  // `kind`).
  int Find(std::string_view name) const;
};

// Maps a header row by English names and Chinese aliases (NormalizeHeaderCell on both sides).
// A missing required column is an InvalidArgument error naming `file_name` and the column
// (both names), e.g. "police_population.csv: missing required column id_number (公民身份号码)";
// all missing columns are listed. A column named twice (a spec column by either name, or an
// extra) is an InvalidArgument error naming it and both positions (1-based).
Result<HeaderMap> MapHeader(Kind kind, const std::vector<std::string>& header,
                            std::string_view file_name);

}  // namespace popreg::io
