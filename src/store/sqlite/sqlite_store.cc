#include "store/sqlite/sqlite_store.h"

#include <sqlite3.h>

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "io/schema.h"

namespace popreg::store {
namespace {

// Migration 1: the initial schema. Text columns of the register hold '' for unknown; columns of
// a discrepancy that do not apply to its type are NULL (the spec's empty cells).
constexpr std::string_view kSchema1 = R"sql(
CREATE TABLE users (
  id INTEGER PRIMARY KEY,
  login TEXT NOT NULL UNIQUE,
  display_name TEXT NOT NULL DEFAULT '',
  role TEXT NOT NULL CHECK (role IN ('admin', 'reviewer', 'clerk', 'viewer')),
  password_hash TEXT NOT NULL DEFAULT '',
  created_at TEXT NOT NULL,
  disabled INTEGER NOT NULL DEFAULT 0 CHECK (disabled IN (0, 1))
);

CREATE TABLE areas (
  code TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  level TEXT NOT NULL CHECK (level IN ('district', 'township', 'community')),
  parent_code TEXT REFERENCES areas (code) DEFERRABLE INITIALLY DEFERRED
);

CREATE TABLE imports (
  id INTEGER PRIMARY KEY,
  kind TEXT NOT NULL,
  file_name TEXT NOT NULL,
  sha256 TEXT NOT NULL,
  period TEXT NOT NULL DEFAULT '',
  rows_total INTEGER NOT NULL,
  rows_imported INTEGER NOT NULL DEFAULT 0,
  rows_rejected INTEGER NOT NULL DEFAULT 0,
  imported_by TEXT NOT NULL DEFAULT '',
  imported_at TEXT NOT NULL,
  UNIQUE (kind, sha256)
);

CREATE TABLE source_records (
  import_id INTEGER NOT NULL REFERENCES imports (id) ON DELETE CASCADE,
  source_row INTEGER NOT NULL,
  raw TEXT NOT NULL,
  normalized TEXT NOT NULL,
  PRIMARY KEY (import_id, source_row)
);

CREATE TABLE import_rejects (
  id INTEGER PRIMARY KEY,
  import_id INTEGER NOT NULL REFERENCES imports (id) ON DELETE CASCADE,
  source_row INTEGER NOT NULL,
  column_name TEXT NOT NULL,
  value TEXT NOT NULL,
  reason TEXT NOT NULL
);
CREATE INDEX import_rejects_import ON import_rejects (import_id, source_row);

CREATE TABLE households (
  card_no TEXT PRIMARY KEY,
  community_code TEXT NOT NULL,
  building TEXT NOT NULL DEFAULT '',
  unit TEXT NOT NULL DEFAULT '',
  room TEXT NOT NULL DEFAULT '',
  address TEXT NOT NULL DEFAULT '',
  import_id INTEGER REFERENCES imports (id)
);

CREATE TABLE persons (
  card_no TEXT NOT NULL REFERENCES households (card_no),
  person_no TEXT NOT NULL,
  name TEXT NOT NULL DEFAULT '',
  sex TEXT NOT NULL DEFAULT '',
  birth_date TEXT NOT NULL DEFAULT '',
  id_number TEXT NOT NULL DEFAULT '',
  relation TEXT NOT NULL DEFAULT '',
  ethnicity TEXT NOT NULL DEFAULT '',
  status TEXT NOT NULL DEFAULT 'alive' CHECK (status IN ('alive', 'deceased', 'moved_out')),
  death_date TEXT NOT NULL DEFAULT '',
  mother_id_number TEXT NOT NULL DEFAULT '',
  import_id INTEGER REFERENCES imports (id),
  PRIMARY KEY (card_no, person_no)
);
CREATE INDEX persons_id_number ON persons (id_number);

-- Append-only: every change of a register person or household.
CREATE TABLE history (
  id INTEGER PRIMARY KEY,
  entity TEXT NOT NULL CHECK (entity IN ('person', 'household')),
  entity_key TEXT NOT NULL,
  before_json TEXT,
  after_json TEXT,
  who TEXT NOT NULL,
  at TEXT NOT NULL,
  why TEXT NOT NULL,
  evidence TEXT NOT NULL DEFAULT ''
);
CREATE INDEX history_entity ON history (entity, entity_key, id);
CREATE TRIGGER history_no_update BEFORE UPDATE ON history
BEGIN SELECT RAISE(ABORT, 'history is append-only'); END;
CREATE TRIGGER history_no_delete BEFORE DELETE ON history
BEGIN SELECT RAISE(ABORT, 'history is append-only'); END;

-- Append-only: what users did.
CREATE TABLE audit_log (
  id INTEGER PRIMARY KEY,
  at TEXT NOT NULL,
  who TEXT NOT NULL,
  action TEXT NOT NULL,
  object TEXT NOT NULL DEFAULT '',
  details_json TEXT NOT NULL DEFAULT '{}'
);
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;

-- A comparison run (exchange spec, "A comparison and what it finds").
CREATE TABLE comparisons (
  id INTEGER PRIMARY KEY,
  as_of TEXT NOT NULL,
  since TEXT NOT NULL,
  started_at TEXT NOT NULL,
  finished_at TEXT,
  started_by TEXT NOT NULL DEFAULT '',
  state TEXT NOT NULL DEFAULT 'running' CHECK (state IN ('running', 'done', 'failed')),
  settings_json TEXT NOT NULL DEFAULT '{}'
);

-- The imports a comparison read.
CREATE TABLE comparison_sources (
  comparison_id INTEGER NOT NULL REFERENCES comparisons (id) ON DELETE CASCADE,
  import_id INTEGER NOT NULL REFERENCES imports (id),
  PRIMARY KEY (comparison_id, import_id)
);

-- One row per line of the spec's discrepancy file; `id` is the file's id within its comparison.
CREATE TABLE discrepancies (
  comparison_id INTEGER NOT NULL REFERENCES comparisons (id) ON DELETE CASCADE,
  id INTEGER NOT NULL,
  type TEXT NOT NULL CHECK (type IN ('missing_in_register', 'absent_from_source',
    'field_mismatch', 'unrecorded_birth', 'unrecorded_death', 'duplicate_in_register',
    'invalid_id_number', 'incomplete_record')),
  community_code TEXT,
  register_key TEXT,
  register_key_2 TEXT,
  source_kind TEXT,
  source_import_id INTEGER REFERENCES imports (id),
  source_row INTEGER,
  source_id_number TEXT,
  field TEXT CHECK (field IS NULL OR field IN ('name', 'sex', 'birth_date', 'id_number')),
  register_value TEXT,
  source_value TEXT,
  birth_key TEXT,
  match_probability REAL CHECK (match_probability IS NULL OR
    (match_probability >= 0 AND match_probability <= 1)),
  status TEXT NOT NULL DEFAULT 'open'
    CHECK (status IN ('open', 'approved', 'rejected', 'deferred', 'applied')),
  proposal TEXT NOT NULL DEFAULT '',
  PRIMARY KEY (comparison_id, id)
);
CREATE INDEX discrepancies_type ON discrepancies (comparison_id, type);
CREATE INDEX discrepancies_register_key ON discrepancies (register_key);
CREATE INDEX discrepancies_community ON discrepancies (comparison_id, community_code);

-- Review decisions, append-only: the latest decision on an item is its state.
CREATE TABLE reviews (
  id INTEGER PRIMARY KEY,
  comparison_id INTEGER NOT NULL,
  discrepancy_id INTEGER NOT NULL,
  decision TEXT NOT NULL CHECK (decision IN ('approve', 'reject', 'defer', 'reopen')),
  reviewer TEXT NOT NULL,
  at TEXT NOT NULL,
  note TEXT NOT NULL DEFAULT '',
  FOREIGN KEY (comparison_id, discrepancy_id) REFERENCES discrepancies (comparison_id, id)
);
CREATE INDEX reviews_item ON reviews (comparison_id, discrepancy_id, id);
CREATE TRIGGER reviews_no_update BEFORE UPDATE ON reviews
BEGIN SELECT RAISE(ABORT, 'reviews are append-only'); END;
CREATE TRIGGER reviews_no_delete BEFORE DELETE ON reviews
BEGIN SELECT RAISE(ABORT, 'reviews are append-only'); END;
)sql";

struct Migration {
  int version;
  std::string_view name;
  std::string_view sql;
};

constexpr Migration kMigrations[] = {
    {1, "initial schema", kSchema1},
};

constexpr std::string_view kNow = "strftime('%Y-%m-%dT%H:%M:%fZ', 'now')";

class Db;

// A prepared statement. Text is bound as a copy; an empty string_view binds '' (never NULL)
// unless BindOrNull is used.
class Stmt {
 public:
  Stmt(Db* db, sqlite3_stmt* stmt, std::string step)
      : db_(db), stmt_(stmt), step_(std::move(step)) {}
  Stmt(const Stmt&) = delete;
  Stmt& operator=(const Stmt&) = delete;
  Stmt(Stmt&& o) noexcept
      : db_(o.db_),
        stmt_(std::exchange(o.stmt_, nullptr)),
        step_(std::move(o.step_)),
        bind_rc_(o.bind_rc_) {}
  ~Stmt() { sqlite3_finalize(stmt_); }

