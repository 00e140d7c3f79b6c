#include "store/export.h"

#include <cctype>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "io/csv.h"
#include "io/schema.h"
#include "io/xlsx_writer.h"
#include "store/record_values.h"

namespace popreg::store {
namespace {

bool EndsWithXlsx(std::string_view path) {
  constexpr std::string_view kExt = ".xlsx";
  if (path.size() < kExt.size()) return false;
  const std::string_view tail = path.substr(path.size() - kExt.size());
  for (size_t i = 0; i < kExt.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(tail[i])) != kExt[i]) return false;
  }
  return true;
}

// The column of `cols` holding the spec register column `name`.
const TextColumn* Column(const RegisterColumns& cols, std::string_view name) {
  if (name == "card_no") return &cols.card_no;
  if (name == "community_code") return &cols.community_code;
  if (name == "building") return &cols.building;
  if (name == "unit") return &cols.unit;
  if (name == "room") return &cols.room;
  if (name == "address") return &cols.address;
  if (name == "person_no") return &cols.person_no;
  if (name == "name") return &cols.name;
  if (name == "sex") return &cols.sex;
  if (name == "birth_date") return &cols.birth_date;
  if (name == "id_number") return &cols.id_number;
  if (name == "relation") return &cols.relation;
  if (name == "ethnicity") return &cols.ethnicity;
  if (name == "status") return &cols.status;
  if (name == "death_date") return &cols.death_date;
  if (name == "mother_id_number") return &cols.mother_id_number;
  return nullptr;
}

// Rows of one exported table, to CSV or to a one-sheet workbook by the path's extension.
class TableOut {
 public:
  static Result<TableOut> Create(const std::string& path, std::string_view sheet) {
    TableOut out;
    if (EndsWithXlsx(path)) {
      ASSIGN_OR_RETURN(out.xlsx_, io::XlsxWriter::Create(path, std::string(sheet)));
    } else {
      ASSIGN_OR_RETURN(out.csv_, io::CsvWriter::Create(path));
    }
    return out;
  }
  Status Write(const std::vector<std::string_view>& row) {
    return xlsx_ ? xlsx_->WriteRow(row) : csv_->Write(row);
  }
  Status Close() { return xlsx_ ? xlsx_->Close() : csv_->Close(); }

 private:
  std::unique_ptr<io::XlsxWriter> xlsx_;
  std::unique_ptr<io::CsvWriter> csv_;
};

// The spec's English header of `kind`.
std::vector<std::string_view> Header(io::Kind kind) {
  std::vector<std::string_view> header;
  for (const io::ColumnSpec& c : io::Columns(kind)) header.push_back(c.name);
  return header;
}

Result<int64_t> ExportAreas(Store& store, const std::string& path) {
  ASSIGN_OR_RETURN(std::vector<Area> areas, store.ListAreas());
  ASSIGN_OR_RETURN(TableOut out, TableOut::Create(path, "areas"));
  const std::vector<std::string_view> header = Header(io::Kind::kAreas);
  RETURN_IF_ERROR(out.Write(header));
  std::vector<std::string_view> row(header.size());
  for (const Area& a : areas) {
    for (size_t c = 0; c < header.size(); ++c) {
      const std::string_view name = header[c];
      row[c] = name == "code"          ? a.code
               : name == "name"        ? a.name
               : name == "level"       ? a.level
               : name == "parent_code" ? a.parent_code
                                       : std::string_view();
    }
    RETURN_IF_ERROR(out.Write(row));
  }
  RETURN_IF_ERROR(out.Close());
  return static_cast<int64_t>(areas.size());
}

// The normalised records of the latest import of `kind`.
Result<int64_t> ExportRecords(Store& store, io::Kind kind, const std::string& path) {
  ASSIGN_OR_RETURN(std::vector<ImportRecord> imports, store.ListImports());
  const ImportRecord* latest = nullptr;
  for (const ImportRecord& r : imports) {
    if (r.info.kind == kind) latest = &r;  // oldest first: the last one wins
  }
  const std::string name(io::KindName(kind));
  if (latest == nullptr) {
    return NotFound("store " + store.location() + ": no " + name +
                    " file was imported (import one first)");
  }
  ASSIGN_OR_RETURN(TableOut out, TableOut::Create(path, name));
  const std::vector<std::string_view> header = Header(kind);
  RETURN_IF_ERROR(out.Write(header));
  std::vector<std::string> values(header.size());
  std::vector<std::string_view> row(header.size());
  int64_t n = 0;
  RETURN_IF_ERROR(store.ForEachSourceRecord(
      latest->id, Store::RecordTexts::kNormalized, [&](const SourceRecord& r) -> Status {
        if (!ReadNormalizedValues(r.normalized_json, header, values)) {
          return DataLoss("store " + store.location() + ": import " + std::to_string(latest->id) +
                          " row " + std::to_string(r.source_row) +
                          ": the normalised values are not a JSON object");
        }
        for (size_t c = 0; c < header.size(); ++c) row[c] = values[c];
        ++n;
        return out.Write(row);
      }));
  RETURN_IF_ERROR(out.Close());
  return n;
}

}  // namespace

Result<int64_t> ExportRegister(Store& store, const std::string& path) {
  ASSIGN_OR_RETURN(RegisterColumns cols, store.LoadRegisterColumns());
  const std::vector<std::string_view> header = Header(io::Kind::kRegister);
  std::vector<const TextColumn*> columns;
  for (std::string_view name : header) {
    const TextColumn* col = Column(cols, name);
    if (col == nullptr) {
      return Internal("export: the store has no register column " + std::string(name));
    }
    columns.push_back(col);
  }
  ASSIGN_OR_RETURN(TableOut out, TableOut::Create(path, "register"));
  RETURN_IF_ERROR(out.Write(header));
  std::vector<std::string_view> row(columns.size());
  for (size_t i = 0; i < cols.size(); ++i) {
    for (size_t c = 0; c < columns.size(); ++c) row[c] = (*columns[c])[i];
    RETURN_IF_ERROR(out.Write(row));
  }
  RETURN_IF_ERROR(out.Close());
  return static_cast<int64_t>(cols.size());
}

Result<int64_t> ExportKind(Store& store, io::Kind kind, const std::string& path) {
  switch (kind) {
    case io::Kind::kRegister:
      return ExportRegister(store, path);
    case io::Kind::kAreas:
      return ExportAreas(store, path);
    default:
      return ExportRecords(store, kind, path);
  }
}

}  // namespace popreg::store
