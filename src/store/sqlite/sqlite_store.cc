#include "store/sqlite/sqlite_store.h"

#include <sqlite3.h>

#include <array>
#include <charconv>
#include <csignal>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <functional>
#include <limits>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "io/schema.h"
#include "store/backend_checks.h"
#include "store/common_schema.h"
#include "store/common_store.h"
#include "store/register_read.h"
#include "store/sql.h"

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

// Migration 2: discrepancy items that live across comparisons. Schema 1 keyed an item by its
// comparison, so an item could not keep its id and review state when the next comparison found
// it again. No store has ever written comparisons (nothing before schema 2 could), so the four
// tables are dropped and made anew.
//
// An item (`discrepancies`) has a stable global id; among the items that are not "resolved" its
// `identity` is unique (recon makes it from the type and the spec's "identified by" values).
// `comparison_items` says which comparison found which items. `reviews` is append-only: one row
// per status change (a reviewer's move, or a comparison resolving an item no longer found).
// Empty strings of the Store interface are NULL here (the spec's empty cells), and 0 ids/rows too.
constexpr std::string_view kSchema2 = R"sql(
DROP TABLE reviews;
DROP TABLE discrepancies;
DROP TABLE comparison_sources;
DROP TABLE comparisons;

CREATE TABLE comparisons (
  id INTEGER PRIMARY KEY,
  as_of TEXT NOT NULL,
  since TEXT NOT NULL,
  area_code TEXT NOT NULL DEFAULT '',
  started_by TEXT NOT NULL DEFAULT '',
  started_at TEXT NOT NULL,
  finished_at TEXT NOT NULL,
  summary_json TEXT
);

CREATE TABLE comparison_sources (
  comparison_id INTEGER NOT NULL REFERENCES comparisons (id),
  import_id INTEGER NOT NULL REFERENCES imports (id),
  PRIMARY KEY (comparison_id, import_id)
) WITHOUT ROWID;

CREATE TABLE discrepancies (
  id INTEGER PRIMARY KEY,
  identity TEXT NOT NULL,
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
  status TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'verified', 'approved',
    'rejected', 'applied', 'resolved')),
  proposal TEXT NOT NULL DEFAULT '',
  evidence_json TEXT,
  explanation_json TEXT,
  first_comparison INTEGER NOT NULL REFERENCES comparisons (id),
  last_comparison INTEGER NOT NULL REFERENCES comparisons (id)
);
CREATE UNIQUE INDEX discrepancies_identity ON discrepancies (identity)
  WHERE status <> 'resolved';
CREATE INDEX discrepancies_last ON discrepancies (last_comparison);
CREATE INDEX discrepancies_community ON discrepancies (community_code);
CREATE INDEX discrepancies_register_key ON discrepancies (register_key);

-- Which comparison found which items (an item found again by a later comparison has a row for
-- each).
CREATE TABLE comparison_items (
  comparison_id INTEGER NOT NULL REFERENCES comparisons (id),
  discrepancy_id INTEGER NOT NULL REFERENCES discrepancies (id),
  PRIMARY KEY (comparison_id, discrepancy_id)
) WITHOUT ROWID;

-- Status changes of items, append-only: the latest row of an item ends in its status.
CREATE TABLE reviews (
  id INTEGER PRIMARY KEY,
  discrepancy_id INTEGER NOT NULL REFERENCES discrepancies (id),
  who TEXT NOT NULL,
  at TEXT NOT NULL,
  status_before TEXT NOT NULL,
  status_after TEXT NOT NULL,
  note TEXT NOT NULL DEFAULT ''
);
CREATE INDEX reviews_item ON reviews (discrepancy_id, id);
CREATE TRIGGER reviews_no_update BEFORE UPDATE ON reviews
BEGIN SELECT RAISE(ABORT, 'reviews are append-only'); END;
CREATE TRIGGER reviews_no_delete BEFORE DELETE ON reviews
BEGIN SELECT RAISE(ABORT, 'reviews are append-only'); END;
)sql";

// Migration 3: the review workflow (docs/review.md). Users get the six roles of the policy and the
// areas they work in; an item can be "disputed", carries the structured action that applying it
// performs (action_json, made by recon) and the values staff verified (values_json); a review
// row keeps the values of its moment; a history row names the item it applied; a person merged
// into another leaves a forward pointer. SQLite cannot change a CHECK in place, so users and
// discrepancies are rebuilt by SQLite's own procedure (lang_altertable.html, "other kinds of
// table schema changes"): with foreign keys off, copy, drop, rename, then foreign_key_check.
constexpr std::string_view kSchema3 = R"sql(
CREATE TABLE users_new (
  id INTEGER PRIMARY KEY,
  login TEXT NOT NULL UNIQUE,
  display_name TEXT NOT NULL DEFAULT '',
  role TEXT NOT NULL CHECK (role IN ('admin', 'reviewer', 'community', 'clerk', 'viewer',
    'auditor')),
  password_hash TEXT NOT NULL DEFAULT '',
  created_at TEXT NOT NULL,
  disabled INTEGER NOT NULL DEFAULT 0 CHECK (disabled IN (0, 1)),
  all_areas INTEGER NOT NULL DEFAULT 0 CHECK (all_areas IN (0, 1))
);
INSERT INTO users_new (id, login, display_name, role, password_hash, created_at, disabled,
  all_areas) SELECT id, login, display_name, role, password_hash, created_at, disabled, 1
  FROM users;
DROP TABLE users;
ALTER TABLE users_new RENAME TO users;

CREATE TABLE user_areas (
  user_id INTEGER NOT NULL REFERENCES users (id),
  area_code TEXT NOT NULL,
  PRIMARY KEY (user_id, area_code)
) WITHOUT ROWID;

CREATE TABLE discrepancies_new (
  id INTEGER PRIMARY KEY,
  identity TEXT NOT NULL,
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
  status TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'verified', 'disputed',
    'approved', 'rejected', 'applied', 'resolved')),
  proposal TEXT NOT NULL DEFAULT '',
  evidence_json TEXT,
  explanation_json TEXT,
  first_comparison INTEGER NOT NULL REFERENCES comparisons (id),
  last_comparison INTEGER NOT NULL REFERENCES comparisons (id),
  action_json TEXT,
  values_json TEXT
);
INSERT INTO discrepancies_new (id, identity, type, community_code, register_key, register_key_2,
  source_kind, source_import_id, source_row, source_id_number, field, register_value,
  source_value, birth_key, match_probability, status, proposal, evidence_json, explanation_json,
  first_comparison, last_comparison)
  SELECT id, identity, type, community_code, register_key, register_key_2, source_kind,
  source_import_id, source_row, source_id_number, field, register_value, source_value,
  birth_key, match_probability, status, proposal, evidence_json, explanation_json,
  first_comparison, last_comparison FROM discrepancies;
DROP TABLE discrepancies;
ALTER TABLE discrepancies_new RENAME TO discrepancies;
CREATE UNIQUE INDEX discrepancies_identity ON discrepancies (identity)
  WHERE status <> 'resolved';
