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
#include "io/schema.h"
#include "store/store.h"

namespace popreg::recon {

// One import of a department as columns: entry i of every column is record i.
class SourceTable {
 public:
  SourceTable() = default;
  explicit SourceTable(io::Kind kind);

  io::Kind kind() const { return kind_; }
  std::string_view kind_name() const { return io::KindName(kind_); }
  size_t size() const { return rows.size(); }
  // The column of a spec column name; a column the file did not have is all empty strings.
  // Requires a column of the kind (asserted).
  const std::vector<std::string>& column(std::string_view name) const;
  const std::string& value(std::string_view name, size_t i) const { return column(name)[i]; }

  // Makes room for n records.
  void Reserve(size_t n);
  // Appends a record: `values` by spec column name (others ignored).
  void Add(int64_t source_row, std::span<const std::pair<std::string, std::string>> values);

  store::ImportId import_id = 0;
  std::string file_name;
  std::vector<int64_t> rows;  // source_row of each record

 private:
  io::Kind kind_ = io::Kind::kPolicePopulation;
  std::vector<std::string> names_;
  std::vector<std::vector<std::string>> columns_;
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
