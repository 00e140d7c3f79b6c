// The monthly hand-over (`popreg intake`, docs/reports.md "The monthly hand-over"): which
// department sent the file of which month, when, who imported it, how many rows and rejects, and
// what is late or missing.
//
// Each import of a department's kind covers one month (store::ImportInfo::month; an import of a
// store before schema 4 without one covers the month before its import date) and one community
// ("" = the whole district). The files of a month are due on the campaign's hand-over day of the
// next month (day 3 without a campaign): an import received (imported) after that day is late; a
// month whose due day has passed without any import of the department covering it is missing,
// and one whose due day has not come yet is pending. Days are UTC days of the import times.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "base/date.h"
#include "base/status.h"
#include "store/store.h"

namespace popreg::report {

// The departments' kinds in the spec's order, and their Chinese names (公安户籍, 公安出生登记,
// 预防接种, 火化登记, 死亡医学证明, 手工统计报表).
inline constexpr std::string_view kDepartmentKinds[] = {"police_population",  "police_births",
                                                        "vaccinations",       "cremations",
                                                        "death_certificates", "manual_report"};
std::string_view DepartmentName(std::string_view kind);

// The states of a row, and their Chinese names (按时, 逾期, 缺报, 未到期).
inline constexpr std::string_view kIntakeStates[] = {"received", "late", "missing", "pending"};
std::string_view IntakeStateName(std::string_view state);

struct IntakeOptions {
  Date as_of;               // the months up to the one before as_of
  std::string month;        // only this month ("YYYY-MM"); "" = from the first month on
  int64_t campaign_id = 0;  // the campaign whose start and hand-over day count; 0 = the newest
                            // (none: day 3, and months from the first import's)
};

struct IntakeRow {
  std::string state;           // received | late | missing | pending
  std::string state_name;      // Chinese
  std::string kind;            // the department's kind
  std::string department;      // its Chinese name
  std::string community_code;  // "" = the whole district
  std::string community_name;  // "全部" for the whole district
  std::string month;           // YYYY-MM
  Date due;                    // the hand-over day of the next month
  // Of the import (received and late rows); empty or 0 otherwise.
  int64_t import_id = 0;
  std::string file_name;
  std::string received_at;  // ISO 8601 UTC
  std::string received_by;
  int64_t rows = 0, rejects = 0;
  int64_t days_late = 0;  // days after the due day (late rows; missing rows: days since due)
};

// The hand-over months: from the campaign's start month (or, without a campaign, the month of
// the first department import) to the month before options.as_of; or options.month alone.
// Per month and department, in kDepartmentKinds order: a row per import covering it (received
// or late), by community and time; or one row missing or pending for the whole district.
// A month that is not YYYY-MM is InvalidArgument; an unknown campaign NotFound.
Result<std::vector<IntakeRow>> ComputeIntake(store::Store& store, const IntakeOptions& options);

// The month an import covers (its own, or for an import of a store before schema 4, the month
// before its import date) and the day it was received (the UTC date of imported_at).
std::string ImportMonth(const store::ImportRecord& r);
Date ReceivedOn(const store::ImportRecord& r);
// The due day of the files of `month` (YYYY-MM): `handover_day` of the next month.
Date IntakeDue(const std::string& month, int handover_day);

// Writes the rows to `path`: "csv" (UTF-8, English header: state, kind, department,
// community_code, community_name, month, due, received_at, received_by, rows, rejects,
// import_id, file_name, days_late) or "xlsx" (Chinese headers and state names).
Status WriteIntake(const std::vector<IntakeRow>& rows, const std::string& format,
                   const std::string& path);

}  // namespace popreg::report
