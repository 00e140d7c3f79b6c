#include "report/stats_table.h"

#include <algorithm>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "io/csv.h"
#include "io/schema.h"
#include "io/xlsx_writer.h"

namespace popreg::report {
namespace {

// The departments as the table names them, in the spec's order, with the figure that matters
// for each: the police list's persons (and births), the births of the birth records, the deaths
// of the death records.
struct Department {
  std::string_view kind, group;
  bool population, births, deaths;
};
constexpr Department kDepartments[] = {
    {"police_population", "公安户籍", true, true, false},
    {"police_births", "公安出生", false, true, false},
    {"vaccinations", "预防接种", false, true, false},
    {"cremations", "火化", false, false, true},
    {"death_certificates", "死亡证明", false, false, true},
};

using Value = std::function<std::optional<int64_t>(const StatsRow&)>;

// A figure of a department's map, when the comparison read that department.
Value Source(bool imported, bool linked, std::string kind, int64_t Figures::*field) {
  return [=](const StatsRow& r) -> std::optional<int64_t> {
    if (!imported) return std::nullopt;
    const std::map<std::string, Figures>& m = linked ? r.linked : r.source;
    auto it = m.find(kind);
    return it == m.end() ? 0 : it->second.*field;
  };
}

std::string Number(std::optional<int64_t> v) { return v ? std::to_string(*v) : std::string(); }

std::vector<std::string> RowCells(const StatsRow& r, const std::vector<StatsColumn>& columns) {
  std::vector<std::string> cells = {r.level, r.code, r.name};
  for (const StatsColumn& c : columns) cells.push_back(Number(c.value(r)));
  return cells;
}

constexpr const char* kCount = "#,##0";
constexpr const char* kSigned = "+#,##0;[Red]-#,##0;0";

}  // namespace

std::vector<StatsColumn> StatsColumns(const Statistics& s) {
  std::vector<StatsColumn> out;
  auto add = [&](std::string group, std::string header, std::string name, Value v,
                 bool difference = false) {
    out.push_back({std::move(group), std::move(header), std::move(name), difference, std::move(v)});
  };
  auto fixed = [](Figures StatsRow::*figures, int64_t Figures::*field) -> Value {
    return [=](const StatsRow& r) -> std::optional<int64_t> { return (r.*figures).*field; };
  };
  add("登记", "总人口", "reg_total", fixed(&StatsRow::reg, &Figures::total));
  add("登记", "出生", "reg_births", fixed(&StatsRow::reg, &Figures::births));
  add("登记", "死亡", "reg_deaths", fixed(&StatsRow::reg, &Figures::deaths));
  for (const Department& d : kDepartments) {
    const std::string kind(d.kind), group(d.group);
    const bool imported = std::find(s.kinds.begin(), s.kinds.end(), kind) != s.kinds.end();
    auto diff = [&](int64_t Figures::*field) -> Value {
      Value src = Source(imported, false, kind, field);
      return [=](const StatsRow& r) -> std::optional<int64_t> {
        const std::optional<int64_t> v = src(r);
        if (!v) return std::nullopt;
        return r.reg.*field - *v;
      };
    };
    if (d.population) {
      add(group, "人数", kind + "_persons", Source(imported, false, kind, &Figures::total));
      add(group, "其中出生", kind + "_births", Source(imported, false, kind, &Figures::births));
      add(group, "已关联", kind + "_linked", Source(imported, true, kind, &Figures::total));
      add(group, "总人口差", kind + "_diff_total", diff(&Figures::total), true);
    } else if (d.births) {
      add(group, "出生", kind + "_births", Source(imported, false, kind, &Figures::births));
      add(group, "已关联", kind + "_linked", Source(imported, true, kind, &Figures::births));
      add(group, "出生差", kind + "_diff_births", diff(&Figures::births), true);
    } else {
      add(group, "死亡", kind + "_deaths", Source(imported, false, kind, &Figures::deaths));
      add(group, "已关联", kind + "_linked", Source(imported, true, kind, &Figures::deaths));
      add(group, "死亡差", kind + "_diff_deaths", diff(&Figures::deaths), true);
    }
  }
  struct Field {
    const char* header;
    const char* name;
    int64_t Figures::*field;
  };
  const Field fields[] = {{"总人口", "total", &Figures::total},
                          {"出生", "births", &Figures::births},
                          {"死亡", "deaths", &Figures::deaths}};
  for (const Field& f : fields) {
    add("各部门合计", f.header, std::string("departments_") + f.name,
        fixed(&StatsRow::departments, f.field));
  }
  for (const Field& f : fields) {
    add(
        "各部门合计", std::string(f.header) + "差", std::string("departments_diff_") + f.name,
        [field = f.field](const StatsRow& r) -> std::optional<int64_t> {
          return r.reg.*field - r.departments.*field;
        },
        true);
  }
  for (const Field& f : fields) {
    add("手工报表", f.header, std::string("manual_") + f.name,
        [field = f.field](const StatsRow& r) -> std::optional<int64_t> {
          if (!r.manual) return std::nullopt;
          return (*r.manual).*field;
        });
  }
  for (const Field& f : fields) {
    add(
        "手工报表", std::string(f.header) + "差", std::string("manual_diff_") + f.name,
        [field = f.field](const StatsRow& r) -> std::optional<int64_t> {
          if (!r.manual) return std::nullopt;
          return r.reg.*field - (*r.manual).*field;
        },
        true);
  }
  for (const Field& f : fields) {
    add("审核后", f.header, std::string("after_approved_") + f.name,
        fixed(&StatsRow::after_approved, f.field));
  }
  for (const Field& f : fields) {
    add("全部处理后", f.header, std::string("after_all_") + f.name,
        fixed(&StatsRow::after_all, f.field));
  }
  return out;
}

std::string_view LevelName(std::string_view level) {
  if (level == "community") return "社区（村）";
  if (level == "township") return "乡镇（街道）";
  if (level == "district") return "区县";
  return "合计";
}

std::string StatsSubtitle(const Statistics& s) {
  return "截至 " + s.as_of.Iso() + "；出生、死亡统计期间 " + s.since.Iso() + " 至 " +
         s.as_of.Iso() + "；比对 #" + std::to_string(s.comparison_id);
}

Status WriteStatsCsv(const Statistics& s, const std::string& path) {
  const std::vector<StatsColumn> columns = StatsColumns(s);
  ASSIGN_OR_RETURN(auto out, io::CsvWriter::Create(path));
  std::vector<std::string> header = {"level", "code", "name"};
  for (const StatsColumn& c : columns) header.push_back(c.name);
  RETURN_IF_ERROR(out->Write(header));
  for (const StatsRow& r : s.rows) RETURN_IF_ERROR(out->Write(RowCells(r, columns)));
  if (s.level != "district") RETURN_IF_ERROR(out->Write(RowCells(s.total, columns)));
  return out->Close();
}

Status WriteStatsXlsx(const Statistics& s, const std::string& path) {
  const std::vector<StatsColumn> columns = StatsColumns(s);
  io::XlsxWriterOptions options;
  options.header_row = false;  // three header rows of our own: title, groups, columns
  options.autofilter = false;
  options.constant_memory = false;  // merged cells; a few hundred rows at most
  options.column_widths = {14, 16};
  const char* sheets[] = {"社区", "乡镇街道", "区县"};
  std::unique_ptr<io::XlsxWriter> out;
  for (int level = 0; level < 3; ++level) {
    const std::string name = level == 0 ? "community" : level == 1 ? "township" : "district";
    if (!out) {
      ASSIGN_OR_RETURN(out, io::XlsxWriter::Create(path, sheets[level], options));
    } else {
      RETURN_IF_ERROR(out->AddSheet(sheets[level]));
    }
    const int last = static_cast<int>(columns.size()) + 1;
    RETURN_IF_ERROR(out->MergeCells(
        0, 0, 0, last,
        s.area_name + "人口统计对比（" + std::string(LevelName(name)) + "） " + StatsSubtitle(s)));
    RETURN_IF_ERROR(out->WriteCells({}));
    // Row 1: the groups, each merged over its columns; row 2: the columns.
    RETURN_IF_ERROR(out->MergeCells(1, 0, 2, 0, "代码"));
    RETURN_IF_ERROR(out->MergeCells(1, 1, 2, 1, "名称"));
    std::vector<io::XlsxCell> groups(columns.size() + 2);
    for (size_t c = 0; c < columns.size();) {
      size_t end = c;
      while (end + 1 < columns.size() && columns[end + 1].group == columns[c].group) ++end;
      if (end == c) {
        groups[c + 2] = {columns[c].group, std::nullopt, "", true};  // one cell: no merge
      } else {
        RETURN_IF_ERROR(out->MergeCells(1, static_cast<int>(c) + 2, 1, static_cast<int>(end) + 2,
                                        columns[c].group));
      }
      c = end + 1;
    }
    RETURN_IF_ERROR(out->WriteCells(groups));
    std::vector<io::XlsxCell> header(2);
    for (const StatsColumn& c : columns) header.push_back({c.header, std::nullopt, "", true});
    RETURN_IF_ERROR(out->WriteCells(header));
    RETURN_IF_ERROR(out->FreezePanes(3, 2));
    auto write = [&](const StatsRow& r, bool bold) -> Status {
      std::vector<io::XlsxCell> cells;
      cells.push_back({r.code, std::nullopt, "", bold});
      cells.push_back({r.code.empty() && r.name.empty() ? "合计" : r.name, std::nullopt, "", bold});
      for (const StatsColumn& c : columns) {
        const std::optional<int64_t> v = c.value(r);
        io::XlsxCell cell;
        if (v) cell.number = static_cast<double>(*v);
        cell.number_format = c.difference ? kSigned : kCount;
        cell.bold = bold;
        cells.push_back(std::move(cell));
      }
      return out->WriteCells(cells);
    };
    auto it = s.levels.find(name);
    if (name != "district" && it != s.levels.end()) {
      for (const StatsRow& r : it->second) RETURN_IF_ERROR(write(r, false));
    }
    RETURN_IF_ERROR(write(s.total, true));
  }
  return out->Close();
}

Status WriteManualLayout(const Statistics& s, const std::string& format, const std::string& path) {
  std::vector<std::string> header;
  for (const io::ColumnSpec& c : io::Columns(io::Kind::kManualReport)) {
    header.emplace_back(c.alias);
  }
  auto rows = s.levels.find("community");
  std::vector<std::vector<std::string>> lines;
  if (rows != s.levels.end()) {
    for (const StatsRow& r : rows->second) {
      if (r.code.empty()) continue;  // 未能归属 is no community
      lines.push_back({r.code, std::to_string(r.reg.total), std::to_string(r.reg.births),
                       std::to_string(r.reg.deaths)});
    }
  }
  if (format == "csv") {
    ASSIGN_OR_RETURN(auto out, io::CsvWriter::Create(path));
    RETURN_IF_ERROR(out->Write(header));
    for (const auto& l : lines) RETURN_IF_ERROR(out->Write(l));
    return out->Close();
  }
  if (format == "xlsx") {
    ASSIGN_OR_RETURN(auto out, io::XlsxWriter::Create(path, "手工统计报表"));
    RETURN_IF_ERROR(out->WriteRow(header));
    for (const auto& l : lines) {
      std::vector<io::XlsxCell> cells = {{l[0]}};
      for (size_t i = 1; i < l.size(); ++i) {
        cells.push_back({"", static_cast<double>(std::stoll(l[i])), kCount});
      }
      RETURN_IF_ERROR(out->WriteCells(cells));
    }
    return out->Close();
  }
  return InvalidArgument("--format: '" + format + "' is not csv or xlsx (the manual layout)");
}

}  // namespace popreg::report
