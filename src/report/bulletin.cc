#include "report/bulletin.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "report/intake.h"
#include "report/pdf.h"
#include "report/progress.h"
#include "report/stats.h"
#include "store/campaigns.h"

namespace popreg::report {
namespace {

constexpr int kBulletinDays = 14;  // a bulletin every two weeks

std::string Pct(double v) { return fmt::format("{:.1f}%", v); }

std::string Num(int64_t v) { return fmt::format("{}", v); }

// The date in Chinese: 2026年3月2日.
std::string ChineseDate(const Date& d) {
  return fmt::format("{}年{}月{}日", d.year, d.month, d.day);
}

// The row of `milestone` among a community's rows (or the totals).
const ProgressRow* Milestone(const std::vector<ProgressRow>& rows, size_t first, size_t count,
                             std::string_view milestone) {
  for (size_t i = first; i < first + count && i < rows.size(); ++i) {
    if (rows[i].phase == milestone) return &rows[i];
  }
  return nullptr;
}

double TotalPct(const Progress& p, std::string_view milestone) {
  const ProgressRow* r = Milestone(p.totals, 0, p.totals.size(), milestone);
  return r ? r->done_pct : 0;
}

}  // namespace

Result<Bulletin> ComputeBulletin(store::Store& store, const BulletinOptions& options) {
  ASSIGN_OR_RETURN(ProgressData data, LoadProgressData(store, options.campaign_id));
  const store::Campaign& c = data.campaign;
  if (options.as_of < c.start) {
    return InvalidArgument(fmt::format("--as-of {}: the campaign '{}' starts on {}",
                                       options.as_of.Iso(), c.name, c.start.Iso()));
  }
  Bulletin b;
  b.as_of = options.as_of;
  b.campaign_name = c.name;
  b.number = static_cast<int>((options.as_of.ToDays() - c.start.ToDays()) / kBulletinDays) + 1;
  b.phase_name = std::string(store::CampaignPhaseName(store::CampaignPhase(c, options.as_of)));
  for (const store::Area& a : data.areas) {
    if (a.level == "district" && b.district_name.empty()) b.district_name = a.name;
  }
  if (b.district_name.empty() && !data.areas.empty()) b.district_name = data.areas.front().name;
  b.office = options.office.empty() ? b.district_name + "人口和计划生育办公室" : options.office;
  b.title = fmt::format("{}督查通报", c.name);

  // This bulletin's progress, and that of the ones before it (two weeks apart).
  const Progress now = EvaluateProgress(data, options.as_of);
  for (int k = std::max(1, options.history) - 1; k >= 0; --k) {
    const Date d = options.as_of.AddDays(-int64_t{kBulletinDays} * k);
    if (d < c.start) continue;
    const Progress p = k == 0 ? now : EvaluateProgress(data, d);
    // Before the first comparison there is no worklist: no point rather than a "100% of none".
    const ProgressRow* entry = Milestone(p.totals, 0, p.totals.size(), "entry");
    if (k > 0 && (entry == nullptr || entry->items == 0)) continue;
    b.history_labels.push_back(fmt::format("{}/{}", d.month, d.day));
    b.history_done_pct.push_back(TotalPct(p, "entry"));
    b.history_reported_pct.push_back(TotalPct(p, "reporting"));
  }
  if (const ProgressRow* t = Milestone(now.totals, 0, now.totals.size(), "entry")) {
    b.items = t->items;
    b.done = t->done;
    b.done_pct = t->done_pct;
  }
  if (const ProgressRow* t = Milestone(now.totals, 0, now.totals.size(), "reporting")) {
    b.reported = t->done;
    b.reported_pct = t->done_pct;
  }
  // One entry per community: its rows are consecutive in milestone order.
  for (size_t i = 0; i < now.rows.size();) {
    size_t n = 0;
    while (i + n < now.rows.size() &&
           now.rows[i + n].community_code == now.rows[i].community_code) {
      ++n;
    }
    const ProgressRow& first = now.rows[i];
    if (!first.community_code.empty()) {
      BulletinCommunity bc;
      bc.code = first.community_code;
      bc.name = first.community_name;
      bc.township = first.township_name;
      if (const ProgressRow* e = Milestone(now.rows, i, n, "entry")) {
        bc.items = e->items;
        bc.done = e->done;
        bc.done_pct = e->done_pct;
      }
      if (const ProgressRow* r = Milestone(now.rows, i, n, "reporting")) {
        bc.reported_pct = r->done_pct;
      }
      // Overdue on an item milestone: a late start-up stays "overdue" for good, and is history
      // by the time the items are worked on.
      for (size_t j = i; j < i + n; ++j) {
        if (now.rows[j].phase != "startup") bc.overdue = bc.overdue || now.rows[j].overdue;
      }
      bc.slow = bc.overdue || bc.done_pct < b.done_pct - options.slow_gap;
      b.communities.push_back(std::move(bc));
    }
    i += n;
  }
  std::stable_sort(b.communities.begin(), b.communities.end(),
                   [](const BulletinCommunity& x, const BulletinCommunity& y) {
                     if (x.done_pct != y.done_pct) return x.done_pct > y.done_pct;
                     return x.code < y.code;
                   });

  // The statistics comparison's district totals, of the newest comparison up to as_of.
  ASSIGN_OR_RETURN(std::optional<store::ComparisonRecord> latest, store.LatestComparison());
  if (latest) {
    const std::optional<Date> as_of = Date::ParseIso(latest->info.as_of);
    if (as_of && *as_of <= options.as_of) {
      StatsOptions so;
      so.as_of = *as_of;
      so.level = "district";
      Result<Statistics> s = ComputeStatistics(store, so);
      if (s.ok()) {
        b.has_statistics = true;
        b.statistics_as_of = fmt::format("{}（{} 至 {}）", ChineseDate(s->as_of),
                                         ChineseDate(s->since), ChineseDate(s->as_of));
        const StatsRow& t = s->total;
        // Each figure and its difference from the register's; "—" where a list does not hold
        // the figure (a birth list has no total population, a death list no births).
        auto row = [&](const std::string& label, const Figures& f, bool total = true,
                       bool births = true, bool deaths = true) {
          auto cell = [](bool has, int64_t v) { return has ? Num(v) : std::string("—"); };
          b.statistics_rows.push_back({label, cell(total, f.total), cell(births, f.births),
                                       cell(deaths, f.deaths), cell(total, f.total - t.reg.total),
                                       cell(births, f.births - t.reg.births),
                                       cell(deaths, f.deaths - t.reg.deaths)});
        };
        row("户卡登记", t.reg);
        for (const std::string& kind : s->kinds) {
          auto it = t.source.find(kind);
          if (it == t.source.end()) continue;
          const bool births_list = kind == "police_births" || kind == "vaccinations";
          const bool deaths_list = kind == "cremations" || kind == "death_certificates";
          row(std::string(DepartmentName(kind)), it->second, !births_list && !deaths_list,
              !deaths_list, !births_list && kind != "police_population");
        }
        row("各部门合计（一人计一次）", t.departments);
        if (t.manual) row("手工统计报表", *t.manual);
        row("审核通过项应用后", t.after_approved);
        row("全部待办项应用后", t.after_all);
      }
    }
  }

  // The monthly hand-over's gaps.
  IntakeOptions io;
  io.as_of = options.as_of;
  io.campaign_id = c.id;
  ASSIGN_OR_RETURN(std::vector<IntakeRow> intake, ComputeIntake(store, io));
  for (const IntakeRow& r : intake) {
    if (r.state != "late" && r.state != "missing") continue;
    b.intake_gaps.push_back(
        {r.department, r.community_name, r.month, r.state_name, r.due.Iso(),
         r.state == "late"
             ? fmt::format("{}（逾期 {} 天）", r.received_at.substr(0, 10), r.days_late)
             : fmt::format("已逾期 {} 天", r.days_late)});
  }
  return b;
}

namespace {

using pdf::kMargin;

// Draws text at the cursor and moves it down.
struct Cursor {
  pdf::Document& doc;
  double y = kMargin;
  double width() const { return doc.width() - 2 * kMargin; }
  void Need(double h) {
    if (y + h > doc.body_bottom()) {
      doc.NewPage();
      y = kMargin;
    }
  }
  void Text(std::string_view text, const pdf::TextStyle& s, double after = 4) {
    const double h = doc.TextHeight(width(), text, s);
    Need(h);
    y += doc.Text(kMargin, y, width(), text, s) + after;
  }
  void Heading(std::string_view text) {
    pdf::TextStyle s;
    s.size = 13;
    s.bold = true;
    Need(80);  // a heading never ends a page alone
    y += 8;
    Text(text, s, 6);
  }
};

// A table at the cursor (report/pdf.h), the cursor moved below it. `marks` are rows drawn as a
// warning.
Status TableAt(Cursor& cur, const std::vector<std::string>& headers,
               const std::vector<double>& weights, const std::vector<pdf::Align>& aligns,
               std::vector<std::vector<std::string>> rows, const std::vector<bool>& marks) {
  pdf::Table t;
  for (size_t i = 0; i < headers.size(); ++i)
    t.columns.push_back({headers[i], weights[i], aligns[i]});
  t.rows = std::move(rows);
  for (size_t r = 0; r < marks.size(); ++r) {
    if (marks[r]) t.marked_rows.push_back(r);
  }
  ASSIGN_OR_RETURN(cur.y, pdf::DrawTableAt(cur.doc, t, cur.y));
  cur.y += 6;
  return Status::Ok();
}

}  // namespace

Status WriteBulletin(const Bulletin& b, const std::string& path) {
  pdf::DocumentInfo info;
  info.title = fmt::format("{}（第{}期）", b.title, b.number);
  info.author = b.office;
  info.subject = b.campaign_name;
  ASSIGN_OR_RETURN(std::unique_ptr<pdf::Document> doc,
                   pdf::Document::Create(path, pdf::Orientation::kPortrait, info));
  doc->SetFooter(fmt::format("{} · 第{}期", b.office, b.number));
  doc->NewPage();
  Cursor cur{*doc};

  // The title block.
  pdf::TextStyle red;
  red.size = 22;
  red.bold = true;
  red.align = pdf::Align::kCenter;
  red.r = 0.75;
  cur.Text(b.office, red, 2);
  pdf::TextStyle title;
  title.size = 18;
  title.bold = true;
  title.align = pdf::Align::kCenter;
  cur.Text(b.title, title, 2);
  pdf::TextStyle sub;
  sub.size = 11;
  sub.align = pdf::Align::kCenter;
  cur.Text(
      fmt::format("第 {} 期　　{}　　当前阶段：{}", b.number, ChineseDate(b.as_of), b.phase_name),
      sub, 6);
  doc->Line(kMargin, cur.y, doc->width() - kMargin, cur.y, 1.5);
  cur.y += 10;

  // The summary.
  pdf::TextStyle body;
  body.size = 11;
  const size_t slow = std::count_if(b.communities.begin(), b.communities.end(),
                                    [](const BulletinCommunity& c) { return c.slow; });
  const size_t overdue = std::count_if(b.communities.begin(), b.communities.end(),
                                       [](const BulletinCommunity& c) { return c.overdue; });
  cur.Heading("一、总体进度");
  cur.Text(fmt::format("截至{}，全区 {} 个社区共有待核实事项 {} 项，社区已上报 {} 项（{}），"
                       "已审核录入或核销 {} 项，完成率 {}。{} 个社区有逾期未完成的节点，"
                       "{} 个社区进度明显落后。",
                       ChineseDate(b.as_of), b.communities.size(), Num(b.items), Num(b.reported),
                       Pct(b.reported_pct), Num(b.done), Pct(b.done_pct), overdue, slow),
           body, 6);

  // The ranking, the slow ones named.
  cur.Heading("二、各社区完成情况排名");
  std::vector<std::vector<std::string>> rows;
  std::vector<bool> marks;
  for (size_t i = 0; i < b.communities.size(); ++i) {
    const BulletinCommunity& c = b.communities[i];
    rows.push_back({Num(static_cast<int64_t>(i + 1)), c.township, c.name, Num(c.items),
                    Pct(c.reported_pct), Num(c.done), Pct(c.done_pct),
                    c.overdue ? "逾期" : (c.slow ? "落后" : "")});
    marks.push_back(c.slow);
  }
  RETURN_IF_ERROR(
      TableAt(cur, {"名次", "街道（乡镇）", "社区", "事项", "上报率", "完成", "完成率", "备注"},
              {0.6, 1.6, 1.8, 0.8, 0.9, 0.8, 0.9, 0.7},
              {pdf::Align::kCenter, pdf::Align::kLeft, pdf::Align::kLeft, pdf::Align::kRight,
               pdf::Align::kRight, pdf::Align::kRight, pdf::Align::kRight, pdf::Align::kCenter},
              std::move(rows), marks));
  std::string named;
  for (const BulletinCommunity& c : b.communities) {
    if (!c.slow) continue;
    named += (named.empty() ? "" : "、") + c.name + "（" + Pct(c.done_pct) + "）";
  }
  cur.Text(named.empty() ? "各社区进度均衡，无明显落后社区。"
                         : "进度落后、需加快推进的社区：" + named + "。",
           body, 6);

  // The charts, on a page of their own.
  doc->NewPage();
  cur.y = kMargin;
  cur.Heading("三、进度图");
  std::vector<std::string> labels;
  std::vector<double> values;
  std::vector<size_t> highlight;
  for (size_t i = 0; i < b.communities.size(); ++i) {
    labels.push_back(b.communities[i].name);
    values.push_back(b.communities[i].done_pct);
    if (b.communities[i].slow) highlight.push_back(i);
  }
  const double chart_h = (doc->body_bottom() - cur.y - 20) / 2;
  pdf::BarChart(*doc, kMargin, cur.y, cur.width(), chart_h, "各社区完成率（%）", labels, values,
                100, highlight);
  cur.y += chart_h + 20;
  pdf::LineChart(*doc, kMargin, cur.y, cur.width(), chart_h, "近几期全区进度（%）",
                 b.history_labels,
                 {{"完成率", b.history_done_pct}, {"上报率", b.history_reported_pct}}, 100);

  doc->NewPage();
  cur.y = kMargin;
  cur.Heading("四、统计比对");
  if (b.has_statistics) {
    cur.Text("比对日期：" + b.statistics_as_of, body, 4);
    const pdf::Align r = pdf::Align::kRight;
    RETURN_IF_ERROR(TableAt(cur, {"来源", "总人口", "出生", "死亡", "总人口差", "出生差", "死亡差"},
                            {2.4, 1, 0.8, 0.8, 1, 0.8, 0.8}, {pdf::Align::kLeft, r, r, r, r, r, r},
                            b.statistics_rows, {}));
  } else {
    cur.Text("本期之前尚无比对结果（popreg compare）。", body, 6);
  }

  cur.Heading("五、部门月度交接");
  if (b.intake_gaps.empty()) {
    cur.Text("各部门均按时交接本月数据。", body, 6);
  } else {
    RETURN_IF_ERROR(TableAt(cur, {"部门", "社区", "月份", "情况", "应交日期", "收到"},
                            {1.4, 1.2, 0.9, 0.7, 1.1, 2.0},
                            {pdf::Align::kLeft, pdf::Align::kLeft, pdf::Align::kCenter,
                             pdf::Align::kCenter, pdf::Align::kCenter, pdf::Align::kLeft},
                            b.intake_gaps, {}));
  }

  // The signature block.
  cur.Need(110);
  cur.y += 30;
  pdf::TextStyle right = body;
  right.align = pdf::Align::kRight;
  cur.Text("签发：＿＿＿＿＿＿＿＿", right, 14);
  cur.Text(b.office + "（盖章）", right, 4);
  cur.Text(ChineseDate(b.as_of), right, 4);
  return doc->Finish();
}

}  // namespace popreg::report
