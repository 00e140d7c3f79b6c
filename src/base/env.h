// The environment a computation runs in: the clock, the file system and the random seed.
//
// Code that needs today's date, a file or random numbers takes an `Env&` (or an `Rng&` made from
// one) instead of calling the system directly, so that a test can fix the date and the seed and
// get the same output on every run and every platform.
//
// Randomness is our own code, not <random>: the standard distributions (and std::shuffle) are
// implemented differently by libstdc++, libc++ and MSVC, so the same seed would give different
// synthetic data on different machines. Everything below uses only integer arithmetic and the
// IEEE-754 basic operations (+ - * / sqrt), which are exactly rounded everywhere.
#pragma once

#include <array>
#include <cassert>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <ranges>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/date.h"
#include "base/status.h"

namespace popreg {

// SplitMix64 (Steele, Lea and Flood, "Fast Splittable Pseudorandom Number Generators", OOPSLA
// 2014; the C version is Sebastiano Vigna's public-domain splitmix64.c). Used to expand one 64-bit
// seed into the 256-bit state of an Rng, and as a 64-bit mixing function.
class SplitMix64 {
 public:
  explicit SplitMix64(uint64_t seed) : state_(seed) {}
  // Returns the next value of the sequence.
  uint64_t Next();

 private:
  uint64_t state_;
};

// A deterministic pseudo-random generator: xoshiro256** 1.0 (Blackman and Vigna, "Scrambled
// Linear Pseudorandom Number Generators", ACM TOMS 2021; public-domain reference code at
// https://prng.di.unimi.it/xoshiro256starstar.c), seeded through SplitMix64 as its authors advise.
//
// The same seed gives the same sequence of every method below on every platform. Not for
// cryptography. An Rng is a small value (32 bytes plus a cached normal deviate); copying it copies
// the stream. Not thread-safe: give each thread or each chunk of work its own Rng via Fork().
class Rng {
 public:
  explicit Rng(uint64_t seed);
  // A generator with exactly this xoshiro256** state (for known-answer tests). The state must not
  // be all zero.
  static Rng FromState(const std::array<uint64_t, 4>& state);

  // The next 64 uniformly distributed bits.
  uint64_t Next64();

  // A uniform integer in [0, n), without modulo bias (Lemire, "Fast Random Integer Generation in
  // an Interval", ACM TOMACS 2019). Requires n > 0.
  uint64_t Uniform(uint64_t n);

  // A uniform integer in [lo, hi], both included. Requires lo <= hi.
  int64_t UniformInt(int64_t lo, int64_t hi);

  // A uniform double in [0, 1) with 53 random bits (a multiple of 2^-53).
  double UniformDouble();

  // True with probability p; p <= 0 is never true and p >= 1 always. Always consumes exactly one
  // draw, so the stream after the call does not depend on p.
  bool Bernoulli(double p);

  // A normal deviate with the given mean and standard deviation (sd >= 0), by Marsaglia's polar
  // method (Marsaglia and Bray 1964). Deviates come in pairs; the second of a pair is kept and
  // returned by the next call, so the stream depends only on the sequence of calls.
  double Normal(double mean, double sd);

  // A uniformly chosen element of a non-empty random-access range (a vector, an array, a span).
  // Returns a reference into the range.
  template <std::ranges::random_access_range R>
  requires std::ranges::sized_range<R> && std::ranges::borrowed_range<R>
      std::ranges::range_reference_t<R> Pick(R&& items) {
    const auto n = static_cast<uint64_t>(std::ranges::size(items));
    assert(n > 0 && "Pick from an empty range");
    return std::ranges::begin(items)[static_cast<std::ptrdiff_t>(Uniform(n))];
  }

  // Puts the elements of a random-access range in uniformly random order (Fisher-Yates, in
  // Durstenfeld's form: Knuth, TAOCP vol. 2, 3.4.2, Algorithm P).
  template <std::ranges::random_access_range R>
  requires std::ranges::sized_range<R> && std::ranges::borrowed_range<R>
  void Shuffle(R&& items) {
    auto first = std::ranges::begin(items);
    for (auto i = static_cast<uint64_t>(std::ranges::size(items)); i > 1; --i) {
      const auto j = static_cast<std::ptrdiff_t>(Uniform(i));
      std::ranges::iter_swap(first + static_cast<std::ptrdiff_t>(i - 1), first + j);
    }
  }

  // A new generator for sub-stream `stream_id`, derived from this generator's current state by
  // hashing (state, stream_id) with the SplitMix64 finaliser. Does not advance this generator.
  // The same state and id always give the same stream; different ids give streams that are, for
  // all practical purposes, independent. Typical use: `Rng chunk_rng = rng.Fork(chunk_index);`
  // so that parallel work is reproducible whatever the thread count.
  Rng Fork(uint64_t stream_id) const;

 private:
  Rng() = default;

  std::array<uint64_t, 4> s_{};
  // The second deviate of the last polar-method pair, not yet returned.
  std::optional<double> spare_normal_;
};

// Weighted choice of an index: index i is drawn with probability weights[i] / sum(weights).
// Built once from the weights (O(n)); each Sample is a binary search in the cumulative table
// (O(log n)). An index with weight 0 is never drawn. Immutable after construction, so one
// WeightedIndex may be shared by threads that each pass their own Rng.
class WeightedIndex {
 public:
  // Fails with kInvalidArgument when `weights` is empty, has a negative, NaN or infinite weight, or
  // sums to zero.
  static Result<WeightedIndex> Make(std::span<const double> weights);

