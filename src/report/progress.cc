#include "report/progress.h"

#include <algorithm>
#include <map>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "recon/policy.h"
#include "report/table_out.h"

namespace popreg::report {
namespace {

// The item states an item passes through, in kDiscrepancyStatuses order, and what counts as done
// for each milestone.
bool Closed(std::string_view status) {
  return status == "applied" || status == "rejected" || status == "resolved";
}
bool Reported(std::string_view status) { return status != "open"; }

// True when the ISO 8601 time `at` falls on or before the day whose ISO date is `day_iso`.
bool OnOrBefore(const std::string& at, const std::string& day_iso) {
  return !at.empty() && at.compare(0, 10, day_iso) <= 0;
}

const store::Area* FindArea(const std::vector<store::Area>& areas, std::string_view code) {
  auto it = std::lower_bound(areas.begin(), areas.end(), code,
                             [](const store::Area& a, std::string_view c) { return a.code < c; });
  return it != areas.end() && it->code == code ? &*it : nullptr;
}

// The state on `day_iso` of an item whose status changes are [first, last).
std::string_view StateOn(const store::StatusChange* first, const store::StatusChange* last,
                         const std::string& day_iso) {
  std::string_view state = "open";
  for (const store::StatusChange* c = first; c != last; ++c) {
    if (!OnOrBefore(c->at, day_iso)) break;  // in the order made, so times do not go back
    state = c->status_after;
  }
  return state;
}

void Count(ProgressRow& row, std::string_view state) {
  ++row.items;
  if (state == "open") ++row.open;
  if (state == "verified") ++row.verified;
  if (state == "disputed") ++row.disputed;
  if (state == "approved") ++row.approved;
  if (state == "rejected") ++row.rejected;
  if (state == "applied") ++row.applied;
  if (state == "resolved") ++row.resolved;
}

void Finish(ProgressRow& row, const Date& as_of) {
  if (row.phase == "startup") {
    row.done = int64_t{row.compared} + int64_t{row.staffed};
    row.done_pct = 50.0 * static_cast<double>(row.done);
  } else {
    row.done_pct = row.items == 0
                       ? 100.0
                       : 100.0 * static_cast<double>(row.done) / static_cast<double>(row.items);
  }
  row.overdue = as_of > row.deadline && row.done_pct < 100.0;
}

}  // namespace

std::string_view MilestoneName(std::string_view m) {
  if (m == "startup") return "启动部署";
  if (m == "reporting") return "社区上报";
  if (m == "entry") return "录入";
  if (m == "acceptance") return "检查验收";
  return "";
}

Date MilestoneDeadline(const store::Campaign& c, std::string_view m) {
  if (m == "startup") return c.startup_end;
  if (m == "reporting") return c.reporting_deadline;
  if (m == "entry") return c.entry_deadline;
  return c.end;
}

Result<ProgressData> LoadProgressData(store::Store& store, int64_t campaign_id) {
  ProgressData d;
  ASSIGN_OR_RETURN(
      d.campaign,
      store::FindCampaign(store, campaign_id == 0 ? std::string() : std::to_string(campaign_id)));
  ASSIGN_OR_RETURN(d.areas, store.ListAreas());
  ASSIGN_OR_RETURN(d.timeline, store::LoadTimeline(store));
  return d;
}

Progress EvaluateProgress(const ProgressData& data, const Date& as_of) {
  const store::Campaign& c = data.campaign;
  Progress p;
  p.campaign = c;
  p.as_of = as_of;
  p.campaign_phase = store::CampaignPhase(c, as_of);
  const std::string as_of_iso = as_of.Iso();
  const std::string before_start_iso = c.start.AddDays(-1).Iso();
  constexpr size_t kN = std::size(kMilestones);
  // Each milestone's cut: items found after it do not count for it.
  std::string cut_iso[kN];
  for (size_t m = 0; m < kN; ++m) {
    cut_iso[m] = std::min(as_of, MilestoneDeadline(c, kMilestones[m])).Iso();
  }

  // The communities: every area of level community, then any other code the items carry.
  std::map<std::string, size_t> index;  // community code -> first row
  auto add_community = [&](const std::string& code) {
    if (index.count(code) != 0) return;
    index.emplace(code, 0);
  };
  for (const store::Area& a : data.areas) {
    if (a.level == "community") add_community(a.code);
  }
  for (const store::ItemTimeline& it : data.timeline.items) add_community(it.community_code);
  // Ordered by township, then code; items without a community last.
  std::vector<std::string> codes;
  for (const auto& [code, unused] : index) codes.push_back(code);
  auto township_of = [&](const std::string& code) -> std::string {
    const store::Area* a = FindArea(data.areas, code);
    return a != nullptr ? a->parent_code : std::string();
  };
  std::stable_sort(codes.begin(), codes.end(), [&](const std::string& a, const std::string& b) {
    if (a.empty() != b.empty()) return b.empty();
    return std::make_pair(township_of(a), a) < std::make_pair(township_of(b), b);
  });
  for (const std::string& code : codes) {
    index[code] = p.rows.size();
    const store::Area* a = FindArea(data.areas, code);
    const std::string township = township_of(code);
    const store::Area* t = FindArea(data.areas, township);
    for (size_t m = 0; m < kN; ++m) {
      ProgressRow r;
      r.community_code = code;
      r.community_name = code.empty() ? "(无社区)" : a != nullptr ? a->name : std::string();
      r.township_code = township;
      r.township_name = t != nullptr ? t->name : std::string();
      r.phase = std::string(kMilestones[m]);
      r.phase_name = std::string(MilestoneName(kMilestones[m]));
      r.deadline = MilestoneDeadline(c, kMilestones[m]);
      // Start-up's two tasks, done by as_of: compared and staffed.
      for (const store::ComparisonTime& cmp : data.timeline.comparisons) {
        if (OnOrBefore(cmp.at, as_of_iso) &&
            (cmp.area_code.empty() || recon::AreaCovers(cmp.area_code, code))) {
          r.compared = true;
        }
      }
      for (const store::UserSince& u : data.timeline.users) {
        if (u.role != "community" || !OnOrBefore(u.created_at, as_of_iso) || code.empty()) {
          continue;
        }
        for (const std::string& area : u.areas)
          r.staffed = r.staffed || recon::AreaCovers(area, code);
      }
      p.rows.push_back(std::move(r));
    }
  }

  // One pass over the items: the changes are by item id, as the items are.
  const auto& changes = data.timeline.changes;
  size_t ch = 0;
  for (const store::ItemTimeline& it : data.timeline.items) {
    while (ch < changes.size() && changes[ch].item_id < it.id) ++ch;
    size_t end = ch;
    while (end < changes.size() && changes[end].item_id == it.id) ++end;
    const store::StatusChange* first = changes.data() + ch;
    const store::StatusChange* last = changes.data() + end;
    ch = end;
    if (Closed(StateOn(first, last, before_start_iso)) &&
        OnOrBefore(it.found_at, before_start_iso)) {
      continue;  // closed before the campaign began
    }
    const std::string_view state = StateOn(first, last, as_of_iso);
    bool verified = false;
    for (const store::StatusChange* c = first; c != last && OnOrBefore(c->at, as_of_iso); ++c) {
      verified = verified || c->status_after == "verified";
    }
    const size_t row = index.at(it.community_code);
    for (size_t m = 0; m < kN; ++m) {
      if (!OnOrBefore(it.found_at, cut_iso[m])) continue;
      ProgressRow& r = p.rows[row + m];
      Count(r, state);
      if (m == 1 ? Reported(state) : Closed(state)) ++r.done;
      if (verified) {
        ++r.ever_verified;
        if (state == "rejected") ++r.verified_then_rejected;
      }
    }
  }

  // The district's totals.
  for (size_t m = 0; m < kN; ++m) {
    ProgressRow t;
    t.community_name = "全区合计";
    t.phase = std::string(kMilestones[m]);
    t.phase_name = std::string(MilestoneName(kMilestones[m]));
    t.deadline = MilestoneDeadline(c, kMilestones[m]);
    t.compared = t.staffed = true;
    int64_t communities = 0;
    for (size_t i = m; i < p.rows.size(); i += kN) {
      ProgressRow& r = p.rows[i];
      Finish(r, as_of);
      t.items += r.items;
      t.open += r.open;
      t.verified += r.verified;
      t.disputed += r.disputed;
      t.approved += r.approved;
      t.rejected += r.rejected;
      t.applied += r.applied;
      t.resolved += r.resolved;
      t.ever_verified += r.ever_verified;
      t.verified_then_rejected += r.verified_then_rejected;
      if (m != 0) {
        t.done += r.done;
      } else if (!r.community_code.empty()) {  // no community: no start-up tasks
        t.done += r.done;
        ++communities;
        t.compared = t.compared && r.compared;
        t.staffed = t.staffed && r.staffed;
      }
    }
    if (m == 0) {
      // The district's start-up: the share of the communities' tasks done.
      t.done_pct = communities == 0
                       ? 100.0
                       : 50.0 * static_cast<double>(t.done) / static_cast<double>(communities);
      t.overdue = as_of > t.deadline && t.done_pct < 100.0;
    } else {
      Finish(t, as_of);
    }
    p.totals.push_back(std::move(t));
  }
  return p;
}

Result<Progress> ComputeProgress(store::Store& store, int64_t campaign_id, const Date& as_of) {
  ASSIGN_OR_RETURN(ProgressData data, LoadProgressData(store, campaign_id));
  return EvaluateProgress(data, as_of);
}

Result<std::vector<Progress>> ComputeProgressSeries(store::Store& store, int64_t campaign_id,
                                                    std::span<const Date> dates) {
  ASSIGN_OR_RETURN(ProgressData data, LoadProgressData(store, campaign_id));
  std::vector<Progress> out;
  out.reserve(dates.size());
  for (const Date& d : dates) out.push_back(EvaluateProgress(data, d));
  return out;
}

Status WriteProgress(const Progress& p, const std::string& format, const std::string& path) {
  static constexpr TableColumn kColumns[] = {{"community_code", "社区代码", 14},
                                             {"community_name", "社区", 16},
                                             {"township_code", "乡镇街道代码", 14},
                                             {"township_name", "乡镇街道", 14},
                                             {"phase", "阶段代码", 11},
                                             {"phase_name", "阶段", 10},
                                             {"deadline", "截止日期", 12},
                                             {"items", "问题数", 8},
                                             {"open", "待核实", 8},
                                             {"verified", "已核实", 8},
                                             {"disputed", "有异议", 8},
                                             {"approved", "已批准", 8},
                                             {"rejected", "已驳回", 8},
                                             {"applied", "已录入", 8},
                                             {"resolved", "已消除", 8},
                                             {"done", "已完成", 8},
                                             {"done_pct", "完成率(%)", 10},
                                             {"overdue", "逾期", 6}};
  std::vector<std::vector<std::string>> rows, people;
  auto add = [&](const ProgressRow& r) {
    std::vector<std::string> cells = {r.community_code,
                                      r.community_name,
                                      r.township_code,
                                      r.township_name,
                                      r.phase,
                                      r.phase_name,
                                      r.deadline.Iso(),
                                      std::to_string(r.items),
                                      std::to_string(r.open),
                                      std::to_string(r.verified),
                                      std::to_string(r.disputed),
                                      std::to_string(r.approved),
                                      std::to_string(r.rejected),
                                      std::to_string(r.applied),
                                      std::to_string(r.resolved),
                                      std::to_string(r.done),
                                      OneDecimal(r.done_pct),
                                      r.overdue ? "1" : "0"};
    rows.push_back(cells);
    cells.back() = r.overdue ? "是" : "否";
    people.push_back(std::move(cells));
  };
  for (const ProgressRow& r : p.rows) add(r);
  for (const ProgressRow& r : p.totals) add(r);
  return WriteTable(format, path, "进度", kColumns, rows, people);
}

void KeepArea(Progress& p, std::string_view area) {
  std::erase_if(p.rows,
                [&](const ProgressRow& r) { return !recon::AreaCovers(area, r.community_code); });
  p.totals.clear();
}

}  // namespace popreg::report
