// `popreg campaign add|list|set`, `progress`, `intake`, `assess` and `imports`: the campaign, its
// progress, the monthly hand-over and the year-end assessment (src/store/campaigns.h,
// src/report/progress.h, src/report/intake.h, src/report/assessment.h; docs/reports.md).
#include <cstdio>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "cli/commands.h"
#include "io/schema.h"
#include "recon/policy.h"
#include "report/assessment.h"
#include "report/intake.h"
#include "report/progress.h"
#include "store/campaigns.h"
#include "store/store.h"

namespace popreg::cli {
namespace {

struct CampaignArgs {
  std::string db, user, campaign, name, start, startup_end, reporting_deadline, entry_deadline, end,
      format = "text";
  std::optional<int> handover_day;
};

// The date a flag gives, or nullopt when it is empty.
Result<std::optional<Date>> OptionalDate(const std::string& flag, const std::string& value) {
  if (value.empty()) return std::optional<Date>();
  ASSIGN_OR_RETURN(Date d, ParseDateArg(flag, value));
  return std::optional<Date>(d);
}

void PrintCampaign(const store::Campaign& c) {
  std::printf("Campaign %lld: %s\n", static_cast<long long>(c.id), c.name.c_str());
  std::printf("  启动部署 start-up              %s .. %s\n", c.start.Iso().c_str(),
              c.startup_end.Iso().c_str());
  std::printf("  组织实施 implementation        %s .. %s\n", c.startup_end.AddDays(1).Iso().c_str(),
              c.entry_deadline.Iso().c_str());
  std::printf("    社区上报截止 reporting deadline %s\n", c.reporting_deadline.Iso().c_str());
  std::printf("    录入截止 entry deadline         %s\n", c.entry_deadline.Iso().c_str());
  std::printf("  检查验收 inspection, acceptance %s .. %s\n",
              c.entry_deadline.AddDays(1).Iso().c_str(), c.end.Iso().c_str());
  std::printf("  hand-over day                  %d of each month\n", c.handover_day);
}

Status RunCampaignAdd(const CampaignArgs& a) {
  if (a.db.empty()) return InvalidArgument("--db is required");
  if (a.name.empty()) return InvalidArgument("--name is required");
  store::CampaignDates d;
  ASSIGN_OR_RETURN(d.start, ParseDateArg("--start", a.start));
  ASSIGN_OR_RETURN(d.startup_end, OptionalDate("--startup-end", a.startup_end));
  ASSIGN_OR_RETURN(d.reporting_deadline,
                   OptionalDate("--reporting-deadline", a.reporting_deadline));
  ASSIGN_OR_RETURN(d.entry_deadline, OptionalDate("--entry-deadline", a.entry_deadline));
  ASSIGN_OR_RETURN(d.end, OptionalDate("--end", a.end));
  d.handover_day = a.handover_day;
  ASSIGN_OR_RETURN(store::Campaign c, store::MakeCampaign(a.name, d));
  ASSIGN_OR_RETURN(auto store, store::OpenStore(a.db));
  ASSIGN_OR_RETURN(store::User user, recon::Authorize(*store, a.user, recon::Action::kCampaigns));
  ASSIGN_OR_RETURN(c.id, store::AddCampaign(*store, c, user.login));
  PrintCampaign(c);
  return Status::Ok();
}

Status RunCampaignSet(const CampaignArgs& a) {
  if (a.db.empty()) return InvalidArgument("--db is required");
  if (a.campaign.empty()) return InvalidArgument("--campaign is required (its id or name)");
  ASSIGN_OR_RETURN(auto store, store::OpenStore(a.db));
  ASSIGN_OR_RETURN(store::User user, recon::Authorize(*store, a.user, recon::Action::kCampaigns));
  ASSIGN_OR_RETURN(store::Campaign c, store::FindCampaign(*store, a.campaign));
  if (!a.name.empty()) c.name = a.name;
  struct Flag {
    const char* name;
    const std::string& value;
    Date* date;
  };
  const Flag flags[] = {{"--start", a.start, &c.start},
                        {"--startup-end", a.startup_end, &c.startup_end},
                        {"--reporting-deadline", a.reporting_deadline, &c.reporting_deadline},
                        {"--entry-deadline", a.entry_deadline, &c.entry_deadline},
                        {"--end", a.end, &c.end}};
  for (const Flag& f : flags) {
    ASSIGN_OR_RETURN(std::optional<Date> d, OptionalDate(f.name, f.value));
    if (d) *f.date = *d;
  }
  if (a.handover_day) c.handover_day = *a.handover_day;
  RETURN_IF_ERROR(store::UpdateCampaign(*store, c, user.login));
  PrintCampaign(c);
  return Status::Ok();
}

// Campaigns are read by those who read the register and by those who manage campaigns.
Status AuthorizeCampaignRead(store::Store& store, const std::string& login) {
  auto user = recon::Authorize(store, login, recon::Action::kRead);
  if (user.ok() || user.status().code() != ErrorCode::kPermissionDenied) return user.status();
  return recon::Authorize(store, login, recon::Action::kCampaigns).status();
}

Status RunCampaignList(const CampaignArgs& a) {
  if (a.db.empty()) return InvalidArgument("--db is required");
  if (a.format != "text" && a.format != "csv") {
    return InvalidArgument("--format: '" + a.format + "' is not text or csv");
  }
  ASSIGN_OR_RETURN(auto store, store::OpenStore(a.db));
  RETURN_IF_ERROR(AuthorizeCampaignRead(*store, a.user));
  ASSIGN_OR_RETURN(std::vector<store::Campaign> all, store::ListCampaigns(*store));
  if (a.format == "csv") {
    std::printf(
        "id,name,start,startup_end,reporting_deadline,entry_deadline,end,handover_day,"
        "created_by,created_at\n");
    for (const store::Campaign& c : all) {
      std::printf("%lld,%s,%s,%s,%s,%s,%s,%d,%s,%s\n", static_cast<long long>(c.id), c.name.c_str(),
                  c.start.Iso().c_str(), c.startup_end.Iso().c_str(),
                  c.reporting_deadline.Iso().c_str(), c.entry_deadline.Iso().c_str(),
                  c.end.Iso().c_str(), c.handover_day, c.created_by.c_str(), c.created_at.c_str());
    }
    return Status::Ok();
  }
  if (all.empty()) std::printf("no campaigns (add one with popreg campaign add)\n");
  for (const store::Campaign& c : all) PrintCampaign(c);
  return Status::Ok();
}

struct ReportArgs {
  std::string db, user, campaign, as_of, month, format, out, settings;
  int year = 0;
  bool default_settings = false;
};

// The format: --format, else from the --out file's name; csv or xlsx.
Result<std::string> FormatOf(const ReportArgs& a) {
  const std::string f = !a.format.empty() ? a.format : a.out.ends_with(".xlsx") ? "xlsx" : "csv";
  if (f != "csv" && f != "xlsx") return InvalidArgument("--format: '" + f + "' is not csv or xlsx");
  return f;
}

// The campaign's id from --campaign (an id or a name; "" = the newest).
Result<int64_t> CampaignId(store::Store& store, const std::string& which) {
  ASSIGN_OR_RETURN(store::Campaign c, store::FindCampaign(store, which));
  return c.id;
}

Status RunProgress(const ReportArgs& a) {
  if (a.db.empty()) return InvalidArgument("--db is required");
  ASSIGN_OR_RETURN(const Date as_of, ParseDateArg("--as-of", a.as_of, /*today_if_empty=*/true));
  ASSIGN_OR_RETURN(const std::string format, FormatOf(a));
  ASSIGN_OR_RETURN(auto store, store::OpenStore(a.db));
  RETURN_IF_ERROR(recon::Authorize(*store, a.user, recon::Action::kRead).status());
  ASSIGN_OR_RETURN(int64_t id, CampaignId(*store, a.campaign));
  ASSIGN_OR_RETURN(report::Progress p, report::ComputeProgress(*store, id, as_of));
  if (!a.out.empty()) {
    RETURN_IF_ERROR(report::WriteProgress(p, format, a.out));
    std::printf("Wrote the progress of campaign %s on %s (%zu rows) to %s\n",
                p.campaign.name.c_str(), as_of.Iso().c_str(), p.rows.size() + p.totals.size(),
                a.out.c_str());
    return Status::Ok();
  }
  std::printf("Campaign %s on %s: %s\n", p.campaign.name.c_str(), as_of.Iso().c_str(),
              std::string(store::CampaignPhaseName(p.campaign_phase)).c_str());
  std::printf("%-14s %-11s %-11s %6s %6s %6s %6s %6s %6s %6s %6s %7s %s\n", "community", "phase",
              "deadline", "items", "open", "verif", "disp", "appr", "rej", "appl", "resolv",
              "done%", "overdue");
  auto print = [](const report::ProgressRow& r) {
    std::printf("%-14s %-11s %-11s %6lld %6lld %6lld %6lld %6lld %6lld %6lld %6lld %7.1f %s\n",
                r.community_code.empty() ? (r.community_name == "全区合计" ? "district" : "(none)")
                                         : r.community_code.c_str(),
                r.phase.c_str(), r.deadline.Iso().c_str(), static_cast<long long>(r.items),
                static_cast<long long>(r.open), static_cast<long long>(r.verified),
                static_cast<long long>(r.disputed), static_cast<long long>(r.approved),
                static_cast<long long>(r.rejected), static_cast<long long>(r.applied),
                static_cast<long long>(r.resolved), r.done_pct, r.overdue ? "OVERDUE" : "");
  };
  for (const report::ProgressRow& r : p.rows) print(r);
  for (const report::ProgressRow& r : p.totals) print(r);
  return Status::Ok();
}

Status RunIntake(const ReportArgs& a) {
  if (a.db.empty()) return InvalidArgument("--db is required");
  report::IntakeOptions o;
  ASSIGN_OR_RETURN(o.as_of, ParseDateArg("--as-of", a.as_of, /*today_if_empty=*/true));
  o.month = a.month;
  ASSIGN_OR_RETURN(const std::string format, FormatOf(a));
  ASSIGN_OR_RETURN(auto store, store::OpenStore(a.db));
  RETURN_IF_ERROR(recon::Authorize(*store, a.user, recon::Action::kRead).status());
  if (!a.campaign.empty()) {
    ASSIGN_OR_RETURN(o.campaign_id, CampaignId(*store, a.campaign));
  }
  ASSIGN_OR_RETURN(std::vector<report::IntakeRow> rows, report::ComputeIntake(*store, o));
  int64_t late = 0, missing = 0;
  for (const report::IntakeRow& r : rows) {
    late += r.state == "late";
    missing += r.state == "missing";
  }
  if (!a.out.empty()) {
    RETURN_IF_ERROR(report::WriteIntake(rows, format, a.out));
    std::printf("Wrote the hand-over (%zu rows: %lld late, %lld missing) to %s\n", rows.size(),
                static_cast<long long>(late), static_cast<long long>(missing), a.out.c_str());
    return Status::Ok();
  }
  std::printf("%-8s %-9s %-18s %-14s %-11s %-24s %-10s %7s %7s\n", "month", "state", "kind",
              "community", "due", "received_at", "by", "rows", "rejects");
  for (const report::IntakeRow& r : rows) {
    std::printf("%-8s %-9s %-18s %-14s %-11s %-24s %-10s %7s %7s\n", r.month.c_str(),
                r.state.c_str(), r.kind.c_str(),
                r.community_code.empty() ? "all" : r.community_code.c_str(), r.due.Iso().c_str(),
                r.received_at.c_str(), r.received_by.c_str(),
                r.import_id == 0 ? "" : std::to_string(r.rows).c_str(),
                r.import_id == 0 ? "" : std::to_string(r.rejects).c_str());
  }
  std::printf("%lld late, %lld missing\n", static_cast<long long>(late),
              static_cast<long long>(missing));
  return Status::Ok();
}

Status RunAssess(const ReportArgs& a) {
  if (a.default_settings) {
    std::fwrite(report::DefaultAssessmentSettingsText().data(), 1,
                report::DefaultAssessmentSettingsText().size(), stdout);
    return Status::Ok();
  }
  if (a.db.empty()) return InvalidArgument("--db is required");
  if (a.year == 0) return InvalidArgument("--year is required");
  ASSIGN_OR_RETURN(const std::string format, FormatOf(a));
  report::AssessmentOptions o;
  o.year = a.year;
  ASSIGN_OR_RETURN(o.settings, report::LoadAssessmentSettings(a.settings));
  ASSIGN_OR_RETURN(auto store, store::OpenStore(a.db));
  RETURN_IF_ERROR(recon::Authorize(*store, a.user, recon::Action::kRead).status());
  ASSIGN_OR_RETURN(report::Assessment r, report::ComputeAssessment(*store, o));
  if (!a.out.empty()) {
    RETURN_IF_ERROR(report::WriteAssessment(r, format, a.out));
    std::printf("Wrote the %d assessment of %zu communities (campaign %s, evaluated on %s) to %s\n",
                r.year, r.rows.size(), r.campaign.name.c_str(), r.evaluated_on.Iso().c_str(),
                a.out.c_str());
    return Status::Ok();
  }
  std::printf("Assessment %d: campaign %s, evaluated on %s, settings %s\n", r.year,
              r.campaign.name.c_str(), r.evaluated_on.Iso().c_str(), r.settings.source.c_str());
  std::printf("%4s %-14s %-12s %9s %9s %9s %9s %6s\n", "rank", "community", "name", "complete",
              "timely", "accurate", "gap", "score");
  for (const report::AssessmentRow& row : r.rows) {
    char gap[32] = "-";
    if (row.has_gap) std::snprintf(gap, sizeof gap, "%.2f%%", 100 * row.gap);
    std::printf("%4d %-14s %-12s %8.1f%% %8.1f%% %8.1f%% %9s %6.1f\n", row.rank,
                row.community_code.c_str(), row.community_name.c_str(), 100 * row.completion,
                100 * row.timeliness, 100 * row.accuracy, gap, row.score);
  }
  return Status::Ok();
}

struct ImportsArgs {
  std::string db, user;
};

Status RunImports(const ImportsArgs& a) {
  if (a.db.empty()) return InvalidArgument("--db is required");
  ASSIGN_OR_RETURN(auto store, store::OpenStore(a.db));
  RETURN_IF_ERROR(recon::Authorize(*store, a.user, recon::Action::kRead).status());
  ASSIGN_OR_RETURN(std::vector<store::ImportRecord> imports, store->ListImports());
  std::printf("%-5s %-18s %-8s %-14s %-24s %-10s %7s %7s %s\n", "id", "kind", "month", "community",
              "imported_at", "by", "rows", "rejects", "file");
  for (const store::ImportRecord& r : imports) {
    std::printf("%-5lld %-18s %-8s %-14s %-24s %-10s %7lld %7lld %s\n",
                static_cast<long long>(r.id), std::string(io::KindName(r.info.kind)).c_str(),
                r.info.month.empty() ? "-" : r.info.month.c_str(),
                r.info.community_code.empty() ? "all" : r.info.community_code.c_str(),
                r.info.imported_at.c_str(), r.info.imported_by.c_str(),
                static_cast<long long>(r.info.rows_total), static_cast<long long>(r.rows_rejected),
                r.info.file_name.c_str());
  }
  return Status::Ok();
}

void AddDbUser(CLI::App* c, std::string* db, std::string* user, const char* who) {
  c->add_option("--db", *db, "The store (a SQLite file path or a postgresql:// URL)");
  c->add_option("--user", *user, who)->envname("POPREG_USER");
}

void AddCampaignDates(CLI::App* c, CampaignArgs* a, bool add) {
  const std::string dflt = add ? " (default: " : "";
  auto help = [&](const char* what, const char* template_text) {
    return std::string(what) + (add ? dflt + template_text + ")" : std::string());
  };
  c->add_option("--startup-end", a->startup_end,
                help("The last day of start-up 启动部署", "start + 13 days: two weeks"));
  c->add_option("--reporting-deadline", a->reporting_deadline,
                help("The communities' reporting deadline 社区上报截止", "start + 60 days"));
  c->add_option(
      "--entry-deadline", a->entry_deadline,
      help("The entry deadline 录入截止, the end of implementation 组织实施", "start + 90 days"));
  c->add_option("--end", a->end,
                help("The end of inspection and acceptance 检查验收", "entry deadline + 30 days"));
  c->add_option("--handover-day", a->handover_day,
                help("The day of the next month a month's files are due, 1..28", "3"));
}

void AddFormatOut(CLI::App* c, ReportArgs* a) {
  c->add_option("--format", a->format, "csv or xlsx (default: from --out)");
  c->add_option("--out", a->out, "The file to write (default: print a table)");
}

template <typename Args, typename Fn>
void OnRun(CLI::App* c, std::shared_ptr<Args> args, Fn fn) {
  c->callback([args, fn] {
    Status s = fn(*args);
    if (!s.ok()) Fail(s);
  });
}

}  // namespace

void RegisterCampaign(CLI::App& app) {
  CLI::App* campaign =
      app.add_subcommand("campaign", "Add, list and change campaigns (docs/reports.md)");
  campaign->require_subcommand(1);

  auto add = std::make_shared<CampaignArgs>();
  CLI::App* c = campaign->add_subcommand(
      "add",
      "Add a campaign: its phases' dates from --start by the default template, each "
      "date configurable");
  AddDbUser(c, &add->db, &add->user, "Who adds it (an admin or a reviewer)");
  c->add_option("--name", add->name, "The campaign's name, e.g. 2026年人口信息核查专项行动");
  c->add_option("--start", add->start, "The first day of start-up 启动部署 (YYYY-MM-DD)");
  AddCampaignDates(c, add.get(), true);
  OnRun(c, add, RunCampaignAdd);

  auto list = std::make_shared<CampaignArgs>();
  c = campaign->add_subcommand("list", "List the campaigns and their phases");
  AddDbUser(c, &list->db, &list->user, "Who reads");
  c->add_option("--format", list->format, "text or csv")->default_str("text");
  OnRun(c, list, RunCampaignList);

  auto set = std::make_shared<CampaignArgs>();
  c = campaign->add_subcommand("set", "Change a campaign's name or dates (the others stay)");
  AddDbUser(c, &set->db, &set->user, "Who changes it (an admin or a reviewer)");
  c->add_option("--campaign", set->campaign, "The campaign, by id or name");
  c->add_option("--name", set->name, "A new name");
  c->add_option("--start", set->start, "The first day of start-up 启动部署");
  AddCampaignDates(c, set.get(), false);
  OnRun(c, set, RunCampaignSet);

  auto progress = std::make_shared<ReportArgs>();
  c = app.add_subcommand("progress",
                         "A campaign's progress per community and milestone on a date: items "
                         "open, verified, disputed, approved, rejected, applied; done share; "
                         "overdue");
  AddDbUser(c, &progress->db, &progress->user, "Who reads");
  c->add_option("--campaign", progress->campaign, "The campaign, by id or name (default: newest)");
  c->add_option("--as-of", progress->as_of,
                "The date the progress stood on, rebuilt from the items' history (default: "
                "today)");
  AddFormatOut(c, progress.get());
  OnRun(c, progress, RunProgress);

  auto intake = std::make_shared<ReportArgs>();
  c = app.add_subcommand("intake",
                         "The monthly hand-over: each department's file of each month, received "
                         "on time, late or missing");
  AddDbUser(c, &intake->db, &intake->user, "Who reads");
  c->add_option("--month", intake->month,
                "Only this month YYYY-MM (default: every month from the campaign's start to the "
                "one before --as-of)");
  c->add_option("--as-of", intake->as_of, "The date the hand-over stood on (default: today)");
  c->add_option("--campaign", intake->campaign,
                "The campaign whose start and hand-over day count (default: newest)");
  AddFormatOut(c, intake.get());
  OnRun(c, intake, RunIntake);

  auto assess = std::make_shared<ReportArgs>();
  c = app.add_subcommand("assess",
                         "The year-end assessment: a score per community from completion, "
                         "timeliness, accuracy at review and the gap to the police list");
  AddDbUser(c, &assess->db, &assess->user, "Who reads");
  c->add_option("--year", assess->year, "The year assessed");
  c->add_option("--settings", assess->settings,
                "A TOML file of weights (default: the built-in config/assessment.toml)");
  c->add_flag("--default-settings", assess->default_settings,
              "Print the built-in settings file and exit");
  AddFormatOut(c, assess.get());
  OnRun(c, assess, RunAssess);

  auto imports = std::make_shared<ImportsArgs>();
  c = app.add_subcommand("imports",
                         "List the imports: kind, month covered, community, when, by whom, rows "
                         "and rejects");
  AddDbUser(c, &imports->db, &imports->user, "Who reads");
  OnRun(c, imports, RunImports);
}

}  // namespace popreg::cli
