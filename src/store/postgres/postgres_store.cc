#include "store/postgres/postgres_store.h"

#include <libpq-fe.h>

#include <array>
#include <cstdint>
#include <cstdlib>
#include <functional>
#include <limits>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

#include "io/schema.h"
#include "store/backend_checks.h"
#include "store/common_store.h"
#include "store/postgres/pg_conn.h"
#include "store/postgres/pg_schema.h"
#include "store/register_read.h"
#include "store/sql.h"

namespace popreg::store {
namespace {

using pg::Conn;
using pg::CopyBuffer;
using pg::CopyRow;
using pg::Params;
using pg::Rows;

// The store's clock, in the same text form as the SQLite backend's.
constexpr std::string_view kNow =
    R"(to_char(clock_timestamp() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'))";

// The store's write lock: a transaction-level advisory lock (advisory locks are per database,
// so each store has its own). Every write transaction takes it first; lock_timeout bounds the
// wait and turns it into SQLSTATE 55P03, which is Conflict.
constexpr std::string_view kTakeWriteLock = "SELECT pg_advisory_xact_lock(7050431662347126630)";

// The tables of the current schema, for IntegrityCheck.
constexpr std::string_view kTables[] = {"schema_migrations",
                                        "users",
                                        "areas",
                                        "imports",
                                        "source_records",
                                        "import_rejects",
                                        "households",
                                        "persons",
                                        "history",
                                        "audit_log",
                                        "comparisons",
                                        "comparison_sources",
                                        "discrepancies",
                                        "comparison_items",
                                        "reviews",
                                        "user_areas",
                                        "person_forwards",
                                        "campaigns"};

int LatestVersion() { return pg::Migrations().back().version; }

// Fault injection for crash tests (docs/store.md): the points of this backend call
// sql::FailPoint, which POPREG_FAILPOINT arms.
using sql::FailPoint;

// A write transaction on `c` holding the store's write lock; rolls back unless committed.
class WriteTxn {
 public:
  explicit WriteTxn(Conn& c) : c_(c) {}
  WriteTxn(const WriteTxn&) = delete;
  WriteTxn& operator=(const WriteTxn&) = delete;
  ~WriteTxn() {
    if (!done_) c_.RollbackIfOpen();
  }
  Status Begin(std::string_view what) {
    RETURN_IF_ERROR(c_.Exec("beginning " + std::string(what), "BEGIN"));
    return c_.Exec("waiting for the store's write lock (" + std::string(what) + ")",
                   std::string(kTakeWriteLock));
  }
  Status Commit(std::string_view what) {
    RETURN_IF_ERROR(c_.Exec("committing " + std::string(what), "COMMIT"));
    done_ = true;
    return Status();
  }
  // Hands the open transaction over to another owner.
  void Release() { done_ = true; }

 private:
  Conn& c_;
  bool done_ = false;
};

Result<std::string> NowText(Conn& c) {
  if (std::optional<std::string> fixed = sql::FixedNow()) return *fixed;
  ASSIGN_OR_RETURN(Rows r, c.Query("reading the clock", "SELECT " + std::string(kNow)));
  return std::string(r.Text(0, 0));
}

// The value of `keyword` in a libpq connection string or URL, or "".
std::string ConninfoValue(const std::string& url, std::string_view keyword) {
  char* err = nullptr;
  PQconninfoOption* opts = PQconninfoParse(url.c_str(), &err);
  if (err != nullptr) PQfreemem(err);
  std::string out;
  if (opts == nullptr) return out;
  for (PQconninfoOption* o = opts; o->keyword != nullptr; ++o) {
    if (keyword == o->keyword && o->val != nullptr) out = o->val;
  }
  PQconninfoFree(opts);
  return out;
}

// A connection to the server's maintenance database (postgres) with the URL's other settings.
Result<std::unique_ptr<Conn>> OpenMaintenance(const std::string& url, const std::string& shown) {
  return Conn::Open(url, shown + " (its server's postgres database)", 10000, "postgres");
}

std::string QuoteIdent(std::string_view name) {
  std::string out = "\"";
  for (char ch : name) {
    if (ch == '"') out += '"';
    out += ch;
  }
  return out + "\"";
}

// The register's columns as compact JSON objects, like the SQLite backend's json_object (the
// keys are the field names of Person and Household), for the history.
std::string JsonObject(std::string_view alias, std::initializer_list<std::string_view> fields) {
  std::string out = "'{";
  bool first = true;
  for (std::string_view f : fields) {
    out += std::string(first ? "" : ",") + "\"" + std::string(f) + "\":' || to_json(" +
           std::string(alias) + "." + std::string(f) + ")::text || '";
    first = false;
  }
  return out + "}'";
}

std::string HouseholdJson(std::string_view a) {
  return JsonObject(a, {"card_no", "community_code", "building", "unit", "room", "address"});
}
std::string PersonJson(std::string_view a) {
  return JsonObject(a, {"card_no", "person_no", "name", "sex", "birth_date", "id_number",
                        "relation", "ethnicity", "status", "death_date", "mother_id_number"});
}
constexpr std::string_view kHouseholdDiffers =
    "o.community_code IS DISTINCT FROM n.community_code OR o.building IS DISTINCT FROM "
    "n.building OR o.unit IS DISTINCT FROM n.unit OR o.room IS DISTINCT FROM n.room OR "
    "o.address IS DISTINCT FROM n.address";
constexpr std::string_view kPersonDiffers =
    "o.name IS DISTINCT FROM n.name OR o.sex IS DISTINCT FROM n.sex OR o.birth_date IS DISTINCT "
    "FROM n.birth_date OR o.id_number IS DISTINCT FROM n.id_number OR o.relation IS DISTINCT "
    "FROM n.relation OR o.ethnicity IS DISTINCT FROM n.ethnicity OR o.status IS DISTINCT FROM "
    "n.status OR o.death_date IS DISTINCT FROM n.death_date OR o.mother_id_number IS DISTINCT "
    "FROM n.mother_id_number";

Result<int> CurrentVersion(Conn& c) {
  ASSIGN_OR_RETURN(Rows r, c.Query("reading the schema version",
                                   "SELECT coalesce(max(version), 0) FROM schema_migrations"));
  return static_cast<int>(r.Int(0, 0));
}

// Whether the database holds a popreg store, other tables, or nothing.
enum class Contents { kEmpty, kStore, kOther };

Result<Contents> ReadContents(Conn& c) {
  ASSIGN_OR_RETURN(Rows r, c.Query("looking at the database",
                                   "SELECT to_regclass('schema_migrations') IS NOT NULL, "
                                   "EXISTS (SELECT 1 FROM pg_tables WHERE schemaname = "
                                   "current_schema())"));
  if (r.Text(0, 0) == "t") return Contents::kStore;
  return r.Text(0, 1) == "t" ? Contents::kOther : Contents::kEmpty;
}

// Runs `step` on a session of c's open transaction (defined after PgSession).
Status RunOnSession(Conn& c, const std::function<Status(sql::Session&)>& step);

Status Migrate(Conn& c, int target_version) {
  const int latest = LatestVersion();
  // A store that is up to date needs no write lock to open: a reader (a backup, a listing) can
  // open it while another process holds the lock for a long import. (A database without
  // schema_migrations fails this read outside any transaction and goes on below.)
  if (Result<int> version = CurrentVersion(c); version.ok() && *version == latest) {
    return Status();
  }
  for (const pg::Migration& m : pg::Migrations()) {
    const std::string what =
        "migration " + std::to_string(m.version) + " (" + std::string(m.name) + ")";
    WriteTxn txn(c);
    RETURN_IF_ERROR(txn.Begin(what));
    RETURN_IF_ERROR(c.Exec("creating schema_migrations",
                           "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER "
                           "PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)"));
    ASSIGN_OR_RETURN(int version, CurrentVersion(c));
    if (version > latest) {
      return FailedPrecondition("store " + c.shown() + ": schema version " +
                                std::to_string(version) + " is newer than this popreg (" +
                                std::to_string(latest) + "); use a newer popreg");
    }
    if (version >= m.version) continue;  // the destructor ends the transaction
    if (target_version > 0 && m.version > target_version) break;
    RETURN_IF_ERROR(c.ExecScript(what, std::string(m.sql)));
    if (m.common != nullptr) {
      RETURN_IF_ERROR(RunOnSession(c, m.common).WithContext(what));
      RETURN_IF_ERROR(c.ExecScript(what, std::string(m.sql_after)));
    }
    FailPoint("migration.applied");
    RETURN_IF_ERROR(c.Exec("recording " + what,
                           "INSERT INTO schema_migrations (version, name, applied_at) VALUES "
                           "($1, $2, " +
                               std::string(kNow) + ")",
                           Params().Add(int64_t{m.version}).Add(m.name)));
    RETURN_IF_ERROR(txn.Commit(what));
    FailPoint("migration.committed");
  }
  return Status();
}

Status WriteAreas(Conn& c, std::span<const Area> areas) {
  RETURN_IF_ERROR(c.Exec("deleting areas", "DELETE FROM areas"));
  CopyBuffer buf;
  for (const Area& a : areas) {
    buf.StartTuple(4);
    buf.Add(a.code);
    buf.Add(a.name);
    buf.Add(a.level);
    if (a.parent_code.empty()) {
      buf.AddNull();
    } else {
      buf.Add(a.parent_code);
    }
  }
  buf.Finish();
  return c.CopyIn("inserting areas",
                  "COPY areas (code, name, level, parent_code) FROM STDIN (FORMAT binary)",
                  buf.data());
}

constexpr std::string_view kImportColumns =
    "id, kind, file_name, sha256, month, rows_total, imported_by, imported_at, rows_imported, "
    "rows_rejected, community_code";

Result<ImportRecord> ReadImport(const Rows& r, int row, const std::string& shown) {
  ImportRecord out;
  out.id = r.Int(row, 0);
  auto kind = io::ParseKind(r.Text(row, 1));
  if (!kind.ok()) {
    return DataLoss("store " + shown + ": import " + std::to_string(out.id) + " has unknown kind " +
                    std::string(r.Text(row, 1)));
  }
  out.info.kind = *kind;
  out.info.file_name = r.Text(row, 2);
  out.info.sha256 = r.Text(row, 3);
  out.info.month = r.Text(row, 4);
  out.info.rows_total = r.Int(row, 5);
  out.info.imported_by = r.Text(row, 6);
  out.info.imported_at = r.Text(row, 7);
  out.rows_imported = r.Int(row, 8);
  out.rows_rejected = r.Int(row, 9);
  out.info.community_code = r.Text(row, 10);
  return out;
}

// A PostgreSQL array literal of text values.
std::string TextArray(const std::vector<std::string_view>& values) {
  std::string out = "{";
  for (size_t i = 0; i < values.size(); ++i) {
    if (i > 0) out += ',';
    out += '"';
    for (char ch : values[i]) {
      if (ch == '"' || ch == '\\') out += '\\';
      out += ch;
    }
    out += '"';
  }
  return out + "}";
}

class PgImportTransaction final : public ImportTransaction {
 public:
  PgImportTransaction(std::unique_ptr<Conn> c, ImportId id, ImportInfo info)
      : c_(std::move(c)), id_(id), info_(std::move(info)) {}
  ~PgImportTransaction() override {
    if (state_ == State::kOpen) c_->RollbackIfOpen();
  }

