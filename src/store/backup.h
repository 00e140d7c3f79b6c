// Backups of a store and putting one back (docs/store.md, "Backups"): for `popreg backup`,
// `popreg restore` and the server's daily backups.
//
// A backup holds exactly what was committed when it began, whatever other processes do
// meanwhile: an import still running (one big uncommitted transaction) is not in it, and
// readers and writers of the store go on while it is taken.
// - SQLite: the backup is a SQLite file of its own (no -wal beside it), copied page by page with
//   SQLite's online backup API inside one read transaction of its own connection.
// - PostgreSQL: the backup is an archive of `pg_dump --format=custom` (pg_dump reads one
//   snapshot), put back with pg_restore. Both tools are found on PATH or in
//   /usr/lib/postgresql/*/bin; the password of the URL goes to them in their environment, never
//   on a command line or in a message.
//
// Every error names the store (a URL without its password) or the file, and what failed.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include "base/env.h"
#include "base/status.h"
#include "store/store.h"

namespace popreg::store {

// How far a backup is: `done` of `total` units (SQLite: pages). Called on the calling thread,
// after each piece; PostgreSQL reports once, at the end (1 of 1).
using BackupProgress = std::function<void(int64_t done, int64_t total)>;

// Writes a backup of the store at `location` (a file path or a postgresql:// URL) to `out_file`.
// It is written to `out_file`.tmp, flushed to disk and renamed, so `out_file` appears whole or
// not at all, readable by its owner only (mode 0600: it holds the password hashes of the users);
// on an error the .tmp file is removed (a crash may leave it; the next backup to the
// same name replaces it). Takes no lock of the store.
// Errors: NotFound (no store at `location`; pg_dump not installed), DataLoss (`location` is not
// a popreg store), AlreadyExists (`out_file` exists: a backup never replaces a file), IoError,
// ResourceExhausted (disk full).
Status BackupStore(const std::string& location, const std::string& out_file,
                   const BackupProgress& progress = {});

// Called by RestoreStore with the restored store, opened (its migrations applied) and checked,
// before it takes the place of anything: an error returned here stops the restore and leaves
// `location` as it was. The CLI checks the user there and writes the restore into the restored
// store's audit log. The store is closed when it returns; do not keep it.
using RestoreCheck = std::function<Status(Store& restored)>;

// Puts the backup `backup_file` (made by BackupStore for the same backend) in place as the store
// at `location`. An existing store (PostgreSQL: a database with any tables) is replaced only
// when `force`; otherwise AlreadyExists and nothing changes.
// The backup is restored beside the target first (SQLite: `location`.restore.tmp; PostgreSQL: a
// database named after the target with "_restore" appended), checked (SQLite's integrity check,
// a schema version not newer than this popreg's, then OpenStore with its migrations and the
// store's IntegrityCheck), given to `check`, and only then put in place: SQLite renames the file
// over the target (after removing the target's -wal and -shm); PostgreSQL drops the target
// database and renames the restored one to its name. A failure before that leaves the target as
// it was and removes what was restored.
// SQLite refuses (FailedPrecondition) to replace a store that another process has open (a
// running `popreg serve`): stop it first. PostgreSQL ends the sessions of the database it drops.
// Errors: NotFound (no `backup_file`), DataLoss (it is not a backup of a popreg store, or it is
// damaged), FailedPrecondition (its schema is newer than this popreg's), AlreadyExists,
// PermissionDenied (PostgreSQL: the user may not create databases), IoError.
Status RestoreStore(const std::string& backup_file, const std::string& location, bool force,
                    const RestoreCheck& check = {});

// Writes a backup of the store at `location` into `dir` (made when missing) named
// popreg-YYYYMMDD-HHMMSS.db (PostgreSQL: .dump) after `env`'s clock in UTC, then deletes the
// oldest files of that naming and extension in `dir` beyond the newest `keep` (other files are
// left alone). Returns the new backup's path. For the server's timer. `keep` must be at least 1;
// a backup of the same second already there is AlreadyExists. An error of the deletions names
// the file; the new backup stays.
Result<std::string> RotateBackup(const std::string& location, const std::string& dir, int keep,
                                 const Env& env = Env::Default(),
                                 const BackupProgress& progress = {});

// Appends to `store`'s audit log that `who` made the backup `file` (action "backup") or restored
// the store from it (action "restore"); the object is "backup FILE" with FILE made absolute.
// A backup is usually taken while another process holds the store's write lock (a running
// import), so a Conflict is retried until `max_wait` has passed; the last error is returned.
Status RecordBackup(Store& store, std::string_view action, const std::string& who,
                    const std::string& file, std::chrono::seconds max_wait = std::chrono::hours(1));

}  // namespace popreg::store