  // Draws one index in [0, size()); consumes one UniformDouble() of `rng`.
  size_t Sample(Rng& rng) const;

  size_t size() const { return cumulative_.size(); }
  // The probability of index i, weights[i] / sum(weights).
  double Probability(size_t i) const;

 private:
  WeightedIndex(std::vector<double> cumulative, size_t last_positive)
      : cumulative_(std::move(cumulative)), last_positive_(last_positive) {}

  std::vector<double> cumulative_;  // cumulative_[i] = weights[0] + ... + weights[i]
  size_t last_positive_;            // the last index with a positive weight
};

// The clock, the file system and the seed.
//
// Env::Default() is the real thing, with one door for end-to-end tests: when the environment
// variable POPREG_NOW holds an instant (ParseInstant), the process's clock (Default and
// WithSeed) is frozen there, and the store dates what it records (imports, comparisons,
// reviews) with it, so that a test can say when each step happened. Env::ForTest(date, seed) has a
// frozen clock and a fixed seed; its files are the real file system (tests use a temporary
// directory). All methods are const and may be called from any thread.
class Env {
 public:
  // The process-wide real environment: the system clock, and a seed taken from
  // std::random_device when first called. Never destroyed.
  static const Env& Default();
  // The real clock with a chosen seed (a CLI `--seed`).
  static Env WithSeed(uint64_t seed);
  // A frozen clock: Today() is `today` and NowUnixMillis() is midnight UTC at the start of `today`.
  // Requires today.Valid().
  static Env ForTest(Date today, uint64_t seed);

  // -- Clock --

  // Today's date in the process's local time zone (or the frozen date; under POPREG_NOW the
  // UTC date of its instant).
  Date Today() const;
  // Milliseconds since 1970-01-01T00:00:00Z (or the frozen instant).
  int64_t NowUnixMillis() const;
  // NowUnixMillis() as ISO 8601 UTC with milliseconds, "2026-12-05T10:00:00.000Z".
  std::string NowIso() const;
  // True when the clock is frozen (Env::ForTest, or POPREG_NOW for Default and WithSeed).
  bool clock_frozen() const { return frozen_today_.has_value(); }

  // -- Randomness --

  uint64_t seed() const { return seed_; }
  // The generator for sub-stream `stream_id` of this environment's seed: Rng(seed()).Fork(id).
  // Give each independent use (each generator, each table) its own id, so that adding a new use
  // does not change the numbers an old one gets.
  Rng MakeRng(uint64_t stream_id) const;

  // -- Files --
  // Error messages name the path and the system's reason, e.g.
  // "cannot open '/x/y.csv' for reading: No such file or directory".

  // The whole content of the file at `path`. kNotFound if it does not exist, kIoError on any other
  // failure (a directory, no permission, a read error).
  Result<std::string> ReadFile(const std::string& path) const;

  // Replaces the file at `path` with `data` so that, even after a crash or power loss, the file
  // holds either its old content or the new one, never a mix: the data is written to a temporary
  // file in the same directory ("<path>.tmp.<pid>.<n>"), flushed with fsync, renamed over `path`,
  // and the directory is fsynced. The directory must exist. A crash may leave the temporary file
  // behind; on an error return it is removed. A new file gets mode 0666 minus the umask.
  Status WriteFileAtomic(const std::string& path, std::string_view data) const;

  // True when something (a file, a directory) exists at `path`, following symbolic links.
  bool FileExists(const std::string& path) const;

  // Creates the directory `path` and any missing parents. OK when it already exists as a
  // directory; kAlreadyExists when it (or a parent) exists but is not a directory; kIoError
  // otherwise.
  Status CreateDirs(const std::string& path) const;

 private:
  Env(uint64_t seed, std::optional<Date> frozen_today, std::optional<int64_t> frozen_ms = {})
      : seed_(seed), frozen_today_(frozen_today), frozen_ms_(frozen_ms) {}
  // Default's and WithSeed's clock: the instant of POPREG_NOW, read once per process.
  static Env ProcessClock(uint64_t seed);

  uint64_t seed_;
  std::optional<Date> frozen_today_;  // set: a test clock
  std::optional<int64_t> frozen_ms_;  // its instant; unset = midnight UTC of frozen_today_
};

// Milliseconds since 1970-01-01T00:00:00Z of an instant written "2026-03-04T10:00:00Z" (seconds
// may carry a fraction, ".5" or ".250"; the Z may be left out: UTC either way) or a date
// "2026-03-04" (its midnight UTC); nullopt for anything else.
std::optional<int64_t> ParseInstant(std::string_view text);
// Milliseconds since the epoch as ISO 8601 UTC with milliseconds, "2026-12-05T10:00:00.000Z".
std::string FormatInstant(int64_t unix_millis);
// The UTC day of an instant.
Date DayOfInstant(int64_t unix_millis);

}  // namespace popreg