  ImportId id() const override { return id_; }

  Status AddRecords(std::span<const SourceRecord> records) override {
    RETURN_IF_ERROR(CheckOpen());
    return Guard([&]() -> Status {
      CopyBuffer buf;
      for (const SourceRecord& r : records) {
        buf.StartTuple(4);
        buf.Add(int64_t{id_});
        buf.Add(r.source_row);
        buf.Add(std::string_view(r.raw_json));
        buf.Add(std::string_view(r.normalized_json));
      }
      buf.Finish();
      bool duplicate = false;
      Status st = CopyInBatch("adding source records",
                              "COPY source_records (import_id, source_row, raw, normalized) "
                              "FROM STDIN (FORMAT binary)",
                              buf, duplicate);
      if (!duplicate) return st;
      // A source_row added twice: name it (in this batch or an earlier one).
      std::unordered_set<int64_t> seen;
      std::vector<std::string_view> rows;
      std::vector<std::string> texts;
      texts.reserve(records.size());
      for (const SourceRecord& r : records) {
        if (!seen.insert(r.source_row).second) return DuplicateRow(r.source_row);
        texts.push_back(std::to_string(r.source_row));
      }
      for (const std::string& t : texts) rows.push_back(t);
      ASSIGN_OR_RETURN(Rows found, c_->Query("finding the row added twice",
                                             "SELECT min(source_row) FROM source_records WHERE "
                                             "import_id = $1 AND source_row = ANY($2::bigint[])",
                                             Params().Add(int64_t{id_}).Add(TextArray(rows))));
      return DuplicateRow(found.Int(0, 0));
    });
  }

  Status AddRejects(std::span<const Reject> rejects) override {
    RETURN_IF_ERROR(CheckOpen());
    if (rejects.empty()) return Status();
    return Guard([&]() -> Status {
      CopyBuffer buf;
      for (const Reject& r : rejects) {
        buf.StartTuple(5);
        buf.Add(int64_t{id_});
        buf.Add(r.source_row);
        buf.Add(std::string_view(r.column));
        buf.Add(std::string_view(r.value));
        buf.Add(std::string_view(r.reason));
      }
      buf.Finish();
      return c_->CopyIn("adding rejects",
                        "COPY import_rejects (import_id, source_row, column_name, value, "
                        "reason) FROM STDIN (FORMAT binary)",
                        buf.data());
    });
  }

  // The rows are staged in a temporary table of this connection (so memory stays flat however
  // large the file); the register tables are untouched until Commit().
  Status AddRegisterRows(std::span<const RegisterRow> rows) override {
    RETURN_IF_ERROR(CheckOpen());
    return Guard([&]() -> Status {
      if (!register_started_) RETURN_IF_ERROR(StartRegister());
      CopyBuffer buf;
      for (const RegisterRow& r : rows) {
        const Household& h = r.household;
        const Person& p = r.person;
        if (p.card_no != h.card_no) {
          return InvalidArgument("store " + c_->shown() + ": import " + std::to_string(id_) +
                                 " row " + std::to_string(r.source_row) +
                                 ": the person's card_no " + p.card_no +
                                 " is not its household's " + h.card_no);
        }
        buf.StartTuple(17);
        buf.Add(r.source_row);
        for (const std::string* v :
             {&p.card_no, &p.person_no, &p.name, &p.sex, &p.birth_date, &p.id_number, &p.relation,
              &p.ethnicity, &p.status, &p.death_date, &p.mother_id_number, &h.community_code,
              &h.building, &h.unit, &h.room, &h.address}) {
          buf.Add(std::string_view(*v));
        }
      }
      buf.Finish();
      bool duplicate = false;
      Status st = CopyInBatch("staging register rows",
                              "COPY new_rows (source_row, card_no, person_no, name, sex, "
                              "birth_date, id_number, relation, ethnicity, status, death_date, "
                              "mother_id_number, community_code, building, unit, room, address) "
                              "FROM STDIN (FORMAT binary)",
                              buf, duplicate);
      if (!duplicate) return st;
      return DuplicateKey(rows);
    });
  }

