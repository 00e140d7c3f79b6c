// Signing in and out, the signed-in user, changing one's own password, and the health check.
//
// Signing in: the address's rate limit first, then the account's lockout (a locked account is
// refused without looking at the password, so guessing on goes nowhere), then the password
// (Argon2id, store/users.h). A failure says only "wrong login or password", whichever was
// wrong, and is counted against the account (5 in a row lock it for 15 minutes) and audited.
#include <optional>
#include <string>

#include "base/env.h"
#include "server/api.h"
#include "store/store.h"

namespace popreg::server {
namespace {

constexpr int kMaxFailures = 5;
constexpr int kLockMinutes = 15;

std::string SessionCookie(const Call& call, const std::string& value, bool expire) {
  std::string c = "popreg_session=" + value + "; Path=/; HttpOnly; SameSite=Strict";
  if (call.server.tls) c += "; Secure";
  if (expire) c += "; Max-Age=0";
  return c;
}

nlohmann::json SessionJson(const Call& call, const store::User& user, const Session& s) {
  return {{"user", UserJson(user)},
          {"csrf_token", s.csrf_token},
          {"must_change_password", user.must_change_password},
          {"signed_in_at", s.created_at},
          {"idle_timeout_seconds", call.server.sessions.idle().count()},
          {"absolute_timeout_seconds", call.server.sessions.absolute().count()}};
}

// A refused sign-in with what a page needs to say when to try again, as fields rather than only
// in words: details.locked_until (ISO 8601 UTC) or details.retry_after_seconds, and for a wait a
// Retry-After header.
Reply Refused(const Call& call, const Status& why, nlohmann::json details,
              std::optional<int> retry_after) {
  if (retry_after) details["retry_after_seconds"] = *retry_after;
  Reply r = Json(ErrorBody(why, call.lang, nullptr, details), HttpStatus(why.code()));
  if (retry_after) r.headers.emplace_back("Retry-After", std::to_string(*retry_after));
  return r;
}

Result<Reply> SignIn(Call& call) {
  ASSIGN_OR_RETURN(nlohmann::json body, call.Body());
  ASSIGN_OR_RETURN(std::string login, StringField(body, "login"));
  ASSIGN_OR_RETURN(std::string password, StringField(body, "password"));
  const nlohmann::json where = {{"address", call.Address()}};
  int retry = 0;
  if (!call.server.sign_ins.Allow(call.Address(), &retry)) {
    RETURN_IF_ERROR(AuditAs(call.store, login, "session.sign_in_refused", "user " + login,
                            {{"address", call.Address()}, {"why", "rate limit"}}));
    return Refused(
        call,
        Status(ErrorCode::kResourceExhausted, "too many sign-in attempts from " + call.Address() +
                                                  "; retry in " + std::to_string(retry) + " s"),
        nlohmann::json::object(), retry);
  }
  const std::string now = Env::Default().NowIso();
  ASSIGN_OR_RETURN(std::optional<store::User> user, store::FindUser(call.store, login));
  const std::optional<int64_t> locked_until =
      user ? ParseInstant(user->locked_until) : std::nullopt;
  if (locked_until && *locked_until > *ParseInstant(now)) {
    RETURN_IF_ERROR(AuditAs(call.store, login, "session.sign_in_refused", "user " + login,
                            {{"address", call.Address()}, {"why", "locked"}}));
    const int64_t wait_ms = *locked_until - *ParseInstant(now);
    return Refused(
        call,
        Status(ErrorCode::kResourceExhausted, "the account " + login + " is locked after " +
                                                  std::to_string(kMaxFailures) +
                                                  " failed sign-ins until " + user->locked_until),
        {{"locked_until", user->locked_until}}, static_cast<int>((wait_ms + 999) / 1000));
  }
  ASSIGN_OR_RETURN(bool good, store::CheckUserPassword(call.store, login, password));
  if (!good) {
    nlohmann::json details = where;
    if (user) {
      ASSIGN_OR_RETURN(
          store::LoginFailure lock,
          store::RecordLoginFailure(call.store, login, now, kMaxFailures, kLockMinutes));
      if (lock.locked) details["locked_until"] = lock.locked_until;
    }
    RETURN_IF_ERROR(AuditAs(call.store, login, "session.sign_in_failed", "user " + login, details));
    // The failure that locks the account says so (and until when); the others do not say
    // whether the login exists.
    nlohmann::json told = nlohmann::json::object();
    if (details.contains("locked_until")) told["locked_until"] = details["locked_until"];
    return Refused(call, Status(ErrorCode::kUnauthenticated, "wrong login or password"), told,
                   std::nullopt);
  }
  RETURN_IF_ERROR(store::ClearLoginFailures(call.store, login));
  const std::string id = call.server.sessions.Create(login, call.Address(), now);
  RETURN_IF_ERROR(AuditAs(call.store, login, "session.sign_in", "user " + login, where));
  std::optional<Session> s = call.server.sessions.Touch(id);
  Reply r = Json(SessionJson(call, *user, *s), 201);
  r.headers.emplace_back("Set-Cookie", SessionCookie(call, id, false));
  return r;
}

Result<Reply> Me(Call& call) { return Json(SessionJson(call, call.Me(), *call.session)); }

Result<Reply> SignOut(Call& call) {
  call.server.sessions.End(call.session_id);
  RETURN_IF_ERROR(AuditAs(call.store, call.Me().login, "session.sign_out",
                          "user " + call.Me().login, {{"address", call.Address()}}));
  Reply r;
  r.status = 204;
  r.headers.emplace_back("Set-Cookie", SessionCookie(call, "", true));
  return r;
}

Result<Reply> SignOutEverywhere(Call& call) {
  const int ended = call.server.sessions.EndAllOf(call.Me().login);
  RETURN_IF_ERROR(AuditAs(call.store, call.Me().login, "session.sign_out_everywhere",
                          "user " + call.Me().login,
                          {{"address", call.Address()}, {"sessions", ended}}));
  Reply r = Json({{"sessions_ended", ended}});
  r.headers.emplace_back("Set-Cookie", SessionCookie(call, "", true));
  return r;
}

// The user's own password: the present one, then the new one (the store checks its strength).
// Every other session of the user ends; this one goes on.
Result<Reply> ChangePassword(Call& call) {
  ASSIGN_OR_RETURN(nlohmann::json body, call.Body());
  ASSIGN_OR_RETURN(std::string current, StringField(body, "current_password"));
  ASSIGN_OR_RETURN(std::string next, StringField(body, "new_password"));
  const std::string& login = call.Me().login;
  ASSIGN_OR_RETURN(bool good, store::CheckUserPassword(call.store, login, current));
  if (!good) return PermissionDenied("the present password is wrong");
  if (next == current) return InvalidArgument("the new password is the present one");
  RETURN_IF_ERROR(recon::CheckPasswordStrength(next));
  RETURN_IF_ERROR(store::SetOwnPassword(call.store, login, next));
  call.server.sessions.EndAllOf(login);
  const std::string id =
      call.server.sessions.Create(login, call.Address(), Env::Default().NowIso());
  ASSIGN_OR_RETURN(std::optional<store::User> user, store::FindUser(call.store, login));
  std::optional<Session> s = call.server.sessions.Touch(id);
  Reply r = Json(SessionJson(call, *user, *s));
  r.headers.emplace_back("Set-Cookie", SessionCookie(call, id, false));
  return r;
}

Result<Reply> Health(Call& call) {
  ASSIGN_OR_RETURN(int version, call.store.SchemaVersion());
  return Json({{"status", "ok"}, {"version", POPREG_VERSION}, {"schema", version}});
}

}  // namespace

void AddSessionRoutes(Api& api) {
  api.Add("GET", "/api/v1/health", Access::kPublic, Health);
  api.Add("POST", "/api/v1/session", Access::kPublic, SignIn);
  api.Add("GET", "/api/v1/session", Access::kPasswordOnly, Me);
  api.Add("DELETE", "/api/v1/session", Access::kPasswordOnly, SignOut);
  api.Add("DELETE", "/api/v1/sessions", Access::kPasswordOnly, SignOutEverywhere);
  api.Add("POST", "/api/v1/session/password", Access::kPasswordOnly, ChangePassword);
}

}  // namespace popreg::server
