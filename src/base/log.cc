#include "base/log.h"

#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <algorithm>
#include <memory>

namespace popreg {
namespace {

// The settings InitLogging changes. Filtering is ours, so the spdlog logger is created once and
// never replaced (replacing a logger while other threads use it is not safe in spdlog).
std::atomic<LogLevel> g_min_level{LogLevel::kInfo};
std::atomic<bool> g_to_stderr{true};

// The one logger: stderr, coloured when stderr is a terminal. Also made spdlog's default logger,
// so that a direct spdlog::info() call does not write to stdout. Created on first use.
spdlog::logger& Logger() {
  static spdlog::logger* const logger = [] {
    auto made = spdlog::stderr_color_mt("popreg");
    made->set_pattern("[%Y-%m-%d %H:%M:%S.%e] [%^%l%$] %v");
    made->set_level(spdlog::level::trace);  // filtering happens in LogEnabled
    spdlog::set_default_logger(made);
    return made.get();  // the registry keeps it alive
  }();
  return *logger;
}

spdlog::level::level_enum ToSpdlog(LogLevel level) {
  switch (level) {
    case LogLevel::kDebug:
      return spdlog::level::debug;
    case LogLevel::kInfo:
      return spdlog::level::info;
    case LogLevel::kWarn:
      return spdlog::level::warn;
    case LogLevel::kError:
      return spdlog::level::err;
    case LogLevel::kOff:
      return spdlog::level::off;
  }
  return spdlog::level::off;
}

}  // namespace

Status InitLogging(std::string_view level, bool to_stderr) {
  LogLevel parsed;
  if (level == "debug") {
    parsed = LogLevel::kDebug;
  } else if (level == "info") {
    parsed = LogLevel::kInfo;
  } else if (level == "warn" || level == "warning") {
    parsed = LogLevel::kWarn;
  } else if (level == "error") {
    parsed = LogLevel::kError;
  } else if (level == "off") {
    parsed = LogLevel::kOff;
  } else {
    return InvalidArgument("unknown log level '" + std::string(level) +
                           "' (expected debug, info, warn, error or off)");
  }
  Logger();  // make sure the stderr logger, not spdlog's stdout one, is the default
  g_min_level.store(parsed);
  g_to_stderr.store(to_stderr);
  return Status::Ok();
}

bool LogEnabled(LogLevel level) {
  return level != LogLevel::kOff && g_to_stderr.load(std::memory_order_relaxed) &&
         level >= g_min_level.load(std::memory_order_relaxed);
}

namespace log_internal {
void Write(LogLevel level, std::string_view message) {
  Logger().log(ToSpdlog(level), "{}", message);
  // Warnings and errors should be visible at once, even if the process dies right after.
  if (level >= LogLevel::kWarn) Logger().flush();
}
}  // namespace log_internal

// ---------------------------------------------------------------------------------------------
// ProgressBar

namespace {
constexpr int64_t kRedrawIntervalNs = 100'000'000;  // 10 redraws per second at most
constexpr int kBarWidth = 30;
}  // namespace

ProgressBar::ProgressBar(std::string label, int64_t total)
    : ProgressBar(std::move(label), total, stderr, ::isatty(STDERR_FILENO) == 1) {}

ProgressBar::ProgressBar(std::string label, int64_t total, std::FILE* out, bool interactive)
    : label_(std::move(label)),
      total_(total),
      out_(out),
      interactive_(interactive),
      start_(std::chrono::steady_clock::now()) {}

ProgressBar::~ProgressBar() { Done(); }

void ProgressBar::Add(int64_t n) {
  count_.fetch_add(n, std::memory_order_relaxed);
  if (!interactive_) return;
  const int64_t now = NowNanos();
  int64_t next = next_draw_ns_.load(std::memory_order_relaxed);
  if (now < next) return;
  // One thread wins the right to draw this time slot; the others go back to work.
  if (!next_draw_ns_.compare_exchange_strong(next, now + kRedrawIntervalNs)) return;
  std::unique_lock lock(draw_mu_, std::try_to_lock);
  if (!lock.owns_lock() || done_) return;
  Draw(/*final=*/false);
}

void ProgressBar::Done() {
  std::lock_guard lock(draw_mu_);
  if (done_) return;
  done_ = true;
  if (interactive_) {
    Draw(/*final=*/true);
    return;
  }
  if (total_ > 0) {
    LogInfo("{}: {}/{} in {:.1f}s", label_, count(), total_, ElapsedSeconds());
  } else {
    LogInfo("{}: {} in {:.1f}s", label_, count(), ElapsedSeconds());
  }
}

void ProgressBar::Draw(bool final) {
  const int64_t done = count();
  std::string line = "\r" + label_ + " ";
  if (total_ > 0) {
    const double fraction = std::min(1.0, static_cast<double>(done) / static_cast<double>(total_));
    const int filled = static_cast<int>(fraction * kBarWidth);
    line += '[';
    line.append(static_cast<size_t>(filled), '=');
    if (filled < kBarWidth) {
      line += '>';
      line.append(static_cast<size_t>(kBarWidth - filled - 1), ' ');
    }
    line += fmt::format("] {:3d}% {}/{}", static_cast<int>(fraction * 100), done, total_);
  } else {
    line += fmt::format("{}", done);
  }
  line += fmt::format(" {:.1f}s", ElapsedSeconds());
  line += "\x1b[K";  // erase what a longer previous line left
  if (final) line += '\n';
  std::fputs(line.c_str(), out_);
  std::fflush(out_);
}

double ProgressBar::ElapsedSeconds() const {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
}

int64_t ProgressBar::NowNanos() const {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now() -
                                                              start_)
      .count();
}

}  // namespace popreg