  Status ReplaceAreas(std::span<const Area> areas) override {
    RETURN_IF_ERROR(CheckOpen());
    return Guard([&] { return WriteAreas(*c_, areas); });
  }

  Status SetMonth(std::string_view month) override {
    RETURN_IF_ERROR(CheckOpen());
    return Guard([&] {
      return c_->Exec("setting the month of import " + std::to_string(id_),
                      "UPDATE imports SET month = $2 WHERE id = $1",
                      Params().Add(int64_t{id_}).Add(month));
    });
  }

  Status Commit() override {
    RETURN_IF_ERROR(CheckOpen());
    Status st = Guard([&]() -> Status {
      FailPoint("import.staged");
      if (register_started_) {
        RETURN_IF_ERROR(c_->Exec("analysing the staged register", "ANALYZE new_rows"));
        RETURN_IF_ERROR(WriteRegisterHistory());
        FailPoint("import.history");
        RETURN_IF_ERROR(ReplaceRegister());
      }
      const Params id = Params().Add(int64_t{id_});
      RETURN_IF_ERROR(c_->Exec("counting the import's rows",
                               "UPDATE imports SET rows_imported = (SELECT count(*) FROM "
                               "source_records WHERE import_id = $1), rows_rejected = (SELECT "
                               "count(DISTINCT source_row) FROM import_rejects WHERE import_id "
                               "= $1) WHERE id = $1",
                               id));
      // Every data row is a source record or a rejected row: an importer that reads its file
      // once does not know the total at BeginImport.
      RETURN_IF_ERROR(c_->Exec("counting the import's rows",
                               "UPDATE imports SET rows_total = rows_imported + rows_rejected "
                               "WHERE id = $1 AND rows_total <= 0",
                               id));
      RETURN_IF_ERROR(RunOnSession(
          *c_, [&](sql::Session& session) { return AuditImport(session, id_, info_); }));
      FailPoint("import.replaced");
      // A deferred foreign key (areas.parent_code) fails here; the transaction is then over.
      return c_->Exec("committing import " + std::to_string(id_), "COMMIT");
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
        return FailedPrecondition("store " + c_->shown() + ": import " + std::to_string(id_) +
                                  " was rolled back after an earlier error");
      case State::kCommitted:
        return FailedPrecondition("store " + c_->shown() + ": import " + std::to_string(id_) +
                                  " is already committed");
    }
    return Internal("unreachable");
  }

  // Runs `step`; on error rolls the whole import back and refuses further calls.
  template <typename F>
  Status Guard(F&& step) {
    Status st = step();
    if (!st.ok()) {
      c_->RollbackIfOpen();
      state_ = State::kFailed;
    }
    return st;
  }

  // One COPY in a savepoint, so that after a unique violation (`duplicate` turns true) the
  // transaction can still be asked which row came first; the import fails all the same.
  Status CopyInBatch(std::string_view step, const std::string& sql, const CopyBuffer& buf,
                     bool& duplicate) {
    RETURN_IF_ERROR(c_->Exec(step, "SAVEPOINT batch"));
    Status st = c_->CopyIn(step, sql, buf.data());
    if (st.ok()) return c_->Exec(step, "RELEASE SAVEPOINT batch");
    duplicate = c_->last_sqlstate() == "23505";
    RETURN_IF_ERROR(c_->Exec(step, "ROLLBACK TO SAVEPOINT batch"));
    return st;
  }

  Status DuplicateRow(int64_t row) const {
    return FailedPrecondition("row " + std::to_string(row) + ": store " + c_->shown() +
                              ": import " + std::to_string(id_) + ": row " + std::to_string(row) +
                              " was added twice");
  }

  // Creates the staging table. Its unique index finds a register key added twice.
  Status StartRegister() {
    RETURN_IF_ERROR(c_->Exec(
        "staging the register",
        "CREATE TEMP TABLE new_rows (source_row BIGINT NOT NULL, card_no TEXT COLLATE \"C\" NOT "
        "NULL, person_no TEXT COLLATE \"C\" NOT NULL, name TEXT NOT NULL, sex TEXT NOT NULL, "
        "birth_date TEXT NOT NULL, id_number TEXT NOT NULL, relation TEXT NOT NULL, ethnicity "
        "TEXT NOT NULL, status TEXT NOT NULL, death_date TEXT NOT NULL, mother_id_number TEXT "
        "NOT NULL, community_code TEXT NOT NULL, building TEXT NOT NULL, unit TEXT NOT NULL, "
        "room TEXT NOT NULL, address TEXT NOT NULL, PRIMARY KEY (card_no, person_no)) ON "
        "COMMIT DROP"));
    register_started_ = true;
    return Status();
  }

  // The error for a batch of register rows with a key added before (in it or earlier).
  Status DuplicateKey(std::span<const RegisterRow> rows) {
    std::unordered_map<std::string, int64_t> seen;
    std::vector<std::string_view> cards, persons;
    for (const RegisterRow& r : rows) {
      const Person& p = r.person;
      auto [it, fresh] = seen.emplace(p.card_no + "/" + p.person_no, r.source_row);
      if (!fresh) return DuplicateKeyError(p, it->second, r.source_row);
      cards.push_back(p.card_no);
      persons.push_back(p.person_no);
    }
    ASSIGN_OR_RETURN(Rows found,
                     c_->Query("finding a register key's first row",
                               "SELECT n.source_row, n.card_no, n.person_no FROM new_rows n JOIN "
                               "unnest($1::text[], $2::text[]) AS k (card_no, person_no) ON "
                               "n.card_no = k.card_no AND n.person_no = k.person_no ORDER BY "
                               "n.source_row LIMIT 1",
                               Params().Add(TextArray(cards)).Add(TextArray(persons))));
    if (found.size() == 0) return Internal("store " + c_->shown() + ": a duplicate key vanished");
    Person p;
    p.card_no = found.Text(0, 1);
    p.person_no = found.Text(0, 2);
    return DuplicateKeyError(p, found.Int(0, 0), seen[p.card_no + "/" + p.person_no]);
  }

  static Status DuplicateKeyError(const Person& p, int64_t first, int64_t again) {
    return InvalidArgument("register key " + p.card_no + "/" + p.person_no + " is in row " +
                           std::to_string(first) + " and again in row " + std::to_string(again) +
                           " (card_no and person_no must name one person)");
  }

  // One history entry per household and person created, changed or removed relative to the
  // register before, all with the same time.
  Status WriteRegisterHistory() {
    RETURN_IF_ERROR(c_->Exec("staging the register's households",
                             "CREATE TEMP TABLE new_households ON COMMIT DROP AS SELECT DISTINCT "
                             "ON (card_no) card_no, community_code, building, unit, room, "
                             "address, source_row FROM new_rows ORDER BY card_no, source_row"));
    RETURN_IF_ERROR(c_->Exec("staging the register's households", "ANALYZE new_households"));
    ASSIGN_OR_RETURN(std::string at, NowText(*c_));
    const std::string why =
        "register replaced by import " + std::to_string(id_) + " (" + info_.file_name + ")";
    const std::string evidence = "import " + std::to_string(id_);
    struct Entity {
      std::string name, table, staged, old_json, new_json, differs, on, new_key, old_key, order;
    };
    const Entity entities[] = {
        {"household", "households", "new_households", HouseholdJson("o"), HouseholdJson("n"),
         std::string(kHouseholdDiffers), "o.card_no = n.card_no", "n.card_no", "o.card_no",
         "card_no"},
        {"person", "persons", "new_rows", PersonJson("o"), PersonJson("n"),
         std::string(kPersonDiffers), "o.card_no = n.card_no AND o.person_no = n.person_no",
         "n.card_no || '/' || n.person_no", "o.card_no || '/' || o.person_no",
         "card_no, person_no"},
    };
    for (const Entity& e : entities) {
      // Ids continue the history's (the write lock is held); $1..$4: who, at, why, evidence.
      const std::string insert =
          "INSERT INTO history (id, entity, entity_key, before_json, after_json, who, at, why, "
          "evidence) SELECT (SELECT coalesce(max(id), 0) FROM history) + row_number() OVER "
          "(ORDER BY ";
      const std::string created =
          insert + "n.source_row), '" + e.name + "', " + e.new_key + ", NULL, " + e.new_json +
          ", $1, $2, $3, $4 || ' row ' || n.source_row FROM " + e.staged + " n LEFT JOIN " +
          e.table + " o ON " + e.on + " WHERE o.card_no IS NULL";
      const std::string changed = insert + "n.source_row), '" + e.name + "', " + e.new_key + ", " +
                                  e.old_json + ", " + e.new_json +
                                  ", $1, $2, $3, $4 || ' row ' || n.source_row FROM " + e.staged +
                                  " n JOIN " + e.table + " o ON " + e.on + " WHERE " + e.differs;
      const std::string removed =
          insert + e.old_key + "), '" + e.name + "', " + e.old_key + ", " + e.old_json +
          ", NULL, $1, $2, $3, $4 || ': not in the "
          "file' FROM " +
          e.table + " o LEFT JOIN " + e.staged + " n ON " + e.on + " WHERE n.card_no IS NULL";
      for (const std::string* sql : {&created, &changed, &removed}) {
        RETURN_IF_ERROR(c_->Exec("recording the register's " + e.name + " history", *sql,
                                 Params().Add(info_.imported_by).Add(at).Add(why).Add(evidence)));
      }
    }
    return Status();
  }

  // Makes the register tables equal to the staged rows by writing only the difference (the
  // history above says what it is): removed rows are deleted, changed rows updated, new rows
  // inserted; `import_id` of a row is the import that last wrote it. Rewriting all of a million
  // persons each month would cost most of a register import (a foreign-key check and three
  // index entries per row, and the WAL of it all) for the few hundred rows that changed. DELETE,
  // not TRUNCATE, for the readers that must see the register before until the commit.
  Status ReplaceRegister() {
    const Params id = Params().Add(int64_t{id_});
    RETURN_IF_ERROR(c_->Exec("deleting removed register persons",
                             "DELETE FROM persons o WHERE NOT EXISTS (SELECT 1 FROM new_rows n "
                             "WHERE n.card_no = o.card_no AND n.person_no = o.person_no)"));
    RETURN_IF_ERROR(c_->Exec("deleting removed register households",
                             "DELETE FROM households o WHERE NOT EXISTS (SELECT 1 FROM "
                             "new_households n WHERE n.card_no = o.card_no)"));
    RETURN_IF_ERROR(c_->Exec("updating changed register households",
                             "UPDATE households o SET community_code = n.community_code, "
                             "building = n.building, unit = n.unit, room = n.room, address = "
                             "n.address, import_id = $1 FROM new_households n WHERE o.card_no = "
                             "n.card_no AND (" +
                                 std::string(kHouseholdDiffers) + ")",
                             id));
    RETURN_IF_ERROR(c_->Exec("writing new register households",
                             "INSERT INTO households (card_no, community_code, building, unit, "
                             "room, address, import_id) SELECT card_no, community_code, "
                             "building, unit, room, address, $1 FROM new_households n WHERE NOT "
                             "EXISTS (SELECT 1 FROM households o WHERE o.card_no = n.card_no) "
                             "ORDER BY card_no",
                             id));
    RETURN_IF_ERROR(c_->Exec("updating changed register persons",
                             "UPDATE persons o SET name = n.name, sex = n.sex, birth_date = "
                             "n.birth_date, id_number = n.id_number, relation = n.relation, "
                             "ethnicity = n.ethnicity, status = n.status, death_date = "
                             "n.death_date, mother_id_number = n.mother_id_number, import_id = "
                             "$1 FROM new_rows n WHERE o.card_no = n.card_no AND o.person_no = "
                             "n.person_no AND (" +
                                 std::string(kPersonDiffers) + ")",
                             id));
    return c_->Exec("writing new register persons",
                    "INSERT INTO persons (card_no, person_no, name, sex, birth_date, id_number, "
                    "relation, ethnicity, status, death_date, mother_id_number, import_id) "
                    "SELECT card_no, person_no, name, sex, birth_date, id_number, relation, "
                    "ethnicity, status, death_date, mother_id_number, $1 FROM new_rows n WHERE "
                    "NOT EXISTS (SELECT 1 FROM persons o WHERE o.card_no = n.card_no AND "
                    "o.person_no = n.person_no) ORDER BY card_no, person_no",
                    id);
  }

  std::unique_ptr<Conn> c_;
  ImportId id_;
  ImportInfo info_;
  State state_ = State::kOpen;
  bool register_started_ = false;
};

// The values of a discrepancy item that SaveComparison writes, in the staging table's order.
constexpr std::string_view kItemValues =
    "identity, type, community_code, register_key, register_key_2, source_kind, "
    "source_import_id, source_row, source_id_number, field, register_value, source_value, "
    "birth_key, match_probability, proposal, evidence_json, explanation_json, action_json";

void AddItem(CopyBuffer& buf, int64_t ord, const Discrepancy& d) {
  auto text_or_null = [&](const std::string& v) {
    if (v.empty()) {
      buf.AddNull();
    } else {
      buf.Add(std::string_view(v));
    }
  };
  auto id_or_null = [&](int64_t v) {
    if (v == 0) {
      buf.AddNull();
    } else {
      buf.Add(v);
    }
  };
  buf.StartTuple(19);
  buf.Add(ord);
  buf.Add(std::string_view(d.identity));
  buf.Add(std::string_view(d.type));
  text_or_null(d.community_code);
  text_or_null(d.register_key);
  text_or_null(d.register_key_2);
  text_or_null(d.source_kind);
  id_or_null(d.source_import_id);
  id_or_null(d.source_row);
  text_or_null(d.source_id_number);
  text_or_null(d.field);
  text_or_null(d.register_value);
  text_or_null(d.source_value);
  text_or_null(d.birth_key);
  if (d.match_probability) {
    buf.Add(*d.match_probability);
  } else {
    buf.AddNull();
  }
  buf.Add(std::string_view(d.proposal));
  text_or_null(d.evidence_json);
  text_or_null(d.explanation_json);
  text_or_null(d.action_json);
}

// The PostgreSQL side of store/sql.h: ?N parameters become $N, every value is sent as text
// (the server casts it to the column's type), and a result's cells come back as text.
class PgSession final : public sql::Session {
 public:
  explicit PgSession(Conn& c) : c_(c) {}
  sql::Dialect dialect() const override { return sql::Dialect::kPostgres; }
  const std::string& location() const override { return c_.shown(); }

