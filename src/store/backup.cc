#include "store/backup.h"

#include <fcntl.h>
#include <spawn.h>
#include <sqlite3.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "store/postgres/postgres_store.h"
#include "store/sqlite/sqlite_store.h"

extern char** environ;  // NOLINT(readability-redundant-declaration): for posix_spawn

namespace popreg::store {
namespace {

namespace fs = std::filesystem;

bool IsPostgres(std::string_view location) {
  return location.starts_with("postgresql://") || location.starts_with("postgres://");
}

std::string SystemError(int err) { return std::strerror(err); }

// A file that holds something (an empty file is no store, as for CreateStore).
bool NonEmptyFile(const std::string& path) {
  std::error_code ec;
  return fs::exists(path, ec) && fs::file_size(path, ec) > 0 && !ec;
}

// Removes `path` and what SQLite keeps beside it; a file that is not there is fine.
void RemoveWithSidecars(const std::string& path) {
  std::error_code ec;
  for (const char* suffix : {"", "-journal", "-wal", "-shm"}) fs::remove(path + suffix, ec);
}

// Flushes `path` (a file or a folder) to disk.
Status SyncPath(const std::string& path) {
  const int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return IoError(path + ": opening to flush it to disk: " + SystemError(errno));
  const int rc = fsync(fd);
  const int err = errno;
  close(fd);
  if (rc != 0) return IoError(path + ": flushing to disk: " + SystemError(err));
  return Status();
}

// A backup holds the whole register and every user's password hash: its owner alone may read
// it (mode 0600), whatever the umask.
Status OwnerOnly(const std::string& path) {
  std::error_code ec;
  fs::permissions(path, fs::perms::owner_read | fs::perms::owner_write, ec);
  if (ec) return IoError(path + ": making it readable by its owner only: " + ec.message());
  return Status();
}

// Makes the finished `tmp` the file `out`: flushed, renamed, and the rename flushed with the
// folder, so that after a crash `out` is either missing or whole.
Status Publish(const std::string& tmp, const std::string& out) {
  RETURN_IF_ERROR(SyncPath(tmp));
  std::error_code ec;
  fs::rename(tmp, out, ec);
  if (ec) return IoError(out + ": renaming " + tmp + " to it: " + ec.message());
  const fs::path parent = fs::absolute(fs::path(out)).parent_path();
  return SyncPath(parent.string());
}

// OK when a backup (`what`) whose schema version is `version` (nullopt: it has no
// schema_migrations) is a popreg store that this popreg, at schema `latest`, can open.
Status CheckVersion(const std::string& what, std::optional<int> version, int latest) {
  if (!version) return DataLoss(what + ": not a popreg store (it has no schema_migrations)");
  if (*version > latest) {
    return FailedPrecondition(what + ": schema version " + std::to_string(*version) +
                              " is newer than this popreg's (" + std::to_string(latest) +
                              "); use a newer popreg");
  }
  return Status();
}

// ---------------------------------------------------------------------------------------------
// SQLite

// One raw connection, closed on destruction. Errors name `what` ("store X", "backup Y").
class Sqlite {
 public:
  Sqlite() = default;
  Sqlite(const Sqlite&) = delete;
  Sqlite& operator=(const Sqlite&) = delete;
  ~Sqlite() { sqlite3_close_v2(db_); }

  Status Open(const std::string& path, std::string what, int flags) {
    what_ = std::move(what);
    const int rc = sqlite3_open_v2(path.c_str(), &db_, flags | SQLITE_OPEN_EXRESCODE, nullptr);
    if (rc != SQLITE_OK) return Error(rc, "opening");
    sqlite3_busy_timeout(db_, 10000);
    return Status();
  }
  // Closes the connection, reporting what closing found (a file that could not be written).
  Status Close() {
    const int rc = sqlite3_close(db_);
    if (rc != SQLITE_OK) return Error(rc, "closing");
    db_ = nullptr;
    return Status();
  }
  sqlite3* raw() { return db_; }

