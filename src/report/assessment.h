// The year-end assessment of the communities (`popreg assess`, docs/reports.md "The year-end
// assessment"): a score per community from four parts, each a share in [0, 1]:
// - completion: the done share of the campaign's items (the acceptance milestone of
//   report/progress.h) on the evaluation day, the earlier of 31 December and the campaign's end;
// - timeliness: the milestones met on time (reporting, entry and acceptance deadlines that fall
//   in the year: 100% done on the deadline day) and the monthly hand-overs received on time (the
//   departments' files of the months due in the year, from the campaign's start month: an import
//   of the community's own, or of the whole district, received by the due day), weighed by the
//   settings' [timeliness];
// - accuracy at review: 1 - rejected / verified, of the items the community verified by the
//   evaluation day, those the district rejected (1 when it verified none);
// - the residual gap to the police list: |register - police| / police of the community in the
//   statistics (report/stats.h) of the newest comparison whose reference date is on or before
//   the evaluation day (the register as it stands now, the police list as that comparison read
//   it), scored 1 at or below [gap] full_marks_at and 0 at or above zero_at, linear between;
//   left out for a community without police figures, and for all when there is no comparison.
// score = 100 x sum(weight x part) / sum(weight) over the parts computed. The campaign is the
// newest that overlaps the year.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "base/date.h"
#include "base/status.h"
#include "store/campaigns.h"
#include "store/store.h"

namespace popreg::report {

struct AssessmentSettings {
  double completion = 40, timeliness = 25, accuracy = 20, gap = 15;  // [weights]
  double milestones = 1, handovers = 1;                              // [timeliness]
  double gap_full_marks_at = 0.005, gap_zero_at = 0.05;              // [gap]
  std::string source;  // the file read, or "(default)"
};

// The default settings file (config/assessment.toml, embedded in the binary).
std::string_view DefaultAssessmentSettingsText();
// Reads settings from TOML text; `source` names it in errors. An unknown table or key, a weight
// that is not a number >= 0, weights all 0, or gap limits not 0 <= full_marks_at < zero_at are
// InvalidArgument naming the source, the line and the key ("a.toml:9: weights.accuracy: ...").
Result<AssessmentSettings> ParseAssessmentSettings(std::string_view text,
                                                   const std::string& source);
// The settings of `path`, or the default when `path` is empty. A missing file is NotFound.
Result<AssessmentSettings> LoadAssessmentSettings(const std::string& path);

struct AssessmentOptions {
  int year = 0;
  AssessmentSettings settings;
};

struct AssessmentRow {
  int rank = 0;  // 1 = the best score; equal scores share a rank
  std::string township_code, township_name, community_code, community_name;
  int64_t items = 0, done = 0;
  double completion = 0;
  int64_t milestones = 0, milestones_met = 0;
  int64_t handovers = 0, handovers_on_time = 0;
  double timeliness = 0;
  int64_t verified = 0, verified_rejected = 0;
  double accuracy = 0;
  bool has_gap = false;
  int64_t register_total = 0, police_total = 0;
  double gap = 0;        // |register - police| / police
  double gap_score = 0;  // the gap's part
  double score = 0;      // 0..100
};

struct Assessment {
  int year = 0;
  store::Campaign campaign;
  Date evaluated_on;             // min(31 December, the campaign's end)
  std::string statistics_as_of;  // the statistics comparison of the gap; "" when none
  AssessmentSettings settings;
  std::vector<AssessmentRow> rows;  // by rank, then community code
};

// The assessment of options.year. No campaign overlapping the year is NotFound.
Result<Assessment> ComputeAssessment(store::Store& store, const AssessmentOptions& options);

// Writes the rows to `path`: "csv" (UTF-8, English header: rank, township_code, township_name,
// community_code, community_name, items, done, completion, milestones, milestones_met,
// handovers, handovers_on_time, timeliness, verified, verified_rejected, accuracy,
// register_total, police_total, gap, gap_score, score; shares with 4 decimals, the score with 1,
// gap columns empty when there is no gap) or "xlsx" (Chinese headers, shares as percentages).
Status WriteAssessment(const Assessment& a, const std::string& format, const std::string& path);

}  // namespace popreg::report