 protected:
  Result<std::string> ClockNow() override { return NowText(c_); }

  Result<sql::Rows> Run(std::string_view step, std::string_view text,
                        std::span<const sql::Value> params, int64_t* changed) override {
    auto it = rewritten_.find(std::string(text));
    if (it == rewritten_.end()) {
      it = rewritten_.emplace(std::string(text), sql::DollarParameters(text)).first;
    }
    Params p;
    for (const sql::Value& v : params) {
      if (const auto* t = std::get_if<std::string>(&v)) {
        p.Add(std::string_view(*t));
      } else if (const auto* n = std::get_if<int64_t>(&v)) {
        p.Add(*n);
      } else if (const auto* d = std::get_if<double>(&v)) {
        p.Add(std::optional<double>(*d));
      } else {
        p.Null();
      }
    }
    ASSIGN_OR_RETURN(Rows r, c_.Query(step, it->second, p));
    const int columns = PQnfields(r.raw());
    sql::Rows rows(columns);
    for (int i = 0; i < r.size(); ++i) {
      for (int c = 0; c < columns; ++c) {
        if (r.IsNull(i, c)) {
          rows.Append(std::nullopt);
        } else {
          rows.Append(std::string(r.Text(i, c)));
        }
      }
    }
    if (changed != nullptr) {
      const char* n = PQcmdTuples(const_cast<PGresult*>(r.raw()));
      *changed = (n == nullptr || *n == 0) ? 0 : std::strtoll(n, nullptr, 10);
    }
    return rows;
  }