  Stmt& Bind(int i, std::string_view v) {
    Note(sqlite3_bind_text(stmt_, i, v.data() ? v.data() : "", static_cast<int>(v.size()),
                           SQLITE_TRANSIENT));
    return *this;
  }
  Stmt& BindOrNull(int i, std::string_view v) {
    if (v.empty()) {
      Note(sqlite3_bind_null(stmt_, i));
      return *this;
    }
    return Bind(i, v);
  }
  Stmt& Bind(int i, int64_t v) {
    Note(sqlite3_bind_int64(stmt_, i, v));
    return *this;
  }

  // Steps once: true when a row is available, false when done.
  Result<bool> Step();
  // Steps to the end, discarding rows, then resets the statement for reuse.
  Status Run();
  void Reset() {
    sqlite3_reset(stmt_);
    sqlite3_clear_bindings(stmt_);
    bind_rc_ = SQLITE_OK;
  }

  std::string_view Text(int col) const {
    const auto* p = reinterpret_cast<const char*>(sqlite3_column_text(stmt_, col));
    if (p == nullptr) return {};
    return {p, static_cast<size_t>(sqlite3_column_bytes(stmt_, col))};
  }
  int64_t Int(int col) const { return sqlite3_column_int64(stmt_, col); }

 private:
  void Note(int rc) {
    if (rc != SQLITE_OK && bind_rc_ == SQLITE_OK) bind_rc_ = rc;
  }

