#include "report/assessment.h"

#include <toml++/toml.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "base/env.h"
#include "io/schema.h"
#include "recon/policy.h"
#include "report/intake.h"
#include "report/progress.h"
#include "report/stats.h"
#include "report/table_out.h"
#include "store/comparisons.h"

extern "C" const char popreg_assessment_toml[];
extern "C" const uint64_t popreg_assessment_toml_size;

namespace popreg::report {
namespace {

double Share(int64_t part, int64_t whole) {
  return whole == 0 ? 1.0 : static_cast<double>(part) / static_cast<double>(whole);
}

std::string Decimals(double v, int n) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.*f", n, v + 0.0);
  return buf;
}

// A weighted mean of the parts whose weight counts; 1 when none does.
double WeightedMean(const std::vector<std::pair<double, double>>& weight_part) {
  double sum = 0, weights = 0;
  for (const auto& [w, part] : weight_part) {
    sum += w * part;
    weights += w;
  }
  return weights > 0 ? sum / weights : 1.0;
}

// The statistics of the newest comparison whose reference date is on or before `day` and that
// counted the departments' figures (older comparisons did not: they are passed over), or
// nullopt when there is none.
Result<std::optional<Statistics>> StatisticsUpTo(store::Store& store, const Date& day) {
  ASSIGN_OR_RETURN(std::vector<store::ComparisonRecord> all, store::ListComparisons(store));
  std::stable_sort(all.begin(), all.end(), [](const auto& a, const auto& b) {
    return std::make_pair(a.info.as_of, a.id) > std::make_pair(b.info.as_of, b.id);
  });
  for (const store::ComparisonRecord& c : all) {
    const std::optional<Date> as_of = Date::ParseIso(c.info.as_of);
    if (!as_of || *as_of > day) continue;
    StatsOptions o;
    o.as_of = *as_of;
    o.since = Date::ParseIso(c.info.since);
    o.level = "community";
    Result<Statistics> s = ComputeStatistics(store, o);
    if (s.ok()) return std::optional<Statistics>(std::move(s).value());
    if (s.status().code() != ErrorCode::kFailedPrecondition) return s.status();
  }
  return std::optional<Statistics>();
}

// The gap's part: 1 at or below full_marks_at, 0 at or above zero_at, linear between.
double GapScore(double gap, const AssessmentSettings& s) {
  if (gap <= s.gap_full_marks_at) return 1.0;
  if (gap >= s.gap_zero_at) return 0.0;
  return 1.0 - (gap - s.gap_full_marks_at) / (s.gap_zero_at - s.gap_full_marks_at);
}

}  // namespace

std::string_view DefaultAssessmentSettingsText() {
  return {popreg_assessment_toml, static_cast<size_t>(popreg_assessment_toml_size)};
}

Result<AssessmentSettings> ParseAssessmentSettings(std::string_view text,
                                                   const std::string& source) {
  toml::table table;
  try {
    table = toml::parse(text, source);
  } catch (const toml::parse_error& e) {
    return InvalidArgument(source + ":" + std::to_string(e.source().begin.line) + ": " +
                           std::string(e.description()));
  }
  AssessmentSettings s;
  s.source = source;
  auto fail = [&](const toml::node& n, const std::string& key, const std::string& msg) {
    return InvalidArgument(source + ":" + std::to_string(n.source().begin.line) + ": " + key +
                           ": " + msg);
  };
  struct Key {
    std::string_view table, key;
    double* value;
  };
  const Key keys[] = {
      {"weights", "completion", &s.completion},       {"weights", "timeliness", &s.timeliness},
      {"weights", "accuracy", &s.accuracy},           {"weights", "gap", &s.gap},
      {"timeliness", "milestones", &s.milestones},    {"timeliness", "handovers", &s.handovers},
      {"gap", "full_marks_at", &s.gap_full_marks_at}, {"gap", "zero_at", &s.gap_zero_at}};
  for (const auto& [tname, tnode] : table) {
    const std::string tn(tname.str());
    const toml::table* t = tnode.as_table();
    if (t == nullptr || (tn != "weights" && tn != "timeliness" && tn != "gap")) {
      return fail(tnode, tn, "unknown (expected the tables [weights], [timeliness] and [gap])");
    }
    for (const auto& [kname, knode] : *t) {
      const std::string key = tn + "." + std::string(kname.str());
      const Key* k = nullptr;
      for (const Key& c : keys) {
        if (c.table == tn && c.key == kname.str()) k = &c;
      }
      if (k == nullptr) {
        std::string known;
        for (const Key& c : keys) {
          if (c.table == tn) known += (known.empty() ? "" : ", ") + std::string(c.key);
        }
        return fail(knode, key, "unknown key (expected " + known + ")");
      }
      const std::optional<double> v = knode.value<double>();
      if (!(knode.is_integer() || knode.is_floating_point()) || !v || !std::isfinite(*v) ||
          *v < 0) {
        std::string shown;
        if (const auto* str = knode.as_string()) {
          shown = "\"" + str->get() + "\"";
        } else if (v) {
          shown = Decimals(*v, 6);
          while (shown.back() == '0') shown.pop_back();
          if (shown.back() == '.') shown.pop_back();
        } else {
          shown = "this value";
        }
        return fail(knode, key, shown + " is not a weight (a number >= 0)");
      }
      *k->value = *v;
    }
  }
  if (s.completion + s.timeliness + s.accuracy + s.gap <= 0) {
    return InvalidArgument(source + ": [weights]: at least one weight must be above 0");
  }
  if (s.milestones + s.handovers <= 0) {
    return InvalidArgument(source + ": [timeliness]: milestones and handovers cannot both be 0");
  }
  if (s.gap_full_marks_at >= s.gap_zero_at) {
    return InvalidArgument(source + ": [gap]: full_marks_at (" + Decimals(s.gap_full_marks_at, 4) +
                           ") must be below zero_at (" + Decimals(s.gap_zero_at, 4) + ")");
  }
  return s;
}