 private:
  Conn& c_;
  std::unordered_map<std::string, std::string> rewritten_;
};

Status RunOnSession(Conn& c, const std::function<Status(sql::Session&)>& step) {
  PgSession session(c);
  return step(session);
}

class PgStore final : public CommonStore {
 public:
  PgStore(std::string url, std::string shown, PostgresOptions options, std::unique_ptr<Conn> c)
      : url_(std::move(url)), shown_(std::move(shown)), options_(options), c_(std::move(c)) {}

  const std::string& location() const override { return shown_; }

  Result<std::unique_ptr<Store>> OpenAnother() override {
    ASSIGN_OR_RETURN(std::unique_ptr<Conn> c, Conn::Open(url_, shown_, options_.lock_timeout_ms));
    return std::unique_ptr<Store>(std::make_unique<PgStore>(url_, shown_, options_, std::move(c)));
  }

  Result<int> SchemaVersion() override { return CurrentVersion(*c_); }

  // PostgreSQL checks its constraints on every write, so what can be wrong is what someone did
  // around them: a missing table, a constraint or index left invalid, an append-only trigger
  // disabled, rows written with triggers off (session_replication_role = replica) that break a
  // foreign key, or a schema version this build does not know.
  Status IntegrityCheck() override {
    auto fail = [&](const std::string& what) {
      return DataLoss("store " + shown_ + ": integrity check: " + what);
    };
    ASSIGN_OR_RETURN(int version, CurrentVersion(*c_));
    if (version != LatestVersion()) {
      return fail("schema version " + std::to_string(version) + ", expected " +
                  std::to_string(LatestVersion()));
    }
    for (std::string_view t : kTables) {
      ASSIGN_OR_RETURN(
          Rows r, c_->Query("checking tables", "SELECT to_regclass($1) IS NULL", Params().Add(t)));
      if (r.Text(0, 0) == "t") return fail("table " + std::string(t) + " is missing");
    }
    {
      ASSIGN_OR_RETURN(
          Rows r, c_->Query("checking constraints",
                            "SELECT conrelid::regclass::text, conname FROM pg_constraint WHERE "
                            "NOT convalidated AND connamespace = current_schema()::regnamespace"));
      if (r.size() > 0) {
        return fail("constraint " + std::string(r.Text(0, 1)) + " of " + std::string(r.Text(0, 0)) +
                    " is not validated");
      }
    }
    {
      ASSIGN_OR_RETURN(Rows r, c_->Query("checking indexes",
                                         "SELECT i.indexrelid::regclass::text FROM pg_index i "
                                         "JOIN pg_class c ON c.oid = i.indexrelid WHERE "
                                         "c.relnamespace = current_schema()::regnamespace AND "
                                         "NOT (i.indisvalid AND i.indisready)"));
      if (r.size() > 0) return fail("index " + std::string(r.Text(0, 0)) + " is not valid");
    }
    {
      ASSIGN_OR_RETURN(Rows r, c_->Query("checking triggers",
                                         "SELECT tgname FROM pg_trigger t JOIN pg_class c ON "
                                         "c.oid = t.tgrelid WHERE NOT t.tgisinternal AND "
                                         "c.relnamespace = current_schema()::regnamespace AND "
                                         "t.tgenabled = 'D'"));
      if (r.size() > 0) return fail("trigger " + std::string(r.Text(0, 0)) + " is disabled");
    }
    // Every foreign key, from the catalog: a child row whose key is set and names no parent.
    ASSIGN_OR_RETURN(
        Rows fks,
        c_->Query("listing foreign keys",
                  "SELECT c.conrelid::regclass::text, c.confrelid::regclass::text, "
                  "(SELECT string_agg(format('c.%I', a.attname), ',' ORDER BY k.n) FROM "
                  "unnest(c.conkey) WITH ORDINALITY k (attnum, n) JOIN pg_attribute a ON "
                  "a.attrelid = c.conrelid AND a.attnum = k.attnum), (SELECT "
                  "string_agg(format('p.%I', a.attname), ',' ORDER BY k.n) FROM "
                  "unnest(c.confkey) WITH ORDINALITY k (attnum, n) JOIN pg_attribute a ON "
                  "a.attrelid = c.confrelid AND a.attnum = k.attnum) FROM pg_constraint c "
                  "WHERE c.contype = 'f' AND c.connamespace = current_schema()::regnamespace "
                  "ORDER BY 1, c.conname"));
    for (int i = 0; i < fks.size(); ++i) {
      const std::string child(fks.Text(i, 0)), parent(fks.Text(i, 1));
      const std::string ccols(fks.Text(i, 2)), pcols(fks.Text(i, 3));
      ASSIGN_OR_RETURN(
          Rows r, c_->Query("checking foreign keys",
                            "SELECT EXISTS (SELECT 1 FROM " + child + " c WHERE ROW(" + ccols +
                                ") IS NOT NULL AND NOT "
                                "EXISTS (SELECT 1 FROM " +
                                parent + " p WHERE ROW(" + pcols + ") = ROW(" + ccols + ")))"));
      if (r.Text(0, 0) == "t") {
        return fail("a row of " + child + " refers to a missing row of " + parent);
      }
    }
    return Status();
  }

  Status ReplaceAreas(std::span<const Area> areas) override {
    WriteTxn txn(*c_);
    RETURN_IF_ERROR(txn.Begin("replacing areas"));
    RETURN_IF_ERROR(WriteAreas(*c_, areas));
    return txn.Commit("replacing areas");
  }

  Result<std::vector<Area>> ListAreas() override {
    ASSIGN_OR_RETURN(Rows r, c_->Query("listing areas",
                                       "SELECT code, name, level, parent_code FROM areas ORDER "
                                       "BY code"));
    std::vector<Area> out;
    out.reserve(r.size());
    for (int i = 0; i < r.size(); ++i) {
      out.push_back(Area{std::string(r.Text(i, 0)), std::string(r.Text(i, 1)),
                         std::string(r.Text(i, 2)), std::string(r.Text(i, 3))});
    }
    return out;
  }