  // Runs `sql` and returns the first column of its first row ("" when it has none).
  Result<std::string> Scalar(const std::string& sql, std::string_view step) {
    sqlite3_stmt* stmt = nullptr;
    int rc = sqlite3_prepare_v2(db_, sql.c_str(), -1, &stmt, nullptr);
    std::string value;
    if (rc == SQLITE_OK) {
      rc = sqlite3_step(stmt);
      if (rc == SQLITE_ROW) {
        const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(stmt, 0));
        if (text != nullptr) value = text;
        rc = SQLITE_OK;
      } else if (rc == SQLITE_DONE) {
        rc = SQLITE_OK;
      }
    }
    sqlite3_finalize(stmt);
    if (rc != SQLITE_OK) return Error(rc, step);
    return value;
  }

  // The Status of SQLite result code `rc` of `step`: a damaged file or one that is no database
  // is DataLoss, a full disk ResourceExhausted, a lock Conflict, anything else IoError.
  Status Error(int rc, std::string_view step) const {
    const char* detail =
        db_ != nullptr && sqlite3_errcode(db_) == rc ? sqlite3_errmsg(db_) : sqlite3_errstr(rc);
    const std::string msg = what_ + ": " + std::string(step) + ": " + detail;
    switch (rc & 0xff) {
      case SQLITE_CORRUPT:
      case SQLITE_NOTADB:
        return DataLoss(msg + " (damaged, or not a popreg store)");
      case SQLITE_FULL:
        return ResourceExhausted("disk full: " + msg);
      case SQLITE_BUSY:
      case SQLITE_LOCKED:
        return Conflict(msg);
      default:
        return IoError(msg);
    }
  }

 private:
  std::string what_;
  sqlite3* db_ = nullptr;
};

// The schema version of the database on `db`, or nullopt when it has no schema_migrations (it is
// no popreg store).
Result<std::optional<int>> SchemaVersionOf(Sqlite& db) {
  ASSIGN_OR_RETURN(std::string has, db.Scalar("SELECT count(*) FROM sqlite_master WHERE type = "
                                              "'table' AND name = 'schema_migrations'",
                                              "looking for schema_migrations"));
  if (has != "1") return std::optional<int>();
  ASSIGN_OR_RETURN(std::string v, db.Scalar("SELECT coalesce(max(version), 0) FROM "
                                            "schema_migrations",
                                            "reading the schema version"));
  return std::optional<int>(std::atoi(v.c_str()));
}

// Copies the SQLite database `from` into the file `to` (missing or empty; what SQLite kept beside
// it is removed first) with the online backup API, inside one read transaction on `from`: the copy
// is what was committed when it began, even while other processes write. The copy is left in
// rollback journal mode, one file. Returns the schema version read in that transaction (nullopt: no
// popreg store). `from_what` and `to_what` name both in errors.
Result<std::optional<int>> CopySqlite(const std::string& from, const std::string& from_what,
                                      const std::string& to, const std::string& to_what,
                                      const BackupProgress& progress) {
  Sqlite src;
  // Read-write without create, as the store's own connections open it: a read-only connection
  // could not open a WAL store whose -shm is missing. Nothing is written.
  RETURN_IF_ERROR(src.Open(from, from_what, SQLITE_OPEN_READWRITE));
  RETURN_IF_ERROR(src.Scalar("BEGIN", "beginning a read transaction").status());
  // The first read fixes the snapshot (in WAL mode, the last commit before it).
  ASSIGN_OR_RETURN(std::optional<int> version, SchemaVersionOf(src));
  std::error_code ec;
  for (const char* suffix : {"-journal", "-wal", "-shm"}) fs::remove(to + suffix, ec);
  Sqlite dst;
  RETURN_IF_ERROR(dst.Open(to, to_what, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE));
  sqlite3_backup* backup = sqlite3_backup_init(dst.raw(), "main", src.raw(), "main");
  if (backup == nullptr) return dst.Error(sqlite3_errcode(dst.raw()), "starting the copy");
  int rc = SQLITE_OK;
  while (true) {
    // 1024 pages a step (4 MiB of 4 KiB pages): the progress moves, the copy stays fast.
    rc = sqlite3_backup_step(backup, 1024);
    const int total = sqlite3_backup_pagecount(backup);
    if (progress && (rc == SQLITE_OK || rc == SQLITE_DONE)) {
      progress(total - sqlite3_backup_remaining(backup), total);
    }
    if (rc != SQLITE_OK) break;
  }
  const int finish = sqlite3_backup_finish(backup);
  if (rc != SQLITE_DONE) {
    // A source that is no database fails its first read; say so of the source.
    if ((rc & 0xff) == SQLITE_NOTADB || (rc & 0xff) == SQLITE_CORRUPT) {
      return src.Error(rc, "copying its pages");
    }
    return dst.Error(rc, "copying the pages of " + from_what);
  }
  if (finish != SQLITE_OK) return dst.Error(finish, "finishing the copy");
  RETURN_IF_ERROR(src.Scalar("COMMIT", "ending the read transaction").status());
  RETURN_IF_ERROR(src.Close());
  ASSIGN_OR_RETURN(std::string mode,
                   dst.Scalar("PRAGMA journal_mode = DELETE", "making the copy one file"));
  if (mode != "delete") return IoError(to_what + ": making the copy one file: mode " + mode);
  RETURN_IF_ERROR(dst.Close());
  return version;
}

Status BackupSqlite(const std::string& path, const std::string& out,
                    const BackupProgress& progress) {
  const std::string what = "store " + path;
  if (!NonEmptyFile(path)) {
    return NotFound(what + ": no such file (create a store with popreg init)");
  }
  const std::string tmp = out + ".tmp";
  RemoveWithSidecars(tmp);  // left by a backup that was killed
  Status st = [&]() -> Status {
    // Made empty and private before a page is in it (its journal takes the same mode).
    const int fd = open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0) return IoError("backup " + tmp + ": creating it: " + SystemError(errno));
    close(fd);
    ASSIGN_OR_RETURN(std::optional<int> version,
                     CopySqlite(path, what, tmp, "backup " + tmp, progress));
    if (!version) return DataLoss(what + ": not a popreg store");
    return Publish(tmp, out);
  }();
  if (!st.ok()) RemoveWithSidecars(tmp);
  return st;
}

