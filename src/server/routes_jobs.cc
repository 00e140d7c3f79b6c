// Long work as jobs (server/jobs.h): uploading and importing a department's file, running a
// comparison (one at a time per store), applying approved items; and the jobs themselves (their
// progress, result, cancelling). Each job borrows its own connection to the store.
#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <string>

#include "base/env.h"
#include "io/schema.h"
#include "recon/apply.h"
#include "recon/compare.h"
#include "server/api.h"
#include "store/comparisons.h"
#include "store/import.h"
#include "store/profile.h"

namespace popreg::server {
namespace {

nlohmann::json JobJson(const JobSnapshot& j) {
  nlohmann::json out = {{"id", j.id},
                        {"kind", j.kind},
                        {"started_by", j.login},
                        {"state", j.state},
                        {"stage", j.stage},
                        {"done", j.done},
                        {"total", j.total},
                        {"eta_seconds", j.eta_seconds ? nlohmann::json(*j.eta_seconds) : nullptr},
                        {"started_at", j.started_at},
                        {"finished_at", OrNull(j.finished_at)},
                        {"cancel_requested", j.cancel_requested},
                        {"result", j.result}};
  if (!j.error.ok()) {
    out["error"] = {{"code", std::string(ErrorCodeName(j.error.code()))},
                    {"message", j.error.message()}};
  } else {
    out["error"] = nullptr;
  }
  return out;
}

Reply Accepted(int64_t id) {
  Reply r = Json({{"job", id}, {"href", "/api/v1/jobs/" + std::to_string(id)}}, 202);
  r.headers.emplace_back("Location", "/api/v1/jobs/" + std::to_string(id));
  return r;
}

// A job is its starter's: others are told it does not exist.
Result<JobSnapshot> OwnJob(Call& call) {
  ASSIGN_OR_RETURN(const int64_t id, call.PathId("id"));
  std::optional<JobSnapshot> j = call.server.jobs.Get(id);
  if (!j || j->login != call.Me().login) return NotFound("job " + std::to_string(id));
  return *j;
}

Result<Reply> ListJobs(Call& call) {
  nlohmann::json out = nlohmann::json::array();
  for (const JobSnapshot& j : call.server.jobs.List()) {
    if (j.login == call.Me().login) out.push_back(JobJson(j));
  }
  return Json({{"jobs", std::move(out)}});
}

Result<Reply> GetJob(Call& call) {
  ASSIGN_OR_RETURN(JobSnapshot j, OwnJob(call));
  return Json(JobJson(j));
}

Result<Reply> CancelJob(Call& call) {
  ASSIGN_OR_RETURN(JobSnapshot j, OwnJob(call));
  RETURN_IF_ERROR(call.server.jobs.Cancel(j.id));
  return Json(JobJson(*call.server.jobs.Get(j.id)), 202);
}

Result<Date> DateField(const nlohmann::json& body, std::string_view name, bool required) {
  ASSIGN_OR_RETURN(std::string text, StringField(body, name, required));
  if (text.empty()) return Env::Default().Today();
  std::optional<Date> d = Date::ParseIso(text);
  if (!d)
    return InvalidArgument("the field " + std::string(name) + " '" + text +
                           "' is not a date (YYYY-MM-DD)");
  return *d;
}

Result<Reply> StartComparison(Call& call) {
  RETURN_IF_ERROR(call.Allow(recon::Action::kCompare));
  ASSIGN_OR_RETURN(nlohmann::json body, call.Body());
  recon::CompareOptions o;
  ASSIGN_OR_RETURN(o.as_of, DateField(body, "as_of", false));
  ASSIGN_OR_RETURN(std::string since, StringField(body, "since", false));
  if (since.empty()) {
    o.since = o.as_of.AddYears(-1).AddDays(1);
  } else {
    ASSIGN_OR_RETURN(o.since, DateField(body, "since", true));
  }
  if (o.since > o.as_of) return InvalidArgument("since " + o.since.Iso() + " is after as_of");
  ASSIGN_OR_RETURN(o.area, StringField(body, "area", false));
  if (auto it = body.find("learn"); it != body.end() && it->is_boolean()) o.learn = it->get<bool>();
  const std::string login = call.Me().login;
  StorePool* pool = &call.server.pool;
  ASSIGN_OR_RETURN(int64_t id,
                   call.server.jobs.Start(
                       "compare", login, "comparison",
                       [pool, o, login](JobContext& ctx) mutable -> Result<nlohmann::json> {
                         ASSIGN_OR_RETURN(StorePool::Lease store, pool->Borrow());
                         o.cancel = ctx.cancel();
                         o.progress = [&ctx](std::string_view stage, int64_t done, int64_t total) {
                           ctx.Progress(stage, done, total);
                         };
                         ctx.Progress("reading the register and the departments' files", 0, 0);
                         ASSIGN_OR_RETURN(recon::RunResult r,
                                          recon::RunComparison(*store, o, login));
                         nlohmann::json by_type = r.compare.by_type;
                         return nlohmann::json{{"comparison", r.saved.comparison_id},
                                               {"items", r.compare.items.size()},
                                               {"new", r.saved.new_items},
                                               {"resolved", r.saved.resolved_items},
                                               {"by_type", std::move(by_type)}};
                       }));
  return Accepted(id);
}

Result<Reply> ListComparisonsRoute(Call& call) {
  RETURN_IF_ERROR(call.AllowSomewhere(recon::Action::kRead));
  ASSIGN_OR_RETURN(std::vector<store::ComparisonRecord> list, store::ListComparisons(call.store));
  nlohmann::json out = nlohmann::json::array();
  for (const store::ComparisonRecord& c : list) {
    out.push_back({{"id", c.id},
                   {"as_of", c.info.as_of},
                   {"since", c.info.since},
                   {"area", c.info.area_code},
                   {"started_by", c.info.started_by},
                   {"started_at", c.info.started_at},
                   {"finished_at", c.info.finished_at}});
  }
  return Json({{"comparisons", std::move(out)}});
}

Result<Reply> ListImportsRoute(Call& call) {
  RETURN_IF_ERROR(call.AllowSomewhere(recon::Action::kRead));
  ASSIGN_OR_RETURN(std::vector<store::ImportRecord> list, call.store.ListImports());
  nlohmann::json out = nlohmann::json::array();
  for (const store::ImportRecord& r : list) {
    out.push_back({{"id", r.id},
                   {"kind", std::string(io::KindName(r.info.kind))},
                   {"file_name", r.info.file_name},
                   {"month", r.info.month},
                   {"community_code", r.info.community_code},
                   {"imported_by", r.info.imported_by},
                   {"imported_at", r.info.imported_at},
                   {"rows", r.info.rows_total},
                   {"imported", r.rows_imported},
                   {"rejected", r.rows_rejected}});
  }
  return Json({{"imports", std::move(out)}});
}

// What an uploaded file is, from its first bytes rather than its name: a workbook (xlsx is a
// zip, xls an OLE2 compound file) or text (no NUL byte in its first 64 KiB).
Result<std::string> SniffExtension(const std::string& name, const std::string& c) {
  if (c.empty()) return InvalidArgument("the uploaded file " + name + " is empty");
  std::string sniffed;
  if (c.starts_with(std::string_view("PK\x03\x04", 4))) {
    sniffed = ".xlsx";
  } else if (c.starts_with(std::string_view("\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1", 8))) {
    sniffed = ".xls";
  } else if (c.substr(0, 65536).find('\0') == std::string::npos) {
    sniffed = ".csv";
  } else {
    return InvalidArgument("the uploaded file " + name +
                           " is neither text (CSV) nor a workbook (xlsx, xls)");
  }
  std::string named = std::filesystem::path(name).extension().string();
  for (char& ch : named) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  if (!named.empty() && named != sniffed && !(named == ".txt" && sniffed == ".csv")) {
    return InvalidArgument("the uploaded file " + name + " is named " + named +
                           " but its content is " + sniffed.substr(1));
  }
  return sniffed;
}

// The bytes of an upload in a file of the server's own naming (no part of the request's file
// name reaches the file system), removed when the holder goes.
class UploadFile {
 public:
  static Result<UploadFile> Write(const std::string& dir, const std::string& content,
                                  const std::string& extension) {
    std::error_code ec;
    std::filesystem::create_directories(dir, ec);
    if (ec) return IoError("creating the upload folder " + dir + ": " + ec.message());
    UploadFile f;
    f.path_ = (std::filesystem::path(dir) / ("upload-" + RandomToken() + extension)).string();
    std::ofstream out(f.path_, std::ios::binary);
    out.write(content.data(), static_cast<std::streamsize>(content.size()));
    out.close();
    if (!out) return IoError("writing the upload to " + f.path_);
    return f;
  }
  UploadFile() = default;
  UploadFile(UploadFile&& o) noexcept : path_(std::move(o.path_)) { o.path_.clear(); }
  UploadFile& operator=(UploadFile&&) = delete;
  ~UploadFile() {
    if (!path_.empty()) std::filesystem::remove(path_);
  }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

// The import profiles the server offers (serve --profiles-dir): NAME.toml files of that folder,
// named in a request by NAME alone. A name is letters, digits, '.', '_' and '-' not starting with
// a dot, so no request names a path; and it must be a file of the folder now.
Result<std::string> ProfilePath(const Call& call, const std::string& name) {
  const std::string& dir = call.server.options.profiles_dir;
  const bool well_formed =
      !name.empty() && name.size() <= 100 && name[0] != '.' &&
      std::all_of(name.begin(), name.end(), [](char c) {
        return std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '_' || c == '-';
      });
  if (!well_formed) return InvalidArgument("profile '" + name + "' is not a profile's name");
  if (dir.empty()) return NotFound("profile " + name + " (the server offers no profiles)");
  const std::filesystem::path path = std::filesystem::path(dir) / (name + ".toml");
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) return NotFound("profile " + name);
  return path.string();
}

// Every profile of the folder, with the kinds of file it can read (a profile without `kind`
// may read several) or, when it reads none, what is wrong with it.
Result<Reply> ListProfiles(Call& call) {
  RETURN_IF_ERROR(call.AllowSomewhere(recon::Action::kImport));
  nlohmann::json out = nlohmann::json::array();
  const std::string& dir = call.server.options.profiles_dir;
  std::vector<std::string> names;
  std::error_code ec;
  if (!dir.empty()) {
    for (const auto& e : std::filesystem::directory_iterator(dir, ec)) {
      const std::filesystem::path& p = e.path();
      if (p.extension() == ".toml" && e.is_regular_file(ec)) names.push_back(p.stem().string());
    }
    if (ec) return IoError("reading the profiles folder " + dir + ": " + ec.message());
  }
  std::sort(names.begin(), names.end());
  for (const std::string& name : names) {
    Result<std::string> path = ProfilePath(call, name);
    if (!path.ok()) continue;  // a file name no request could name
    const store::ProfileKinds read = store::KindsOfProfile(*path);
    nlohmann::json kinds = nlohmann::json::array();
    for (io::Kind k : read.kinds) kinds.push_back(std::string(io::KindName(k)));
    nlohmann::json problem = nullptr;
    if (!read.problem.ok()) problem = Renamed(read.problem, *path, name + ".toml").message();
    out.push_back({{"name", name}, {"kinds", kinds}, {"problem", problem}});
  }
  return Json({{"profiles", std::move(out)}});
}

// The file is the request's body, as it is (a browser sends a File as the body of a fetch); what
// it is and how to read it are query parameters. Not multipart/form-data: the body is read whole
// by its length, so a malformed upload can never leave bytes behind on a kept-alive connection.
Result<Reply> StartImport(Call& call) {
  RETURN_IF_ERROR(call.Allow(recon::Action::kImport));
  const std::string kind_name = call.Query("kind").value_or("");
  if (kind_name.empty()) return InvalidArgument("kind is required (a kind of the exchange format)");
  ASSIGN_OR_RETURN(io::Kind kind, io::ParseKind(kind_name));
  // The name the office gave the file, for listings and messages: its last part only.
  std::string shown = std::filesystem::path(call.Query("name").value_or("")).filename().string();
  store::ImportOptions o;
  o.month = call.Query("month").value_or("");
  o.community = call.Query("community").value_or("");
  o.strict = call.Query("strict").value_or("") == "true";
  o.replace = call.Query("replace").value_or("") == "true";
  o.user = call.Me().login;
  if (std::string profile = call.Query("profile").value_or(""); !profile.empty()) {
    ASSIGN_OR_RETURN(std::string path, ProfilePath(call, profile));
    Result<store::ImportProfile> read = store::LoadProfile(path, kind);
    if (!read.ok()) return Renamed(read.status(), path, profile + ".toml");
    o.profile = *std::move(read);
  }
  ASSIGN_OR_RETURN(std::string ext,
                   SniffExtension(shown.empty() ? "(unnamed)" : shown, call.req.body));
  if (shown.empty()) shown = "upload" + ext;
  const std::string dir = call.server.options.work_dir + "/uploads";
  ASSIGN_OR_RETURN(UploadFile upload, UploadFile::Write(dir, call.req.body, ext));
  auto held = std::make_shared<UploadFile>(std::move(upload));
  o.file_name = shown;
  StorePool* pool = &call.server.pool;
  ASSIGN_OR_RETURN(
      int64_t id,
      call.server.jobs.Start(
          "import", call.Me().login, "",
          [pool, o, kind, held, shown](JobContext& ctx) mutable -> Result<nlohmann::json> {
            ASSIGN_OR_RETURN(StorePool::Lease store, pool->Borrow());
            o.cancel = ctx.cancel();
            o.progress = [&ctx, shown](int64_t done, int64_t total) {
              ctx.Progress("importing " + shown, done, total);
            };
            ctx.Progress("importing " + shown, 0, 0);
            Result<store::ImportSummary> r = store::ImportFile(*store, kind, held->path(), o);
            if (!r.ok()) return Renamed(r.status(), held->path(), shown);
            nlohmann::json rejects = nlohmann::json::array();
            for (const store::Reject& j : r->first_rejects) {
              rejects.push_back({{"row", j.source_row},
                                 {"column", j.column},
                                 {"value", j.value},
                                 {"reason", j.reason}});
            }
            return nlohmann::json{{"import", r->id},
                                  {"file_name", shown},
                                  {"already_imported", r->already_imported},
                                  {"rows", r->rows},
                                  {"imported", r->imported},
                                  {"rejected", r->rejected},
                                  {"month", r->month},
                                  {"month_source", r->month_source},
                                  {"community", r->community},
                                  {"first_rejects", std::move(rejects)}};
          }));
  return Accepted(id);
}

Result<Reply> StartApply(Call& call) {
  ASSIGN_OR_RETURN(nlohmann::json body, call.Body());
  recon::ApplyRequest r;
  r.user = call.Me().login;
  if (auto it = body.find("item"); it != body.end() && !it->is_null()) {
    if (!it->is_number_integer()) return InvalidArgument("item is not an item id");
    r.item = it->get<int64_t>();
  } else {
    r.all_approved = true;
  }
  ASSIGN_OR_RETURN(r.community, StringField(body, "community", false));
  ASSIGN_OR_RETURN(r.note, StringField(body, "note", false));
  // Refused now rather than in the job: the policy answers at once.
  RETURN_IF_ERROR(r.all_approved ? call.Allow(recon::Action::kApply, r.community)
                                 : call.AllowSomewhere(recon::Action::kApply));
  StorePool* pool = &call.server.pool;
  ASSIGN_OR_RETURN(
      int64_t id, call.server.jobs.Start(
                      "apply", call.Me().login, "apply",
                      [pool, r](JobContext& ctx) mutable -> Result<nlohmann::json> {
                        ASSIGN_OR_RETURN(StorePool::Lease store, pool->Borrow());
                        r.cancel = ctx.cancel();
                        r.progress = [&ctx](int64_t done, int64_t total) {
                          ctx.Progress("applying approved items", done, total);
                        };
                        ctx.Progress("applying approved items", 0, 0);
                        ASSIGN_OR_RETURN(recon::ApplyResult a, recon::Apply(*store, r));
                        return nlohmann::json{
                            {"applied", a.applied}, {"batches", a.batches}, {"refused", a.refused}};
                      }));
  return Accepted(id);
}

}  // namespace

void AddJobRoutes(Api& api) {
  api.Add("GET", "/api/v1/jobs", Access::kUser, ListJobs);
  api.Add("GET", "/api/v1/jobs/{id}", Access::kUser, GetJob);
  api.Add("DELETE", "/api/v1/jobs/{id}", Access::kUser, CancelJob);
  api.Add("GET", "/api/v1/comparisons", Access::kUser, ListComparisonsRoute);
  api.Add("POST", "/api/v1/comparisons", Access::kUser, StartComparison);
  api.Add("GET", "/api/v1/imports", Access::kUser, ListImportsRoute);
  api.Add("POST", "/api/v1/imports", Access::kUser, StartImport);
  api.Add("GET", "/api/v1/profiles", Access::kUser, ListProfiles);
  api.Add("POST", "/api/v1/apply", Access::kUser, StartApply);
}

}  // namespace popreg::server
