// The statistics comparison as a PDF to print: an A4 landscape table per level (report/pdf.h).
// A page has room for about twenty figures, so it shows the register, the departments together,
// the manual report, the differences and the projections; each department's own figures are in
// the workbook and the CSV.
#include <algorithm>
#include <map>
#include <string>
#include <vector>

#include "report/pdf.h"
#include "report/stats_table.h"

namespace popreg::report {
namespace {

// The columns printed, by StatsColumns' names, under their printed group and header.
struct Printed {
  const char* group;
  const char* header;
  const char* name;
};
constexpr Printed kPrinted[] = {
    {"登记", "总人口", "reg_total"},
    {"登记", "出生", "reg_births"},
    {"登记", "死亡", "reg_deaths"},
    {"各部门合计", "总人口", "departments_total"},
    {"各部门合计", "出生", "departments_births"},
    {"各部门合计", "死亡", "departments_deaths"},
    {"登记减各部门", "总人口", "departments_diff_total"},
    {"登记减各部门", "出生", "departments_diff_births"},
    {"登记减各部门", "死亡", "departments_diff_deaths"},
    {"手工报表", "总人口", "manual_total"},
    {"手工报表", "出生", "manual_births"},
    {"手工报表", "死亡", "manual_deaths"},
    {"登记减手工报表", "总人口", "manual_diff_total"},
    {"登记减手工报表", "出生", "manual_diff_births"},
    {"登记减手工报表", "死亡", "manual_diff_deaths"},
    {"审核后", "总人口", "after_approved_total"},
    {"审核后", "出生", "after_approved_births"},
    {"审核后", "死亡", "after_approved_deaths"},
    {"全部处理后", "总人口", "after_all_total"},
    {"全部处理后", "出生", "after_all_births"},
    {"全部处理后", "死亡", "after_all_deaths"},
};

// 1234567 -> "1,234,567"; a difference with its sign ("+12", "-3", "0").
std::string Grouped(int64_t v, bool sign) {
  // Built by appending: GCC 12 at -O3 misreads insert() into a short string as an overlapping
  // copy (-Wrestrict), which the release build treats as an error.
  const std::string digits = std::to_string(v < 0 ? -v : v);
  std::string out;
  if (v < 0) {
    out.push_back('-');
  } else if (sign && v > 0) {
    out.push_back('+');
  }
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out.push_back(',');
    out.push_back(digits[i]);
  }
  return out;
}

}  // namespace

Status WriteStatsPdf(const Statistics& s, const std::string& path) {
  std::map<std::string, const StatsColumn*> by_name;
  const std::vector<StatsColumn> columns = StatsColumns(s);
  for (const StatsColumn& c : columns) by_name[c.name] = &c;
  const std::string title = s.area_name + "人口统计对比";
  ASSIGN_OR_RETURN(auto doc,
                   pdf::Document::Create(path, pdf::Orientation::kLandscape,
                                         {title, s.area_name, StatsSubtitle(s), s.as_of.Iso()}));
  doc->SetFooter(title + " 截至 " + s.as_of.Iso());
  const pdf::TextStyle style{9, true};
  for (const char* level : {"community", "township", "district"}) {
    pdf::Table t;
    t.title = title + "（" + std::string(LevelName(level)) + "）";
    t.subtitle = StatsSubtitle(s);
    t.columns.push_back({"名称", 0, pdf::Align::kLeft});
    std::vector<const StatsRow*> rows;
    if (auto it = s.levels.find(level); it != s.levels.end() && std::string(level) != "district") {
      for (const StatsRow& r : it->second) rows.push_back(&r);
    }
    rows.push_back(&s.total);
    for (const StatsRow* r : rows) {
      t.rows.push_back({r->name.empty() ? r->code : r->name});
    }
    t.bold_rows = {t.rows.size() - 1};
    for (const Printed& p : kPrinted) {
      const StatsColumn* c = by_name.at(p.name);
      if (t.groups.empty() || t.groups.back().header != p.group) {
        t.groups.push_back({p.group, static_cast<int>(t.columns.size()), 0});
      }
      ++t.groups.back().columns;
      t.columns.push_back({p.header, 0, pdf::Align::kRight});
      for (size_t i = 0; i < rows.size(); ++i) {
        const std::optional<int64_t> v = c->value(*rows[i]);
        t.rows[i].push_back(v ? Grouped(*v, c->difference) : "");
      }
    }
    // Each column as wide as its widest value or header (a group header wraps), so that neither
    // a figure nor a word like 总人口 breaks.
    for (size_t c = 0; c < t.columns.size(); ++c) {
      double w = doc->TextWidth(c == 0 ? "未能归属" : "0,000", style);
      w = std::max(w, doc->TextWidth(t.columns[c].header, style));
      for (const auto& row : t.rows) w = std::max(w, doc->TextWidth(row[c], style));
      t.columns[c].weight = w + 8;
    }
    RETURN_IF_ERROR(pdf::DrawTable(*doc, t));
  }
  return doc->Finish();
}

}  // namespace popreg::report