// Makes sure no other process has the SQLite store `path` open, and that all of it is in the
// main file: a checkpoint, then closing the last connection removes the -wal; a -wal still there
// means another connection holds the store.
Status QuiesceSqlite(const std::string& path) {
  {
    Sqlite db;
    if (db.Open(path, "store " + path, SQLITE_OPEN_READWRITE).ok()) {
      // A damaged store (the reason to restore) may fail this; it is replaced whole anyway.
      db.Scalar("PRAGMA wal_checkpoint(TRUNCATE)", "checkpointing").status().IgnoreError();
      db.Close().IgnoreError();
    }
  }
  std::error_code ec;
  if (fs::exists(path + "-wal", ec)) {
    return FailedPrecondition("store " + path +
                              ": another process has it open (popreg serve, an import); stop it "
                              "before restoring");
  }
  return Status();
}

Status RestoreSqlite(const std::string& backup, const std::string& path, bool force,
                     const RestoreCheck& check) {
  const std::string what = "backup " + backup;
  if (!NonEmptyFile(backup)) return NotFound(what + ": no such file");
  const bool exists = NonEmptyFile(path);
  if (exists && !force) {
    return AlreadyExists("store " + path + ": a store is already there; give --force to " +
                         "replace it with " + what);
  }
  const std::string tmp = path + ".restore.tmp";
  RemoveWithSidecars(tmp);  // left by a restore that was killed
  Status st = [&]() -> Status {
    ASSIGN_OR_RETURN(std::optional<int> version, CopySqlite(backup, what, tmp, "store " + tmp, {}));
    RETURN_IF_ERROR(CheckVersion(what, version, SqliteLatestSchemaVersion()));
    {
      Sqlite db;
      RETURN_IF_ERROR(db.Open(tmp, what, SQLITE_OPEN_READWRITE));
      ASSIGN_OR_RETURN(std::string ok, db.Scalar("PRAGMA integrity_check", "checking it"));
      if (ok != "ok") return DataLoss(what + ": damaged: " + ok);
      RETURN_IF_ERROR(db.Close());
    }
    {
      Result<std::unique_ptr<Store>> store = OpenStore(tmp);
      if (!store.ok()) return store.status().WithContext("restoring " + what);
      RETURN_IF_ERROR((*store)->IntegrityCheck().WithContext("restoring " + what));
      if (check) RETURN_IF_ERROR(check(**store).WithContext("restoring " + what));
    }
    // The store's last connection removed its -wal; its -shm is no longer needed.
    std::error_code ec;
    fs::remove(tmp + "-shm", ec);
    if (fs::exists(tmp + "-wal", ec)) return IoError("store " + tmp + ": its -wal stayed behind");
    if (exists) RETURN_IF_ERROR(QuiesceSqlite(path));
    RETURN_IF_ERROR(SyncPath(tmp));
    // What SQLite kept beside the old store (already checkpointed) must not be read as the new
    // one's.
    fs::remove(path + "-wal", ec);
    fs::remove(path + "-shm", ec);
    return Publish(tmp, path);
  }();
  if (!st.ok()) RemoveWithSidecars(tmp);
  return st;
}

