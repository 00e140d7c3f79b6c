// The SQLite backend of the Store (see store/store.h), one database file.
//
// Every connection runs with journal_mode=WAL (readers never block the writer), foreign_keys=ON,
// synchronous=FULL (each commit is fsynced before it returns: the office's only copy of its
// register must survive a power cut, and an import is one commit, so the cost is one fsync per
// import) and a busy timeout, so concurrent writers wait instead of failing at once.
// An ImportTransaction has its own connection (BEGIN IMMEDIATE), so the Store stays usable and
// its readers do not see the import until it commits.
//
// Errors name the database path and the SQL step. SQLITE_FULL is ResourceExhausted ("disk
// full"), SQLITE_CORRUPT and SQLITE_NOTADB are DataLoss, SQLITE_BUSY is Conflict, I/O errors are
// IoError, constraint violations are FailedPrecondition.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "base/status.h"
#include "store/store.h"

namespace popreg::store {

struct SqliteOptions {
  // true: create the file (refused when it exists and is not empty); false: it must exist.
  bool create = false;
  // How long a connection waits for another writer's lock before failing with Conflict.
  int busy_timeout_ms = 10000;
  // For tests: PRAGMA max_page_count on every connection (0 = SQLite's default), so that a full
  // disk can be simulated.
  int64_t max_page_count = 0;
  // For tests: migrate only up to this schema version (0 = the latest), so that a migration can
  // be tested on a store made by an older popreg.
  int schema_version = 0;
  // A register replacement that creates, changes or removes this many households and persons
  // or more drops the register tables' secondary indexes and builds them again after its writes
  // (one sort each) instead of updating them row by row. Tests lower it.
  int64_t rebuild_register_indexes_from = 200'000;
};

// Opens (or creates) the SQLite store at `path` and applies pending migrations.
Result<std::unique_ptr<Store>> OpenSqliteStore(const std::string& path,
                                               const SqliteOptions& options = {});

// The schema version this build migrates to.
int SqliteLatestSchemaVersion();

}  // namespace popreg::store
