// `popreg serve`: the JSON API and the web UI (src/server/).
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <string_view>

#include "cli/commands.h"
#include "server/server.h"

namespace popreg::cli {
namespace {

struct ServeArgs {
  server::ServeOptions o;
  std::string idle = "30m", absolute = "12h", backup_every;
  int max_upload_mb = 200;
  bool routes = false;
};

// "90s", "30m", "12h", "1d" (a number alone is seconds).
Result<std::chrono::seconds> ParseDuration(const std::string& flag, const std::string& text) {
  size_t used = 0;
  long long n = 0;
  try {
    n = std::stoll(text, &used);
  } catch (const std::exception&) {
    used = 0;
  }
  const std::string unit = text.substr(used);
  long long scale = 0;
  if (unit.empty() || unit == "s") scale = 1;
  if (unit == "m" || unit == "min") scale = 60;
  if (unit == "h") scale = 3600;
  if (unit == "d") scale = 86400;
  if (used == 0 || scale == 0 || n <= 0) {
    return InvalidArgument(flag + " '" + text + "' is not a duration such as 90s, 30m, 12h or 1d");
  }
  return std::chrono::seconds(n * scale);
}

Status RunServe(ServeArgs& a) {
  if (a.routes) {
    std::fputs(server::RouteList().c_str(), stdout);
    return Status::Ok();
  }
  if (a.o.db.empty()) return InvalidArgument("--db is required");
  if (a.o.port < 0 || a.o.port > 65535) {
    return InvalidArgument("--port " + std::to_string(a.o.port) + " is not a port");
  }
  ASSIGN_OR_RETURN(a.o.session_idle, ParseDuration("--session-idle", a.idle));
  ASSIGN_OR_RETURN(a.o.session_absolute, ParseDuration("--session-max", a.absolute));
  if (!a.backup_every.empty()) {
    ASSIGN_OR_RETURN(a.o.backup_every, ParseDuration("--backup-every", a.backup_every));
    if (a.o.backup_dir.empty()) return InvalidArgument("--backup-every needs --backup-dir");
  } else if (!a.o.backup_dir.empty()) {
    a.o.backup_every = std::chrono::hours(24);
  }
  if (a.o.backups_kept < 1) return InvalidArgument("--backups-kept must be at least 1");
  if (a.max_upload_mb < 1) return InvalidArgument("--max-upload-mb must be at least 1");
  a.o.max_upload_bytes = static_cast<size_t>(a.max_upload_mb) << 20;
  if (a.o.work_dir.empty()) {
    a.o.work_dir =
        (std::filesystem::temp_directory_path() / ("popreg-serve-" + std::to_string(::getpid())))
            .string();
  }
  Status s = server::Serve(a.o, [](const std::string& address) {
    std::printf("popreg is serving at %s (Ctrl-C stops it)\n", address.c_str());
    std::fflush(stdout);
  });
  std::error_code ec;
  std::filesystem::remove_all(a.o.work_dir + "/uploads", ec);
  if (s.ok()) std::printf("popreg stopped\n");
  return s;
}

}  // namespace

// A page of the worklist allocates and frees thousands of small blocks (the rows, the JSON);
// glibc keeps only 7 freed blocks of a size per thread by default, so with fifty connections
// most frees go to the shared arenas, which then consolidate under their locks: that was 40% of
// the server's time. With 2,000 kept per thread the load test served 2,540 pages a second
// instead of 1,615, p99 48 ms instead of 250 (bench/RESULTS.md). glibc reads its tunables only
// at start, hence the one exec of itself, with the same arguments and process id.
void TuneProcessForServe(int argc, char** argv) {
  if (argc < 2 || std::string_view(argv[1]) != "serve") return;
  constexpr std::string_view kTunable = "glibc.malloc.tcache_count=";
  const char* now = std::getenv("GLIBC_TUNABLES");
  const std::string tunables = now != nullptr ? now : "";
  if (tunables.find(kTunable) != std::string::npos) return;  // tuned, by us or by hand
  const std::string wanted =
      (tunables.empty() ? "" : tunables + ":") + std::string(kTunable) + "2000";
  if (setenv("GLIBC_TUNABLES", wanted.c_str(), 1) != 0) return;
  execv("/proc/self/exe", argv);
  // Only on failure (no /proc): serve untuned rather than not at all.
}

void RegisterServe(CLI::App& app) {
  auto a = std::make_shared<ServeArgs>();
  CLI::App* cmd = app.add_subcommand(
      "serve",
      "Serve the JSON API (api/openapi.yaml) and the web UI to browsers, until SIGTERM or Ctrl-C "
      "(running jobs are cancelled and roll back)");
  cmd->add_option("--db", a->o.db, "The store: a SQLite file or a postgresql:// URL");
  cmd->add_option("--host", a->o.host, "The address to listen on")->capture_default_str();
  cmd->add_option("--port", a->o.port, "The port to listen on")->capture_default_str();
  cmd->add_option("--tls-cert", a->o.tls_cert, "Serve HTTPS with this certificate (PEM)");
  cmd->add_option("--tls-key", a->o.tls_key, "The certificate's private key (PEM)");
  cmd->add_option("--web-root", a->o.web_root,
                  "Serve the web UI from this folder instead of the files built into popreg");
  cmd->add_option("--profiles-dir", a->o.profiles_dir,
                  "The import profiles to offer uploads (NAME.toml files, see profiles/)")
      ->check(CLI::ExistingDirectory);
  cmd->add_option("--session-idle", a->idle, "Sign out after this long without a request")
      ->capture_default_str();
  cmd->add_option("--session-max", a->absolute, "Sign out this long after signing in, whatever")
      ->capture_default_str();
  cmd->add_option("--sign-ins-per-minute", a->o.sign_ins_per_minute,
                  "Sign-in attempts allowed per client address and minute")
      ->capture_default_str();
  cmd->add_option("--max-upload-mb", a->max_upload_mb, "The largest upload, in MiB")
      ->capture_default_str();
  cmd->add_option("--work-dir", a->o.work_dir,
                  "Where uploads wait for their import (default: a new folder under the system's "
                  "temporary folder)");
  cmd->add_option("--backup-dir", a->o.backup_dir, "Keep backups of the store in this folder");
  cmd->add_option("--backup-every", a->backup_every,
                  "Back the store up this often (default with --backup-dir: 24h); one backup is "
                  "taken at start");
  cmd->add_option("--backups-kept", a->o.backups_kept, "How many backups to keep")
      ->capture_default_str();
  cmd->add_flag("--routes", a->routes, "Print every route of the API and exit");
  cmd->callback([a] {
    Status s = RunServe(*a);
    if (!s.ok()) Fail(s);
  });
}

}  // namespace popreg::cli