// ---------------------------------------------------------------------------------------------
// PostgreSQL

// The client tool `name` (pg_dump, pg_restore): on PATH, else the newest of
// /usr/lib/postgresql/*/bin (Debian's layout).
Result<std::string> FindPgTool(const std::string& name) {
  const char* path = std::getenv("PATH");
  std::string dirs = path != nullptr ? path : "";
  size_t start = 0;
  while (start <= dirs.size()) {
    size_t end = dirs.find(':', start);
    if (end == std::string::npos) end = dirs.size();
    const std::string dir = dirs.substr(start, end - start);
    const std::string candidate = (dir.empty() ? "." : dir) + "/" + name;
    if (access(candidate.c_str(), X_OK) == 0) return candidate;
    start = end + 1;
  }
  std::string best;
  int best_version = -1;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator("/usr/lib/postgresql", ec)) {
    const std::string candidate = (entry.path() / "bin" / name).string();
    const int version = std::atoi(entry.path().filename().c_str());
    if (version > best_version && access(candidate.c_str(), X_OK) == 0) {
      best = candidate;
      best_version = version;
    }
  }
  if (!best.empty()) return best;
  return NotFound(name +
                  " not found on PATH or in /usr/lib/postgresql/*/bin: install the PostgreSQL "
                  "client tools (Debian: postgresql-client)");
}

struct ToolRun {
  int exit_code = 0;
  std::string out, err;
};

// The content of the open temporary file `f`.
std::string ReadBack(FILE* f) {
  std::string s;
  std::rewind(f);
  char buf[65536];
  size_t n = 0;
  while ((n = std::fread(buf, 1, sizeof buf, f)) > 0) s.append(buf, n);
  return s;
}

// Runs `tool` with `args`, with PGPASSWORD set to `password` when it is not empty, standard
// input from /dev/null and its output and errors kept (in unnamed temporary files, so neither
// can block the other).
Result<ToolRun> RunTool(const std::string& tool, const std::vector<std::string>& args,
                        const std::string& password) {
  std::unique_ptr<FILE, decltype(&std::fclose)> out(std::tmpfile(), &std::fclose);
  std::unique_ptr<FILE, decltype(&std::fclose)> err(std::tmpfile(), &std::fclose);
  if (!out || !err)
    return IoError("running " + tool + ": no temporary file: " + SystemError(errno));
  std::vector<std::string> env_strings;
  for (char** e = environ; *e != nullptr; ++e) {
    if (!std::string_view(*e).starts_with("PGPASSWORD=")) env_strings.emplace_back(*e);
  }
  if (!password.empty()) env_strings.push_back("PGPASSWORD=" + password);
  std::vector<char*> envp;
  for (std::string& s : env_strings) envp.push_back(s.data());
  envp.push_back(nullptr);
  std::vector<std::string> argv_strings = {tool};
  argv_strings.insert(argv_strings.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (std::string& s : argv_strings) argv.push_back(s.data());
  argv.push_back(nullptr);

  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_adddup2(&actions, fileno(out.get()), 1);
  posix_spawn_file_actions_adddup2(&actions, fileno(err.get()), 2);
  pid_t pid = 0;
  const int rc = posix_spawn(&pid, tool.c_str(), &actions, nullptr, argv.data(), envp.data());
  posix_spawn_file_actions_destroy(&actions);
  if (rc != 0) return IoError("running " + tool + ": " + SystemError(rc));
  int wstatus = 0;
  while (waitpid(pid, &wstatus, 0) < 0) {
    if (errno != EINTR) return IoError("waiting for " + tool + ": " + SystemError(errno));
  }
  ToolRun run;
  run.exit_code = WIFEXITED(wstatus) ? WEXITSTATUS(wstatus) : 128 + WTERMSIG(wstatus);
  run.out = ReadBack(out.get());
  run.err = ReadBack(err.get());
  return run;
}

// The last three lines of a tool's error output, on one line, for a message.
std::string Tail(const std::string& text) {
  std::vector<std::string> lines;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t nl = text.find('\n', pos);
    if (nl == std::string::npos) nl = text.size();
    if (nl > pos) lines.push_back(text.substr(pos, nl - pos));
    pos = nl + 1;
  }
  if (lines.empty()) return "(no message)";
  std::string out;
  for (size_t i = lines.size() > 3 ? lines.size() - 3 : 0; i < lines.size(); ++i) {
    out += (out.empty() ? "" : " ") + lines[i];
  }
  return out;
}

