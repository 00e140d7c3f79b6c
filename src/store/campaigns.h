// The campaign (专项行动) of the district's work plan, and the calendar months the departments
// hand their files over for. A campaign has four phases: start-up (启动部署) from `start` to
// `startup_end`; implementation (组织实施) to `entry_deadline`, with the communities' reporting
// deadline (社区上报截止) inside it; then inspection and acceptance (检查验收) to `end`. Every
// change is written to the audit log in the same transaction (actions campaign.add and
// campaign.set). Who may change campaigns is recon/policy.h's business.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/date.h"
#include "base/status.h"
#include "store/store.h"

namespace popreg::store {

// -- Months ("YYYY-MM") --

// The first day of the month `text` names ("2026-03"), or nullopt when it is not exactly
// YYYY-MM with a month 01..12.
std::optional<Date> ParseMonth(std::string_view text);
// "YYYY-MM" of the month `d` lies in.
std::string MonthOf(const Date& d);
// The first day of the month `n` months after the month of `d` (n may be negative).
Date AddMonths(const Date& d, int n);
// Day `day` of the month of `d`, or that month's last day when it has fewer days.
Date DayOfMonth(const Date& d, int day);

// -- Campaigns --

// The default template of a new campaign (docs/reports.md): each date left unset is counted
// from `start`.
inline constexpr int kStartupDays = 14;            // start-up: two weeks, start..start+13
inline constexpr int kReportingDeadlineDays = 60;  // the communities report by start+60
inline constexpr int kEntryDeadlineDays = 90;      // everything entered by start+90
inline constexpr int kAcceptanceDays = 30;         // inspection and acceptance: 30 more days
inline constexpr int kDefaultHandoverDay = 3;      // files of a month are due on the 3rd after

struct Campaign {
  int64_t id = 0;  // set by the store
  std::string name;
  Date start;               // 启动部署 begins
  Date startup_end;         // 启动部署 ends (its last day)
  Date reporting_deadline;  // 社区上报截止: the communities have acted on every item
  Date entry_deadline;      // 录入截止: every item decided and entered; 组织实施 ends
  Date end;                 // 检查验收 ends
  int handover_day = kDefaultHandoverDay;  // the departments' files of a month are due on this
                                           // day of the next month (1..28)
  std::string created_by;
  std::string created_at;  // set by the store (ISO 8601 UTC)
};

// The dates of a new campaign: what is given, and the template for the rest.
struct CampaignDates {
  Date start;
  std::optional<Date> startup_end, reporting_deadline, entry_deadline, end;
  std::optional<int> handover_day;
};
// `name` with the dates of `d` (unset ones from the template); InvalidArgument when they are not
// in order (CheckCampaign).
Result<Campaign> MakeCampaign(std::string name, const CampaignDates& d);

// OK when the campaign's dates are valid and in order: start <= startup_end < reporting_deadline
// <= entry_deadline < end, and handover_day in 1..28. InvalidArgument names the dates.
Status CheckCampaign(const Campaign& c);

// The phase of the campaign on `day`: "before", "startup", "implementation", "acceptance" or
// "after"; and its Chinese name (未开始, 启动部署, 组织实施, 检查验收, 已结束).
std::string_view CampaignPhase(const Campaign& c, const Date& day);
std::string_view CampaignPhaseName(std::string_view phase);

// Adds a campaign (CheckCampaign first); returns its id. A name already taken is AlreadyExists.
// `by` is who does it (created_by, and the audit entry).
Result<int64_t> AddCampaign(Store& store, const Campaign& campaign, std::string_view by);
// Every campaign, oldest first.
Result<std::vector<Campaign>> ListCampaigns(Store& store);
// The campaign named by `which`: its id or its name; empty = the newest (the one added last).
// NotFound names it (and says how to add one when the store has none).
Result<Campaign> FindCampaign(Store& store, std::string_view which);
// Replaces the campaign's name and dates with those of `campaign` (found by campaign.id), after
// CheckCampaign; the audit entry keeps the values before and after. NotFound for an unknown id.
Status UpdateCampaign(Store& store, const Campaign& campaign, std::string_view by);

}  // namespace popreg::store