CREATE INDEX discrepancies_last ON discrepancies (last_comparison);
CREATE INDEX discrepancies_community ON discrepancies (community_code);
CREATE INDEX discrepancies_register_key ON discrepancies (register_key);
CREATE INDEX discrepancies_status ON discrepancies (status, type);

ALTER TABLE reviews ADD COLUMN values_json TEXT NOT NULL DEFAULT '{}';
ALTER TABLE history ADD COLUMN item_id INTEGER;
CREATE INDEX history_item ON history (item_id);
CREATE INDEX history_at ON history (at);

-- What applying looks up: the cards of a dwelling or community, a child by its birth date.
CREATE INDEX households_dwelling ON households (community_code, building, unit, room);
CREATE INDEX persons_birth_date ON persons (birth_date);

CREATE TABLE person_forwards (
  old_key TEXT PRIMARY KEY,
  new_key TEXT NOT NULL,
  item_id INTEGER,
  at TEXT NOT NULL
) WITHOUT ROWID;
)sql";

// Migration 4: the campaign and the monthly hand-over (docs/reports.md). An import records the
// month it covers and its department's community ('' = the whole district); schema 1's free-text
// `period` stays as it was, and becomes the month where it already was one. A campaign has its
// phases' dates (ISO dates) and the hand-over day of the month.
constexpr std::string_view kSchema4 = R"sql(
ALTER TABLE imports ADD COLUMN month TEXT NOT NULL DEFAULT '';
ALTER TABLE imports ADD COLUMN community_code TEXT NOT NULL DEFAULT '';
UPDATE imports SET month = period WHERE period GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]'
  AND substr(period, 6, 2) BETWEEN '01' AND '12';

CREATE TABLE campaigns (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL UNIQUE,
  start_date TEXT NOT NULL,
  startup_end TEXT NOT NULL,
  reporting_deadline TEXT NOT NULL,
  entry_deadline TEXT NOT NULL,
  end_date TEXT NOT NULL,
  handover_day INTEGER NOT NULL DEFAULT 3 CHECK (handover_day BETWEEN 1 AND 28),
  created_by TEXT NOT NULL DEFAULT '',
  created_at TEXT NOT NULL
);
)sql";

// Migration 5: what the web server needs (docs/store.md, schema 5): the audit log's hash
// chain, users who must change their password and the sign-in lockout, the items' last change
// and the indexes of the paged worklist. This backend's part: the columns whose types differ
// (a boolean is an INTEGER 0 or 1 here; the worklist's sort keys of nullable columns are
// generated columns, VIRTUAL here as ALTER TABLE allows), and the audit log's update trigger,
// dropped while CommonMigration5 (store/common_schema.cc) fills the chain and made again by
// kSchema5After.
constexpr std::string_view kSchema5 = R"sql(
DROP TRIGGER audit_log_no_update;
ALTER TABLE users ADD COLUMN must_change_password INTEGER NOT NULL DEFAULT 0
  CHECK (must_change_password IN (0, 1));
ALTER TABLE discrepancies ADD COLUMN updated_at TEXT NOT NULL DEFAULT '';
ALTER TABLE discrepancies ADD COLUMN community_key TEXT
  GENERATED ALWAYS AS (coalesce(community_code, '')) VIRTUAL;
ALTER TABLE discrepancies ADD COLUMN probability_key REAL
  GENERATED ALWAYS AS (coalesce(match_probability, -1)) VIRTUAL;
)sql";
constexpr std::string_view kSchema5After = R"sql(
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
)sql";

// Migration 6: card corrections (store.h kCardCorrection), items of popreg's own type raised
// from the household card, which may correct a person's relation or ethnicity as well. Only two
// CHECK constraints of discrepancies widen, which no row on disk can violate; SQLite changes
// such a constraint in place by its documented procedure for dropping or loosening one
// (lang_altertable.html, section 7: writable_schema, edit the table's definition, bump the
// schema version) rather than by copying the whole table.
Status WidenItemChecks(sql::Session& s) {
  const std::string what = "widening the checks of discrepancies";
  ASSIGN_OR_RETURN(sql::Rows v, s.Query(what, "PRAGMA schema_version", {}));
  const int64_t version = v.Int(0, 0);
  RETURN_IF_ERROR(s.Exec(what, "PRAGMA writable_schema = ON", {}).status());
  Result<int64_t> changed =
      s.Exec(what,
             "UPDATE sqlite_master SET sql = replace(replace(sql, "
             "'''invalid_id_number'', ''incomplete_record''))', "
             "'''invalid_id_number'', ''incomplete_record'', ''card_correction''))'), "
             "'''birth_date'', ''id_number''))', "
             "'''birth_date'', ''id_number'', ''relation'', ''ethnicity''))') "
             "WHERE type = 'table' AND name = 'discrepancies'",
             {});
  if (changed.ok()) {
    changed = s.Exec(what, "PRAGMA schema_version = " + std::to_string(version + 1), {});
  }
  RETURN_IF_ERROR(s.Exec(what, "PRAGMA writable_schema = OFF", {}).status());
  RETURN_IF_ERROR(changed.status());
  ASSIGN_OR_RETURN(sql::Rows c, s.Query(what,
                                        "SELECT count(*) FROM sqlite_master WHERE type = 'table' "
                                        "AND name = 'discrepancies' AND instr(sql, "
                                        "'''card_correction''') > 0 AND instr(sql, "
                                        "'''ethnicity''') > 0",
                                        {}));
  if (c.Int(0, 0) != 1) {
    return DataLoss(
        "the table discrepancies is not as migration 5 left it: its checks of type "
        "and field were not found");
  }
  ASSIGN_OR_RETURN(sql::Rows ok, s.Query(what, "PRAGMA quick_check", {}));
  if (ok.Text(0, 0) != "ok") return DataLoss("after " + what + ": " + std::string(ok.Text(0, 0)));
  return Status();
}

struct Migration {
  int version;
  std::string_view name;
  std::string_view sql;
  bool rebuilds_tables = false;  // runs with foreign keys off, checked before it commits
  // The migration's part both dialects accept (store/common_schema.h), run after `sql` on a
  // session of the same transaction, then `sql_after`.
  Status (*common)(sql::Session&) = nullptr;
  std::string_view sql_after;
};

constexpr Migration kMigrations[] = {
    {1, "initial schema", kSchema1},
    {2, "discrepancy items across comparisons", kSchema2},
    {3, "review workflow: roles, areas, disputes, actions, merges", kSchema3, true},
    {4, "campaigns; the month and community of imports", kSchema4},
    {5, "audit hash chain, password changes and lockout, paged worklist", kSchema5, false,
     CommonMigration5, kSchema5After},
    {6, "card corrections", "", false, WidenItemChecks, ""},
};