// `url` with the database `name` instead of its own (percent-encoded). InvalidArgument when the
// URL names no database.
Result<std::string> WithDatabase(const std::string& url, const std::string& name) {
  const size_t start = url.find("://") + 3;
  const size_t query = url.find('?', start);
  const size_t slash = url.find('/', start);
  if (slash == std::string::npos || (query != std::string::npos && slash > query) ||
      PostgresConninfoValue(url, "dbname").empty()) {
    return InvalidArgument("store " + RedactPostgresUrl(url) +
                           ": the URL names no database (postgresql://HOST/DATABASE)");
  }
  std::string encoded;
  for (unsigned char c : name) {
    if (std::isalnum(c) != 0 || c == '_' || c == '-' || c == '.') {
      encoded += static_cast<char>(c);
    } else {
      char hex[4];
      std::snprintf(hex, sizeof hex, "%%%02X", c);
      encoded += hex;
    }
  }
  return url.substr(0, slash + 1) + encoded + (query == std::string::npos ? "" : url.substr(query));
}

Status BackupPostgres(const std::string& url, const std::string& out,
                      const BackupProgress& progress) {
  const std::string shown = RedactPostgresUrl(url);
  ASSIGN_OR_RETURN(PostgresContents contents, InspectPostgresDatabase(url));
  if (contents == PostgresContents::kMissing) return NotFound("store " + shown + ": no database");
  if (contents == PostgresContents::kEmpty) {
    return NotFound("store " + shown +
                    ": the database holds no store (create one with popreg "
                    "init)");
  }
  if (contents == PostgresContents::kOther) {
    return DataLoss("store " + shown + ": the database holds tables but no popreg store");
  }
  ASSIGN_OR_RETURN(std::string pg_dump, FindPgTool("pg_dump"));
  const std::string tmp = out + ".tmp";
  RemoveWithSidecars(tmp);
  Status st = [&]() -> Status {
    const std::vector<std::string> args = {"--format=custom", "--file=" + tmp, "--dbname=" + shown};
    ASSIGN_OR_RETURN(ToolRun run, RunTool(pg_dump, args, PostgresConninfoValue(url, "password")));
    if (run.exit_code != 0) {
      return IoError("store " + shown + ": pg_dump to " + tmp + " failed (exit " +
                     std::to_string(run.exit_code) + "): " + Tail(run.err));
    }
    RETURN_IF_ERROR(OwnerOnly(tmp));  // pg_dump made it as the umask says
    return Publish(tmp, out);
  }();
  if (!st.ok()) RemoveWithSidecars(tmp);
  if (st.ok() && progress) progress(1, 1);
  return st;
}