  Db* db_;
  sqlite3_stmt* stmt_;
  std::string step_;
  int bind_rc_ = SQLITE_OK;
};

// One connection with popreg's settings.
class Db {
 public:
  Db(std::string path, sqlite3* db) : path_(std::move(path)), db_(db) {}
  Db(const Db&) = delete;
  Db& operator=(const Db&) = delete;
  ~Db() { sqlite3_close_v2(db_); }

  static Result<std::unique_ptr<Db>> Open(const std::string& path, const SqliteOptions& options,
                                          bool create);

  const std::string& path() const { return path_; }
  sqlite3* raw() { return db_; }

  // The Status for SQLite result code `rc` of `step`, naming the database and the step.
  Status Error(int rc, std::string_view step) const {
    std::string msg = "store " + path_ + ": " + std::string(step) + ": ";
    const char* detail =
        db_ != nullptr && sqlite3_errcode(db_) == rc ? sqlite3_errmsg(db_) : sqlite3_errstr(rc);
    msg += detail;
    switch (rc & 0xff) {
      case SQLITE_FULL:
        return ResourceExhausted("disk full: " + msg);
      case SQLITE_NOMEM:
        return ResourceExhausted("out of memory: " + msg);
      case SQLITE_CORRUPT:
      case SQLITE_NOTADB:
        return DataLoss("the store is damaged or not a popreg store: " + msg);
      case SQLITE_BUSY:
      case SQLITE_LOCKED:
        return {ErrorCode::kConflict, "the store is busy (another writer): " + msg};
      case SQLITE_IOERR:
      case SQLITE_CANTOPEN:
      case SQLITE_READONLY:
      case SQLITE_PERM:
        return IoError(msg);
      case SQLITE_CONSTRAINT:
        return FailedPrecondition(msg);
      default:
        return Internal(msg);
    }
  }

  Result<Stmt> Prepare(std::string_view sql, std::string step) {
    sqlite3_stmt* stmt = nullptr;
    int rc = sqlite3_prepare_v2(db_, sql.data(), static_cast<int>(sql.size()), &stmt, nullptr);
    if (rc != SQLITE_OK) {
      sqlite3_finalize(stmt);
      return Error(rc, step);
    }
    return Stmt(this, stmt, std::move(step));
  }

  // Runs one parameterless statement.
  Status Exec(std::string_view sql, std::string step) {
    ASSIGN_OR_RETURN(Stmt s, Prepare(sql, std::move(step)));
    return s.Run();
  }

  // Runs a fixed script of several parameterless statements (migrations only).
  Status ExecScript(std::string_view sql, std::string_view step) {
    std::string text(sql);
    int rc = sqlite3_exec(db_, text.c_str(), nullptr, nullptr, nullptr);
    return rc == SQLITE_OK ? Status() : Error(rc, step);
  }

  // Rolls back the open transaction, if any (SQLite may already have rolled it back itself).
  void RollbackIfOpen() {
    if (sqlite3_get_autocommit(db_) == 0) {
      sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
    }
  }

