#include "report/intake.h"

#include <algorithm>
#include <optional>
#include <string>
#include <vector>

#include "base/env.h"
#include "io/schema.h"
#include "recon/words.h"
#include "report/table_out.h"
#include "store/campaigns.h"

namespace popreg::report {

std::string_view DepartmentName(std::string_view kind) {
  const std::string_view word = recon::KindWord(kind);
  return word == kind ? std::string_view() : word;
}

std::string_view IntakeStateName(std::string_view state) {
  if (state == "received") return "按时";
  if (state == "late") return "逾期";
  if (state == "missing") return "缺报";
  if (state == "pending") return "未到期";
  return "";
}

Date ReceivedOn(const store::ImportRecord& r) {
  if (std::optional<int64_t> ms = ParseInstant(r.info.imported_at)) return DayOfInstant(*ms);
  return Date::ParseIso(r.info.imported_at.substr(0, 10)).value_or(Date{});
}

std::string ImportMonth(const store::ImportRecord& r) {
  if (store::ParseMonth(r.info.month)) return r.info.month;
  const Date on = ReceivedOn(r);
  return on.Valid() ? store::MonthOf(store::AddMonths(on, -1)) : std::string();
}

Date IntakeDue(const std::string& month, int handover_day) {
  const std::optional<Date> first = store::ParseMonth(month);
  if (!first) return Date{};
  return store::DayOfMonth(store::AddMonths(*first, 1), handover_day);
}

Result<std::vector<IntakeRow>> ComputeIntake(store::Store& store, const IntakeOptions& options) {
  if (!options.month.empty() && !store::ParseMonth(options.month)) {
    return InvalidArgument("month '" + options.month + "' is not a month YYYY-MM (e.g. 2026-03)");
  }
  if (!options.as_of.Valid()) return InvalidArgument("the hand-over needs an as-of date");
  ASSIGN_OR_RETURN(std::vector<store::Campaign> campaigns, store::ListCampaigns(store));
  std::optional<store::Campaign> campaign;
  if (options.campaign_id != 0 || !campaigns.empty()) {
    ASSIGN_OR_RETURN(
        campaign,
        store::FindCampaign(
            store, options.campaign_id == 0 ? std::string() : std::to_string(options.campaign_id)));
  }
  const int day = campaign ? campaign->handover_day : store::kDefaultHandoverDay;
  ASSIGN_OR_RETURN(std::vector<store::ImportRecord> all, store.ListImports());
  ASSIGN_OR_RETURN(std::vector<store::Area> areas, store.ListAreas());
  std::vector<store::ImportRecord> imports;
  for (const store::ImportRecord& r : all) {
    const std::string_view kind = io::KindName(r.info.kind);
    if (!DepartmentName(kind).empty()) imports.push_back(r);
  }

  // The months.
  std::string first, last;
  if (!options.month.empty()) {
    first = last = options.month;
  } else {
    last = store::MonthOf(store::AddMonths(options.as_of, -1));
    if (campaign) {
      first = store::MonthOf(campaign->start);
    } else {
      for (const store::ImportRecord& r : imports) {
        const std::string m = ImportMonth(r);
        if (!m.empty() && (first.empty() || m < first)) first = m;
      }
      if (first.empty()) first = last;
    }
  }
  std::vector<std::string> months;
  for (Date d = *store::ParseMonth(first); store::MonthOf(d) <= last; d = store::AddMonths(d, 1)) {
    months.push_back(store::MonthOf(d));
  }

  auto area_name = [&](const std::string& code) -> std::string {
    if (code.empty()) return "全部";
    for (const store::Area& a : areas) {
      if (a.code == code) return a.name;
    }
    return "";
  };
  std::vector<IntakeRow> out;
  for (const std::string& month : months) {
    const Date due = IntakeDue(month, day);
    for (std::string_view kind : kDepartmentKinds) {
      std::vector<const store::ImportRecord*> covering;
      for (const store::ImportRecord& r : imports) {
        if (io::KindName(r.info.kind) == kind && ImportMonth(r) == month &&
            ReceivedOn(r) <= options.as_of) {
          covering.push_back(&r);
        }
      }
      std::stable_sort(covering.begin(), covering.end(), [](const auto* a, const auto* b) {
        return std::make_pair(a->info.community_code, a->info.imported_at) <
               std::make_pair(b->info.community_code, b->info.imported_at);
      });
      IntakeRow base;
      base.kind = std::string(kind);
      base.department = std::string(DepartmentName(kind));
      base.month = month;
      base.due = due;
      if (covering.empty()) {
        IntakeRow row = base;
        row.state = options.as_of > due ? "missing" : "pending";
        row.community_name = area_name("");
        if (row.state == "missing") row.days_late = options.as_of.ToDays() - due.ToDays();
        row.state_name = std::string(IntakeStateName(row.state));
        out.push_back(std::move(row));
        continue;
      }
      for (const store::ImportRecord* r : covering) {
        IntakeRow row = base;
        const Date on = ReceivedOn(*r);
        row.state = on > due ? "late" : "received";
        row.state_name = std::string(IntakeStateName(row.state));
        row.community_code = r->info.community_code;
        row.community_name = area_name(r->info.community_code);
        row.import_id = r->id;
        row.file_name = r->info.file_name;
        row.received_at = r->info.imported_at;
        row.received_by = r->info.imported_by;
        row.rows = r->info.rows_total;
        row.rejects = r->rows_rejected;
        if (on > due) row.days_late = on.ToDays() - due.ToDays();
        out.push_back(std::move(row));
      }
    }
  }
  return out;
}

Status WriteIntake(const std::vector<IntakeRow>& rows, const std::string& format,
                   const std::string& path) {
  static constexpr TableColumn kColumns[] = {
      {"state", "情况", 8},           {"kind", "类别", 18},
      {"department", "部门", 14},     {"community_code", "社区代码", 14},
      {"community_name", "社区", 14}, {"month", "月份", 9},
      {"due", "应交日期", 12},        {"received_at", "收到时间", 24},
      {"received_by", "导入人", 10},  {"rows", "行数", 8},
      {"rejects", "拒收行数", 9},     {"import_id", "导入编号", 9},
      {"file_name", "文件", 24},      {"days_late", "逾期天数", 9}};
  std::vector<std::vector<std::string>> csv, people;
  for (const IntakeRow& r : rows) {
    const bool has_import = r.import_id != 0;
    std::vector<std::string> cells = {r.state,
                                      r.kind,
                                      r.department,
                                      r.community_code,
                                      r.community_name,
                                      r.month,
                                      r.due.Iso(),
                                      r.received_at,
                                      r.received_by,
                                      has_import ? std::to_string(r.rows) : "",
                                      has_import ? std::to_string(r.rejects) : "",
                                      has_import ? std::to_string(r.import_id) : "",
                                      r.file_name,
                                      std::to_string(r.days_late)};
    csv.push_back(cells);
    cells[0] = r.state_name;
    people.push_back(std::move(cells));
  }
  return WriteTable(format, path, "月度交接", kColumns, csv, people);
}

}  // namespace popreg::report
