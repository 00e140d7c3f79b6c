// The PostgreSQL backend of the Store (see store/store.h): one database per store, named by a
// `postgresql://` (or `postgres://`) URL as libpq reads it, e.g.
// postgresql://popreg:secret@db.example/popreg or postgresql://%2Fvar%2Frun%2Fpostgresql/popreg.
//
// The client library is libpq, not libpqxx: popreg's errors are values (Status) and libpqxx
// reports every failure by throwing, so each call would need a try block; and the two things the
// backend needs most, COPY in both directions (bulk import, columnar reads) and SQLSTATE codes
// for mapping errors, are plain functions in libpq.
//
// One connection per Store; an ImportTransaction holds a connection of its own with its
// transaction open, so the Store stays usable and its readers see the state before the import
// until it commits. Every write transaction first takes the store's write lock (a
// transaction-level advisory lock of the database), so writers queue as in SQLite: a writer
// waits at most `lock_timeout_ms` and then fails with Conflict.
//
// Text is stored as given ('' for unknown, as in the SQLite backend); keys sort by bytes
// (COLLATE "C") so that both backends list the register in the same order.
//
// Errors name the URL without its password and the step, and map SQLSTATE classes to ErrorCode:
// 53100 (disk full) and other 53xxx are ResourceExhausted, 55P03/40001/40P01 (lock timeout,
// serialisation, deadlock) are Conflict, 23xxx constraints and P0001 (the append-only triggers)
// are FailedPrecondition, 08xxx and a lost connection are IoError, XX001/XX002 are DataLoss.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "base/status.h"
#include "store/store.h"

namespace popreg::store {

struct PostgresOptions {
  // true: create the store. A missing database is created (as UTF-8 with C collation) when the
  // user may; an existing database must hold no tables of popreg (else AlreadyExists).
  // false: the database must hold a popreg store (NotFound otherwise).
  bool create = false;
  // How long a writer waits for another writer's lock before failing with Conflict.
  int lock_timeout_ms = 10000;
  // For tests: migrate only up to this schema version (0 = the latest).
  int schema_version = 0;
};

// Opens (or creates) the PostgreSQL store at `url` and applies pending migrations.
Result<std::unique_ptr<Store>> OpenPostgresStore(const std::string& url,
                                                 const PostgresOptions& options = {});

// The schema version this build migrates to.
int PostgresLatestSchemaVersion();

// `url` without its password (the user-info password and a `password=` parameter), for
// messages and logs.
std::string RedactPostgresUrl(const std::string& url);

// Drops the database that `url` names, if it exists, ending its sessions (connecting to the
// server's `postgres` database to do so). For tests, and for restoring a backup over a store.
Status DropPostgresDatabase(const std::string& url);

// What the database `url` names holds.
enum class PostgresContents {
  kMissing,  // there is no such database
  kEmpty,    // no tables in its schema
  kStore,    // a popreg store (any schema version)
  kOther,    // tables, but not a popreg store
};
Result<PostgresContents> InspectPostgresDatabase(const std::string& url);

// Creates the database `url` names, as UTF-8 with C collation, when it is missing (as popreg
// init does). PermissionDenied says to ask the database administrator.
Status CreatePostgresDatabase(const std::string& url);

// Renames the database `url` names to `new_name` (a plain name, not a URL). No one may be
// connected to it; a database `new_name` must not exist.
Status RenamePostgresDatabase(const std::string& url, const std::string& new_name);

// The value of `keyword` ("dbname", "password", "user", ...) given in the URL or connection
// string `url`, or "" when it gives none (libpq's defaults are not filled in).
std::string PostgresConninfoValue(const std::string& url, std::string_view keyword);

}  // namespace popreg::store