 private:
  std::string path_;
  sqlite3* db_;
};

Result<bool> Stmt::Step() {
  if (bind_rc_ != SQLITE_OK) return db_->Error(bind_rc_, step_ + " (binding parameters)");
  int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  return db_->Error(rc, step_);
}

Status Stmt::Run() {
  while (true) {
    ASSIGN_OR_RETURN(bool row, Step());
    if (!row) break;
  }
  Reset();
  return Status();
}

Result<std::unique_ptr<Db>> Db::Open(const std::string& path, const SqliteOptions& options,
                                     bool create) {
  std::error_code ec;
  const bool exists = std::filesystem::exists(path, ec);
  if (create) {
    if (exists && std::filesystem::file_size(path, ec) > 0 && !ec) {
      return AlreadyExists("store " + path + ": a file is already there; refusing to overwrite");
    }
  } else if (!exists) {
    return NotFound("store " + path + ": no such file (create a store with popreg init)");
  }
  sqlite3* raw = nullptr;
  int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_EXRESCODE | (create ? SQLITE_OPEN_CREATE : 0);
  int rc = sqlite3_open_v2(path.c_str(), &raw, flags, nullptr);
  auto db = std::make_unique<Db>(path, raw);
  if (rc != SQLITE_OK) return db->Error(rc, "opening");
  sqlite3_extended_result_codes(raw, 1);
  sqlite3_busy_timeout(raw, options.busy_timeout_ms);
  {
    ASSIGN_OR_RETURN(Stmt s, db->Prepare("PRAGMA journal_mode = WAL", "setting WAL mode"));
    ASSIGN_OR_RETURN(bool row, s.Step());
    if (!row || s.Text(0) != "wal") {
      return IoError("store " + path + ": setting WAL mode: the file system refused it");
    }
  }
  RETURN_IF_ERROR(db->Exec("PRAGMA foreign_keys = ON", "enabling foreign keys"));
  RETURN_IF_ERROR(db->Exec("PRAGMA synchronous = FULL", "setting synchronous"));
  if (options.max_page_count > 0) {
    RETURN_IF_ERROR(db->Exec("PRAGMA max_page_count = " + std::to_string(options.max_page_count),
                             "setting max_page_count"));
  }
  return db;
}

// A write transaction on `db` that rolls back unless committed.
class WriteTxn {
 public:
  explicit WriteTxn(Db& db) : db_(db) {}
  WriteTxn(const WriteTxn&) = delete;
  WriteTxn& operator=(const WriteTxn&) = delete;
  ~WriteTxn() {
    if (!committed_) db_.RollbackIfOpen();
  }
  Status Begin(std::string_view what) {
    return db_.Exec("BEGIN IMMEDIATE", "beginning " + std::string(what));
  }
  Status Commit(std::string_view what) {
    RETURN_IF_ERROR(db_.Exec("COMMIT", "committing " + std::string(what)));
    committed_ = true;
    return Status();
  }
  // Hands the open transaction over to another owner: the destructor no longer rolls it back.
  void Release() { committed_ = true; }

