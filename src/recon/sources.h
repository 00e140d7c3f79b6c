// What a comparison reads: the register and the latest district-wide import of each department
// (a file of one community is not the department's list: recon/sources.cc), as columns of
// the normalised values the import stored (ISO dates, M/F, canonical names, 18-character IDs).
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "base/text_column.h"
#include "io/schema.h"
#include "store/store.h"

namespace popreg::recon {

// One import of a department as columns: entry i of every column is record i. The columns hold
// their text in one array each (base/text_column.h): a million-record police list takes ~250 MB
// instead of ~550 MB as std::strings.
class SourceTable {
 public:
  SourceTable() = default;
  explicit SourceTable(io::Kind kind);

  io::Kind kind() const { return kind_; }
  std::string_view kind_name() const { return io::KindName(kind_); }
  size_t size() const { return rows.size(); }
  // The column of a spec column name; a column the file did not have is all empty strings.
  // A name that is not a column of the kind is a programming error: it aborts, in every build
  // (a wrong name would otherwise read nothing, or out of bounds).
  const TextColumn& column(std::string_view name) const { return columns_[ColumnIndex(name)]; }
  std::string_view value(std::string_view name, size_t i) const { return column(name)[i]; }
  // The kind's column names (io::Columns), in the order Add takes values.
  std::span<const std::string_view> names() const { return names_; }

  // Makes room for n records.
  void Reserve(size_t n);
  // Appends a record: `values` by spec column name (others ignored; the last of a name counts).
  void Add(int64_t source_row, std::span<const std::pair<std::string, std::string>> values);
  // Appends a record: `values[c]` for column c, one per column of the kind.
  void Add(int64_t source_row, std::span<const std::string> values);
  // Returns the unused room of the reservations.
  void ShrinkToFit();

  store::ImportId import_id = 0;
  std::string file_name;
  std::vector<int64_t> rows;  // source_row of each record

 private:
  io::Kind kind_ = io::Kind::kPolicePopulation;
  // The position of the column `name` among names_; aborts as column().
  size_t ColumnIndex(std::string_view name) const;

  std::vector<std::string_view> names_;
  std::vector<TextColumn> columns_;
};

// Everything a comparison reads. A department without an import is nullopt.
struct Inputs {
  store::RegisterColumns reg;
  store::ImportId register_import = 0;      // the import the register came from, when known
  std::optional<SourceTable> police;        // police_population
  std::optional<SourceTable> births;        // police_births
  std::optional<SourceTable> vaccinations;  // vaccinations
  std::optional<SourceTable> cremations;
  std::optional<SourceTable> certificates;  // death_certificates
  std::vector<store::Area> areas;
};

// Loads the register, the areas and the newest import of each department's kind.
Result<Inputs> LoadInputs(store::Store& store);

}  // namespace popreg::recon