// Fault injection for crash tests (docs/store.md): the points of this backend call
// sql::FailPoint, which POPREG_FAILPOINT arms.
using sql::FailPoint;

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
  // 0 binds NULL (no import, no row).
  Stmt& BindIdOrNull(int i, int64_t v) {
    Note(v == 0 ? sqlite3_bind_null(stmt_, i) : sqlite3_bind_int64(stmt_, i, v));
    return *this;
  }
  Stmt& Bind(int i, std::optional<double> v) {
    Note(v ? sqlite3_bind_double(stmt_, i, *v) : sqlite3_bind_null(stmt_, i));
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
  std::optional<double> OptionalDouble(int col) const {
    if (sqlite3_column_type(stmt_, col) == SQLITE_NULL) return std::nullopt;
    return sqlite3_column_double(stmt_, col);
  }

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
  // Once, before SQLite starts: no memory statistics, whose global mutex is taken at every
  // allocation of every connection, so that the server's request threads and a comparison's
  // reading do not queue behind one another.
  static const bool configured = [] {
    sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
    return true;
  }();
  (void)configured;
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
  // 64 MiB of page cache instead of SQLite's 2 MiB: applying 50,000 items touches persons,
  // cards, items and history all over a million-person file, and with the default most of the
  // time went to copying pages the OS had cached anyway.
  RETURN_IF_ERROR(db->Exec("PRAGMA cache_size = -65536", "setting the page cache"));
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

// Runs `step` on a session of db's open transaction (defined after SqliteSession).
Status RunOnSession(Db& db, const std::function<Status(sql::Session&)>& step);

Status Migrate(Db& db, int target_version) {
  const int latest = SqliteLatestSchemaVersion();
  // A store that is up to date needs no write lock to open: a reader (a backup, a listing) can
  // open it while another process holds the lock for a long import. (A file without
  // schema_migrations fails this read and goes on below.)
  if (Result<int> version = CurrentVersion(db); version.ok() && *version == latest) {
    return Status();
  }
  RETURN_IF_ERROR(db.Exec(
      "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT "
      "NULL, applied_at TEXT NOT NULL)",
      "creating schema_migrations"));
  for (const Migration& m : kMigrations) {
    // Foreign keys can only be switched outside a transaction; they are on again (the guard's
    // destructor) before anything else runs on this connection.
    struct ForeignKeysOff {
      Db* db = nullptr;
      ~ForeignKeysOff() {
        if (db != nullptr)
          sqlite3_exec(db->raw(), "PRAGMA foreign_keys = ON", nullptr, nullptr, nullptr);
      }
    } fk_guard;
    if (m.rebuilds_tables) {
      RETURN_IF_ERROR(db.Exec("PRAGMA foreign_keys = OFF", "switching foreign keys off"));
      fk_guard.db = &db;
    }
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
    if (target_version > 0 && m.version > target_version) break;
    RETURN_IF_ERROR(db.ExecScript(m.sql, what));
    if (m.common != nullptr) {
      RETURN_IF_ERROR(RunOnSession(db, m.common).WithContext(what));
      RETURN_IF_ERROR(db.ExecScript(m.sql_after, what));
    }
    if (m.rebuilds_tables) {
      ASSIGN_OR_RETURN(Stmt check, db.Prepare("PRAGMA foreign_key_check", "checking " + what));
      ASSIGN_OR_RETURN(bool broken, check.Step());
      if (broken) {
        return DataLoss("store " + db.path() + ": " + what + ": table " +
                        std::string(check.Text(0)) + " has a row whose reference is broken");
      }
    }
    FailPoint("migration.applied");
    ASSIGN_OR_RETURN(Stmt ins, db.Prepare("INSERT INTO schema_migrations (version, name, "
                                          "applied_at) VALUES (?1, ?2, " +
                                              std::string(kNow) + ")",
                                          "recording " + what));
    RETURN_IF_ERROR(ins.Bind(1, int64_t{m.version}).Bind(2, m.name).Run());
    RETURN_IF_ERROR(txn.Commit(what));
    FailPoint("migration.committed");
  }
  return Status();
}

// The store's clock (sql::FixedNow first), as the text kNow gives.
Result<std::string> ReadClock(Db& db) {
  if (std::optional<std::string> fixed = sql::FixedNow()) return *fixed;
  ASSIGN_OR_RETURN(Stmt s, db.Prepare("SELECT " + std::string(kNow), "reading the clock"));
  ASSIGN_OR_RETURN(bool row, s.Step());
  return row ? std::string(s.Text(0)) : std::string();
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

// The register's columns, for the staging tables and the history's JSON (the keys are the field
// names of Person and Household).
constexpr std::string_view kHouseholdJson =
    "json_object('card_no', {0}.card_no, 'community_code', {0}.community_code, 'building', "
    "{0}.building, 'unit', {0}.unit, 'room', {0}.room, 'address', {0}.address)";
constexpr std::string_view kPersonJson =
    "json_object('card_no', {0}.card_no, 'person_no', {0}.person_no, 'name', {0}.name, 'sex', "
    "{0}.sex, 'birth_date', {0}.birth_date, 'id_number', {0}.id_number, 'relation', "
    "{0}.relation, 'ethnicity', {0}.ethnicity, 'status', {0}.status, 'death_date', "
    "{0}.death_date, 'mother_id_number', {0}.mother_id_number)";
// Whether the register row {0} differs from the row {1} in any value (the key aside).
constexpr std::string_view kHouseholdDiffers =
    "{0}.community_code IS NOT {1}.community_code OR {0}.building IS NOT {1}.building OR "
    "{0}.unit IS NOT {1}.unit OR {0}.room IS NOT {1}.room OR {0}.address IS NOT {1}.address";
constexpr std::string_view kPersonDiffers =
    "{0}.name IS NOT {1}.name OR {0}.sex IS NOT {1}.sex OR {0}.birth_date IS NOT {1}.birth_date "
    "OR {0}.id_number IS NOT {1}.id_number OR {0}.relation IS NOT {1}.relation OR {0}.ethnicity "
    "IS NOT {1}.ethnicity OR {0}.status IS NOT {1}.status OR {0}.death_date IS NOT "
    "{1}.death_date OR {0}.mother_id_number IS NOT {1}.mother_id_number";

// `pattern` with every "{0}" replaced by `alias` and every "{1}" by `alias1`.
std::string WithAlias(std::string_view pattern, std::string_view alias,
                      std::string_view alias1 = {}) {
  std::string out;
  size_t pos = 0;
  while (true) {
    const size_t at = pattern.find('{', pos);
    if (at == std::string_view::npos || at + 2 >= pattern.size() || pattern[at + 2] != '}') {
      out += pattern.substr(pos);
      return out;
    }
    out += pattern.substr(pos, at - pos);
    out += pattern[at + 1] == '0' ? alias : alias1;
    pos = at + 3;
  }
}

constexpr std::string_view kImportColumns =
    "id, kind, file_name, sha256, month, rows_total, imported_by, imported_at, rows_imported, "
    "rows_rejected, community_code";

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
  r.info.month = s.Text(4);
  r.info.rows_total = s.Int(5);
  r.info.imported_by = s.Text(6);
  r.info.imported_at = s.Text(7);
  r.rows_imported = s.Int(8);
  r.rows_rejected = s.Int(9);
  r.info.community_code = s.Text(10);
  return r;
}

// The values of a discrepancy item that SaveComparison writes, in the order BindItem binds them
// (?1..?18).
constexpr std::string_view kItemValues =
    "identity, type, community_code, register_key, register_key_2, source_kind, "
    "source_import_id, source_row, source_id_number, field, register_value, source_value, "
    "birth_key, match_probability, proposal, evidence_json, explanation_json, action_json";

Stmt& BindItem(Stmt& s, const Discrepancy& d) {
  return s.Bind(1, d.identity)
      .Bind(2, d.type)
      .BindOrNull(3, d.community_code)
      .BindOrNull(4, d.register_key)
      .BindOrNull(5, d.register_key_2)
      .BindOrNull(6, d.source_kind)
      .BindIdOrNull(7, d.source_import_id)
      .BindIdOrNull(8, d.source_row)
      .BindOrNull(9, d.source_id_number)
      .BindOrNull(10, d.field)
      .BindOrNull(11, d.register_value)
      .BindOrNull(12, d.source_value)
      .BindOrNull(13, d.birth_key)
      .Bind(14, d.match_probability)
      .Bind(15, d.proposal)
      .BindOrNull(16, d.evidence_json)
      .BindOrNull(17, d.explanation_json)
      .BindOrNull(18, d.action_json);
}

class SqliteImportTransaction final : public ImportTransaction {
 public:
  SqliteImportTransaction(std::unique_ptr<Db> db, ImportId id, ImportInfo info,
                          int64_t rebuild_indexes_from)
      : db_(std::move(db)),
        id_(id),
        info_(std::move(info)),
        rebuild_indexes_from_(rebuild_indexes_from) {}
  ~SqliteImportTransaction() override {
    insert_record_.reset();
    insert_household_.reset();
    insert_person_.reset();
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

  // The rows are staged in two temporary tables of this connection (on disk, so memory stays
  // flat however large the file); the register tables are untouched until Commit().
  Status AddRegisterRows(std::span<const RegisterRow> rows) override {
    RETURN_IF_ERROR(CheckOpen());
    return Guard([&]() -> Status {
      if (!register_started_) RETURN_IF_ERROR(StartRegister());
      for (const RegisterRow& r : rows) {
        const Household& h = r.household;
        const Person& p = r.person;
        const std::string where = "row " + std::to_string(r.source_row);
        if (p.card_no != h.card_no) {
          return InvalidArgument("store " + db_->path() + ": import " + std::to_string(id_) + " " +
                                 where + ": the person's card_no " + p.card_no +
                                 " is not its household's " + h.card_no);
        }
        RETURN_IF_ERROR(insert_household_->Bind(1, h.card_no)
                            .Bind(2, h.community_code)
                            .Bind(3, h.building)
                            .Bind(4, h.unit)
                            .Bind(5, h.room)
                            .Bind(6, h.address)
                            .Bind(7, r.source_row)
                            .Run()
                            .WithContext(where));
        RETURN_IF_ERROR(insert_person_->Bind(1, p.card_no)
                            .Bind(2, p.person_no)
                            .Bind(3, p.name)
                            .Bind(4, p.sex)
                            .Bind(5, p.birth_date)
                            .Bind(6, p.id_number)
                            .Bind(7, p.relation)
                            .Bind(8, p.ethnicity)
                            .Bind(9, p.status)
                            .Bind(10, p.death_date)
                            .Bind(11, p.mother_id_number)
                            .Bind(12, r.source_row)
                            .Run()
                            .WithContext(where));
        if (sqlite3_changes(db_->raw()) == 0) return DuplicateKey(p, r.source_row);
      }
      return Status();
    });
  }

  Status ReplaceAreas(std::span<const Area> areas) override {
    RETURN_IF_ERROR(CheckOpen());
    return Guard([&] { return WriteAreas(*db_, areas); });
  }

  Status SetMonth(std::string_view month) override {
    RETURN_IF_ERROR(CheckOpen());
    return Guard([&]() -> Status {
      ASSIGN_OR_RETURN(Stmt s, db_->Prepare("UPDATE imports SET month = ?2 WHERE id = ?1",
                                            "setting the month of import " + std::to_string(id_)));
      return s.Bind(1, id_).Bind(2, month).Run();
    });
  }

  Status Commit() override {
    RETURN_IF_ERROR(CheckOpen());
    insert_record_.reset();
    insert_household_.reset();
    Status st = Guard([&]() -> Status {
      FailPoint("import.staged");
      insert_person_.reset();
      if (register_started_) {
        RETURN_IF_ERROR(WriteRegisterHistory());
        FailPoint("import.history");
        RETURN_IF_ERROR(ReplaceRegister());
      }
      ASSIGN_OR_RETURN(Stmt s, db_->Prepare("UPDATE imports SET rows_imported = (SELECT count(*) "
                                            "FROM source_records WHERE import_id = ?1), "
                                            "rows_rejected = (SELECT count(DISTINCT source_row) "
                                            "FROM import_rejects WHERE import_id = ?1) WHERE id = "
                                            "?1",
                                            "counting the import's rows"));
      RETURN_IF_ERROR(s.Bind(1, id_).Run());
      // Every data row is a source record or a rejected row: an importer that reads its file
      // once does not know the total at BeginImport.
      ASSIGN_OR_RETURN(Stmt t, db_->Prepare("UPDATE imports SET rows_total = rows_imported + "
                                            "rows_rejected WHERE id = ?1 AND rows_total <= 0",
                                            "counting the import's rows"));
      RETURN_IF_ERROR(t.Bind(1, id_).Run());
      RETURN_IF_ERROR(RunOnSession(
          *db_, [&](sql::Session& session) { return AuditImport(session, id_, info_); }));
      FailPoint("import.replaced");
      // A deferred foreign key (areas.parent_code) fails here and leaves the transaction open;
      // Guard rolls it back.
      return db_->Exec("COMMIT", "committing import " + std::to_string(id_));
    });
    if (st.ok()) {
      state_ = State::kCommitted;
      FailPoint("import.committed");
    }
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
      insert_household_.reset();
      insert_person_.reset();
      db_->RollbackIfOpen();
      state_ = State::kFailed;
    }
    return st;
  }

  // Creates the staging tables and prepares their inserts. The first row of a card gives its
  // household (ON CONFLICT DO NOTHING); a person key seen before inserts nothing, which
  // AddRegisterRows reports.
  Status StartRegister() {
    RETURN_IF_ERROR(db_->Exec(
        "CREATE TEMP TABLE new_households (card_no TEXT PRIMARY KEY, community_code TEXT NOT "
        "NULL, building TEXT NOT NULL, unit TEXT NOT NULL, room TEXT NOT NULL, address TEXT NOT "
        "NULL, source_row INTEGER NOT NULL) WITHOUT ROWID",
        "staging the register's households"));
    RETURN_IF_ERROR(db_->Exec(
        "CREATE TEMP TABLE new_persons (card_no TEXT NOT NULL, person_no TEXT NOT NULL, name "
        "TEXT NOT NULL, sex TEXT NOT NULL, birth_date TEXT NOT NULL, id_number TEXT NOT NULL, "
        "relation TEXT NOT NULL, ethnicity TEXT NOT NULL, status TEXT NOT NULL, death_date TEXT "
        "NOT NULL, mother_id_number TEXT NOT NULL, source_row INTEGER NOT NULL, PRIMARY KEY "
        "(card_no, person_no)) WITHOUT ROWID",
        "staging the register's persons"));
    ASSIGN_OR_RETURN(Stmt h, db_->Prepare("INSERT INTO temp.new_households VALUES (?1, ?2, ?3, "
                                          "?4, ?5, ?6, ?7) ON CONFLICT (card_no) DO NOTHING",
                                          "staging a household"));
    ASSIGN_OR_RETURN(Stmt p, db_->Prepare("INSERT INTO temp.new_persons VALUES (?1, ?2, ?3, ?4, "
                                          "?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12) ON CONFLICT "
                                          "(card_no, person_no) DO NOTHING",
                                          "staging a person"));
    insert_household_.emplace(std::move(h));
    insert_person_.emplace(std::move(p));
    register_started_ = true;
    return Status();
  }

  Status DuplicateKey(const Person& p, int64_t row) {
    ASSIGN_OR_RETURN(Stmt s, db_->Prepare("SELECT source_row FROM temp.new_persons WHERE card_no "
                                          "= ?1 AND person_no = ?2",
                                          "finding a register key's first row"));
    ASSIGN_OR_RETURN(bool found, s.Bind(1, p.card_no).Bind(2, p.person_no).Step());
    const std::string first = found ? std::to_string(s.Int(0)) : "?";
    return InvalidArgument("register key " + p.card_no + "/" + p.person_no + " is in row " + first +
                           " and again in row " + std::to_string(row) +
                           " (card_no and person_no must name one person)");
  }

  // One history entry per household and person created, changed or removed relative to the
  // register before, all with the same time.
  Status WriteRegisterHistory() {
    std::string at;
    ASSIGN_OR_RETURN(at, ReadClock(*db_));
    const std::string why =
        "register replaced by import " + std::to_string(id_) + " (" + info_.file_name + ")";
    const std::string evidence = "import " + std::to_string(id_);
    struct Entity {
      std::string_view name, table, staged, json, differs, key;
    };
    const Entity entities[] = {
        {"household", "main.households", "temp.new_households", kHouseholdJson, kHouseholdDiffers,
         "{0}.card_no"},
        {"person", "main.persons", "temp.new_persons", kPersonJson, kPersonDiffers,
         "{0}.card_no || '/' || {0}.person_no"},
    };
    for (const Entity& e : entities) {
      const std::string on = e.name == "person"
                                 ? "o.card_no = n.card_no AND o.person_no = n.person_no"
                                 : "o.card_no = n.card_no";
      const std::string insert =
          "INSERT INTO history (entity, entity_key, before_json, after_json, who, at, why, "
          "evidence) ";
      const std::string created = insert + "SELECT '" + std::string(e.name) + "', " +
                                  WithAlias(e.key, "n") + ", NULL, " + WithAlias(e.json, "n") +
                                  ", ?1, ?2, ?3, ?4 || ' row ' || n.source_row FROM " +
                                  std::string(e.staged) + " n LEFT JOIN " + std::string(e.table) +
                                  " o ON " + on + " WHERE o.card_no IS NULL";
      const std::string changed =
          insert + "SELECT '" + std::string(e.name) + "', " + WithAlias(e.key, "n") + ", " +
          WithAlias(e.json, "o") + ", " + WithAlias(e.json, "n") +
          ", ?1, ?2, ?3, ?4 || ' row ' || n.source_row FROM " + std::string(e.staged) + " n JOIN " +
          std::string(e.table) + " o ON " + on + " WHERE " + WithAlias(e.differs, "o", "n");
      const std::string removed = insert + "SELECT '" + std::string(e.name) + "', " +
                                  WithAlias(e.key, "o") + ", " + WithAlias(e.json, "o") +
                                  ", NULL, ?1, ?2, ?3, ?4 || ': not in the file' FROM " +
                                  std::string(e.table) + " o LEFT JOIN " + std::string(e.staged) +
                                  " n ON " + on + " WHERE n.card_no IS NULL";
      for (const std::string* sql : {&created, &changed, &removed}) {
        ASSIGN_OR_RETURN(Stmt s, db_->Prepare(*sql, "recording the register's " +
                                                        std::string(e.name) + " history"));
        RETURN_IF_ERROR(
            s.Bind(1, info_.imported_by).Bind(2, at).Bind(3, why).Bind(4, evidence).Run());
        register_writes_ += sqlite3_changes64(db_->raw());
      }
    }
    return Status();
  }

  // Makes the register tables equal to the staged rows, writing only what differs: rows not
  // staged are deleted, new rows inserted, changed rows updated. A row's import_id is the import
  // that last created or changed it. (A monthly register is mostly the same people, so this
  // writes a fraction of what deleting and inserting everything would.)
  Status ReplaceRegister() {
    // A replacement that writes many rows (the first import of a city's register) drops the
    // register tables' secondary indexes and builds them again afterwards, one sort each,
    // instead of updating them a row at a time: at ten million rows those updates touched
    // index pages far beyond the page cache, and the transaction's WAL passed 16 GB before it
    // was stopped. The indexes are rebuilt from their own definitions in the schema.
    std::vector<std::pair<std::string, std::string>> rebuilt;  // name, CREATE INDEX statement
    if (register_writes_ >= rebuild_indexes_from_) {
      ASSIGN_OR_RETURN(Stmt list, db_->Prepare("SELECT name, sql FROM main.sqlite_master WHERE "
                                               "type = 'index' AND sql IS NOT NULL AND tbl_name "
                                               "IN ('persons', 'households') ORDER BY name",
                                               "listing the register's indexes"));
      while (true) {
        ASSIGN_OR_RETURN(bool row, list.Step());
        if (!row) break;
        rebuilt.emplace_back(std::string(list.Text(0)), std::string(list.Text(1)));
      }
      for (const auto& [name, sql] : rebuilt) {
        RETURN_IF_ERROR(db_->Exec("DROP INDEX main." + name, "dropping index " + name));
      }
    }
    RETURN_IF_ERROR(
        db_->Exec("DELETE FROM persons WHERE NOT EXISTS (SELECT 1 FROM "
                  "temp.new_persons n WHERE n.card_no = persons.card_no AND "
                  "n.person_no = persons.person_no)",
                  "deleting register persons"));
    RETURN_IF_ERROR(
        db_->Exec("DELETE FROM households WHERE NOT EXISTS (SELECT 1 FROM "
                  "temp.new_households n WHERE n.card_no = households.card_no)",
                  "deleting register households"));
    ASSIGN_OR_RETURN(
        Stmt h, db_->Prepare("INSERT INTO households (card_no, community_code, building, unit, "
                             "room, address, import_id) SELECT card_no, community_code, "
                             "building, unit, room, address, ?1 FROM temp.new_households WHERE "
                             "true ON CONFLICT (card_no) DO UPDATE SET community_code = "
                             "excluded.community_code, building = excluded.building, unit = "
                             "excluded.unit, room = excluded.room, address = excluded.address, "
                             "import_id = excluded.import_id WHERE " +
                                 WithAlias(kHouseholdDiffers, "households", "excluded"),
                             "writing the register's households"));
    RETURN_IF_ERROR(h.Bind(1, id_).Run());
    ASSIGN_OR_RETURN(
        Stmt p,
        db_->Prepare("INSERT INTO persons (card_no, person_no, name, sex, birth_date, id_number, "
                     "relation, ethnicity, status, death_date, mother_id_number, import_id) "
                     "SELECT card_no, person_no, name, sex, birth_date, id_number, relation, "
                     "ethnicity, status, death_date, mother_id_number, ?1 FROM temp.new_persons "
                     "WHERE true ON CONFLICT (card_no, person_no) DO UPDATE SET name = "
                     "excluded.name, sex = excluded.sex, birth_date = excluded.birth_date, "
                     "id_number = excluded.id_number, relation = excluded.relation, ethnicity = "
                     "excluded.ethnicity, status = excluded.status, death_date = "
                     "excluded.death_date, mother_id_number = excluded.mother_id_number, "
                     "import_id = excluded.import_id WHERE " +
                         WithAlias(kPersonDiffers, "persons", "excluded"),
                     "writing the register's persons"));
    RETURN_IF_ERROR(p.Bind(1, id_).Run());
    for (const auto& [name, sql] : rebuilt) {
      RETURN_IF_ERROR(db_->Exec(sql, "building index " + name));
    }
    RETURN_IF_ERROR(db_->Exec("DROP TABLE temp.new_persons", "dropping the staged persons"));
    return db_->Exec("DROP TABLE temp.new_households", "dropping the staged households");
  }

  std::unique_ptr<Db> db_;
  ImportId id_;
  ImportInfo info_;
  State state_ = State::kOpen;
  std::optional<Stmt> insert_record_;  // prepared once, reused by every AddRecords
  bool register_started_ = false;      // AddRegisterRows was called
  // Households and persons the replacement creates, changes or removes (its history entries).
  int64_t register_writes_ = 0;
  // From this many writes the replacement rebuilds the secondary indexes (ReplaceRegister).
  int64_t rebuild_indexes_from_;
  std::optional<Stmt> insert_household_;  // prepared by the first AddRegisterRows
  std::optional<Stmt> insert_person_;
};

// The SQLite side of store/sql.h: statements prepared once per connection and kept (an apply of
// 50,000 items runs the same few statements 50,000 times).
class SqliteSession final : public sql::Session {
 public:
  explicit SqliteSession(Db& db) : db_(db) {}
  SqliteSession(const SqliteSession&) = delete;
  SqliteSession& operator=(const SqliteSession&) = delete;
  ~SqliteSession() override {
    for (auto& [text, stmt] : cache_) sqlite3_finalize(stmt);
  }

  sql::Dialect dialect() const override { return sql::Dialect::kSqlite; }
  const std::string& location() const override { return db_.path(); }

 protected:
  Result<std::string> ClockNow() override {
    ASSIGN_OR_RETURN(sql::Rows r, Query("reading the clock", "SELECT " + std::string(kNow)));
    return r.String(0, 0);
  }

  Result<sql::Rows> Run(std::string_view step, std::string_view text,
                        std::span<const sql::Value> params, int64_t* changed) override {
    ASSIGN_OR_RETURN(sqlite3_stmt * stmt, Prepared(step, text));
    // Reset and clear on every way out, so the cached statement is ready for its next use.
    struct Reset {
      sqlite3_stmt* s;
      ~Reset() {
        sqlite3_reset(s);
        sqlite3_clear_bindings(s);
      }
    } reset{stmt};
    for (size_t i = 0; i < params.size(); ++i) {
      const int at = static_cast<int>(i) + 1;
      int rc = SQLITE_OK;
      if (const auto* t = std::get_if<std::string>(&params[i])) {
        rc = sqlite3_bind_text(stmt, at, t->data(), static_cast<int>(t->size()), SQLITE_TRANSIENT);
      } else if (const auto* n = std::get_if<int64_t>(&params[i])) {
        rc = sqlite3_bind_int64(stmt, at, *n);
      } else if (const auto* d = std::get_if<double>(&params[i])) {
        rc = sqlite3_bind_double(stmt, at, *d);
      } else {
        rc = sqlite3_bind_null(stmt, at);
      }
      if (rc != SQLITE_OK) return db_.Error(rc, std::string(step) + " (binding parameters)");
    }
    const int columns = sqlite3_column_count(stmt);
    sql::Rows rows(columns);
    while (true) {
      const int rc = sqlite3_step(stmt);
      if (rc == SQLITE_DONE) break;
      if (rc != SQLITE_ROW) return db_.Error(rc, step);
      for (int c = 0; c < columns; ++c) {
        const int type = sqlite3_column_type(stmt, c);
        if (type == SQLITE_NULL) {
          rows.Append(std::nullopt);
        } else if (type == SQLITE_FLOAT) {
          // The shortest text that reads back as the same double (SQLite's own text keeps 15
          // digits), as PostgreSQL prints it: a keyset cursor on a real must not move.
          char buf[32];
          auto [end, ec] = std::to_chars(buf, buf + sizeof buf, sqlite3_column_double(stmt, c));
          rows.Append(std::string(buf, ec == std::errc() ? end : buf));
        } else {
          const auto* p = reinterpret_cast<const char*>(sqlite3_column_text(stmt, c));
          rows.Append(std::string(p, static_cast<size_t>(sqlite3_column_bytes(stmt, c))));
        }
      }
    }
    if (changed != nullptr) *changed = sqlite3_changes64(db_.raw());
    return rows;
  }

 private:
  Result<sqlite3_stmt*> Prepared(std::string_view step, std::string_view text) {
    auto it = cache_.find(std::string(text));
    if (it != cache_.end()) return it->second;
    sqlite3_stmt* stmt = nullptr;
    const int rc =
        sqlite3_prepare_v2(db_.raw(), text.data(), static_cast<int>(text.size()), &stmt, nullptr);
    if (rc != SQLITE_OK) {
      sqlite3_finalize(stmt);
      return db_.Error(rc, step);
    }
    cache_.emplace(std::string(text), stmt);
    return stmt;
  }

  Db& db_;
  std::unordered_map<std::string, sqlite3_stmt*> cache_;
};

Status RunOnSession(Db& db, const std::function<Status(sql::Session&)>& step) {
  SqliteSession session(db);
  return step(session);
}

class SqliteStore final : public CommonStore {
 public:
  SqliteStore(std::string path, SqliteOptions options, std::unique_ptr<Db> db)
      : path_(std::move(path)), options_(options), db_(std::move(db)) {}

  const std::string& location() const override { return path_; }

  Result<std::unique_ptr<Store>> OpenAnother() override {
    ASSIGN_OR_RETURN(std::unique_ptr<Db> db, Db::Open(path_, options_, false));
    return std::unique_ptr<Store>(std::make_unique<SqliteStore>(path_, options_, std::move(db)));
  }

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
    // A bounded page cache for the import's connection (main and temp schemas), large enough
    // that a million-row register stages and swaps without rereading pages from disk.
    RETURN_IF_ERROR(db->Exec("PRAGMA main.cache_size = -65536", "sizing the import's cache"));
    RETURN_IF_ERROR(db->Exec("PRAGMA temp.cache_size = -65536", "sizing the import's cache"));
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
    ASSIGN_OR_RETURN(Stmt ins, db->Prepare("INSERT INTO imports (kind, file_name, sha256, month, "
                                           "rows_total, imported_by, imported_at, "
                                           "community_code) VALUES (?1, ?2, ?3, ?4, ?5, ?6, "
                                           "coalesce(?7, " +
                                               std::string(kNow) + "), ?8)",
                                           "recording an import"));
    RETURN_IF_ERROR(ins.Bind(1, kind)
                        .Bind(2, info.file_name)
                        .Bind(3, info.sha256)
                        .Bind(4, info.month)
                        .Bind(5, info.rows_total)
                        .Bind(6, info.imported_by)
                        .BindOrNull(7, info.imported_at.empty() ? sql::FixedNow().value_or("")
                                                                : info.imported_at)
                        .Bind(8, info.community_code)
                        .Run());
    const ImportId id = sqlite3_last_insert_rowid(db->raw());
    FailPoint("import.begun");
    // From here the import transaction owns the open database transaction.
    txn.Release();
    auto out = std::make_unique<SqliteImportTransaction>(std::move(db), id, info,
                                                         options_.rebuild_register_indexes_from);
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
    RegisterReader reader(static_cast<size_t>(n));
    ASSIGN_OR_RETURN(
        Stmt s, db_->Prepare("SELECT " + std::string(kRegisterSelect), "loading the register"));
    std::array<std::string_view, RegisterReader::kColumns> row;
    while (true) {
      ASSIGN_OR_RETURN(bool more, s.Step());
      if (!more) break;
      for (int i = 0; i < RegisterReader::kColumns; ++i) row[i] = s.Text(i);
      reader.Add(row);
    }
    RegisterColumns c = reader.Finish();
    // The pages just read would stay in the connection's cache (64 MiB at a million persons)
    // through the comparison that reads the columns; freed, they come from the OS's cache when
    // read again.
    s.Reset();
    sqlite3_db_release_memory(db_->raw());
    return c;  // the WriteTxn destructor ends the read transaction
  }

  Status ForEachSourceRecord(ImportId id, RecordTexts texts,
                             const std::function<Status(const SourceRecord&)>& fn) override {
    {
      ASSIGN_OR_RETURN(Stmt s, db_->Prepare("SELECT 1 FROM imports WHERE id = ?1",
                                            "finding import " + std::to_string(id)));
      ASSIGN_OR_RETURN(bool row, s.Bind(1, id).Step());
      if (!row) return NotFound("store " + path_ + ": there is no import " + std::to_string(id));
    }
    // Pages of records by source_row: no statement stays open while `fn` runs, so `fn` may use
    // this store (a committed import never changes, so the pages agree).
    constexpr int64_t kPage = 4096;
    const bool raw = texts == RecordTexts::kRawAndNormalized;
    ASSIGN_OR_RETURN(Stmt s,
                     db_->Prepare(std::string("SELECT source_row, ") + (raw ? "raw" : "''") +
                                      ", normalized FROM source_records WHERE import_id "
                                      "= ?1 AND source_row > ?2 ORDER BY source_row "
                                      "LIMIT ?3",
                                  "reading import " + std::to_string(id) + "'s records"));
    std::vector<SourceRecord> page;
    int64_t after = std::numeric_limits<int64_t>::min();
    while (true) {
      page.clear();
      s.Bind(1, id).Bind(2, after).Bind(3, kPage);
      while (true) {
        ASSIGN_OR_RETURN(bool row, s.Step());
        if (!row) break;
        page.push_back({s.Int(0), std::string(s.Text(1)), std::string(s.Text(2))});
      }
      s.Reset();
      for (const SourceRecord& r : page) RETURN_IF_ERROR(fn(r));
      if (static_cast<int64_t>(page.size()) < kPage) return Status();
      after = page.back().source_row;
    }
  }

  Result<SaveComparisonResult> SaveComparison(const ComparisonInfo& info,
                                              std::vector<Discrepancy>& items) override {
    // Checked before anything is written, with messages naming the items.
    RETURN_IF_ERROR(CheckComparisonItems(items));
    WriteTxn txn(*db_);
    RETURN_IF_ERROR(txn.Begin("saving a comparison"));
    SaveComparisonResult result;
    std::string at;
    ASSIGN_OR_RETURN(at, ReadClock(*db_));
    {
      ASSIGN_OR_RETURN(Stmt s, db_->Prepare("INSERT INTO comparisons (as_of, since, area_code, "
                                            "started_by, started_at, finished_at, summary_json) "
                                            "VALUES (?1, ?2, ?3, ?4, coalesce(?5, ?8), "
                                            "coalesce(?6, ?8), ?7)",
                                            "recording a comparison"));
      RETURN_IF_ERROR(s.Bind(1, info.as_of)
                          .Bind(2, info.since)
                          .Bind(3, info.area_code)
                          .Bind(4, info.started_by)
                          .BindOrNull(5, info.started_at)
                          .BindOrNull(6, info.finished_at)
                          .BindOrNull(7, info.summary_json)
                          .Bind(8, at)
                          .Run());
      result.comparison_id = sqlite3_last_insert_rowid(db_->raw());
    }
    const int64_t cid = result.comparison_id;
    const std::string what = "comparison " + std::to_string(cid);
    {
      ASSIGN_OR_RETURN(Stmt s, db_->Prepare("INSERT OR IGNORE INTO comparison_sources "
                                            "(comparison_id, import_id) VALUES (?1, ?2)",
                                            "recording " + what + "'s sources"));
      for (ImportId src : info.sources) {
        RETURN_IF_ERROR(
            s.Bind(1, cid).Bind(2, src).Run().WithContext("import " + std::to_string(src)));
      }
    }
    // One read of the live items' identities.
    struct Live {
      int64_t id;
      std::string status;
      int64_t first;
    };
    std::unordered_map<std::string, Live> live;
    {
      ASSIGN_OR_RETURN(Stmt s, db_->Prepare("SELECT identity, id, status, first_comparison FROM "
                                            "discrepancies WHERE status <> 'resolved'",
                                            "reading the items' identities"));
      while (true) {
        ASSIGN_OR_RETURN(bool row, s.Step());
        if (!row) break;
        live.emplace(std::string(s.Text(0)), Live{s.Int(1), std::string(s.Text(2)), s.Int(3)});
      }
    }
    // ?1..?18 are an item's values in kItemValues order, ?19 the comparison, ?20 the id, ?21
    // the time.
    ASSIGN_OR_RETURN(Stmt insert,
                     db_->Prepare("INSERT INTO discrepancies (" + std::string(kItemValues) +
                                      ", status, first_comparison, last_comparison, updated_at) "
                                      "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, "
                                      "?13, ?14, ?15, ?16, ?17, ?18, 'open', ?19, ?19, ?21)",
                                  "adding a discrepancy item"));
    // A carried item is rewritten only when one of its values differs from the store's: a
    // rewrite changes every one of the table's fifteen indexes, while an item found again as it
    // was (most of them, month after month) changes the two columns `touch` sets and the three
    // indexes that hold them.
    std::string same;
    for (size_t begin = 0, i = 1; begin < kItemValues.size(); ++i) {
      const size_t end = std::min(kItemValues.find(", ", begin), kItemValues.size());
      same += (same.empty() ? "" : " AND ") + std::string(kItemValues.substr(begin, end - begin)) +
              " IS ?" + std::to_string(i);
      begin = end + 2;
    }
    ASSIGN_OR_RETURN(Stmt update,
                     db_->Prepare("UPDATE discrepancies SET (" + std::string(kItemValues) +
                                      ", last_comparison, updated_at) = (?1, ?2, ?3, ?4, ?5, ?6, "
                                      "?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, "
                                      "?19, ?21) WHERE id = ?20 AND NOT (" +
                                      same + ")",
                                  "updating a discrepancy item"));
    ASSIGN_OR_RETURN(Stmt touch, db_->Prepare("UPDATE discrepancies SET last_comparison = ?1, "
                                              "updated_at = ?2 WHERE id = ?3",
                                              "marking a discrepancy item found again"));
    ASSIGN_OR_RETURN(Stmt found, db_->Prepare("INSERT INTO comparison_items (comparison_id, "
                                              "discrepancy_id) VALUES (?1, ?2)",
                                              "recording what " + what + " found"));
    for (Discrepancy& d : items) {
      auto it = live.find(d.identity);
      Stmt& s = it == live.end() ? insert : update;
      BindItem(s, d).Bind(19, cid).Bind(21, at);
      if (it != live.end()) s.Bind(20, it->second.id);
      RETURN_IF_ERROR(s.Run().WithContext("discrepancy '" + d.identity + "'"));
      if (it != live.end() && sqlite3_changes(db_->raw()) == 0) {
        RETURN_IF_ERROR(touch.Bind(1, cid)
                            .Bind(2, at)
                            .Bind(3, it->second.id)
                            .Run()
                            .WithContext("discrepancy '" + d.identity + "'"));
      }
      if (it == live.end()) {
        d.id = sqlite3_last_insert_rowid(db_->raw());
        d.status = "open";
        d.first_comparison = cid;
        ++result.new_items;
      } else {
        d.id = it->second.id;
        d.status = it->second.status;
        d.first_comparison = it->second.first;
        ++result.carried_items;
      }
      d.last_comparison = cid;
      RETURN_IF_ERROR(found.Bind(1, cid).Bind(2, d.id).Run());
    }
    // Items of the compared area that this comparison did not find are resolved, each with a
    // review row saying so (not card corrections: no comparison finds those).
    const std::string not_found =
        " FROM discrepancies WHERE last_comparison <> ?1 AND status NOT IN ('applied', "
        "'resolved') AND type <> 'card_correction' AND (?2 = '' OR "
        "substr(coalesce(community_code, ''), 1, length(?2)) = ?2)";
    {
      ASSIGN_OR_RETURN(Stmt s, db_->Prepare("INSERT INTO reviews (discrepancy_id, who, at, "
                                            "status_before, status_after, note) SELECT id, ?3, "
                                            "?4, status, 'resolved', ?5" +
                                                not_found,
                                            "recording the items " + what + " resolved"));
      RETURN_IF_ERROR(s.Bind(1, cid)
                          .Bind(2, info.area_code)
                          .Bind(3, info.started_by)
                          .Bind(4, at)
                          .Bind(5, "not found by " + what)
                          .Run());
      ASSIGN_OR_RETURN(Stmt u, db_->Prepare("UPDATE discrepancies SET status = 'resolved', "
                                            "updated_at = ?3 WHERE id IN (SELECT id" +
                                                not_found + ")",
                                            "resolving the items " + what + " did not find"));
      RETURN_IF_ERROR(u.Bind(1, cid).Bind(2, info.area_code).Bind(3, at).Run());
      result.resolved_items = sqlite3_changes(db_->raw());
    }
    FailPoint("comparison.saved");
    RETURN_IF_ERROR(txn.Commit("saving " + what));
    return result;
  }

  Result<std::optional<ComparisonRecord>> LatestComparison() override {
    WriteTxn txn(*db_);
    RETURN_IF_ERROR(db_->Exec("BEGIN", "beginning a comparison read"));
    ASSIGN_OR_RETURN(Stmt s, db_->Prepare("SELECT id, as_of, since, area_code, started_by, "
                                          "started_at, finished_at, summary_json FROM "
                                          "comparisons ORDER BY id DESC LIMIT 1",
                                          "reading the latest comparison"));
    ASSIGN_OR_RETURN(bool row, s.Step());
    if (!row) return std::optional<ComparisonRecord>();
    ComparisonRecord r;
    r.id = s.Int(0);
    r.info.as_of = s.Text(1);
    r.info.since = s.Text(2);
    r.info.area_code = s.Text(3);
    r.info.started_by = s.Text(4);
    r.info.started_at = s.Text(5);
    r.info.finished_at = s.Text(6);
    r.info.summary_json = s.Text(7);
    ASSIGN_OR_RETURN(Stmt src, db_->Prepare("SELECT import_id FROM comparison_sources WHERE "
                                            "comparison_id = ?1 ORDER BY import_id",
                                            "reading the comparison's sources"));
    src.Bind(1, r.id);
    while (true) {
      ASSIGN_OR_RETURN(bool more, src.Step());
      if (!more) break;
      r.info.sources.push_back(src.Int(0));
    }
    return std::optional<ComparisonRecord>(std::move(r));
  }

  Status Write(std::string_view what, const std::function<Status(sql::Session&)>& fn) override {
    WriteTxn txn(*db_);
    RETURN_IF_ERROR(txn.Begin(what));
    {
      SqliteSession session(*db_);
      RETURN_IF_ERROR(fn(session));
    }
    return txn.Commit(what);
  }

  Status Read(std::string_view what, const std::function<Status(sql::Session&)>& fn) override {
    // A deferred transaction: its first read takes a WAL snapshot that later reads share.
    RETURN_IF_ERROR(db_->Exec("BEGIN", "beginning " + std::string(what)));
    Status st;
    {
      SqliteSession session(*db_);
      st = fn(session);
    }
    db_->RollbackIfOpen();
    return st;
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
  RETURN_IF_ERROR(Migrate(*db, options.schema_version));
  return std::unique_ptr<Store>(std::make_unique<SqliteStore>(path, options, std::move(db)));
}

}  // namespace popreg::store