// The schema version a pg_dump archive holds (the largest version among the rows of its
// schema_migrations), or nullopt when it holds no such table. DataLoss when pg_restore cannot
// read it.
Result<std::optional<int>> ArchiveSchemaVersion(const std::string& pg_restore,
                                                const std::string& backup) {
  const std::string what = "backup " + backup;
  const std::vector<std::string> list_args = {"--list", backup};
  ASSIGN_OR_RETURN(ToolRun list, RunTool(pg_restore, list_args, ""));
  if (list.exit_code != 0) {
    return DataLoss(what + ": not a backup of a PostgreSQL store (pg_restore cannot read it: " +
                    Tail(list.err) + ")");
  }
  // A line of the list such as "215; 0 16390 TABLE DATA public schema_migrations popreg".
  bool has_versions = false;
  size_t at = 0;
  while ((at = list.out.find(" TABLE DATA ", at)) != std::string::npos) {
    const size_t end = list.out.find('\n', at);
    has_versions = has_versions ||
                   list.out.substr(at, end - at).find(" schema_migrations ") != std::string::npos;
    at = end;
  }
  if (!has_versions) return std::optional<int>();
  const std::vector<std::string> data_args = {"--data-only", "--table=schema_migrations",
                                              "--file=-", backup};
  ASSIGN_OR_RETURN(ToolRun data, RunTool(pg_restore, data_args, ""));
  if (data.exit_code != 0) {
    return DataLoss(what + ": reading its schema version: " + Tail(data.err));
  }
  // The rows of `COPY ... schema_migrations (...) FROM stdin;`, tab-separated, up to `\.`.
  int version = 0;
  const size_t copy = data.out.find("schema_migrations (");
  size_t pos = copy == std::string::npos ? std::string::npos : data.out.find('\n', copy);
  while (pos != std::string::npos) {
    const size_t next = data.out.find('\n', pos + 1);
    const std::string line = data.out.substr(pos + 1, next - pos - 1);  // npos: to the end
    if (line == "\\.") break;
    version = std::max(version, std::atoi(line.c_str()));
    pos = next;
  }
  return std::optional<int>(version);
}

Status RestorePostgres(const std::string& backup, const std::string& url, bool force,
                       const RestoreCheck& check) {
  const std::string what = "backup " + backup;
  const std::string shown = RedactPostgresUrl(url);
  if (!NonEmptyFile(backup)) return NotFound(what + ": no such file");
  ASSIGN_OR_RETURN(std::string pg_restore, FindPgTool("pg_restore"));
  ASSIGN_OR_RETURN(std::optional<int> version, ArchiveSchemaVersion(pg_restore, backup));
  RETURN_IF_ERROR(CheckVersion(what, version, PostgresLatestSchemaVersion()));
  ASSIGN_OR_RETURN(PostgresContents contents, InspectPostgresDatabase(url));
  const bool occupied =
      contents == PostgresContents::kStore || contents == PostgresContents::kOther;
  if (occupied && !force) {
    return AlreadyExists("store " + shown +
                         ": the database is not empty; give --force to replace it with " + what);
  }
  // PostgreSQL's names have at most 63 bytes.
  const std::string name = PostgresConninfoValue(url, "dbname");
  const std::string staging_name = name.substr(0, 63 - 8) + "_restore";
  ASSIGN_OR_RETURN(std::string staging, WithDatabase(url, staging_name));
  const std::string staging_shown = RedactPostgresUrl(staging);
  RETURN_IF_ERROR(DropPostgresDatabase(staging));  // left by a restore that was killed
  RETURN_IF_ERROR(CreatePostgresDatabase(staging));
  Status st = [&]() -> Status {
    const std::vector<std::string> args = {"--dbname=" + staging_shown, "--no-owner",
                                           "--no-privileges",           "--exit-on-error",
                                           "--single-transaction",      backup};
    ASSIGN_OR_RETURN(ToolRun run,
                     RunTool(pg_restore, args, PostgresConninfoValue(url, "password")));
    if (run.exit_code != 0) {
      return IoError("restoring " + what + " into " + staging_shown + ": pg_restore failed (exit " +
                     std::to_string(run.exit_code) + "): " + Tail(run.err));
    }
    Result<std::unique_ptr<Store>> store = OpenStore(staging);
    if (!store.ok()) return store.status().WithContext("restoring " + what);
    RETURN_IF_ERROR((*store)->IntegrityCheck().WithContext("restoring " + what));
    if (check) RETURN_IF_ERROR(check(**store).WithContext("restoring " + what));
    return Status();
  }();
  if (!st.ok()) {
    DropPostgresDatabase(staging).IgnoreError();
    return st;
  }
  if (contents != PostgresContents::kMissing) RETURN_IF_ERROR(DropPostgresDatabase(url));
  return RenamePostgresDatabase(staging, name);
}

}  // namespace