  Result<std::unique_ptr<ImportTransaction>> BeginImport(const ImportInfo& info) override {
    ASSIGN_OR_RETURN(std::unique_ptr<Conn> c, Conn::Open(url_, shown_, options_.lock_timeout_ms));
    WriteTxn txn(*c);
    RETURN_IF_ERROR(txn.Begin("an import of " + info.file_name));
    const std::string kind(io::KindName(info.kind));
    {
      ASSIGN_OR_RETURN(Rows r, c->Query("looking for an earlier import",
                                        "SELECT id, file_name FROM imports WHERE kind = $1 AND "
                                        "sha256 = $2",
                                        Params().Add(kind).Add(info.sha256)));
      if (r.size() > 0) {
        return AlreadyExists("store " + shown_ + ": " + info.file_name +
                             " was already imported as import " + std::to_string(r.Int(0, 0)) +
                             " (" + std::string(r.Text(0, 1)) + ")");
      }
    }
    ASSIGN_OR_RETURN(Rows ins,
                     c->Query("recording an import",
                              "INSERT INTO imports (id, kind, file_name, sha256, month, "
                              "rows_total, imported_by, imported_at, community_code) SELECT "
                              "coalesce(max(id), 0) + 1, $1, $2, $3, $4, $5, $6, coalesce($7, " +
                                  std::string(kNow) + "), $8 FROM imports RETURNING id",
                              Params()
                                  .Add(kind)
                                  .Add(info.file_name)
                                  .Add(info.sha256)
                                  .Add(info.month)
                                  .Add(info.rows_total)
                                  .Add(info.imported_by)
                                  .AddOrNull(info.imported_at.empty() ? sql::FixedNow().value_or("")
                                                                      : info.imported_at)
                                  .Add(info.community_code)));
    const ImportId id = ins.Int(0, 0);
    FailPoint("import.begun");
    txn.Release();  // the import transaction owns the open transaction from here
    return std::unique_ptr<ImportTransaction>(
        std::make_unique<PgImportTransaction>(std::move(c), id, info));
  }

  Result<std::optional<ImportRecord>> FindImportBySha256(io::Kind kind,
                                                         const std::string& sha256) override {
    ASSIGN_OR_RETURN(Rows r, c_->Query("finding an import by sha256",
                                       "SELECT " + std::string(kImportColumns) +
                                           " FROM imports WHERE kind = $1 AND sha256 = $2",
                                       Params().Add(io::KindName(kind)).Add(sha256)));
    if (r.size() == 0) return std::optional<ImportRecord>();
    ASSIGN_OR_RETURN(ImportRecord rec, ReadImport(r, 0, shown_));
    return std::optional<ImportRecord>(std::move(rec));
  }

  Result<std::vector<ImportRecord>> ListImports() override {
    ASSIGN_OR_RETURN(Rows r, c_->Query("listing imports", "SELECT " + std::string(kImportColumns) +
                                                              " FROM imports ORDER BY id"));
    std::vector<ImportRecord> out;
    for (int i = 0; i < r.size(); ++i) {
      ASSIGN_OR_RETURN(ImportRecord rec, ReadImport(r, i, shown_));
      out.push_back(std::move(rec));
    }
    return out;
  }

  Result<int64_t> CountRegisterPersons() override {
    ASSIGN_OR_RETURN(Rows r, c_->Query("counting persons", "SELECT count(*) FROM persons"));
    return r.Int(0, 0);
  }

  // One snapshot for the count and the rows; the rows come as one binary COPY stream, so that a
  // million persons never sit in a result set besides the columns.
  Result<RegisterColumns> LoadRegisterColumns() override {
    RETURN_IF_ERROR(
        c_->Exec("beginning a register read", "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY"));
    Result<RegisterColumns> out = ReadRegister();
    if (!out.ok()) {
      c_->RollbackIfOpen();
      return out;
    }
    RETURN_IF_ERROR(c_->Exec("ending a register read", "COMMIT"));
    return out;
  }

  // Pages of records by source_row: nothing stays open on the connection while `fn` runs, so
  // `fn` may use this store (a committed import never changes, so the pages agree).
  Status ForEachSourceRecord(ImportId id, RecordTexts texts,
                             const std::function<Status(const SourceRecord&)>& fn) override {
    const std::string what = "import " + std::to_string(id);
    {
      ASSIGN_OR_RETURN(Rows r, c_->Query("finding " + what, "SELECT 1 FROM imports WHERE id = $1",
                                         Params().Add(int64_t{id})));
      if (r.size() == 0) return NotFound("store " + shown_ + ": there is no " + what);
    }
    constexpr int64_t kPage = 10000;
    int64_t after = std::numeric_limits<int64_t>::min();
    while (true) {
      ASSIGN_OR_RETURN(Rows r,
                       c_->Query("reading " + what + "'s records",
                                 std::string("SELECT source_row, ") +
                                     (texts == RecordTexts::kRawAndNormalized ? "raw" : "''") +
                                     ", normalized FROM source_records WHERE import_id = $1 AND "
                                     "source_row > $2 ORDER BY source_row LIMIT $3",
                                 Params().Add(int64_t{id}).Add(after).Add(kPage)));
      SourceRecord rec;
      for (int i = 0; i < r.size(); ++i) {
        rec.source_row = r.Int(i, 0);
        rec.raw_json = r.Text(i, 1);
        rec.normalized_json = r.Text(i, 2);
        RETURN_IF_ERROR(fn(rec));
      }
      if (r.size() < kPage) return Status();
      after = rec.source_row;
    }
  }