 private:
  Db& db_;
  bool committed_ = false;
};

Result<int> CurrentVersion(Db& db) {
  ASSIGN_OR_RETURN(Stmt s, db.Prepare("SELECT coalesce(max(version), 0) FROM schema_migrations",
                                      "reading the schema version"));
  ASSIGN_OR_RETURN(bool row, s.Step());
  return row ? static_cast<int>(s.Int(0)) : 0;
}

Status Migrate(Db& db) {
  RETURN_IF_ERROR(db.Exec(
      "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT "
      "NULL, applied_at TEXT NOT NULL)",
      "creating schema_migrations"));
  const int latest = SqliteLatestSchemaVersion();
  for (const Migration& m : kMigrations) {
    WriteTxn txn(db);
    const std::string what =
        "migration " + std::to_string(m.version) + " (" + std::string(m.name) + ")";
    RETURN_IF_ERROR(txn.Begin(what));
    ASSIGN_OR_RETURN(int version, CurrentVersion(db));
    if (version > latest) {
      return FailedPrecondition("store " + db.path() + ": schema version " +
                                std::to_string(version) + " is newer than this popreg (" +
                                std::to_string(latest) + "); use a newer popreg");
    }
    if (version >= m.version) continue;  // the destructor ends the read-only transaction
    RETURN_IF_ERROR(db.ExecScript(m.sql, what));
    ASSIGN_OR_RETURN(Stmt ins, db.Prepare("INSERT INTO schema_migrations (version, name, "
                                          "applied_at) VALUES (?1, ?2, " +
                                              std::string(kNow) + ")",
                                          "recording " + what));
    RETURN_IF_ERROR(ins.Bind(1, int64_t{m.version}).Bind(2, m.name).Run());
    RETURN_IF_ERROR(txn.Commit(what));
  }
  return Status();
}

Status WriteAreas(Db& db, std::span<const Area> areas) {
  RETURN_IF_ERROR(db.Exec("DELETE FROM areas", "deleting areas"));
  ASSIGN_OR_RETURN(Stmt ins, db.Prepare("INSERT INTO areas (code, name, level, parent_code) "
                                        "VALUES (?1, ?2, ?3, ?4)",
                                        "inserting an area"));
  for (const Area& a : areas) {
    Status st =
        ins.Bind(1, a.code).Bind(2, a.name).Bind(3, a.level).BindOrNull(4, a.parent_code).Run();
    if (!st.ok()) return st.WithContext("area " + a.code);
  }
  return Status();
}

Status WriteRegister(Db& db, ImportId import_id, std::span<const Household> households,
                     std::span<const Person> persons) {
  RETURN_IF_ERROR(db.Exec("DELETE FROM persons", "deleting register persons"));
  RETURN_IF_ERROR(db.Exec("DELETE FROM households", "deleting register households"));
  ASSIGN_OR_RETURN(Stmt h, db.Prepare("INSERT INTO households (card_no, community_code, building, "
                                      "unit, room, address, import_id) VALUES (?1, ?2, ?3, ?4, "
                                      "?5, ?6, ?7)",
                                      "inserting a household"));
  for (const Household& x : households) {
    Status st = h.Bind(1, x.card_no)
                    .Bind(2, x.community_code)
                    .Bind(3, x.building)
                    .Bind(4, x.unit)
                    .Bind(5, x.room)
                    .Bind(6, x.address)
                    .Bind(7, import_id)
                    .Run();
    if (!st.ok()) return st.WithContext("household " + x.card_no);
  }
  ASSIGN_OR_RETURN(Stmt p, db.Prepare("INSERT INTO persons (card_no, person_no, name, sex, "
                                      "birth_date, id_number, relation, ethnicity, status, "
                                      "death_date, mother_id_number, import_id) VALUES (?1, ?2, "
                                      "?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
                                      "inserting a person"));
  for (const Person& x : persons) {
    Status st = p.Bind(1, x.card_no)
                    .Bind(2, x.person_no)
                    .Bind(3, x.name)
                    .Bind(4, x.sex)
                    .Bind(5, x.birth_date)
                    .Bind(6, x.id_number)
                    .Bind(7, x.relation)
                    .Bind(8, x.ethnicity)
                    .Bind(9, x.status)
                    .Bind(10, x.death_date)
                    .Bind(11, x.mother_id_number)
                    .Bind(12, import_id)
                    .Run();
    if (!st.ok()) return st.WithContext("person " + x.card_no + "/" + x.person_no);
  }
  return Status();
}

constexpr std::string_view kImportColumns =
    "id, kind, file_name, sha256, period, rows_total, imported_by, imported_at, rows_imported, "
    "rows_rejected";

Result<ImportRecord> ReadImport(const Stmt& s, const std::string& path) {
  ImportRecord r;
  r.id = s.Int(0);
  auto kind = io::ParseKind(s.Text(1));
  if (!kind.ok()) {
    return DataLoss("store " + path + ": import " + std::to_string(r.id) + " has unknown kind " +
                    std::string(s.Text(1)));
  }
  r.info.kind = *kind;
  r.info.file_name = s.Text(2);
  r.info.sha256 = s.Text(3);
  r.info.period = s.Text(4);
  r.info.rows_total = s.Int(5);
  r.info.imported_by = s.Text(6);
  r.info.imported_at = s.Text(7);
  r.rows_imported = s.Int(8);
  r.rows_rejected = s.Int(9);
  return r;
}

class SqliteImportTransaction final : public ImportTransaction {
 public:
  SqliteImportTransaction(std::unique_ptr<Db> db, ImportId id) : db_(std::move(db)), id_(id) {}
  ~SqliteImportTransaction() override {
    if (state_ == State::kOpen) db_->RollbackIfOpen();
  }

  ImportId id() const override { return id_; }

  Status AddRecords(std::span<const SourceRecord> records) override {
    RETURN_IF_ERROR(CheckOpen());
    return Guard([&]() -> Status {
      if (!insert_record_) {
        ASSIGN_OR_RETURN(Stmt s, db_->Prepare("INSERT INTO source_records (import_id, "
                                              "source_row, raw, normalized) VALUES (?1, ?2, ?3, "
                                              "?4)",
                                              "inserting a source record"));
        insert_record_.emplace(std::move(s));
      }
      for (const SourceRecord& r : records) {
        Status st = insert_record_->Bind(1, id_)
                        .Bind(2, r.source_row)
                        .Bind(3, r.raw_json)
                        .Bind(4, r.normalized_json)
                        .Run();
        if (!st.ok()) return st.WithContext("row " + std::to_string(r.source_row));
      }
      return Status();
    });
  }