Result<AssessmentSettings> LoadAssessmentSettings(const std::string& path) {
  if (path.empty()) return ParseAssessmentSettings(DefaultAssessmentSettingsText(), "(default)");
  ASSIGN_OR_RETURN(std::string text, Env::Default().ReadFile(path));
  return ParseAssessmentSettings(text, path);
}

Result<Assessment> ComputeAssessment(store::Store& store, const AssessmentOptions& options) {
  if (options.year < 1900 || options.year > 9999) {
    return InvalidArgument("--year: " + std::to_string(options.year) + " is not a year");
  }
  const Date jan1{options.year, 1, 1}, dec31{options.year, 12, 31};
  ASSIGN_OR_RETURN(std::vector<store::Campaign> campaigns, store::ListCampaigns(store));
  const store::Campaign* campaign = nullptr;
  for (const store::Campaign& c : campaigns) {
    if (c.start <= dec31 && c.end >= jan1) campaign = &c;  // the newest one wins
  }
  if (campaign == nullptr) {
    return NotFound("store " + store.location() + ": no campaign overlaps " +
                    std::to_string(options.year) + " (add one with popreg campaign add)");
  }
  Assessment a;
  a.year = options.year;
  a.campaign = *campaign;
  a.settings = options.settings;
  a.evaluated_on = std::min(dec31, campaign->end);
  ASSIGN_OR_RETURN(ProgressData data, LoadProgressData(store, campaign->id));
  const Progress at_end = EvaluateProgress(data, a.evaluated_on);
  constexpr size_t kN = std::size(kMilestones);

  // The milestones of the year, each evaluated on its deadline.
  std::vector<std::pair<size_t, Progress>> milestones;
  for (size_t m = 1; m < kN; ++m) {
    const Date deadline = MilestoneDeadline(*campaign, kMilestones[m]);
    if (deadline >= jan1 && deadline <= dec31) {
      milestones.emplace_back(m, EvaluateProgress(data, deadline));
    }
  }

  // The hand-overs due in the year, from the campaign's start month: per department and month,
  // the imports covering it, oldest first.
  ASSIGN_OR_RETURN(std::vector<store::ImportRecord> imports, store.ListImports());
  struct Due {
    std::string kind, month;
    Date due;
    std::vector<const store::ImportRecord*> imports;
  };
  std::vector<Due> dues;
  for (Date d = std::max(jan1, Date{campaign->start.year, campaign->start.month, 1});
       IntakeDue(store::MonthOf(d), campaign->handover_day) <= dec31; d = store::AddMonths(d, 1)) {
    const std::string month = store::MonthOf(d);
    for (std::string_view kind : kDepartmentKinds) {
      Due due{std::string(kind), month, IntakeDue(month, campaign->handover_day), {}};
      for (const store::ImportRecord& r : imports) {
        if (io::KindName(r.info.kind) == kind && ImportMonth(r) == month) {
          due.imports.push_back(&r);
        }
      }
      dues.push_back(std::move(due));
    }
  }

  // The register and the police list per community, for the gap.
  ASSIGN_OR_RETURN(std::optional<Statistics> stats, StatisticsUpTo(store, a.evaluated_on));
  if (stats) a.statistics_as_of = stats->as_of.Iso();

  for (size_t i = 0; i < at_end.rows.size(); i += kN) {
    const ProgressRow& acc = at_end.rows[i + kN - 1];
    if (acc.community_code.empty()) continue;  // items without a community are no one's score
    AssessmentRow row;
    row.township_code = acc.township_code;
    row.township_name = acc.township_name;
    row.community_code = acc.community_code;
    row.community_name = acc.community_name;
    row.items = acc.items;
    row.done = acc.done;
    row.completion = acc.done_pct / 100.0;
    for (const auto& [m, p] : milestones) {
      ++row.milestones;
      if (p.rows[i + m].done_pct >= 100.0) ++row.milestones_met;
    }
    for (const Due& due : dues) {
      ++row.handovers;
      for (const store::ImportRecord* r : due.imports) {
        const std::string& c = r->info.community_code;
        if ((c.empty() || recon::AreaCovers(c, row.community_code)) && ReceivedOn(*r) <= due.due) {
          ++row.handovers_on_time;
          break;
        }
      }
    }
    const double w_m = row.milestones == 0 ? 0 : a.settings.milestones;
    const double w_h = row.handovers == 0 ? 0 : a.settings.handovers;
    row.timeliness = WeightedMean({{w_m, Share(row.milestones_met, row.milestones)},
                                   {w_h, Share(row.handovers_on_time, row.handovers)}});
    row.verified = acc.ever_verified;
    row.verified_rejected = acc.verified_then_rejected;
    row.accuracy = 1.0 - (row.verified == 0 ? 0.0 : Share(row.verified_rejected, row.verified));
    if (stats) {
      for (const StatsRow& s : stats->rows) {
        if (s.code != row.community_code) continue;
        const auto police = s.source.find("police_population");
        if (police == s.source.end() || police->second.total <= 0) break;
        row.has_gap = true;
        row.register_total = s.reg.total;
        row.police_total = police->second.total;
        row.gap = static_cast<double>(std::llabs(row.register_total - row.police_total)) /
                  static_cast<double>(row.police_total);
        row.gap_score = GapScore(row.gap, a.settings);
      }
    }
    std::vector<std::pair<double, double>> parts = {{a.settings.completion, row.completion},
                                                    {a.settings.timeliness, row.timeliness},
                                                    {a.settings.accuracy, row.accuracy}};
    if (row.has_gap) parts.emplace_back(a.settings.gap, row.gap_score);
    row.score = 100.0 * WeightedMean(parts);
    a.rows.push_back(std::move(row));
  }
  // Ranked by the score as printed (one decimal), so that equal printed scores share a rank.
  auto shown = [](double score) { return std::llround(score * 10); };
  std::stable_sort(a.rows.begin(), a.rows.end(),
                   [&](const auto& x, const auto& y) { return shown(x.score) > shown(y.score); });
  for (size_t i = 0; i < a.rows.size(); ++i) {
    a.rows[i].rank = i > 0 && shown(a.rows[i].score) == shown(a.rows[i - 1].score)
                         ? a.rows[i - 1].rank
                         : static_cast<int>(i) + 1;
  }
  return a;
}