  Result<SaveComparisonResult> SaveComparison(const ComparisonInfo& info,
                                              std::vector<Discrepancy>& items) override {
    // Checked before anything is written, with messages naming the items.
    RETURN_IF_ERROR(CheckComparisonItems(items));
    WriteTxn txn(*c_);
    RETURN_IF_ERROR(txn.Begin("saving a comparison"));
    SaveComparisonResult result;
    ASSIGN_OR_RETURN(std::string at, NowText(*c_));
    {
      ASSIGN_OR_RETURN(Rows r, c_->Query("recording a comparison",
                                         "INSERT INTO comparisons (id, as_of, since, area_code, "
                                         "started_by, started_at, finished_at, summary_json) "
                                         "SELECT coalesce(max(id), 0) + 1, $1, $2, $3, $4, "
                                         "coalesce($5, $8), coalesce($6, $8), $7 FROM "
                                         "comparisons RETURNING id",
                                         Params()
                                             .Add(info.as_of)
                                             .Add(info.since)
                                             .Add(info.area_code)
                                             .Add(info.started_by)
                                             .AddOrNull(info.started_at)
                                             .AddOrNull(info.finished_at)
                                             .AddOrNull(info.summary_json)
                                             .Add(at)));
      result.comparison_id = r.Int(0, 0);
    }
    const int64_t cid = result.comparison_id;
    const std::string what = "comparison " + std::to_string(cid);
    for (ImportId src : info.sources) {
      RETURN_IF_ERROR(c_->Exec("recording " + what + "'s sources",
                               "INSERT INTO comparison_sources (comparison_id, import_id) "
                               "VALUES ($1, $2) ON CONFLICT DO NOTHING",
                               Params().Add(cid).Add(int64_t{src}))
                          .WithContext("import " + std::to_string(src)));
    }
    // The items go in through one COPY, then two statements carry the known ones and add the
    // new ones (ids in the items' order, as the SQLite backend gives them).
    RETURN_IF_ERROR(c_->Exec(
        "staging " + what + "'s items",
        "CREATE TEMP TABLE new_items (ord BIGINT PRIMARY KEY, identity TEXT COLLATE \"C\" NOT "
        "NULL, type TEXT NOT NULL, community_code TEXT, register_key TEXT, register_key_2 TEXT, "
        "source_kind TEXT, source_import_id BIGINT, source_row BIGINT, source_id_number TEXT, "
        "field TEXT, register_value TEXT, source_value TEXT, birth_key TEXT, match_probability "
        "DOUBLE PRECISION, proposal TEXT NOT NULL, evidence_json TEXT, explanation_json TEXT, "
        "action_json TEXT) ON COMMIT DROP"));
    {
      CopyBuffer buf;
      for (size_t i = 0; i < items.size(); ++i) AddItem(buf, static_cast<int64_t>(i), items[i]);
      buf.Finish();
      RETURN_IF_ERROR(c_->CopyIn(
          "staging " + what + "'s items",
          "COPY new_items (ord, " + std::string(kItemValues) + ") FROM STDIN (FORMAT binary)",
          buf.data()));
    }
    RETURN_IF_ERROR(c_->Exec("staging " + what + "'s items", "ANALYZE new_items"));
    std::string set_values;
    for (std::string_view col :
         {"type", "community_code", "register_key", "register_key_2", "source_kind",
          "source_import_id", "source_row", "source_id_number", "field", "register_value",
          "source_value", "birth_key", "match_probability", "proposal", "evidence_json",
          "explanation_json", "action_json"}) {
      set_values += std::string(col) + " = n." + std::string(col) + ", ";
    }
    ASSIGN_OR_RETURN(Rows carried,
                     c_->Query("updating the items " + what + " found again",
                               "UPDATE discrepancies d SET " + set_values +
                                   "last_comparison = $1, updated_at = $2 FROM new_items n "
                                   "WHERE d.identity = n.identity AND d.status <> 'resolved' "
                                   "RETURNING n.ord, d.id, d.status, d.first_comparison",
                               Params().Add(cid).Add(at)));
    std::string n_values;
    for (std::string_view col :
         {"identity", "type", "community_code", "register_key", "register_key_2", "source_kind",
          "source_import_id", "source_row", "source_id_number", "field", "register_value",
          "source_value", "birth_key", "match_probability", "proposal", "evidence_json",
          "explanation_json", "action_json"}) {
      n_values += "n." + std::string(col) + ", ";
    }
    ASSIGN_OR_RETURN(Rows added,
                     c_->Query("adding the items " + what + " found first",
                               "INSERT INTO discrepancies (id, " + std::string(kItemValues) +
                                   ", status, first_comparison, last_comparison, updated_at) "
                                   "SELECT (SELECT "
                                   "coalesce(max(id), 0) FROM discrepancies) + row_number() "
                                   "OVER (ORDER BY n.ord), " +
                                   n_values +
                                   "'open', $1, $1, $2 FROM new_items n WHERE NOT EXISTS "
                                   "(SELECT 1 FROM discrepancies d WHERE d.identity = "
                                   "n.identity AND d.status <> 'resolved') ORDER BY n.ord "
                                   "RETURNING id, identity",
                               Params().Add(cid).Add(at)));
    for (int i = 0; i < carried.size(); ++i) {
      Discrepancy& d = items[static_cast<size_t>(carried.Int(i, 0))];
      d.id = carried.Int(i, 1);
      d.status = carried.Text(i, 2);
      d.first_comparison = carried.Int(i, 3);
      d.last_comparison = cid;
      ++result.carried_items;
    }
    {
      std::unordered_map<std::string_view, int64_t> new_ids;
      for (int i = 0; i < added.size(); ++i) new_ids.emplace(added.Text(i, 1), added.Int(i, 0));
      for (Discrepancy& d : items) {
        auto it = new_ids.find(d.identity);
        if (it == new_ids.end()) continue;
        d.id = it->second;
        d.status = "open";
        d.first_comparison = cid;
        d.last_comparison = cid;
        ++result.new_items;
      }
    }
    RETURN_IF_ERROR(c_->Exec("recording what " + what + " found",
                             "INSERT INTO comparison_items (comparison_id, discrepancy_id) "
                             "SELECT $1, id FROM discrepancies WHERE last_comparison = $1",
                             Params().Add(cid)));
    // Items of the compared area that this comparison did not find are resolved, each with a
    // review row saying so (not card corrections: no comparison finds those).
    const std::string not_found =
        " FROM discrepancies WHERE last_comparison <> $1 AND status NOT IN ('applied', "
        "'resolved') AND type <> 'card_correction' AND ($2 = '' OR "
        "starts_with(coalesce(community_code, ''), $2))";
    RETURN_IF_ERROR(c_->Exec("recording the items " + what + " resolved",
                             "INSERT INTO reviews (id, discrepancy_id, who, at, status_before, "
                             "status_after, note) SELECT (SELECT coalesce(max(id), 0) FROM "
                             "reviews) + row_number() OVER (ORDER BY id), id, $3, $4, status, "
                             "'resolved', $5" +
                                 not_found,
                             Params()
                                 .Add(cid)
                                 .Add(info.area_code)
                                 .Add(info.started_by)
                                 .Add(at)
                                 .Add("not found by " + what)));
    ASSIGN_OR_RETURN(Rows resolved,
                     c_->Query("resolving the items " + what + " did not find",
                               "UPDATE discrepancies SET status = 'resolved', updated_at = $3 "
                               "WHERE id IN (SELECT id" +
                                   not_found + ") RETURNING id",
                               Params().Add(cid).Add(info.area_code).Add(at)));
    result.resolved_items = resolved.size();
    FailPoint("comparison.saved");
    RETURN_IF_ERROR(txn.Commit("saving " + what));
    return result;
  }

  Result<std::optional<ComparisonRecord>> LatestComparison() override {
    RETURN_IF_ERROR(
        c_->Exec("beginning a comparison read", "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY"));
    Result<std::optional<ComparisonRecord>> out = ReadLatestComparison();
    c_->RollbackIfOpen();  // a read-only transaction: nothing to keep
    return out;
  }

  Status Write(std::string_view what, const std::function<Status(sql::Session&)>& fn) override {
    WriteTxn txn(*c_);
    RETURN_IF_ERROR(txn.Begin(what));
    PgSession session(*c_);
    RETURN_IF_ERROR(fn(session));
    return txn.Commit(what);
  }

  Status Read(std::string_view what, const std::function<Status(sql::Session&)>& fn) override {
    RETURN_IF_ERROR(c_->Exec("beginning " + std::string(what),
                             "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY"));
    PgSession session(*c_);
    Status st = fn(session);
    c_->RollbackIfOpen();
    return st;
  }

 private:
  Result<RegisterColumns> ReadRegister() {
    ASSIGN_OR_RETURN(int64_t n, CountRegisterPersons());
    RegisterReader reader(static_cast<size_t>(n));
    bool header = false;
    const std::string step = "loading the register";
    RETURN_IF_ERROR(c_->CopyOut(
        step, "COPY (SELECT " + std::string(kRegisterSelect) + ") TO STDOUT (FORMAT binary)",
        [&](std::string_view data) -> Status {
          CopyRow row(data);
          if (!header) {
            if (!row.SkipHeader())
              return DataLoss("store " + shown_ + ": " + step + ": bad COPY header");
            header = true;
          }
          std::optional<int> fields = row.StartTuple();
          if (!fields) return DataLoss("store " + shown_ + ": " + step + ": a truncated row");
          if (*fields == -1) return Status();  // the trailer
          if (*fields != 16)
            return DataLoss("store " + shown_ + ": " + step + ": a row of " +
                            std::to_string(*fields) + " columns");
          bool ok = true;
          std::array<std::string_view, RegisterReader::kColumns> values;
          for (std::string_view& value : values) {
            std::optional<std::string_view> v = row.Next(ok);
            value = v ? *v : std::string_view();
          }
          if (!ok) return DataLoss("store " + shown_ + ": " + step + ": a truncated row");
          reader.Add(values);
          // The trailer may share the last message.
          return Status();
        }));
    return reader.Finish();
  }