  Status AddRejects(std::span<const Reject> rejects) override {
    RETURN_IF_ERROR(CheckOpen());
    return Guard([&]() -> Status {
      ASSIGN_OR_RETURN(Stmt s, db_->Prepare("INSERT INTO import_rejects (import_id, source_row, "
                                            "column_name, value, reason) VALUES (?1, ?2, ?3, ?4, "
                                            "?5)",
                                            "inserting a reject"));
      for (const Reject& r : rejects) {
        Status st = s.Bind(1, id_)
                        .Bind(2, r.source_row)
                        .Bind(3, r.column)
                        .Bind(4, r.value)
                        .Bind(5, r.reason)
                        .Run();
        if (!st.ok()) return st.WithContext("row " + std::to_string(r.source_row));
      }
      return Status();
    });
  }

  Status ReplaceRegister(std::span<const Household> households,
                         std::span<const Person> persons) override {
    RETURN_IF_ERROR(CheckOpen());
    return Guard([&] { return WriteRegister(*db_, id_, households, persons); });
  }

  Status ReplaceAreas(std::span<const Area> areas) override {
    RETURN_IF_ERROR(CheckOpen());
    return Guard([&] { return WriteAreas(*db_, areas); });
  }

  Status Commit() override {
    RETURN_IF_ERROR(CheckOpen());
    insert_record_.reset();
    Status st = Guard([&]() -> Status {
      ASSIGN_OR_RETURN(Stmt s, db_->Prepare("UPDATE imports SET rows_imported = (SELECT count(*) "
                                            "FROM source_records WHERE import_id = ?1), "
                                            "rows_rejected = (SELECT count(DISTINCT source_row) "
                                            "FROM import_rejects WHERE import_id = ?1) WHERE id = "
                                            "?1",
                                            "counting the import's rows"));
      RETURN_IF_ERROR(s.Bind(1, id_).Run());
      // A deferred foreign key (areas.parent_code) fails here and leaves the transaction open;
      // Guard rolls it back.
      return db_->Exec("COMMIT", "committing import " + std::to_string(id_));
    });
    if (st.ok()) state_ = State::kCommitted;
    return st;
  }

 private:
  enum class State { kOpen, kFailed, kCommitted };

  Status CheckOpen() const {
    switch (state_) {
      case State::kOpen:
        return Status();
      case State::kFailed:
        return FailedPrecondition("store " + db_->path() + ": import " + std::to_string(id_) +
                                  " was rolled back after an earlier error");
      case State::kCommitted:
        return FailedPrecondition("store " + db_->path() + ": import " + std::to_string(id_) +
                                  " is already committed");
    }
    return Internal("unreachable");
  }

  // Runs `step`; on error rolls the whole import back and refuses further calls.
  template <typename F>
  Status Guard(F&& step) {
    Status st = step();
    if (!st.ok()) {
      insert_record_.reset();
      db_->RollbackIfOpen();
      state_ = State::kFailed;
    }
    return st;
  }

  std::unique_ptr<Db> db_;
  ImportId id_;
  State state_ = State::kOpen;
  std::optional<Stmt> insert_record_;  // prepared once, reused by every AddRecords
};

class SqliteStore final : public Store {
 public:
  SqliteStore(std::string path, SqliteOptions options, std::unique_ptr<Db> db)
      : path_(std::move(path)), options_(options), db_(std::move(db)) {}

  const std::string& location() const override { return path_; }

  Result<int> SchemaVersion() override { return CurrentVersion(*db_); }

  Status IntegrityCheck() override {
    {
      ASSIGN_OR_RETURN(Stmt s, db_->Prepare("PRAGMA integrity_check", "checking integrity"));
      std::string problems;
      while (true) {
        ASSIGN_OR_RETURN(bool row, s.Step());
        if (!row) break;
        if (s.Text(0) != "ok")
          problems += std::string(problems.empty() ? "" : "; ") + std::string(s.Text(0));
      }
      if (!problems.empty()) return DataLoss("store " + path_ + ": integrity check: " + problems);
    }
    ASSIGN_OR_RETURN(Stmt s, db_->Prepare("PRAGMA foreign_key_check", "checking foreign keys"));
    ASSIGN_OR_RETURN(bool row, s.Step());
    if (row) {
      return DataLoss("store " + path_ + ": foreign key check: a row of " + std::string(s.Text(0)) +
                      " refers to a missing row of " + std::string(s.Text(2)));
    }
    return Status();
  }

