#include "report/incomplete.h"

#include <fmt/format.h>

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "io/csv.h"
#include "io/schema.h"
#include "io/xlsx_writer.h"
#include "recon/rules.h"

namespace popreg::report {
namespace {

// True when `json` (a person as the history keeps it) lacks every field of `missing`.
bool Lacks(const std::string& json, const std::string& missing) {
  if (json.empty()) return false;
  const nlohmann::json p = nlohmann::json::parse(json, nullptr, false);
  if (!p.is_object()) return false;
  for (const std::string& field : recon::MissingFieldList(missing)) {
    if (!p.value(field, std::string()).empty()) return false;
  }
  return true;
}

}  // namespace

Result<std::vector<IncompletePerson>> ListIncomplete(store::Store& store,
                                                     std::string_view community,
                                                     const Date& as_of) {
  ASSIGN_OR_RETURN(store::RegisterColumns reg, store.LoadRegisterColumns());
  std::vector<IncompletePerson> out;
  for (size_t i = 0; i < reg.size(); ++i) {
    if (reg.status[i] != "alive") continue;
    if (!reg.community_code[i].starts_with(community)) continue;
    const std::string missing = recon::Rule5MissingFields(
        reg.name[i], reg.sex[i], reg.birth_date[i], reg.id_number[i], as_of);
    if (missing.empty()) continue;
    IncompletePerson p{std::string(reg.community_code[i]),
                       fmt::format("{}/{}", reg.card_no[i], reg.person_no[i]),
                       std::string(reg.name[i]),
                       std::string(reg.sex[i]),
                       std::string(reg.birth_date[i]),
                       std::string(reg.id_number[i]),
                       missing,
                       ""};
    // Walk the history back while the person still lacked these values.
    ASSIGN_OR_RETURN(std::vector<store::HistoryEntry> history,
                     store.ListHistory("person", p.register_key));
    for (auto it = history.rbegin(); it != history.rend(); ++it) {
      if (!Lacks(it->after_json, missing)) break;
      p.since = it->at;
    }
    if (missing == "id_number") {
      // Lacking an ID is only a gap from the first birthday on.
      if (std::optional<Date> b = Date::ParseIso(p.birth_date)) {
        const std::string first = b->AddYears(1).Iso();
        if (p.since < first) p.since = first;
      }
    }
    out.push_back(std::move(p));
  }
  std::sort(out.begin(), out.end(), [](const IncompletePerson& a, const IncompletePerson& b) {
    return std::tie(a.community_code, a.register_key) < std::tie(b.community_code, b.register_key);
  });
  return out;
}

Status WriteIncomplete(const std::vector<IncompletePerson>& persons, std::string_view format,
                       const std::string& path) {
  auto row = [](const IncompletePerson& p) {
    return std::vector<std::string>{p.community_code, p.register_key, p.name,    p.sex,
                                    p.birth_date,     p.id_number,    p.missing, p.since};
  };
  if (format == "csv") {
    ASSIGN_OR_RETURN(auto out, io::CsvWriter::Create(path));
    RETURN_IF_ERROR(
        out->Write(std::vector<std::string_view>{"community_code", "register_key", "name", "sex",
                                                 "birth_date", "id_number", "missing", "since"}));
    for (const IncompletePerson& p : persons) RETURN_IF_ERROR(out->Write(row(p)));
    return out->Close();
  }
  if (format == "xlsx") {
    io::XlsxWriterOptions options;
    options.column_widths = {14, 22, 12, 6, 12, 22, 24, 24};
    ASSIGN_OR_RETURN(auto out, io::XlsxWriter::Create(path, "不完整信息", options));
    RETURN_IF_ERROR(out->WriteRow(std::vector<std::string_view>{"社区代码", "人员编号", "姓名",
                                                                "性别", "出生日期", "公民身份号码",
                                                                "缺少项目", "缺少起始"}));
    // For people: sex as 男/女 and the missing fields by the spec's Chinese column names.
    auto alias = [](const std::string& field) {
      for (const io::ColumnSpec& c : io::Columns(io::Kind::kRegister)) {
        if (c.name == field) return std::string(c.alias);
      }
      return field;
    };
    for (const IncompletePerson& p : persons) {
      std::vector<std::string> cells = row(p);
      cells[3] = p.sex == "M" ? "男" : p.sex == "F" ? "女" : p.sex;
      std::string missing;
      for (const std::string& f : recon::MissingFieldList(p.missing)) {
        missing += (missing.empty() ? "" : "、") + alias(f);
      }
      cells[6] = missing;
      RETURN_IF_ERROR(out->WriteRow(cells));
    }
    return out->Close();
  }
  return InvalidArgument("--format: '" + std::string(format) + "' is not csv or xlsx");
}

}  // namespace popreg::report
