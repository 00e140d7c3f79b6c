// `popreg backup` and `popreg restore`: a copy of the store taken while it is in use, and the
// store put back from one (src/store/backup.h), by admins (src/recon/policy.h).
#include <chrono>
#include <cstdio>
#include <memory>
#include <string>

#include "base/log.h"
#include "cli/commands.h"
#include "recon/policy.h"
#include "store/backup.h"
#include "store/store.h"

namespace popreg::cli {
namespace {

struct BackupArgs {
  std::string db, out, user;
};

Status RunBackup(const BackupArgs& a) {
  if (a.db.empty()) return InvalidArgument("--db is required");
  if (a.out.empty()) return InvalidArgument("--out is required");
  ASSIGN_OR_RETURN(auto store, store::OpenStore(a.db));
  ASSIGN_OR_RETURN(store::User user, recon::Authorize(*store, a.user, recon::Action::kBackup));
  const auto start = std::chrono::steady_clock::now();
  {
    std::unique_ptr<ProgressBar> bar;
    RETURN_IF_ERROR(store::BackupStore(a.db, a.out, [&bar](int64_t done, int64_t total) {
      if (!bar) bar = std::make_unique<ProgressBar>("backing up", total);
      bar->Add(done - bar->count());
    }));
  }
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::printf("Backed up store %s to %s in %.1f s\n", store->location().c_str(), a.out.c_str(),
              seconds);
  std::fflush(stdout);
  // An import in progress holds the store's write lock; the entry waits for it.
  Status recorded = store::RecordBackup(*store, "backup", user.login, a.out);
  if (!recorded.ok()) {
    return Status(recorded.code(),
                  "the backup " + a.out + " is complete, but " + recorded.message());
  }
  return Status::Ok();
}

struct RestoreArgs {
  std::string from, db, user;
  bool force = false;
};

Status RunRestore(const RestoreArgs& a) {
  if (a.from.empty()) return InvalidArgument("--from is required");
  if (a.db.empty()) return InvalidArgument("--db is required");
  if (a.force) {
    // Whoever replaces a store must be an admin of it, when it still opens (a damaged one, the
    // usual reason to restore, is replaced on the word of an admin of the backup alone).
    // It is closed again before the restore, which refuses a store that is open.
    Result<std::unique_ptr<store::Store>> old = store::OpenStore(a.db);
    if (old.ok()) {
      RETURN_IF_ERROR(recon::Authorize(**old, a.user, recon::Action::kBackup).status());
    }
  }
  // An admin of the backup, checked on the restored store before it takes the store's place,
  // which then records the restore in its own audit log.
  RETURN_IF_ERROR(store::RestoreStore(a.from, a.db, a.force, [&a](store::Store& restored) {
    ASSIGN_OR_RETURN(store::User user, recon::Authorize(restored, a.user, recon::Action::kBackup));
    return store::RecordBackup(restored, "restore", user.login, a.from, std::chrono::seconds(0));
  }));
  ASSIGN_OR_RETURN(auto store, store::OpenStore(a.db));
  ASSIGN_OR_RETURN(int version, store->SchemaVersion());
  ASSIGN_OR_RETURN(int64_t persons, store->CountRegisterPersons());
  ASSIGN_OR_RETURN(auto imports, store->ListImports());
  std::printf("Restored store %s from %s (schema version %d, %zu imports, %lld register persons)\n",
              store->location().c_str(), a.from.c_str(), version, imports.size(),
              static_cast<long long>(persons));
  return Status::Ok();
}

}  // namespace

void RegisterBackup(CLI::App& app) {
  auto backup = std::make_shared<BackupArgs>();
  CLI::App* c = app.add_subcommand(
      "backup",
      "Write a consistent copy of the store to a file while it is in use (admins only); an "
      "import still running is not in it");
  c->add_option("--db", backup->db, "The store (a SQLite file path or a postgresql:// URL)");
  c->add_option("--out", backup->out,
                "The backup file to write (never replaced: it must not exist); SQLite: a store "
                "file of its own, PostgreSQL: a pg_dump archive");
  c->add_option("--user", backup->user, "Who backs up (an admin of the store)")
      ->envname("POPREG_USER");
  c->callback([backup] {
    Status s = RunBackup(*backup);
    if (!s.ok()) Fail(s);
  });

  auto restore = std::make_shared<RestoreArgs>();
  c = app.add_subcommand(
      "restore",
      "Put a store back from a backup of popreg backup, whole or not at all (admins only)");
  c->add_option("--from", restore->from, "The backup file (of popreg backup)");
  c->add_option("--db", restore->db,
                "The store to restore (a SQLite file path or a postgresql:// URL); an existing "
                "store is replaced only with --force");
  c->add_flag("--force", restore->force,
              "Replace the store that is there (SQLite: stop popreg serve first)");
  c->add_option("--user", restore->user,
                "Who restores (an admin of the backup, and of the store it replaces)")
      ->envname("POPREG_USER");
  c->callback([restore] {
    Status s = RunRestore(*restore);
    if (!s.ok()) Fail(s);
  });
}

}  // namespace popreg::cli
