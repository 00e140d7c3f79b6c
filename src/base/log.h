// Logging and progress for people watching a terminal.
//
// Log lines go to stderr (never stdout, which belongs to a command's output) through spdlog.
// The format string is checked at compile time: LogInfo("read {} rows from {}", n, path).
// A message is only formatted when its level is enabled.
//
// Until InitLogging is called, the level is "info" and lines go to stderr.
#pragma once

#include <fmt/format.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>

#include "base/status.h"
#include "base/thread_annotations.h"

namespace popreg {

enum class LogLevel { kDebug, kInfo, kWarn, kError, kOff };

// Sets the lowest level that is written ("debug", "info", "warn", "error" or "off"; "warning" is
// also accepted) and the destination: stderr when `to_stderr`, otherwise nowhere (for quiet runs
// and tests). Fails with kInvalidArgument on an unknown level, leaving the settings unchanged.
// Call it once at startup, before other threads log (spdlog's rule for replacing the logger).
Status InitLogging(std::string_view level, bool to_stderr);

// True when messages at `level` are currently written.
bool LogEnabled(LogLevel level);

namespace log_internal {
// Writes one formatted message. Thread-safe.
void Write(LogLevel level, std::string_view message);
}  // namespace log_internal

// Log functions: fmt format string and arguments, as fmt::format. Thread-safe.
template <typename... Args>
void LogDebug(fmt::format_string<Args...> format, Args&&... args) {
  if (LogEnabled(LogLevel::kDebug)) {
    log_internal::Write(LogLevel::kDebug, fmt::format(format, std::forward<Args>(args)...));
  }
}
template <typename... Args>
void LogInfo(fmt::format_string<Args...> format, Args&&... args) {
  if (LogEnabled(LogLevel::kInfo)) {
    log_internal::Write(LogLevel::kInfo, fmt::format(format, std::forward<Args>(args)...));
  }
}
template <typename... Args>
void LogWarn(fmt::format_string<Args...> format, Args&&... args) {
  if (LogEnabled(LogLevel::kWarn)) {
    log_internal::Write(LogLevel::kWarn, fmt::format(format, std::forward<Args>(args)...));
  }
}
template <typename... Args>
void LogError(fmt::format_string<Args...> format, Args&&... args) {
  if (LogEnabled(LogLevel::kError)) {
    log_internal::Write(LogLevel::kError, fmt::format(format, std::forward<Args>(args)...));
  }
}

// A progress bar for long work (an import, a linkage run):
//
//   ProgressBar bar("linking", pairs.size());
//   pool.ParallelFor(n, grain, [&](int64_t b, int64_t e) { ...; bar.Add(e - b); });
//   bar.Done();
//
// When stderr is a terminal it redraws one line ("linking [=====>    ] 52% 5200/10000 3.1s") at
// most about ten times a second. Otherwise it draws nothing, and Done() logs one summary line at
// info level ("linking: 10000/10000 in 3.1s"). Add may be called from any thread; the constructor,
// Done and the destructor from the owning thread.
class ProgressBar {
 public:
  // `total` is the expected number of units; 0 or less when unknown (then no bar or percentage).
  ProgressBar(std::string label, int64_t total);
  // For tests: draws to `out` as if it were (or were not) a terminal. `out` must outlive the bar.
  ProgressBar(std::string label, int64_t total, std::FILE* out, bool interactive);
  // Calls Done() if it has not been called.
  ~ProgressBar();

  ProgressBar(const ProgressBar&) = delete;
  ProgressBar& operator=(const ProgressBar&) = delete;

  // Records `n` more units of work done. Cheap: one atomic add and, at most every 100 ms, a redraw.
  void Add(int64_t n = 1);
  // Draws the final state and ends the line (terminal) or logs the summary (not a terminal).
  // Later calls do nothing.
  void Done() POPREG_EXCLUDES(draw_mu_);

  int64_t count() const { return count_.load(std::memory_order_relaxed); }

 private:
  void Draw(bool final) POPREG_REQUIRES(draw_mu_);
  double ElapsedSeconds() const;
  int64_t NowNanos() const;

  const std::string label_;
  const int64_t total_;
  std::FILE* const out_;
  const bool interactive_;
  const std::chrono::steady_clock::time_point start_;
  std::atomic<int64_t> count_{0};
  std::atomic<int64_t> next_draw_ns_{0};  // steady-clock time (since start_) of the next redraw
  std::mutex draw_mu_;
  bool done_ POPREG_GUARDED_BY(draw_mu_) = false;
};

}  // namespace popreg
