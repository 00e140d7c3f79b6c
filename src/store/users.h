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
};

// Adds a user with this password (at least 8 characters). A login already taken is
// AlreadyExists; an unknown role, an empty login or area list (without all_areas), or an area
// code the store does not know (when it has areas) is InvalidArgument. `by` is who did it.
Status AddUser(Store& store, const User& user, std::string_view password, std::string_view by);
// Every user, by login.
Result<std::vector<User>> ListUsers(Store& store);
// The user, or nullopt.
Result<std::optional<User>> FindUser(Store& store, std::string_view login);
// The number of users (0 for a store made before users existed).
Result<int64_t> CountUsers(Store& store);
// Disables or enables a user (a disabled user can do nothing). NotFound for an unknown login.
Status SetUserDisabled(Store& store, std::string_view login, bool disabled, std::string_view by);
// Sets a new password (at least 8 characters).
Status SetUserPassword(Store& store, std::string_view login, std::string_view password,
                       std::string_view by);
// True when `password` is the user's (a disabled or unknown user never matches). Slow on
// purpose (Argon2id): for signing in, not for loops.
Result<bool> CheckUserPassword(Store& store, std::string_view login, std::string_view password);

}  // namespace popreg::store
