#include "store/export.h"

#include <cctype>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "io/csv.h"
#include "io/schema.h"
#include "io/xlsx_writer.h"

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
const std::vector<std::string>* Column(const RegisterColumns& cols, std::string_view name) {
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

}  // namespace

Result<int64_t> ExportRegister(Store& store, const std::string& path) {
  ASSIGN_OR_RETURN(RegisterColumns cols, store.LoadRegisterColumns());
  const auto specs = io::Columns(io::Kind::kRegister);
  std::vector<std::string> header;
  std::vector<const std::vector<std::string>*> columns;
  for (const io::ColumnSpec& c : specs) {
    const std::vector<std::string>* col = Column(cols, c.name);
    if (col == nullptr) {
      return Internal("export: the store has no register column " + std::string(c.name));
    }
    header.emplace_back(c.name);
    columns.push_back(col);
  }
  std::vector<std::string_view> row(columns.size());
  auto fill = [&](size_t i) {
    for (size_t c = 0; c < columns.size(); ++c) row[c] = (*columns[c])[i];
  };
  if (EndsWithXlsx(path)) {
    ASSIGN_OR_RETURN(auto w, io::XlsxWriter::Create(path, "register"));
    RETURN_IF_ERROR(w->WriteRow(header));
    for (size_t i = 0; i < cols.size(); ++i) {
      fill(i);
      RETURN_IF_ERROR(w->WriteRow(row));
    }
    RETURN_IF_ERROR(w->Close());
  } else {
    ASSIGN_OR_RETURN(auto w, io::CsvWriter::Create(path));
    RETURN_IF_ERROR(w->Write(header));
    for (size_t i = 0; i < cols.size(); ++i) {
      fill(i);
      RETURN_IF_ERROR(w->Write(row));
    }
    RETURN_IF_ERROR(w->Close());
  }
  return static_cast<int64_t>(cols.size());
}

}  // namespace popreg::store
