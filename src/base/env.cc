#include "base/env.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <limits>
#include <random>
#include <system_error>

namespace popreg {
namespace {

// Floating-point note: the functions below are bit-identical across platforms as long as double
// arithmetic is IEEE-754 binary64 with round-to-nearest and no fused multiply-add contraction.
// That holds for x86-64 (SSE2) and AArch64 compilers in ISO mode (-std=c++20, not gnu++20, which
// implies -ffp-contract=off for GCC). std::log is not used, because C libraries differ in its
// last bit.

constexpr uint64_t Rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }

// The SplitMix64 output function (a bijection on 64-bit integers with good avalanche).
constexpr uint64_t Mix64(uint64_t z) {
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

// The high and low halves of the 128-bit product a * b.
struct Product128 {
  uint64_t hi;
  uint64_t lo;
};
Product128 Multiply128(uint64_t a, uint64_t b) {
#if defined(__SIZEOF_INT128__)
  __extension__ using Uint128 = unsigned __int128;
  const Uint128 p = static_cast<Uint128>(a) * b;
  return {static_cast<uint64_t>(p >> 64), static_cast<uint64_t>(p)};
#else
  const uint64_t a_lo = a & 0xffffffffULL, a_hi = a >> 32;
  const uint64_t b_lo = b & 0xffffffffULL, b_hi = b >> 32;
  const uint64_t lo_lo = a_lo * b_lo, hi_lo = a_hi * b_lo, lo_hi = a_lo * b_hi;
  const uint64_t cross = (lo_lo >> 32) + (hi_lo & 0xffffffffULL) + lo_hi;
  return {a_hi * b_hi + (hi_lo >> 32) + (cross >> 32), (cross << 32) | (lo_lo & 0xffffffffULL)};
#endif
}

// Natural logarithm of a positive, finite x, from basic operations only, so that it gives the
// same bits on every platform (within about 1 ulp of the true value). x = m * 2^e with m in
// [sqrt(1/2), sqrt(2)); log(m) = 2 atanh(f) = 2 (f + f^3/3 + f^5/5 + ...) with f = (m-1)/(m+1),
// |f| < 0.172, so the series to f^23 is exact to well below double precision.
double PortableLog(double x) {
  int e = 0;
  double m = std::frexp(x, &e);  // x = m * 2^e, m in [0.5, 1); exact
  if (m < 0.70710678118654752440) {
    m *= 2.0;  // exact
    --e;
  }
  const double f = (m - 1.0) / (m + 1.0);
  const double f2 = f * f;
  double series = 1.0 / 23.0;
  for (int k = 21; k >= 1; k -= 2) series = 1.0 / k + f2 * series;
  constexpr double kLn2 = 0.693147180559945309417232121458176568;
  return e * kLn2 + 2.0 * f * series;
}

std::string ErrnoMessage(int err) {
  return std::error_code(err, std::generic_category()).message();
}

// "<what> '<path>': <reason>", as a NotFound or IoError status depending on errno.
Status FileError(int err, std::string_view what, const std::string& path) {
  std::string msg = std::string(what) + " '" + path + "': " + ErrnoMessage(err);
  return err == ENOENT ? NotFound(std::move(msg)) : IoError(std::move(msg));
}

// close() that reports its error but never retries (retrying a failed close is unsafe on Linux).
Status CloseFd(int fd, const std::string& path) {
  if (::close(fd) != 0) return FileError(errno, "cannot close", path);
  return Status::Ok();
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// SplitMix64, Rng

uint64_t SplitMix64::Next() { return Mix64(state_ += 0x9e3779b97f4a7c15ULL); }

Rng::Rng(uint64_t seed) {
  SplitMix64 sm(seed);
  for (uint64_t& word : s_) word = sm.Next();
  // SplitMix64 is a bijection of its counter, so four consecutive outputs are never all zero.
}

Rng Rng::FromState(const std::array<uint64_t, 4>& state) {
  assert((state[0] | state[1] | state[2] | state[3]) != 0 && "xoshiro state must not be zero");
  Rng rng;
  rng.s_ = state;
  return rng;
}

uint64_t Rng::Next64() {
  const uint64_t result = Rotl(s_[1] * 5, 7) * 9;
  const uint64_t t = s_[1] << 17;
  s_[2] ^= s_[0];
  s_[3] ^= s_[1];
  s_[1] ^= s_[2];
  s_[0] ^= s_[3];
  s_[2] ^= t;
  s_[3] = Rotl(s_[3], 45);
  return result;
}

uint64_t Rng::Uniform(uint64_t n) {
  assert(n > 0 && "Uniform(0)");
  if (n == 0) return 0;
  // Lemire's method: the high word of x * n is uniform in [0, n) once the few x whose low word
  // falls below 2^64 mod n are rejected. The division happens only when a rejection is possible.
  Product128 p = Multiply128(Next64(), n);
  if (p.lo < n) {
    const uint64_t threshold = (0 - n) % n;  // 2^64 mod n
    while (p.lo < threshold) p = Multiply128(Next64(), n);
  }
  return p.hi;
}

int64_t Rng::UniformInt(int64_t lo, int64_t hi) {
  assert(lo <= hi);
  // Computed in unsigned arithmetic, where the wrap-around is defined.
  const uint64_t span = static_cast<uint64_t>(hi) - static_cast<uint64_t>(lo);
  const uint64_t offset =
      span == std::numeric_limits<uint64_t>::max() ? Next64() : Uniform(span + 1);
  return static_cast<int64_t>(static_cast<uint64_t>(lo) + offset);
}

double Rng::UniformDouble() { return static_cast<double>(Next64() >> 11) * 0x1.0p-53; }

bool Rng::Bernoulli(double p) { return UniformDouble() < p; }

double Rng::Normal(double mean, double sd) {
  assert(sd >= 0);
  if (spare_normal_) {
    const double z = *spare_normal_;
    spare_normal_.reset();
    return mean + sd * z;
  }
  // Marsaglia's polar method: a point uniform in the unit disc (rejection from the square)
  // gives two independent standard normal deviates.
  double u = 0, v = 0, s = 0;
  do {
    u = 2.0 * UniformDouble() - 1.0;
    v = 2.0 * UniformDouble() - 1.0;
    s = u * u + v * v;
  } while (s >= 1.0 || s == 0.0);
  const double factor = std::sqrt(-2.0 * PortableLog(s) / s);
  spare_normal_ = v * factor;
  return mean + sd * (u * factor);
}

Rng Rng::Fork(uint64_t stream_id) const {
  uint64_t h = Mix64(stream_id + 0x9e3779b97f4a7c15ULL);
  for (uint64_t word : s_) h = Mix64(h ^ word) + 0x9e3779b97f4a7c15ULL;
  return Rng(h);
}

// ---------------------------------------------------------------------------------------------
// WeightedIndex

Result<WeightedIndex> WeightedIndex::Make(std::span<const double> weights) {
  if (weights.empty()) return InvalidArgument("WeightedIndex: no weights");
  std::vector<double> cumulative;
  cumulative.reserve(weights.size());
  double total = 0;
  size_t last_positive = 0;
  for (size_t i = 0; i < weights.size(); ++i) {
    const double w = weights[i];
    if (!std::isfinite(w) || w < 0) {
      return InvalidArgument("WeightedIndex: weight " + std::to_string(i) +
                             " is negative or not finite");
    }
    if (w > 0) last_positive = i;
    total += w;
    cumulative.push_back(total);
  }
  if (!(total > 0) || !std::isfinite(total)) {
    return InvalidArgument("WeightedIndex: the weights sum to zero or overflow");
  }
  return WeightedIndex(std::move(cumulative), last_positive);
}

size_t WeightedIndex::Sample(Rng& rng) const {
  const double target = rng.UniformDouble() * cumulative_.back();
  // The first index whose cumulative weight exceeds the target. A zero-weight index has the same
  // cumulative weight as the one before it, so it is never the first to exceed anything.
  const auto it = std::upper_bound(cumulative_.begin(), cumulative_.end(), target);
  // The product can round up to the total; that draw belongs to the last positive weight.
  if (it == cumulative_.end()) return last_positive_;
  return static_cast<size_t>(it - cumulative_.begin());
}

double WeightedIndex::Probability(size_t i) const {
  assert(i < cumulative_.size());
  const double before = i == 0 ? 0.0 : cumulative_[i - 1];
  return (cumulative_[i] - before) / cumulative_.back();
}

// ---------------------------------------------------------------------------------------------
// Env

std::optional<int64_t> ParseInstant(std::string_view t) {
  if (t.size() < 10) return std::nullopt;
  const std::optional<Date> date = Date::ParseIso(t.substr(0, 10));
  if (!date) return std::nullopt;
  int64_t ms = date->ToDays() * 86'400'000;
  t.remove_prefix(10);
  if (t.empty()) return ms;
  if (t.back() == 'Z') t.remove_suffix(1);
  // "THH:MM:SS" and an optional fraction.
  auto digits = [](std::string_view s) {
    return !s.empty() &&
           std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
  };
  if (t.size() < 9 || (t[0] != 'T' && t[0] != ' ') || t[3] != ':' || t[6] != ':' ||
      !digits(t.substr(1, 2)) || !digits(t.substr(4, 2)) || !digits(t.substr(7, 2))) {
    return std::nullopt;
  }
  const int h = (t[1] - '0') * 10 + (t[2] - '0');
  const int m = (t[4] - '0') * 10 + (t[5] - '0');
  const int s = (t[7] - '0') * 10 + (t[8] - '0');
  if (h > 23 || m > 59 || s > 59) return std::nullopt;
  ms += ((h * 60 + m) * 60 + s) * int64_t{1000};
  t.remove_prefix(9);
  if (t.empty()) return ms;
  if (t[0] != '.' || !digits(t.substr(1))) return std::nullopt;
  int64_t frac = 0;
  for (size_t i = 1; i <= 3; ++i) frac = frac * 10 + (i < t.size() ? t[i] - '0' : 0);
  return ms + frac;
}

Date DayOfInstant(int64_t unix_millis) {
  int64_t days = unix_millis / 86'400'000;
  if (unix_millis % 86'400'000 < 0) --days;
  return Date::FromDays(days);
}

std::string FormatInstant(int64_t unix_millis) {
  const Date d = DayOfInstant(unix_millis);
  int64_t rest = unix_millis - d.ToDays() * 86'400'000;
  char buf[40];
  std::snprintf(buf, sizeof buf, "%sT%02d:%02d:%02d.%03dZ", d.Iso().c_str(),
                static_cast<int>(rest / 3'600'000), static_cast<int>(rest / 60'000 % 60),
                static_cast<int>(rest / 1000 % 60), static_cast<int>(rest % 1000));
  return buf;
}

Env Env::ProcessClock(uint64_t seed) {
  static const std::optional<int64_t> fixed = []() -> std::optional<int64_t> {
    const char* text = std::getenv("POPREG_NOW");
    if (text == nullptr || *text == '\0') return std::nullopt;
    std::optional<int64_t> ms = ParseInstant(text);
    if (!ms) {
      std::fprintf(stderr,
                   "popreg: POPREG_NOW='%s' is not an instant (2026-03-04T10:00:00Z or "
                   "2026-03-04); using the real clock\n",
                   text);
    }
    return ms;
  }();
  if (!fixed) return {seed, std::nullopt};
  return {seed, DayOfInstant(*fixed), fixed};
}

const Env& Env::Default() {
  static const Env* const env = [] {
    std::random_device device;
    const uint64_t seed =
        (static_cast<uint64_t>(device()) << 32) ^ device() ^
        static_cast<uint64_t>(std::chrono::steady_clock::now().time_since_epoch().count());
    return new Env(ProcessClock(seed));
  }();
  return *env;
}

Env Env::WithSeed(uint64_t seed) { return ProcessClock(seed); }

Env Env::ForTest(Date today, uint64_t seed) {
  assert(today.Valid());
  return {seed, today};
}

Date Env::Today() const {
  if (frozen_today_) return *frozen_today_;
  const std::time_t now = std::time(nullptr);
  std::tm local{};
  if (::localtime_r(&now, &local) == nullptr) {
    // Only fails for times far outside the range of `int` years; fall back to UTC days.
    return Date::FromDays(static_cast<int64_t>(now) / 86400);
  }
  return Date{local.tm_year + 1900, local.tm_mon + 1, local.tm_mday};
}

int64_t Env::NowUnixMillis() const {
  if (frozen_ms_) return *frozen_ms_;
  if (frozen_today_) return frozen_today_->ToDays() * 86'400'000;
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::string Env::NowIso() const { return FormatInstant(NowUnixMillis()); }

Rng Env::MakeRng(uint64_t stream_id) const { return Rng(seed_).Fork(stream_id); }

Result<std::string> Env::ReadFile(const std::string& path) const {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return FileError(errno, "cannot open for reading", path);
  std::string data;
  struct stat st {};
  if (::fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0) {
    data.reserve(static_cast<size_t>(st.st_size));
  }
  char buf[1 << 16];
  while (true) {
    const ssize_t n = ::read(fd, buf, sizeof buf);
    if (n == 0) break;
    if (n < 0) {
      if (errno == EINTR) continue;
      const int err = errno;
      ::close(fd);
      return FileError(err, "cannot read", path);
    }
    data.append(buf, static_cast<size_t>(n));
  }
  RETURN_IF_ERROR(CloseFd(fd, path));
  return data;
}

Status Env::WriteFileAtomic(const std::string& path, std::string_view data) const {
  static std::atomic<uint64_t> counter{0};
  const std::filesystem::path target(path);
  const std::string dir =
      target.has_parent_path() ? target.parent_path().string() : std::string(".");

  // A fresh temporary name; O_EXCL makes sure we never write into someone else's file.
  std::string tmp;
  int fd = -1;
  for (int attempt = 0; fd < 0; ++attempt) {
    tmp = path + ".tmp." + std::to_string(::getpid()) + "." + std::to_string(counter++);
    fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
    if (fd < 0 && (errno != EEXIST || attempt >= 100)) {
      return FileError(errno, "cannot create a temporary file for", path);
    }
  }

  // From here on, any failure removes the temporary file.
  auto fail = [&](int err, std::string_view what) {
    ::close(fd);
    ::unlink(tmp.c_str());
    return FileError(err, what, path);
  };
  while (!data.empty()) {
    const ssize_t n = ::write(fd, data.data(), data.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return fail(errno, "cannot write");
    }
    data.remove_prefix(static_cast<size_t>(n));
  }
  if (::fsync(fd) != 0) return fail(errno, "cannot flush (fsync)");
  if (::close(fd) != 0) {
    const int err = errno;
    ::unlink(tmp.c_str());
    return FileError(err, "cannot close", path);
  }
  if (::rename(tmp.c_str(), path.c_str()) != 0) {
    const int err = errno;
    ::unlink(tmp.c_str());
    return FileError(err, "cannot rename the temporary file over", path);
  }

  // Make the rename itself durable.
  const int dir_fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dir_fd < 0) return FileError(errno, "cannot open the directory of", path);
  if (::fsync(dir_fd) != 0) {
    const int err = errno;
    ::close(dir_fd);
    return FileError(err, "cannot flush (fsync) the directory of", path);
  }
  return CloseFd(dir_fd, dir);
}

bool Env::FileExists(const std::string& path) const {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0;
}

Status Env::CreateDirs(const std::string& path) const {
  std::error_code ec;
  std::filesystem::create_directories(path, ec);
  if (!ec) {
    // create_directories reports no error when `path` exists, even as a regular file.
    if (std::filesystem::is_directory(path, ec)) return Status::Ok();
    return AlreadyExists("cannot create directory '" + path +
                         "': it exists and is not a directory");
  }
  std::string msg = "cannot create directory '" + path + "': " + ec.message();
  if (ec == std::errc::not_a_directory || ec == std::errc::file_exists) {
    return AlreadyExists(std::move(msg));
  }
  return IoError(std::move(msg));
}

}  // namespace popreg