Status WriteAssessment(const Assessment& a, const std::string& format, const std::string& path) {
  static constexpr TableColumn kColumns[] = {{"rank", "排名", 6},
                                             {"township_code", "乡镇街道代码", 14},
                                             {"township_name", "乡镇街道", 14},
                                             {"community_code", "社区代码", 14},
                                             {"community_name", "社区", 14},
                                             {"items", "问题数", 8},
                                             {"done", "已完成", 8},
                                             {"completion", "完成率", 9},
                                             {"milestones", "节点数", 8},
                                             {"milestones_met", "按时节点", 9},
                                             {"handovers", "应交月报", 9},
                                             {"handovers_on_time", "按时月报", 9},
                                             {"timeliness", "及时性", 9},
                                             {"verified", "已核实", 8},
                                             {"verified_rejected", "核实后被驳回", 12},
                                             {"accuracy", "准确性", 9},
                                             {"register_total", "户卡人口", 10},
                                             {"police_total", "公安户籍人口", 12},
                                             {"gap", "差距率", 9},
                                             {"gap_score", "差距得分", 9},
                                             {"score", "总分", 8}};
  std::vector<std::vector<std::string>> csv, people;
  auto pct = [](double share) { return OneDecimal(100.0 * share) + "%"; };
  for (const AssessmentRow& r : a.rows) {
    std::vector<std::string> cells = {std::to_string(r.rank),
                                      r.township_code,
                                      r.township_name,
                                      r.community_code,
                                      r.community_name,
                                      std::to_string(r.items),
                                      std::to_string(r.done),
                                      Decimals(r.completion, 4),
                                      std::to_string(r.milestones),
                                      std::to_string(r.milestones_met),
                                      std::to_string(r.handovers),
                                      std::to_string(r.handovers_on_time),
                                      Decimals(r.timeliness, 4),
                                      std::to_string(r.verified),
                                      std::to_string(r.verified_rejected),
                                      Decimals(r.accuracy, 4),
                                      r.has_gap ? std::to_string(r.register_total) : "",
                                      r.has_gap ? std::to_string(r.police_total) : "",
                                      r.has_gap ? Decimals(r.gap, 4) : "",
                                      r.has_gap ? Decimals(r.gap_score, 4) : "",
                                      OneDecimal(r.score)};
    csv.push_back(cells);
    cells[7] = pct(r.completion);
    cells[12] = pct(r.timeliness);
    cells[15] = pct(r.accuracy);
    if (r.has_gap) {
      cells[18] = Decimals(100.0 * r.gap, 2) + "%";
      cells[19] = pct(r.gap_score);
    }
    people.push_back(std::move(cells));
  }
  return WriteTable(format, path, "年终考核", kColumns, csv, people);
}

}  // namespace popreg::report
