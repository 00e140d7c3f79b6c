// The two-weekly supervision bulletin (督查通报) of a campaign: one PDF for the whole district
// that a director signs. It brings together what the other reports compute — the campaign's
// progress per community (report/progress.h), the statistics comparison (report/stats.h) and the
// monthly hand-over (report/intake.h) — and computes nothing of its own but the ranking.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "base/date.h"
#include "base/status.h"
#include "store/store.h"

namespace popreg::report {

struct BulletinOptions {
  int64_t campaign_id = 0;  // 0 = the newest campaign
  Date as_of;               // the bulletin's date: progress and hand-overs as they stood then
  std::string office;  // the issuing office; empty = "<district name>人口和计划生育办公室"
  // A community is named as slow when its completion is below this share of the district's
  // (in percentage points below the district's figure), or when it is overdue.
  double slow_gap = 10;
  // How many past bulletins (two weeks apart, never before the campaign's start) the line chart
  // shows, this one included.
  int history = 6;
};

// What the bulletin says, before it is drawn (the tests and the web UI read this).
struct BulletinCommunity {
  std::string code, name, township;
  int64_t items = 0, done = 0;
  double done_pct = 0;  // the entry milestone's completion (items applied, rejected or resolved)
  double reported_pct = 0;  // the reporting milestone's (items the community has acted on)
  bool overdue = false;  // a deadline of the reporting, entry or acceptance milestone passed undone
  bool slow = false;
};

struct Bulletin {
  std::string title, office, district_name;
  int number = 0;  // 第 N 期: the two-week period since the campaign's start, from 1
  Date as_of;
  std::string campaign_name;
  std::string phase_name;  // the campaign's phase on as_of
  int64_t items = 0, done = 0, reported = 0;
  double done_pct = 0, reported_pct = 0;
  std::vector<BulletinCommunity> communities;  // ranked by done_pct, best first
  std::vector<std::string> history_labels;     // the dates of the past bulletins, oldest first
  std::vector<double> history_done_pct, history_reported_pct;
  // The statistics comparison's district totals (empty when no comparison as of a date up to
  // as_of exists).
  bool has_statistics = false;
  std::string statistics_as_of;
  std::vector<std::vector<std::string>> statistics_rows;  // 来源, 总人口, 出生, 死亡
  // The monthly hand-over's gaps: late and missing files.
  std::vector<std::vector<std::string>> intake_gaps;  // 部门, 社区, 月份, 情况, 应交日期, 收到
};

Result<Bulletin> ComputeBulletin(store::Store& store, const BulletinOptions& options);

// Draws the bulletin as an A4 PDF at `path`: a title block (title, issue number, date, office),
// the summary figures, the ranking with the slow communities named, a bar chart of completion
// by community, a line chart of progress over the last bulletins, the statistics totals and the
// hand-over gaps, and a signature block; page numbers in the footer.
Status WriteBulletin(const Bulletin& bulletin, const std::string& path);

}  // namespace popreg::report
