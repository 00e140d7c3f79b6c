// Signed-in sessions, held by the server process (a restart signs everyone out, which an office
// server restarted at night may well want). A session id is 256 random bits (libsodium), given
// to the browser once in an HttpOnly cookie and kept here only as its SHA-256, so that a dump
// of the server's memory or logs never yields a usable id. Each session has its own CSRF token
// (another 256 random bits) that every state-changing request must echo in X-CSRF-Token.
//
// A session ends after `idle` without a request, after `absolute` whatever happens, when its
// user signs out, or when they sign out everywhere. Thread-safe.
#pragma once

#include <chrono>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/thread_annotations.h"

namespace popreg::server {

struct Session {
  std::string login;
  std::string csrf_token;
  std::string address;     // the client's address at sign-in
  std::string created_at;  // ISO 8601 UTC, for the user's list of sessions
  std::chrono::steady_clock::time_point created, last_seen;
};

class SessionTable {
 public:
  using Clock = std::function<std::chrono::steady_clock::time_point()>;
  // `clock` defaults to steady_clock::now.
  SessionTable(std::chrono::seconds idle, std::chrono::seconds absolute, Clock clock = {});

  // A new session of `login`; returns the id to put in the cookie (base64url, 43 characters).
  std::string Create(std::string_view login, std::string_view address, std::string_view created_at);

  // The live session of `id`, its last_seen moved to now; nullopt when unknown or expired (an
  // expired session is removed).
  std::optional<Session> Touch(std::string_view id);

  // Ends one session (no-op when unknown).
  void End(std::string_view id);
  // Ends every session of `login`; returns how many.
  int EndAllOf(std::string_view login);
  // The live sessions of `login` (for "signed in elsewhere").
  int CountOf(std::string_view login);

  std::chrono::seconds idle() const { return idle_; }
  std::chrono::seconds absolute() const { return absolute_; }

 private:
  bool Expired(const Session& s, std::chrono::steady_clock::time_point now) const;

  const std::chrono::seconds idle_, absolute_;
  const Clock clock_;
  std::mutex mu_;
  std::map<std::string, Session> by_hash_
      POPREG_GUARDED_BY(mu_);  // SHA-256 hex of the id -> session
};

// 32 random bytes as unpadded base64url.
std::string RandomToken();
// Lower-case hex SHA-256 of `text`.
std::string Sha256Hex(std::string_view text);
// Equal in time independent of where they differ (for secrets).
bool ConstantTimeEqual(std::string_view a, std::string_view b);

}  // namespace popreg::server