  Result<std::optional<ComparisonRecord>> ReadLatestComparison() {
    ASSIGN_OR_RETURN(Rows r, c_->Query("reading the latest comparison",
                                       "SELECT id, as_of, since, area_code, started_by, "
                                       "started_at, finished_at, summary_json FROM comparisons "
                                       "ORDER BY id DESC LIMIT 1"));
    if (r.size() == 0) return std::optional<ComparisonRecord>();
    ComparisonRecord rec;
    rec.id = r.Int(0, 0);
    rec.info.as_of = r.Text(0, 1);
    rec.info.since = r.Text(0, 2);
    rec.info.area_code = r.Text(0, 3);
    rec.info.started_by = r.Text(0, 4);
    rec.info.started_at = r.Text(0, 5);
    rec.info.finished_at = r.Text(0, 6);
    rec.info.summary_json = r.Text(0, 7);
    ASSIGN_OR_RETURN(Rows src, c_->Query("reading the comparison's sources",
                                         "SELECT import_id FROM comparison_sources WHERE "
                                         "comparison_id = $1 ORDER BY import_id",
                                         Params().Add(rec.id)));
    for (int i = 0; i < src.size(); ++i) rec.info.sources.push_back(src.Int(i, 0));
    return std::optional<ComparisonRecord>(std::move(rec));
  }

  std::string url_;
  std::string shown_;
  PostgresOptions options_;
  std::unique_ptr<Conn> c_;
};

// Creates the database the URL names, as UTF-8 with byte-order collation, when it is missing.
Status CreateDatabase(const std::string& url, const std::string& shown) {
  const std::string name = ConninfoValue(url, "dbname");
  if (name.empty()) {
    return InvalidArgument("store " + shown +
                           ": the URL names no database (postgresql://HOST/DATABASE)");
  }
  ASSIGN_OR_RETURN(std::unique_ptr<Conn> admin, OpenMaintenance(url, shown));
  Status st = admin->Exec("creating database " + name,
                          "CREATE DATABASE " + QuoteIdent(name) +
                              " TEMPLATE template0 ENCODING 'UTF8' LC_COLLATE 'C' LC_CTYPE 'C'");
  if (st.ok() || admin->last_sqlstate() == "42P04") return Status();  // 42P04: made meanwhile
  if (st.code() == ErrorCode::kPermissionDenied) {
    return {ErrorCode::kPermissionDenied,
            st.message() + " (ask the database administrator to create it, e.g. createdb -E UTF8 " +
                name + ", then run popreg init again)"};
  }
  return st;
}

}  // namespace

int PostgresLatestSchemaVersion() { return LatestVersion(); }

std::string RedactPostgresUrl(const std::string& url) {
  std::string out = url;
  const size_t scheme = out.find("://");
  if (scheme != std::string::npos) {
    const size_t start = scheme + 3;
    const size_t end = out.find_first_of("/?", start);
    const std::string authority = out.substr(start, end == std::string::npos ? end : end - start);
    const size_t at = authority.rfind('@');
    if (at != std::string::npos) {
      const size_t colon = authority.find(':');
      if (colon != std::string::npos && colon < at) {
        out = out.substr(0, start) + authority.substr(0, colon) + authority.substr(at) +
              (end == std::string::npos ? "" : out.substr(end));
      }
    }
  }
  // A password among the query parameters.
  const size_t query = out.find('?');
  if (query != std::string::npos) {
    std::string kept;
    size_t pos = query + 1;
    while (pos <= out.size()) {
      size_t amp = out.find('&', pos);
      if (amp == std::string::npos) amp = out.size();
      const std::string param = out.substr(pos, amp - pos);
      if (!param.starts_with("password=") && !param.empty()) {
        kept += (kept.empty() ? "" : "&") + param;
      }
      pos = amp + 1;
    }
    out = out.substr(0, query) + (kept.empty() ? "" : "?" + kept);
  }
  return out;
}

Result<std::unique_ptr<Store>> OpenPostgresStore(const std::string& url,
                                                 const PostgresOptions& options) {
  const std::string shown = RedactPostgresUrl(url);
  Result<std::unique_ptr<Conn>> opened = Conn::Open(url, shown, options.lock_timeout_ms);
  if (!opened.ok() && opened.status().code() == ErrorCode::kNotFound && options.create) {
    RETURN_IF_ERROR(CreateDatabase(url, shown));
    opened = Conn::Open(url, shown, options.lock_timeout_ms);
  }
  if (!opened.ok()) return opened.status();
  std::unique_ptr<Conn> c = std::move(opened).value();
  {
    ASSIGN_OR_RETURN(Rows r, c->Query("reading the server encoding", "SHOW server_encoding"));
    if (r.Text(0, 0) != "UTF8") {
      return FailedPrecondition("store " + shown + ": the database's encoding is " +
                                std::string(r.Text(0, 0)) +
                                "; popreg needs UTF8 (createdb -E UTF8 -T template0)");
    }
  }
  ASSIGN_OR_RETURN(Contents contents, ReadContents(*c));
  if (options.create) {
    if (contents == Contents::kStore) {
      return AlreadyExists("store " + shown +
                           ": a popreg store is already there; refusing to "
                           "overwrite");
    }
    if (contents == Contents::kOther) {
      return AlreadyExists("store " + shown +
                           ": the database already holds other tables; "
                           "refusing to mix a store into it");
    }
  } else if (contents == Contents::kEmpty) {
    return NotFound("store " + shown +
                    ": the database holds no store (create one with popreg "
                    "init)");
  } else if (contents == Contents::kOther) {
    return DataLoss("store " + shown + ": the database holds tables but no popreg store");
  }
  RETURN_IF_ERROR(Migrate(*c, options.schema_version));
  return std::unique_ptr<Store>(std::make_unique<PgStore>(url, shown, options, std::move(c)));
}

Status DropPostgresDatabase(const std::string& url) {
  const std::string shown = RedactPostgresUrl(url);
  const std::string name = ConninfoValue(url, "dbname");
  if (name.empty()) return InvalidArgument("store " + shown + ": the URL names no database");
  ASSIGN_OR_RETURN(std::unique_ptr<Conn> admin, OpenMaintenance(url, shown));
  return admin->Exec("dropping database " + name,
                     "DROP DATABASE IF EXISTS " + QuoteIdent(name) + " WITH (FORCE)");
}

Result<PostgresContents> InspectPostgresDatabase(const std::string& url) {
  const std::string shown = RedactPostgresUrl(url);
  Result<std::unique_ptr<Conn>> c = Conn::Open(url, shown, 10000);
  if (!c.ok()) {
    if (c.status().code() == ErrorCode::kNotFound) return PostgresContents::kMissing;
    return c.status();
  }
  ASSIGN_OR_RETURN(Contents contents, ReadContents(**c));
  switch (contents) {
    case Contents::kEmpty:
      return PostgresContents::kEmpty;
    case Contents::kStore:
      return PostgresContents::kStore;
    case Contents::kOther:
      return PostgresContents::kOther;
  }
  return PostgresContents::kOther;
}

Status CreatePostgresDatabase(const std::string& url) {
  return CreateDatabase(url, RedactPostgresUrl(url));
}

Status RenamePostgresDatabase(const std::string& url, const std::string& new_name) {
  const std::string shown = RedactPostgresUrl(url);
  const std::string name = ConninfoValue(url, "dbname");
  if (name.empty()) return InvalidArgument("store " + shown + ": the URL names no database");
  ASSIGN_OR_RETURN(std::unique_ptr<Conn> admin, OpenMaintenance(url, shown));
  return admin->Exec("renaming database " + name + " to " + new_name,
                     "ALTER DATABASE " + QuoteIdent(name) + " RENAME TO " + QuoteIdent(new_name));
}

std::string PostgresConninfoValue(const std::string& url, std::string_view keyword) {
  return ConninfoValue(url, keyword);
}

}  // namespace popreg::store
