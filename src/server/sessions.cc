#include "server/sessions.h"

#include <sodium.h>

#include <cstdlib>

namespace popreg::server {

std::string RandomToken() {
  // sodium_init is idempotent and thread-safe; a failure means no usable randomness at all, and
  // a session id without it would be guessable, so the process stops rather than go on.
  if (sodium_init() < 0) std::abort();
  unsigned char bytes[32];
  randombytes_buf(bytes, sizeof bytes);
  char out[sodium_base64_ENCODED_LEN(32, sodium_base64_VARIANT_URLSAFE_NO_PADDING)];
  sodium_bin2base64(out, sizeof out, bytes, sizeof bytes, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
  return out;
}

std::string Sha256Hex(std::string_view text) {
  unsigned char digest[crypto_hash_sha256_BYTES];
  crypto_hash_sha256(digest, reinterpret_cast<const unsigned char*>(text.data()), text.size());
  char hex[crypto_hash_sha256_BYTES * 2 + 1];
  sodium_bin2hex(hex, sizeof hex, digest, sizeof digest);
  return hex;
}

bool ConstantTimeEqual(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  return a.empty() || sodium_memcmp(a.data(), b.data(), a.size()) == 0;
}

SessionTable::SessionTable(std::chrono::seconds idle, std::chrono::seconds absolute, Clock clock)
    : idle_(idle),
      absolute_(absolute),
      clock_(clock ? std::move(clock) : Clock([] { return std::chrono::steady_clock::now(); })) {}

bool SessionTable::Expired(const Session& s, std::chrono::steady_clock::time_point now) const {
  return now - s.last_seen >= idle_ || now - s.created >= absolute_;
}

std::string SessionTable::Create(std::string_view login, std::string_view address,
                                 std::string_view created_at) {
  std::string id = RandomToken();
  Session s;
  s.login = login;
  s.csrf_token = RandomToken();
  s.address = address;
  s.created_at = created_at;
  s.created = s.last_seen = clock_();
  std::lock_guard lock(mu_);
  // Expired sessions are dropped here too, so that the table stays as small as the live ones.
  for (auto it = by_hash_.begin(); it != by_hash_.end();) {
    it = Expired(it->second, s.created) ? by_hash_.erase(it) : std::next(it);
  }
  by_hash_[Sha256Hex(id)] = std::move(s);
  return id;
}

std::optional<Session> SessionTable::Touch(std::string_view id) {
  if (id.empty()) return std::nullopt;
  const std::string key = Sha256Hex(id);
  const auto now = clock_();
  std::lock_guard lock(mu_);
  auto it = by_hash_.find(key);
  if (it == by_hash_.end()) return std::nullopt;
  if (Expired(it->second, now)) {
    by_hash_.erase(it);
    return std::nullopt;
  }
  it->second.last_seen = now;
  return it->second;
}

void SessionTable::End(std::string_view id) {
  const std::string key = Sha256Hex(id);
  std::lock_guard lock(mu_);
  by_hash_.erase(key);
}

int SessionTable::EndAllOf(std::string_view login) {
  std::lock_guard lock(mu_);
  int n = 0;
  for (auto it = by_hash_.begin(); it != by_hash_.end();) {
    if (it->second.login == login) {
      it = by_hash_.erase(it);
      ++n;
    } else {
      ++it;
    }
  }
  return n;
}

int SessionTable::CountOf(std::string_view login) {
  const auto now = clock_();
  std::lock_guard lock(mu_);
  int n = 0;
  for (const auto& [key, s] : by_hash_) n += s.login == login && !Expired(s, now);
  return n;
}

}  // namespace popreg::server
