// Users (the admin's) and the audit log (the auditor's): three separate duties, as
// recon/policy.h decides — the admin manages users and cannot read the log, the auditor reads
// it and cannot change users.
#include <string>

#include "server/api.h"
#include "store/audit.h"
#include "store/users.h"

namespace popreg::server {
namespace {

Result<Reply> ListUsersRoute(Call& call) {
  RETURN_IF_ERROR(call.Allow(recon::Action::kManageUsers));
  ASSIGN_OR_RETURN(std::vector<store::User> users, store::ListUsers(call.store));
  nlohmann::json out = nlohmann::json::array();
  for (const store::User& u : users) out.push_back(UserJson(u));
  return Json({{"users", std::move(out)}});
}

Result<Reply> AddUserRoute(Call& call) {
  RETURN_IF_ERROR(call.Allow(recon::Action::kManageUsers));
  ASSIGN_OR_RETURN(nlohmann::json body, call.Body());
  store::User u;
  ASSIGN_OR_RETURN(u.login, StringField(body, "login"));
  ASSIGN_OR_RETURN(u.display_name, StringField(body, "display_name", false));
  ASSIGN_OR_RETURN(u.role, StringField(body, "role"));
  ASSIGN_OR_RETURN(std::string password, StringField(body, "password"));
  if (auto it = body.find("all_areas"); it != body.end() && !it->is_null()) {
    if (!it->is_boolean()) return InvalidArgument("the field all_areas is not true or false");
    u.all_areas = it->get<bool>();
  }
  if (auto it = body.find("areas"); it != body.end() && !it->is_null()) {
    if (!it->is_array()) return InvalidArgument("the field areas is not a list of area codes");
    for (const nlohmann::json& a : *it) {
      if (!a.is_string()) return InvalidArgument("the field areas holds a value that is not text");
      u.areas.push_back(a.get<std::string>());
    }
  }
  RETURN_IF_ERROR(recon::CheckPasswordStrength(password));
  RETURN_IF_ERROR(store::AddUser(call.store, u, password, call.Me().login));
  ASSIGN_OR_RETURN(std::optional<store::User> added, store::FindUser(call.store, u.login));
  return Json(UserJson(*added), 201);
}

// Disable or enable a user, or give them a new password (which they must change at their next
// sign-in). Disabling ends the user's sessions at once.
Result<Reply> ChangeUserRoute(Call& call) {
  RETURN_IF_ERROR(call.Allow(recon::Action::kManageUsers));
  const std::string& login = call.Path("login");
  ASSIGN_OR_RETURN(nlohmann::json body, call.Body());
  ASSIGN_OR_RETURN(std::optional<store::User> user, store::FindUser(call.store, login));
  if (!user) return NotFound("user " + login);
  bool changed = false;
  if (auto it = body.find("disabled"); it != body.end() && !it->is_null()) {
    if (!it->is_boolean()) return InvalidArgument("the field disabled is not true or false");
    if (login == call.Me().login && it->get<bool>()) {
      return FailedPrecondition("an admin cannot disable their own account");
    }
    RETURN_IF_ERROR(store::SetUserDisabled(call.store, login, it->get<bool>(), call.Me().login));
    if (it->get<bool>()) call.server.sessions.EndAllOf(login);
    changed = true;
  }
  ASSIGN_OR_RETURN(std::string password, StringField(body, "password", false));
  if (!password.empty()) {
    RETURN_IF_ERROR(recon::CheckPasswordStrength(password));
    RETURN_IF_ERROR(store::SetUserPassword(call.store, login, password, call.Me().login));
    call.server.sessions.EndAllOf(login);
    changed = true;
  }
  if (!changed) return InvalidArgument("nothing to change: give disabled or password");
  ASSIGN_OR_RETURN(user, store::FindUser(call.store, login));
  return Json(UserJson(*user));
}

nlohmann::json AuditJson(const store::AuditRecord& r) {
  nlohmann::json details = nlohmann::json::parse(
      r.entry.details_json.empty() ? "{}" : r.entry.details_json, nullptr, false);
  if (details.is_discarded()) details = r.entry.details_json;
  return {{"id", r.id},
          {"who", r.entry.who},
          {"at", r.entry.at},
          {"action", r.entry.action},
          {"object", r.entry.object},
          {"details", details},
          {"prev_hash", r.prev_hash},
          {"hash", r.hash}};
}

Result<Reply> AuditRoute(Call& call) {
  RETURN_IF_ERROR(call.Allow(recon::Action::kReadAudit));
  store::AuditFilter f;
  f.since = call.Query("since").value_or("");
  f.until = call.Query("until").value_or("");
  f.who = call.Query("who").value_or("");
  f.action = call.Query("action").value_or("");
  ASSIGN_OR_RETURN(f.after_id, IntQuery(call, "after", 0, 0, INT64_MAX));
  ASSIGN_OR_RETURN(f.limit, IntQuery(call, "limit", 100, 1, 1000));
  const std::string order = call.Query("order").value_or("desc");
  if (order != "asc" && order != "desc") return InvalidArgument("order is asc or desc");
  f.newest_first = order == "desc";
  ASSIGN_OR_RETURN(std::vector<store::AuditRecord> rows, store::ListAuditPage(call.store, f));
  nlohmann::json out = nlohmann::json::array();
  for (const store::AuditRecord& r : rows) out.push_back(AuditJson(r));
  nlohmann::json body = {{"entries", std::move(out)}};
  body["next"] = static_cast<int64_t>(rows.size()) == f.limit ? nlohmann::json(rows.back().id)
                                                              : nlohmann::json();
  return Json(std::move(body));
}

Result<Reply> AuditVerifyRoute(Call& call) {
  RETURN_IF_ERROR(call.Allow(recon::Action::kReadAudit));
  ASSIGN_OR_RETURN(store::AuditChainCheck check, store::VerifyAuditChain(call.store));
  nlohmann::json body = {{"rows", check.rows}, {"intact", check.intact()}};
  if (!check.intact()) {
    body["first_broken_id"] = check.broken_id;
    body["why"] = check.why;
  }
  return Json(std::move(body));
}

}  // namespace

void AddUserRoutes(Api& api) {
  api.Add("GET", "/api/v1/users", Access::kUser, ListUsersRoute);
  api.Add("POST", "/api/v1/users", Access::kUser, AddUserRoute);
  api.Add("PATCH", "/api/v1/users/{login}", Access::kUser, ChangeUserRoute);
  api.Add("GET", "/api/v1/audit", Access::kUser, AuditRoute);
  api.Add("GET", "/api/v1/audit/verify", Access::kUser, AuditVerifyRoute);
}

}  // namespace popreg::server
