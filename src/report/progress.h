// A campaign's progress per community and milestone (`popreg progress`, docs/reports.md
// "Campaigns and progress"), as it stood on any date: the counts are rebuilt from the items'
// timeline (when each was found, every status change since: store/timeline.h), so a bulletin can
// draw progress at past dates and get what a report printed on that day said.
//
// The milestones and what "done" means for each (an item's state is its state on as_of):
// - startup (启动部署, by startup_end): the community is compared (a comparison covering it has
//   finished) and staffed (a user of role community covering it has been added); done_pct is
//   the share of these two tasks done.
// - reporting (社区上报截止, by reporting_deadline): the community has acted on each item found by
//   the deadline: done = not open (verified, disputed, or decided since).
// - entry (录入截止, by entry_deadline): each item found by the deadline is applied, rejected or
//   resolved (approved but not applied, verified and disputed are not done).
// - acceptance (检查验收, by end): the same as entry, for every item found by the end, including
//   those found by comparisons run during inspection.
// An item belongs to the campaign unless it was already closed (applied, rejected, resolved) the
// day before the campaign's start; items found after the milestone's date (or after as_of) do
// not count for it. A milestone without items is 100% done. A row is overdue when as_of is after
// its deadline and it is not 100% done. Days are UTC days of the store's timestamps.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "base/date.h"
#include "base/status.h"
#include "store/campaigns.h"
#include "store/store.h"
#include "store/timeline.h"

namespace popreg::report {

// The milestones in order, and their Chinese names (启动部署, 社区上报, 录入, 检查验收).
inline constexpr std::string_view kMilestones[] = {"startup", "reporting", "entry", "acceptance"};
std::string_view MilestoneName(std::string_view milestone);
// The deadline of a milestone of the campaign (startup_end, reporting_deadline, entry_deadline,
// end).
Date MilestoneDeadline(const store::Campaign& c, std::string_view milestone);

struct ProgressRow {
  std::string community_code;  // "" for items without a community (and for the totals)
  std::string community_name;  // "全区合计" in the totals, "(无社区)" for items without one
  std::string township_code, township_name;
  std::string phase;       // startup | reporting | entry | acceptance
  std::string phase_name;  // Chinese
  Date deadline;
  // The items of the milestone (found by min(as_of, deadline)) by their state on as_of.
  int64_t items = 0, open = 0, verified = 0, disputed = 0, approved = 0, rejected = 0, applied = 0,
          resolved = 0;
  int64_t done = 0;  // items done (startup: tasks done, of 2)
  double done_pct = 0;
  bool overdue = false;
  bool compared = false;  // a comparison covering the community finished by as_of
  bool staffed = false;   // a community user covering it was added by as_of
  // Of the items, those the community verified at some time up to as_of, and of these the ones
  // rejected on as_of (the assessment's accuracy at review).
  int64_t ever_verified = 0, verified_then_rejected = 0;
};

struct Progress {
  store::Campaign campaign;
  Date as_of;
  std::string campaign_phase;  // store::CampaignPhase on as_of
  // Per community (by township, then community code; items without a community last), one row
  // per milestone in kMilestones order.
  std::vector<ProgressRow> rows;
  std::vector<ProgressRow> totals;  // the district, one row per milestone
};

// What progress is computed from, read once (for several dates, EvaluateProgress).
struct ProgressData {
  store::Campaign campaign;
  std::vector<store::Area> areas;
  store::Timeline timeline;
};
// Reads the campaign (0 = the newest; NotFound when there is none), the areas and the timeline.
Result<ProgressData> LoadProgressData(store::Store& store, int64_t campaign_id);
// The progress on `as_of`, from data read once. Pure: no store.
Progress EvaluateProgress(const ProgressData& data, const Date& as_of);

// The progress of campaign `campaign_id` (0 = the newest) on `as_of`.
Result<Progress> ComputeProgress(store::Store& store, int64_t campaign_id, const Date& as_of);
// The rows of the communities `area` covers (recon::AreaCovers), without the district's
// totals: what community staff of that area read.
void KeepArea(Progress& p, std::string_view area);

// The progress on each of `dates`, reading the store once (for a bulletin's chart).
Result<std::vector<Progress>> ComputeProgressSeries(store::Store& store, int64_t campaign_id,
                                                    std::span<const Date> dates);

// Writes the rows and then the totals to `path`: "csv" (UTF-8, English header: community_code,
// community_name, township_code, township_name, phase, phase_name, deadline, items, open,
// verified, disputed, approved, rejected, applied, resolved, done, done_pct, overdue) or "xlsx"
// (the same columns under Chinese headers, 是/否 for overdue). done_pct has one decimal. Errors
// name the path.
Status WriteProgress(const Progress& p, const std::string& format, const std::string& path);

}  // namespace popreg::report