Status BackupStore(const std::string& location, const std::string& out_file,
                   const BackupProgress& progress) {
  if (location.empty()) return InvalidArgument("no store given: pass --db PATH or a URL");
  if (out_file.empty()) return InvalidArgument("no backup file given: pass --out FILE");
  std::error_code ec;
  if (fs::exists(out_file, ec)) {
    return AlreadyExists("backup " + out_file +
                         ": a file is already there; a backup never replaces a file");
  }
  if (IsPostgres(location)) return BackupPostgres(location, out_file, progress);
  return BackupSqlite(location, out_file, progress);
}

Status RestoreStore(const std::string& backup_file, const std::string& location, bool force,
                    const RestoreCheck& check) {
  if (location.empty()) return InvalidArgument("no store given: pass --db PATH or a URL");
  if (backup_file.empty()) return InvalidArgument("no backup given: pass --from FILE");
  if (IsPostgres(location)) return RestorePostgres(backup_file, location, force, check);
  return RestoreSqlite(backup_file, location, force, check);
}

Result<std::string> RotateBackup(const std::string& location, const std::string& dir, int keep,
                                 const Env& env, const BackupProgress& progress) {
  if (keep < 1) {
    return InvalidArgument("backups in " + dir + ": keep at least 1, not " + std::to_string(keep));
  }
  RETURN_IF_ERROR(env.CreateDirs(dir));
  // "2026-12-05T10:00:00.000Z" -> "20261205-100000"
  const std::string t = FormatInstant(env.NowUnixMillis());
  const std::string stamp = t.substr(0, 4) + t.substr(5, 2) + t.substr(8, 2) + "-" +
                            t.substr(11, 2) + t.substr(14, 2) + t.substr(17, 2);
  const std::string ext = IsPostgres(location) ? ".dump" : ".db";
  const std::string path = (fs::path(dir) / ("popreg-" + stamp + ext)).string();
  RETURN_IF_ERROR(BackupStore(location, path, progress));

  // popreg-YYYYMMDD-HHMMSS and this backend's extension.
  auto is_backup = [&ext](std::string_view name) {
    if (name.size() != 22 + ext.size() || !name.starts_with("popreg-") || name[15] != '-' ||
        !name.ends_with(ext)) {
      return false;
    }
    for (size_t i = 7; i < 22; ++i) {
      if (i != 15 && std::isdigit(static_cast<unsigned char>(name[i])) == 0) return false;
    }
    return true;
  };
  std::vector<std::string> names;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    const std::string name = entry.path().filename().string();
    if (entry.is_regular_file(ec) && is_backup(name)) names.push_back(name);
  }
  if (ec) return IoError("backups in " + dir + ": listing them: " + ec.message());
  std::sort(names.begin(), names.end());  // the names sort as their times
  for (size_t i = 0; i + static_cast<size_t>(keep) < names.size(); ++i) {
    const fs::path old = fs::path(dir) / names[i];
    fs::remove(old, ec);
    if (ec) return IoError("backup " + old.string() + ": deleting it: " + ec.message());
  }
  return path;
}

Status RecordBackup(Store& store, std::string_view action, const std::string& who,
                    const std::string& file, std::chrono::seconds max_wait) {
  std::error_code ec;
  fs::path absolute = fs::absolute(file, ec);
  const std::string shown = ec ? file : absolute.lexically_normal().string();
  AuditEntry entry;
  entry.who = who;
  entry.action = std::string(action);
  entry.object = "backup " + shown;
  entry.details_json = nlohmann::json{{"file", shown}}.dump();
  const auto deadline = std::chrono::steady_clock::now() + max_wait;
  while (true) {
    Result<int64_t> id = store.AppendAudit(entry);
    if (id.ok()) return Status();
    if (id.status().code() != ErrorCode::kConflict ||
        std::chrono::steady_clock::now() >= deadline) {
      return id.status().WithContext("recording " + entry.object + " in the audit log");
    }
    // Each try already waited for the lock (the busy or lock timeout); a short pause keeps an
    // error that comes at once from spinning.
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
}

}  // namespace popreg::store
