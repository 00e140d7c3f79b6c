// The reports of report/ over HTTP: the statistics comparison, a campaign's progress, the monthly
// hand-over, the year-end assessment, the bulletin, the discrepancy list, the incomplete list;
// the campaigns; and the household-card books as a job whose files are then downloaded.
//
// Every report is computed and written by the same report/ functions as the CLI. `format=json`
// (the default for tables) answers {"columns": [...], "rows": [[...]]}: the report's own CSV
// read back, so the web UI shows exactly the columns and figures the files have, and the server
// makes no table of its own. Other formats (csv, xlsx, pdf where the report has it) download the
// file. ID numbers in a download are masked as everywhere else (recon/policy.h).
#include <filesystem>
#include <string>

#include "base/env.h"
#include "io/csv.h"
#include "recon/policy.h"
#include "report/assessment.h"
#include "report/books.h"
#include "report/bulletin.h"
#include "report/discrepancies.h"
#include "report/incomplete.h"
#include "report/intake.h"
#include "report/progress.h"
#include "report/stats.h"
#include "server/api.h"
#include "store/campaigns.h"
#include "store/comparisons.h"

namespace popreg::server {
namespace {

// A file of the server's own naming in its work folder, for a report to be written into.
std::string ReportPath(const Call& call, const std::string& extension) {
  const std::filesystem::path dir = std::filesystem::path(call.server.options.work_dir) / "reports";
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  return (dir / ("report-" + RandomToken() + "." + extension)).string();
}

// A CSV file as {"columns": header, "rows": records}; the file is removed.
Result<nlohmann::json> TableOf(const std::string& path) {
  auto remove = [&] { std::filesystem::remove(path); };
  Result<std::unique_ptr<io::CsvReader>> reader = io::CsvReader::Open(path);
  if (!reader.ok()) {
    remove();
    return reader.status();
  }
  nlohmann::json columns = nlohmann::json::array(), rows = nlohmann::json::array();
  io::CsvRecord rec;
  while (true) {
    Result<bool> more = (*reader)->Next(&rec);
    if (!more.ok()) {
      remove();
      return more.status();
    }
    if (!*more) break;
    if (rec.record == 0) {
      columns = rec.fields;
    } else {
      rows.push_back(rec.fields);
    }
  }
  remove();
  return nlohmann::json{{"columns", std::move(columns)}, {"rows", std::move(rows)}};
}

// The `format` parameter among `allowed` (the first is the default).
Result<std::string> Format(const Call& call, std::initializer_list<std::string_view> allowed) {
  const std::string f = call.Query("format").value_or(std::string(*allowed.begin()));
  for (std::string_view a : allowed) {
    if (f == a) return f;
  }
  std::string list;
  for (std::string_view a : allowed) list += (list.empty() ? "" : ", ") + std::string(a);
  return InvalidArgument("format '" + f + "' is none of " + list);
}

// Writes a report with `write(format, path)`: JSON from its CSV, or the file to download.
Result<Reply> Report(const Call& call, const std::string& format, const std::string& name,
                     const std::function<Status(const std::string&, const std::string&)>& write) {
  const bool table = format == "json";
  const std::string ext = table ? "csv" : format;
  const std::string path = ReportPath(call, ext);
  Status st = write(table ? "csv" : format, path);
  if (!st.ok()) {
    std::filesystem::remove(path);
    return st;
  }
  if (table) {
    ASSIGN_OR_RETURN(nlohmann::json body, TableOf(path));
    return Json(std::move(body));
  }
  RETURN_IF_ERROR(AuditAs(call.store, call.Me().login, "report.download", name + "." + ext,
                          {{"query", call.req.target}, {"address", call.Address()}}));
  Reply r;
  r.file_path = path;
  r.remove_after = true;
  r.filename = name + "." + ext;
  r.content_type = ext == "csv"    ? "text/csv; charset=utf-8"
                   : ext == "pdf"  ? "application/pdf"
                   : ext == "json" ? "application/json"
                                   : "application/vnd.openxmlformats-officedocument."
                                     "spreadsheetml.sheet";
  return r;
}

Result<int64_t> CampaignId(const Call& call) {
  const std::string which = call.Query("campaign").value_or("");
  ASSIGN_OR_RETURN(store::Campaign c, store::FindCampaign(call.store, which));
  return c.id;
}

// Reports of the whole district are read by users of the whole district; community staff read
// their own lists (incomplete, discrepancies) through the area checks of those routes.
Status DistrictRead(const Call& call) { return call.Allow(recon::Action::kRead); }

Result<Reply> Statistics(Call& call) {
  report::StatsOptions o;
  if (call.Query("as_of")) {
    ASSIGN_OR_RETURN(o.as_of, call.DateParam("as_of"));
  } else {
    // The figures are counted by the comparisons: without a date, the newest one's.
    ASSIGN_OR_RETURN(std::vector<store::ComparisonRecord> runs, store::ListComparisons(call.store));
    if (runs.empty()) return NotFound("a comparison (the statistics are counted by one)");
    std::optional<Date> newest = Date::ParseIso(runs.back().info.as_of);
    if (!newest) return Internal("comparison " + std::to_string(runs.back().id) + " has no date");
    o.as_of = *newest;
  }
  if (call.Query("since")) {
    ASSIGN_OR_RETURN(Date since, call.DateParam("since"));
    o.since = since;
  }
  o.level = call.Query("level").value_or("community");
  o.area = call.Query("area").value_or("");
  RETURN_IF_ERROR(o.area.empty() ? DistrictRead(call) : call.Allow(recon::Action::kRead, o.area));
  const bool manual = call.Query("layout").value_or("") == "manual";
  ASSIGN_OR_RETURN(std::string format, Format(call, {"json", "csv", "xlsx", "pdf"}));
  ASSIGN_OR_RETURN(report::Statistics s, report::ComputeStatistics(call.store, o));
  return Report(call, format, "statistics-" + o.as_of.Iso(),
                [&](const std::string& f, const std::string& path) {
                  return manual ? report::WriteManualLayout(s, f, path)
                                : report::WriteStatistics(s, f, path);
                });
}

Result<Reply> ProgressRoute(Call& call) {
  // Of the district, or of one area (community staff read their own communities' rows, not
  // the district's totals).
  const std::string area = call.Query("community").value_or("");
  RETURN_IF_ERROR(area.empty() ? DistrictRead(call) : call.Allow(recon::Action::kRead, area));
  ASSIGN_OR_RETURN(int64_t id, CampaignId(call));
  ASSIGN_OR_RETURN(Date as_of, call.DateParam("as_of"));
  ASSIGN_OR_RETURN(std::string format, Format(call, {"json", "csv", "xlsx"}));
  ASSIGN_OR_RETURN(report::Progress p, report::ComputeProgress(call.store, id, as_of));
  if (!area.empty()) report::KeepArea(p, area);
  return Report(call, format, "progress-" + as_of.Iso(),
                [&](const std::string& f, const std::string& path) {
                  return report::WriteProgress(p, f, path);
                });
}

Result<Reply> IntakeRoute(Call& call) {
  RETURN_IF_ERROR(DistrictRead(call));
  report::IntakeOptions o;
  ASSIGN_OR_RETURN(o.as_of, call.DateParam("as_of"));
  o.month = call.Query("month").value_or("");
  if (call.Query("campaign")) {
    ASSIGN_OR_RETURN(o.campaign_id, CampaignId(call));
  }
  ASSIGN_OR_RETURN(std::string format, Format(call, {"json", "csv", "xlsx"}));
  ASSIGN_OR_RETURN(std::vector<report::IntakeRow> rows, report::ComputeIntake(call.store, o));
  return Report(call, format, "intake-" + o.as_of.Iso(),
                [&](const std::string& f, const std::string& path) {
                  return report::WriteIntake(rows, f, path);
                });
}

Result<Reply> AssessmentRoute(Call& call) {
  RETURN_IF_ERROR(DistrictRead(call));
  report::AssessmentOptions o;
  ASSIGN_OR_RETURN(const int64_t year,
                   IntQuery(call, "year", Env::Default().Today().year, 2000, 2100));
  o.year = static_cast<int>(year);
  ASSIGN_OR_RETURN(o.settings, report::LoadAssessmentSettings(""));
  ASSIGN_OR_RETURN(std::string format, Format(call, {"json", "csv", "xlsx"}));
  ASSIGN_OR_RETURN(report::Assessment a, report::ComputeAssessment(call.store, o));
  return Report(call, format, "assessment-" + std::to_string(o.year),
                [&](const std::string& f, const std::string& path) {
                  return report::WriteAssessment(a, f, path);
                });
}

Result<Reply> BulletinRoute(Call& call) {
  RETURN_IF_ERROR(DistrictRead(call));
  report::BulletinOptions o;
  ASSIGN_OR_RETURN(o.campaign_id, CampaignId(call));
  ASSIGN_OR_RETURN(o.as_of, call.DateParam("as_of"));
  ASSIGN_OR_RETURN(report::Bulletin b, report::ComputeBulletin(call.store, o));
  return Report(
      call, "pdf", "bulletin-" + std::to_string(b.number) + "-" + o.as_of.Iso(),
      [&](const std::string&, const std::string& path) { return report::WriteBulletin(b, path); });
}

// The discrepancy list of an area in the spec's format (csv), for people (xlsx) or with evidence
// (json download). Masked for every role but the clerk.
Result<Reply> DiscrepanciesRoute(Call& call) {
  store::DiscrepancyFilter f;
  f.community_code = call.Query("community").value_or("");
  RETURN_IF_ERROR(call.Allow(recon::Action::kExport, f.community_code));
  f.type = call.Query("type").value_or("");
  f.status = call.Query("status").value_or("");
  ASSIGN_OR_RETURN(std::string format, Format(call, {"csv", "xlsx", "json"}));
  ASSIGN_OR_RETURN(report::DiscrepancyFormat df, report::ParseDiscrepancyFormat(format));
  ASSIGN_OR_RETURN(std::vector<store::Discrepancy> items, call.store.ListDiscrepancies(f));
  if (!call.Allow(recon::Action::kSeeIdNumbers).ok()) {
    for (store::Discrepancy& d : items) {
      for (std::string* s : {&d.register_key, &d.register_key_2, &d.source_id_number,
                             &d.register_value, &d.source_value, &d.birth_key, &d.proposal,
                             &d.identity, &d.values_json, &d.action_json}) {
        *s = recon::MaskNumbersIn(*s);
      }
    }
  }
  const std::string path = ReportPath(call, format);
  RETURN_IF_ERROR(report::WriteDiscrepancies(items, df, path));
  RETURN_IF_ERROR(
      AuditAs(call.store, call.Me().login, "report.download", "discrepancies." + format,
              {{"query", call.req.target}, {"items", items.size()}, {"address", call.Address()}}));
  Reply r;
  r.file_path = path;
  r.remove_after = true;
  r.filename = "discrepancies." + format;
  r.content_type = format == "csv"    ? "text/csv; charset=utf-8"
                   : format == "json" ? "application/json"
                                      : "application/vnd.openxmlformats-officedocument."
                                        "spreadsheetml.sheet";
  return r;
}

Result<Reply> IncompleteFile(Call& call) {
  const std::string area = call.Query("community").value_or("");
  RETURN_IF_ERROR(area.empty() ? DistrictRead(call) : call.Allow(recon::Action::kExport, area));
  ASSIGN_OR_RETURN(Date as_of, call.DateParam("as_of"));
  ASSIGN_OR_RETURN(std::string format, Format(call, {"xlsx", "csv"}));
  ASSIGN_OR_RETURN(std::vector<report::IncompletePerson> persons,
                   report::ListIncomplete(call.store, area, as_of));
  if (!call.Allow(recon::Action::kSeeIdNumbers).ok()) {
    for (report::IncompletePerson& p : persons) {
      p.id_number = recon::MaskIdNumber(p.id_number);
      p.register_key = recon::MaskNumbersIn(p.register_key);
    }
  }
  return Report(call, format, "incomplete-" + as_of.Iso(),
                [&](const std::string& f, const std::string& path) {
                  return report::WriteIncomplete(persons, f, path);
                });
}

nlohmann::json CampaignJson(const store::Campaign& c) {
  return {{"id", c.id},
          {"name", c.name},
          {"start", c.start.Iso()},
          {"startup_end", c.startup_end.Iso()},
          {"reporting_deadline", c.reporting_deadline.Iso()},
          {"entry_deadline", c.entry_deadline.Iso()},
          {"end", c.end.Iso()},
          {"handover_day", c.handover_day},
          {"created_by", c.created_by},
          {"created_at", c.created_at},
          // The phase today by the server's clock (store::CampaignPhase), so that no page works
          // it out from the dates and its own clock.
          {"today", Env::Default().Today().Iso()},
          {"phase", std::string(store::CampaignPhase(c, Env::Default().Today()))}};
}

Result<Reply> ListCampaignsRoute(Call& call) {
  // Readers see the campaign's dates; those who set them (the admin too) see what they set.
  if (!call.AllowSomewhere(recon::Action::kCampaigns).ok()) {
    RETURN_IF_ERROR(call.AllowSomewhere(recon::Action::kRead));
  }
  ASSIGN_OR_RETURN(std::vector<store::Campaign> list, store::ListCampaigns(call.store));
  nlohmann::json out = nlohmann::json::array();
  for (const store::Campaign& c : list) out.push_back(CampaignJson(c));
  return Json({{"campaigns", std::move(out)}});
}

// The campaign's dates from a JSON body: each optional one a date when given.
Result<std::optional<Date>> OptionalDate(const nlohmann::json& body, std::string_view name) {
  ASSIGN_OR_RETURN(std::string text, StringField(body, name, false));
  if (text.empty()) return std::optional<Date>();
  std::optional<Date> d = Date::ParseIso(text);
  if (!d) return InvalidArgument(std::string(name) + " '" + text + "' is not a date (YYYY-MM-DD)");
  return d;
}

Result<std::optional<int>> HandoverDay(const nlohmann::json& body) {
  auto it = body.find("handover_day");
  if (it == body.end() || it->is_null()) return std::optional<int>();
  if (!it->is_number_integer()) return InvalidArgument("handover_day is not a whole number");
  return std::optional<int>(it->get<int>());
}

Result<Reply> AddCampaignRoute(Call& call) {
  RETURN_IF_ERROR(call.Allow(recon::Action::kCampaigns));
  ASSIGN_OR_RETURN(nlohmann::json body, call.Body());
  ASSIGN_OR_RETURN(std::string name, StringField(body, "name"));
  store::CampaignDates d;
  ASSIGN_OR_RETURN(std::optional<Date> start, OptionalDate(body, "start"));
  if (!start) return InvalidArgument("the field start is required");
  d.start = *start;
  ASSIGN_OR_RETURN(d.startup_end, OptionalDate(body, "startup_end"));
  ASSIGN_OR_RETURN(d.reporting_deadline, OptionalDate(body, "reporting_deadline"));
  ASSIGN_OR_RETURN(d.entry_deadline, OptionalDate(body, "entry_deadline"));
  ASSIGN_OR_RETURN(d.end, OptionalDate(body, "end"));
  ASSIGN_OR_RETURN(d.handover_day, HandoverDay(body));
  ASSIGN_OR_RETURN(store::Campaign c, store::MakeCampaign(name, d));
  ASSIGN_OR_RETURN(c.id, store::AddCampaign(call.store, c, call.Me().login));
  ASSIGN_OR_RETURN(c, store::FindCampaign(call.store, std::to_string(c.id)));
  return Json(CampaignJson(c), 201);
}

Result<Reply> ChangeCampaignRoute(Call& call) {
  RETURN_IF_ERROR(call.Allow(recon::Action::kCampaigns));
  ASSIGN_OR_RETURN(const int64_t id, call.PathId("id"));
  ASSIGN_OR_RETURN(nlohmann::json body, call.Body());
  ASSIGN_OR_RETURN(store::Campaign c, store::FindCampaign(call.store, std::to_string(id)));
  for (auto [name, field] :
       {std::pair("start", &c.start), std::pair("startup_end", &c.startup_end),
        std::pair("reporting_deadline", &c.reporting_deadline),
        std::pair("entry_deadline", &c.entry_deadline), std::pair("end", &c.end)}) {
    ASSIGN_OR_RETURN(std::optional<Date> d, OptionalDate(body, name));
    if (d) *field = *d;
  }
  ASSIGN_OR_RETURN(std::optional<int> day, HandoverDay(body));
  if (day) c.handover_day = *day;
  ASSIGN_OR_RETURN(std::string name, StringField(body, "name", false));
  if (!name.empty()) c.name = name;
  RETURN_IF_ERROR(store::CheckCampaign(c));
  RETURN_IF_ERROR(store::UpdateCampaign(call.store, c, call.Me().login));
  ASSIGN_OR_RETURN(c, store::FindCampaign(call.store, std::to_string(id)));
  return Json(CampaignJson(c));
}

// The books of an area as a job; its result lists the files, each downloaded from
// /api/v1/jobs/{id}/files/{name}.
Result<Reply> PrintBooksRoute(Call& call) {
  ASSIGN_OR_RETURN(nlohmann::json body, call.Body());
  report::BookOptions o;
  ASSIGN_OR_RETURN(o.area, StringField(body, "community"));
  RETURN_IF_ERROR(call.Allow(recon::Action::kExport, o.area));
  ASSIGN_OR_RETURN(std::optional<Date> printed, OptionalDate(body, "as_of"));
  o.printed = printed ? *printed : Env::Default().Today();
  StorePool* pool = &call.server.pool;
  const std::string base = call.server.options.work_dir + "/books";
  ASSIGN_OR_RETURN(
      int64_t id,
      call.server.jobs.Start(
          "print", call.Me().login, "",
          [pool, o, base](JobContext& ctx) mutable -> Result<nlohmann::json> {
            ASSIGN_OR_RETURN(StorePool::Lease store, pool->Borrow());
            o.out_dir = base + "/" + RandomToken();
            o.progress = [&ctx](int64_t done, int64_t total) {
              ctx.Progress("printing households", done, total);
            };
            ctx.Progress("printing households", 0, 0);
            ASSIGN_OR_RETURN(std::vector<report::BookFile> books, report::PrintBooks(*store, o));
            nlohmann::json files = nlohmann::json::array();
            for (const report::BookFile& b : books) {
              files.push_back({{"name", std::filesystem::path(b.path).filename().string()},
                               {"community_code", b.community_code},
                               {"community_name", b.community_name},
                               {"book", b.book},
                               {"books", b.books},
                               {"households", b.households},
                               {"pages", b.pages}});
            }
            return nlohmann::json{{"folder", o.out_dir}, {"files", std::move(files)}};
          }));
  Reply r = Json({{"job", id}, {"href", "/api/v1/jobs/" + std::to_string(id)}}, 202);
  r.headers.emplace_back("Location", "/api/v1/jobs/" + std::to_string(id));
  return r;
}

// A file a job of the user's wrote (the books): by its name among the job's result files only,
// so no part of the request names a path.
Result<Reply> JobFile(Call& call) {
  ASSIGN_OR_RETURN(const int64_t id, call.PathId("id"));
  std::optional<JobSnapshot> j = call.server.jobs.Get(id);
  if (!j || j->login != call.Me().login) return NotFound("job " + std::to_string(id));
  if (j->state != "succeeded" || !j->result.contains("files")) {
    return NotFound("job " + std::to_string(id) + " has no files");
  }
  const std::string& name = call.Path("name");
  for (const nlohmann::json& f : j->result["files"]) {
    if (f["name"] == name) {
      RETURN_IF_ERROR(AuditAs(call.store, call.Me().login, "report.download", name,
                              {{"job", id}, {"address", call.Address()}}));
      Reply r;
      r.file_path = j->result["folder"].get<std::string>() + "/" + name;
      r.filename = name;
      r.content_type = "application/pdf";
      return r;
    }
  }
  return NotFound("job " + std::to_string(id) + " wrote no file " + name);
}

}  // namespace

void AddReportRoutes(Api& api) {
  api.Add("GET", "/api/v1/reports/statistics", Access::kUser, Statistics);
  api.Add("GET", "/api/v1/reports/progress", Access::kUser, ProgressRoute);
  api.Add("GET", "/api/v1/reports/intake", Access::kUser, IntakeRoute);
  api.Add("GET", "/api/v1/reports/assessment", Access::kUser, AssessmentRoute);
  api.Add("GET", "/api/v1/reports/bulletin", Access::kUser, BulletinRoute);
  api.Add("GET", "/api/v1/reports/discrepancies", Access::kUser, DiscrepanciesRoute);
  api.Add("GET", "/api/v1/reports/incomplete", Access::kUser, IncompleteFile);
  api.Add("GET", "/api/v1/campaigns", Access::kUser, ListCampaignsRoute);
  api.Add("POST", "/api/v1/campaigns", Access::kUser, AddCampaignRoute);
  api.Add("PATCH", "/api/v1/campaigns/{id}", Access::kUser, ChangeCampaignRoute);
  api.Add("POST", "/api/v1/books", Access::kUser, PrintBooksRoute);
  api.Add("GET", "/api/v1/jobs/{id}/files/{name}", Access::kUser, JobFile);
}

}  // namespace popreg::server
