#include "store/users.h"

#include <sodium.h>

#include <algorithm>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "base/env.h"
#include "store/common_store.h"
#include "store/sql.h"

namespace popreg::store {
namespace {

constexpr size_t kMinPasswordLength = 8;

Status CheckPassword(std::string_view password) {
  if (password.size() < kMinPasswordLength) {
    return InvalidArgument("a password needs at least " + std::to_string(kMinPasswordLength) +
                           " characters");
  }
  return Status();
}

// Argon2id (RFC 9106) through libsodium, with its "interactive" limits: about 64 MiB and a
// tenth of a second on an office PC, which is what a sign-in can afford.
Result<std::string> HashPassword(std::string_view password) {
  if (sodium_init() < 0) return Internal("libsodium could not be initialised");
  char out[crypto_pwhash_STRBYTES];
  if (crypto_pwhash_str_alg(out, password.data(), password.size(),
                            crypto_pwhash_OPSLIMIT_INTERACTIVE, crypto_pwhash_MEMLIMIT_INTERACTIVE,
                            crypto_pwhash_ALG_ARGON2ID13) != 0) {
    return ResourceExhausted("hashing a password: out of memory");
  }
  return std::string(out);
}

bool Truthy(std::string_view v) { return v == "1" || v == "t" || v == "true"; }

Result<std::vector<User>> SelectUsers(sql::Session& s, std::string_view login) {
  ASSIGN_OR_RETURN(sql::Rows r,
                   s.Query("reading users",
                           "SELECT id, login, display_name, role, all_areas, disabled, "
                           "created_at, must_change_password, failed_logins, locked_until FROM "
                           "users WHERE CAST(?1 AS TEXT) = '' OR login = ?1 ORDER BY login",
                           {std::string(login)}));
  ASSIGN_OR_RETURN(sql::Rows a, s.Query("reading the areas of users",
                                        "SELECT user_id, area_code FROM user_areas ORDER BY "
                                        "user_id, area_code"));
  std::vector<User> out;
  for (size_t i = 0; i < r.size(); ++i) {
    User u;
    u.id = r.Int(i, 0);
    u.login = r.String(i, 1);
    u.display_name = r.String(i, 2);
    u.role = r.String(i, 3);
    u.all_areas = Truthy(r.Text(i, 4));
    u.disabled = Truthy(r.Text(i, 5));
    u.created_at = r.String(i, 6);
    u.must_change_password = Truthy(r.Text(i, 7));
    u.failed_logins = r.Int(i, 8);
    u.locked_until = r.String(i, 9);
    for (size_t j = 0; j < a.size(); ++j) {
      if (a.Int(j, 0) == u.id) u.areas.push_back(a.String(j, 1));
    }
    out.push_back(std::move(u));
  }
  return out;
}

Result<int64_t> UserId(sql::Session& s, std::string_view login) {
  ASSIGN_OR_RETURN(sql::Rows r,
                   s.Query("reading user " + std::string(login),
                           "SELECT id FROM users WHERE login = ?1", {std::string(login)}));
  if (r.empty()) {
    return NotFound("store " + s.location() + ": there is no user '" + std::string(login) + "'");
  }
  return r.Int(0, 0);
}

Status Audit(sql::Session& s, std::string_view by, std::string_view action, std::string_view login,
             const nlohmann::ordered_json& details) {
  return InsertAudit(s, AuditEntry{std::string(by), "", std::string(action),
                                   "user " + std::string(login), details.dump()})
      .status();
}

}  // namespace

bool IsRole(std::string_view role) {
  return std::find(std::begin(kRoles), std::end(kRoles), role) != std::end(kRoles);
}

Status AddUser(Store& store, const User& user, std::string_view password, std::string_view by) {
  if (user.login.empty() || user.login.find_first_of(" \t\r\n") != std::string::npos) {
    return InvalidArgument("a login must be one word, not '" + user.login + "'");
  }
  if (!IsRole(user.role)) {
    return InvalidArgument("unknown role '" + user.role +
                           "' (admin, reviewer, community, clerk, viewer or auditor)");
  }
  if (!user.all_areas && user.areas.empty()) {
    return InvalidArgument("user " + user.login +
                           ": give the areas the user works in, or the whole district");
  }
  RETURN_IF_ERROR(CheckPassword(password));
  ASSIGN_OR_RETURN(std::string hash, HashPassword(password));
  return store.Write("adding user " + user.login, [&](sql::Session& s) -> Status {
    ASSIGN_OR_RETURN(sql::Rows taken,
                     s.Query("reading user " + user.login, "SELECT 1 FROM users WHERE login = ?1",
                             {user.login}));
    if (!taken.empty()) {
      return AlreadyExists("store " + s.location() + ": user '" + user.login + "' exists");
    }
    ASSIGN_OR_RETURN(sql::Rows known, s.Query("counting areas", "SELECT count(*) FROM areas"));
    for (const std::string& code : user.areas) {
      if (known.Int(0, 0) == 0) break;  // a store without areas yet takes any code
      ASSIGN_OR_RETURN(sql::Rows a, s.Query("reading area " + code,
                                            "SELECT 1 FROM areas WHERE code = ?1", {code}));
      if (a.empty()) {
        return InvalidArgument("user " + user.login + ": area " + code +
                               " is not among the store's areas");
      }
    }
    ASSIGN_OR_RETURN(int64_t id, NextId(s, "users"));
    ASSIGN_OR_RETURN(std::string now, s.Now());
    RETURN_IF_ERROR(
        s.Exec("adding user " + user.login,
               "INSERT INTO users (id, login, display_name, role, password_hash, "
               "created_at, disabled, all_areas, must_change_password) VALUES (?1, "
               "?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
               {id, user.login, user.display_name, user.role, hash, now,
                int64_t{user.disabled ? 1 : 0}, int64_t{user.all_areas ? 1 : 0}, int64_t{1}})
            .status());
    for (const std::string& code : user.areas) {
      RETURN_IF_ERROR(s.Exec("adding an area of user " + user.login,
                             "INSERT INTO user_areas (user_id, area_code) VALUES (?1, ?2)",
                             {id, code})
                          .status());
    }
    return Audit(s, by, "user.add", user.login,
                 {{"role", user.role},
                  {"all_areas", user.all_areas},
                  {"areas", user.areas},
                  {"display_name", user.display_name}});
  });
}

Result<std::vector<User>> ListUsers(Store& store) {
  std::vector<User> out;
  RETURN_IF_ERROR(store.Read("listing users", [&](sql::Session& s) -> Status {
    ASSIGN_OR_RETURN(out, SelectUsers(s, ""));
    return Status();
  }));
  return out;
}

Result<std::optional<User>> FindUser(Store& store, std::string_view login) {
  std::optional<User> out;
  if (login.empty()) return out;
  RETURN_IF_ERROR(store.Read("reading a user", [&](sql::Session& s) -> Status {
    ASSIGN_OR_RETURN(std::vector<User> users, SelectUsers(s, login));
    if (!users.empty()) out = std::move(users.front());
    return Status();
  }));
  return out;
}

Result<int64_t> CountUsers(Store& store) {
  int64_t n = 0;
  RETURN_IF_ERROR(store.Read("counting users", [&](sql::Session& s) -> Status {
    ASSIGN_OR_RETURN(sql::Rows r, s.Query("counting users", "SELECT count(*) FROM users"));
    n = r.Int(0, 0);
    return Status();
  }));
  return n;
}

Status SetUserDisabled(Store& store, std::string_view login, bool disabled, std::string_view by) {
  const std::string what =
      std::string(disabled ? "disabling" : "enabling") + " user " + std::string(login);
  return store.Write(what, [&](sql::Session& s) -> Status {
    ASSIGN_OR_RETURN(int64_t id, UserId(s, login));
    RETURN_IF_ERROR(s.Exec(what, "UPDATE users SET disabled = ?2 WHERE id = ?1",
                           {id, int64_t{disabled ? 1 : 0}})
                        .status());
    return Audit(s, by, disabled ? "user.disable" : "user.enable", login,
                 nlohmann::ordered_json::object());
  });
}

namespace {

// Sets the password of `login`, and whether they must change it; audited as done by `by`.
Status SetPassword(Store& store, std::string_view login, std::string_view password,
                   std::string_view by, bool must_change) {
  RETURN_IF_ERROR(CheckPassword(password));
  ASSIGN_OR_RETURN(std::string hash, HashPassword(password));
  const std::string what = "setting the password of user " + std::string(login);
  return store.Write(what, [&](sql::Session& s) -> Status {
    ASSIGN_OR_RETURN(int64_t id, UserId(s, login));
    RETURN_IF_ERROR(s.Exec(what,
                           "UPDATE users SET password_hash = ?2, must_change_password = ?3 WHERE "
                           "id = ?1",
                           {id, hash, int64_t{must_change ? 1 : 0}})
                        .status());
    return Audit(s, by, "user.password", login, {{"must_change_password", must_change}});
  });
}

}  // namespace

Status SetUserPassword(Store& store, std::string_view login, std::string_view password,
                       std::string_view by) {
  return SetPassword(store, login, password, by, /*must_change=*/by != login);
}

Status SetOwnPassword(Store& store, std::string_view login, std::string_view password) {
  return SetPassword(store, login, password, login, /*must_change=*/false);
}

Result<bool> CheckUserPassword(Store& store, std::string_view login, std::string_view password) {
  std::string hash;
  bool disabled = true;
  RETURN_IF_ERROR(store.Read("reading a user", [&](sql::Session& s) -> Status {
    ASSIGN_OR_RETURN(sql::Rows r, s.Query("reading user " + std::string(login),
                                          "SELECT password_hash, disabled FROM users WHERE "
                                          "login = ?1",
                                          {std::string(login)}));
    if (!r.empty()) {
      hash = r.String(0, 0);
      disabled = Truthy(r.Text(0, 1));
    }
    return Status();
  }));
  if (hash.empty() || disabled) return false;
  if (sodium_init() < 0) return Internal("libsodium could not be initialised");
  return crypto_pwhash_str_verify(hash.c_str(), password.data(), password.size()) == 0;
}

Result<LoginFailure> RecordLoginFailure(Store& store, std::string_view login, std::string_view now,
                                        int max_failures, int lock_minutes) {
  const std::optional<int64_t> now_ms = ParseInstant(now);
  if (!now_ms) return InvalidArgument(std::string(now) + " is not an instant");
  if (max_failures < 1 || lock_minutes < 1) {
    return InvalidArgument("a lockout needs at least one failure and one minute");
  }
  LoginFailure out;
  const std::string what = "counting a failed sign-in of user " + std::string(login);
  RETURN_IF_ERROR(store.Write(what, [&](sql::Session& s) -> Status {
    ASSIGN_OR_RETURN(sql::Rows r, s.Query("reading user " + std::string(login),
                                          "SELECT id, failed_logins FROM users WHERE login = ?1",
                                          {std::string(login)}));
    if (r.empty()) {
      return NotFound("store " + s.location() + ": there is no user '" + std::string(login) + "'");
    }
    const int64_t id = r.Int(0, 0);
    out.failed_logins = r.Int(0, 1) + 1;
    if (out.failed_logins < max_failures) {
      return s
          .Exec(what, "UPDATE users SET failed_logins = ?2 WHERE id = ?1", {id, out.failed_logins})
          .status();
    }
    out.locked = true;
    out.locked_until = FormatInstant(*now_ms + int64_t{lock_minutes} * 60 * 1000);
    out.failed_logins = 0;
    RETURN_IF_ERROR(s.Exec("locking user " + std::string(login),
                           "UPDATE users SET failed_logins = 0, locked_until = ?2 WHERE id = ?1",
                           {id, out.locked_until})
                        .status());
    return Audit(s, login, "user.locked", login,
                 {{"failures", max_failures}, {"locked_until", out.locked_until}});
  }));
  return out;
}

Status ClearLoginFailures(Store& store, std::string_view login) {
  const std::string what = "clearing the failed sign-ins of user " + std::string(login);
  return store.Write(what, [&](sql::Session& s) -> Status {
    ASSIGN_OR_RETURN(int64_t id, UserId(s, login));
    return s
        .Exec(what,
              "UPDATE users SET failed_logins = 0, locked_until = '' WHERE id = ?1 AND "
              "(failed_logins <> 0 OR locked_until <> '')",
              {id})
        .status();
  });
}

}  // namespace popreg::store
