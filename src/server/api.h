// The routes of the JSON API and what every route shares: the caller's language, session and
// user, a connection to the store, the JSON body, path and query parameters. A route is thin:
// it reads its parameters, asks recon/policy.h whether the user may, calls the same function of
// recon/, report/ or store/ the CLI calls, and turns the result into JSON. Every route is
// written down in api/openapi.yaml; `popreg serve --routes` lists them for the test that checks
// both agree.
#pragma once

#include <httplib.h>

#include <functional>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/date.h"
#include "base/status.h"
#include "recon/policy.h"
#include "server/errors.h"
#include "server/jobs.h"
#include "server/rate_limit.h"
#include "server/sessions.h"
#include "server/store_pool.h"
#include "store/users.h"

namespace popreg::server {

// What a route answers: JSON (the usual), or a file to download.
struct Reply {
  int status = 200;
  nlohmann::json body;
  // A download: when `file_path` is set the file's bytes are sent (and the file removed when
  // `remove_after`), as `filename` with `content_type`.
  std::string file_path, filename, content_type;
  bool remove_after = false;
  std::vector<std::pair<std::string, std::string>> headers;  // extra response headers
};

struct ServeOptions {
  std::string db;
  std::string host = "127.0.0.1";
  int port = 8080;
  std::string tls_cert, tls_key;
  std::string web_root;      // serve the UI from here instead of the embedded assets
  std::string profiles_dir;  // the import profiles offered (NAME.toml); "" = none
  std::chrono::seconds session_idle{30 * 60}, session_absolute{12 * 60 * 60};
  size_t max_upload_bytes = 200u << 20;
  int sign_ins_per_minute = 20;  // per client address
  std::string work_dir;          // uploads and generated files; default: a folder beside the db
  std::string backup_dir;
  std::chrono::seconds backup_every{0};
  int backups_kept = 7;
};

// The server's shared state, alive while it serves.
struct ServerState {
  ServeOptions options;
  StorePool pool;
  SessionTable sessions;
  Jobs jobs;
  bool tls = false;
  RateLimiter sign_ins{20};
  FairGate gate;  // requests worked on at once: twice the cores
};

// One request being answered.
class Call {
 public:
  Call(ServerState& server, const httplib::Request& req, store::Store& store, Lang lang)
      : server(server), req(req), store(store), lang(lang) {}

  ServerState& server;
  const httplib::Request& req;
  store::Store& store;
  Lang lang;
  std::optional<store::User> user;  // set for routes that need a signed-in user
  std::optional<Session> session;
  std::string session_id;

  // The path parameter `name` of the route's pattern ("/items/{id}").
  const std::string& Path(std::string_view name) const;
  // The path parameter as a positive integer; InvalidArgument naming it otherwise.
  Result<int64_t> PathId(std::string_view name) const;
  // A query parameter, or nullopt.
  std::optional<std::string> Query(std::string_view name) const;
  // The body as a JSON object; InvalidArgument when it is not one.
  Result<nlohmann::json> Body() const;
  // The signed-in user (routes with Access::kUser have one).
  const store::User& Me() const { return *user; }
  // OK when the signed-in user may do `action` on something of `community` (recon/policy.h).
  Status Allow(recon::Action action, std::string_view community = "") const;
  // The client's address.
  std::string Address() const { return req.remote_addr; }
  // The area a read or list is limited to: the `community` parameter (which must be the
  // user's), else everything for a user of the whole district, else a user's only area; each
  // checked with Allow(action). InvalidArgument for a user of several areas who named none.
  Result<std::string> Area(recon::Action action) const;
  // Allow(action) somewhere: the whole district for a district user, else the user's first
  // area (for lists of district-wide things, such as imports, every user who may act at all
  // may see).
  Status AllowSomewhere(recon::Action action) const;
  // The date parameter `name` (YYYY-MM-DD), today when it is absent; InvalidArgument naming it.
  Result<Date> DateParam(std::string_view name) const;

  std::vector<std::pair<std::string, std::string>> path_params;
};

enum class Access {
  kPublic,        // anyone (the health check, signing in)
  kUser,          // a signed-in user who has set their own password
  kPasswordOnly,  // a signed-in user, even one who must still change the given password
};

using Handler = std::function<Result<Reply>(Call&)>;

struct Route {
  std::string method;  // "GET", "POST", "PATCH", "DELETE"
  std::string path;    // as in api/openapi.yaml: "/api/v1/items/{id}"
  Access access = Access::kUser;
  Handler handler;
};

// The route table.
class Api {
 public:
  void Add(std::string method, std::string path, Access access, Handler handler);
  const std::vector<Route>& routes() const { return routes_; }

 private:
  std::vector<Route> routes_;
};

// The route groups (each in its own routes_*.cc).
void AddSessionRoutes(Api& api);
void AddUserRoutes(Api& api);
void AddItemRoutes(Api& api);
void AddJobRoutes(Api& api);
void AddRegisterRoutes(Api& api);
void AddReportRoutes(Api& api);

// Every route of the API, added to `api`.
void AddAllRoutes(Api& api);

// Helpers for routes.
// A JSON reply.
inline Reply Json(nlohmann::json body, int status = 200) {
  Reply r;
  r.status = status;
  r.body = std::move(body);
  return r;
}
// JSON text parsed (JSON null when empty; the text itself when it is not JSON).
nlohmann::json ParsedOrNull(const std::string& text);
// The text, or JSON null when it is empty.
inline nlohmann::json OrNull(const std::string& text) {
  return text.empty() ? nlohmann::json() : nlohmann::json(text);
}
// The user as the API shows it (never the password hash).
nlohmann::json UserJson(const store::User& u);
// Reads a JSON field of `body`: the string, or InvalidArgument naming the field when it is
// missing (if required) or not a string.
Result<std::string> StringField(const nlohmann::json& body, std::string_view name,
                                bool required = true);
// Appends an audit-log entry (who, action, object, details as JSON) in its own transaction.
Status AuditAs(store::Store& store, std::string_view who, std::string_view action,
               std::string_view object, const nlohmann::json& details);
// An integer query parameter with bounds; InvalidArgument naming it when not a number in range.
Result<int64_t> IntQuery(const Call& call, std::string_view name, int64_t fallback, int64_t min,
                         int64_t max);
// The query parameter `name` as a probability (a decimal from 0 to 1), nullopt when absent or
// empty; InvalidArgument naming it otherwise.
Result<std::optional<double>> ProbabilityQuery(const Call& call, std::string_view name);

}  // namespace popreg::server
