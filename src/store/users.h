// The users of a store: who they are, their role and the areas they work in, their password as
// an Argon2id hash (libsodium's crypto_pwhash_str; no password is ever stored or logged in
// clear). What a role may do is recon/policy.h's business, not the store's. Every change is
// written to the audit log in the same transaction.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "store/store.h"

namespace popreg::store {

// The roles, in the order the documentation lists them (docs/review.md).
inline constexpr std::string_view kRoles[] = {"admin", "reviewer", "community",
                                              "clerk", "viewer",   "auditor"};
bool IsRole(std::string_view role);

struct User {
  int64_t id = 0;  // set by the store
  std::string login;
  std::string display_name;
  std::string role;  // one of kRoles
  // The whole district, or only `areas`: area codes (a township covers its communities).
  bool all_areas = false;
  std::vector<std::string> areas;
  bool disabled = false;
  std::string created_at;  // set by the store
  // Set by the store (schema 5): the password was given by someone else (AddUser, or an admin's
  // SetUserPassword), so the user must choose their own (SetOwnPassword) before anything else.
  bool must_change_password = false;
  // Sign-in bookkeeping (RecordLoginFailure): failed sign-ins since the last success or lock,
  // and the instant (ISO 8601 UTC) until which the account is locked; "" = not locked.
  int64_t failed_logins = 0;
  std::string locked_until;
};

// Adds a user with this password (at least 8 characters); the user must change it at their
// first sign-in (must_change_password; `user.must_change_password` is not read). A login
// already taken is AlreadyExists; an unknown role, an empty login or area list (without
// all_areas), or an area code the store does not know (when it has areas) is InvalidArgument.
// `by` is who did it.
Status AddUser(Store& store, const User& user, std::string_view password, std::string_view by);
// Every user, by login.
Result<std::vector<User>> ListUsers(Store& store);
// The user, or nullopt.
Result<std::optional<User>> FindUser(Store& store, std::string_view login);
// The number of users (0 for a store made before users existed).
Result<int64_t> CountUsers(Store& store);
// Disables or enables a user (a disabled user can do nothing). NotFound for an unknown login.
Status SetUserDisabled(Store& store, std::string_view login, bool disabled, std::string_view by);
// Sets a new password (at least 8 characters) given by `by`. When `by` is someone else (an admin
// setting another user's password) the user must change it (must_change_password); when `by` is
// the user, the flag is cleared, as SetOwnPassword does. NotFound for an unknown login.
Status SetUserPassword(Store& store, std::string_view login, std::string_view password,
                       std::string_view by);
// The user sets their own password (at least 8 characters): clears must_change_password. The
// caller has checked who they are (CheckUserPassword with the old password, or a session).
Status SetOwnPassword(Store& store, std::string_view login, std::string_view password);
// True when `password` is the user's (a disabled or unknown user never matches). Slow on
// purpose (Argon2id): for signing in, not for loops. It does not look at lockout: the caller
// refuses a locked account (User::locked_until after now) before asking, and records the
// outcome with RecordLoginFailure or ClearLoginFailures.
Result<bool> CheckUserPassword(Store& store, std::string_view login, std::string_view password);

// What RecordLoginFailure did.
struct LoginFailure {
  int64_t failed_logins = 0;  // failures counted now (0 again once the account is locked)
  bool locked = false;        // this failure locked the account
  std::string locked_until;   // until when (ISO 8601 UTC), when locked
};

// Counts a failed sign-in of `login` at `now` (an ISO 8601 instant, as ParseInstant reads it;
// the server's clock). The max_failures-th failure in a row locks the account until now +
// lock_minutes, writes an audit entry (action user.locked, by the user) and starts the count
// again. NotFound for an unknown login (the caller says the same to the person as for a wrong
// password); InvalidArgument for a `now` that is not an instant or limits below 1.
Result<LoginFailure> RecordLoginFailure(Store& store, std::string_view login, std::string_view now,
                                        int max_failures = 5, int lock_minutes = 15);
// After a successful sign-in: the failure count back to 0 and no lock. NotFound for an unknown
// login.
Status ClearLoginFailures(Store& store, std::string_view login);

}  // namespace popreg::store