  Status ReplaceAreas(std::span<const Area> areas) override {
    WriteTxn txn(*db_);
    RETURN_IF_ERROR(txn.Begin("replacing areas"));
    RETURN_IF_ERROR(WriteAreas(*db_, areas));
    return txn.Commit("replacing areas");
  }

  Result<std::vector<Area>> ListAreas() override {
    ASSIGN_OR_RETURN(Stmt s, db_->Prepare("SELECT code, name, level, parent_code FROM areas "
                                          "ORDER BY code",
                                          "listing areas"));
    std::vector<Area> out;
    while (true) {
      ASSIGN_OR_RETURN(bool row, s.Step());
      if (!row) break;
      out.push_back(Area{std::string(s.Text(0)), std::string(s.Text(1)), std::string(s.Text(2)),
                         std::string(s.Text(3))});
    }
    return out;
  }

  Result<std::unique_ptr<ImportTransaction>> BeginImport(const ImportInfo& info) override {
    ASSIGN_OR_RETURN(std::unique_ptr<Db> db, Db::Open(path_, options_, /*create=*/false));
    WriteTxn txn(*db);
    RETURN_IF_ERROR(txn.Begin("an import of " + info.file_name));
    const std::string kind(io::KindName(info.kind));
    {
      ASSIGN_OR_RETURN(Stmt s, db->Prepare("SELECT id, file_name FROM imports WHERE kind = ?1 AND "
                                           "sha256 = ?2",
                                           "looking for an earlier import"));
      ASSIGN_OR_RETURN(bool row, s.Bind(1, kind).Bind(2, info.sha256).Step());
      if (row) {
        return AlreadyExists("store " + path_ + ": " + info.file_name +
                             " was already imported as import " + std::to_string(s.Int(0)) + " (" +
                             std::string(s.Text(1)) + ")");
      }
    }
    ASSIGN_OR_RETURN(Stmt ins, db->Prepare("INSERT INTO imports (kind, file_name, sha256, period, "
                                           "rows_total, imported_by, imported_at) VALUES (?1, "
                                           "?2, ?3, ?4, ?5, ?6, coalesce(?7, " +
                                               std::string(kNow) + "))",
                                           "recording an import"));
    RETURN_IF_ERROR(ins.Bind(1, kind)
                        .Bind(2, info.file_name)
                        .Bind(3, info.sha256)
                        .Bind(4, info.period)
                        .Bind(5, info.rows_total)
                        .Bind(6, info.imported_by)
                        .BindOrNull(7, info.imported_at)
                        .Run());
    const ImportId id = sqlite3_last_insert_rowid(db->raw());
    // From here the import transaction owns the open database transaction.
    txn.Release();
    auto out = std::make_unique<SqliteImportTransaction>(std::move(db), id);
    return std::unique_ptr<ImportTransaction>(std::move(out));
  }

  Result<std::optional<ImportRecord>> FindImportBySha256(io::Kind kind,
                                                         const std::string& sha256) override {
    ASSIGN_OR_RETURN(Stmt s, db_->Prepare("SELECT " + std::string(kImportColumns) +
                                              " FROM imports WHERE kind = ?1 AND sha256 = ?2",
                                          "finding an import by sha256"));
    ASSIGN_OR_RETURN(bool row, s.Bind(1, io::KindName(kind)).Bind(2, sha256).Step());
    if (!row) return std::optional<ImportRecord>();
    ASSIGN_OR_RETURN(ImportRecord r, ReadImport(s, path_));
    return std::optional<ImportRecord>(std::move(r));
  }

  Result<std::vector<ImportRecord>> ListImports() override {
    ASSIGN_OR_RETURN(
        Stmt s, db_->Prepare("SELECT " + std::string(kImportColumns) + " FROM imports ORDER BY id",
                             "listing imports"));
    std::vector<ImportRecord> out;
    while (true) {
      ASSIGN_OR_RETURN(bool row, s.Step());
      if (!row) break;
      ASSIGN_OR_RETURN(ImportRecord r, ReadImport(s, path_));
      out.push_back(std::move(r));
    }
    return out;
  }

  Result<int64_t> CountRegisterPersons() override {
    ASSIGN_OR_RETURN(Stmt s, db_->Prepare("SELECT count(*) FROM persons", "counting persons"));
    ASSIGN_OR_RETURN(bool row, s.Step());
    return row ? s.Int(0) : int64_t{0};
  }

  Result<RegisterColumns> LoadRegisterColumns() override {
    // One read transaction, so that the count and the rows agree.
    WriteTxn txn(*db_);
    RETURN_IF_ERROR(db_->Exec("BEGIN", "beginning a register read"));
    ASSIGN_OR_RETURN(int64_t n, CountRegisterPersons());
    RegisterColumns c;
    std::vector<std::string>* cols[] = {
        &c.card_no,  &c.person_no, &c.name,   &c.sex,        &c.birth_date,       &c.id_number,
        &c.relation, &c.ethnicity, &c.status, &c.death_date, &c.mother_id_number, &c.community_code,
        &c.building, &c.unit,      &c.room,   &c.address};
    for (auto* v : cols) v->reserve(static_cast<size_t>(n));
    ASSIGN_OR_RETURN(
        Stmt s,
        db_->Prepare("SELECT p.card_no, p.person_no, p.name, p.sex, p.birth_date, p.id_number, "
                     "p.relation, p.ethnicity, p.status, p.death_date, p.mother_id_number, "
                     "h.community_code, h.building, h.unit, h.room, h.address FROM persons p "
                     "JOIN households h ON h.card_no = p.card_no ORDER BY p.card_no, "
                     "length(p.person_no), p.person_no",
                     "loading the register"));
    while (true) {
      ASSIGN_OR_RETURN(bool row, s.Step());
      if (!row) break;
      for (int i = 0; i < 16; ++i) cols[i]->emplace_back(s.Text(i));
    }
    return c;  // the WriteTxn destructor ends the read transaction
  }

  Result<int64_t> AppendHistory(const HistoryEntry& e) override {
    ASSIGN_OR_RETURN(Stmt s, db_->Prepare("INSERT INTO history (entity, entity_key, before_json, "
                                          "after_json, who, at, why, evidence) VALUES (?1, ?2, "
                                          "?3, ?4, ?5, coalesce(?6, " +
                                              std::string(kNow) + "), ?7, ?8)",
                                          "appending history"));
    RETURN_IF_ERROR(s.Bind(1, e.entity)
                        .Bind(2, e.entity_key)
                        .BindOrNull(3, e.before_json)
                        .BindOrNull(4, e.after_json)
                        .Bind(5, e.who)
                        .BindOrNull(6, e.at)
                        .Bind(7, e.why)
                        .Bind(8, e.evidence)
                        .Run());
    return static_cast<int64_t>(sqlite3_last_insert_rowid(db_->raw()));
  }

  Result<std::vector<HistoryEntry>> ListHistory(const std::string& entity,
                                                const std::string& entity_key) override {
    ASSIGN_OR_RETURN(Stmt s, db_->Prepare("SELECT entity, entity_key, before_json, after_json, "
                                          "who, at, why, evidence FROM history WHERE entity = ?1 "
                                          "AND entity_key = ?2 ORDER BY id",
                                          "listing history"));
    s.Bind(1, entity).Bind(2, entity_key);
    std::vector<HistoryEntry> out;
    while (true) {
      ASSIGN_OR_RETURN(bool row, s.Step());
      if (!row) break;
      out.push_back(HistoryEntry{std::string(s.Text(0)), std::string(s.Text(1)),
                                 std::string(s.Text(2)), std::string(s.Text(3)),
                                 std::string(s.Text(4)), std::string(s.Text(5)),
                                 std::string(s.Text(6)), std::string(s.Text(7))});
    }
    return out;
  }

  Result<int64_t> AppendAudit(const AuditEntry& e) override {
    ASSIGN_OR_RETURN(Stmt s, db_->Prepare("INSERT INTO audit_log (at, who, action, object, "
                                          "details_json) VALUES (coalesce(?1, " +
                                              std::string(kNow) + "), ?2, ?3, ?4, ?5)",
                                          "appending to the audit log"));
    RETURN_IF_ERROR(s.BindOrNull(1, e.at)
                        .Bind(2, e.who)
                        .Bind(3, e.action)
                        .Bind(4, e.object)
                        .Bind(5, e.details_json.empty() ? std::string_view("{}")
                                                        : std::string_view(e.details_json))
                        .Run());
    return static_cast<int64_t>(sqlite3_last_insert_rowid(db_->raw()));
  }

 private:
  std::string path_;
  SqliteOptions options_;
  std::unique_ptr<Db> db_;
};

}  // namespace

int SqliteLatestSchemaVersion() { return kMigrations[std::size(kMigrations) - 1].version; }

Result<std::unique_ptr<Store>> OpenSqliteStore(const std::string& path,
                                               const SqliteOptions& options) {
  ASSIGN_OR_RETURN(std::unique_ptr<Db> db, Db::Open(path, options, options.create));
  RETURN_IF_ERROR(Migrate(*db));
  return std::unique_ptr<Store>(std::make_unique<SqliteStore>(path, options, std::move(db)));
}

}  // namespace popreg::store
