// Tests of backups (store/backup.h) on real stores: SQLite files, and PostgreSQL databases (with
// pg_dump and pg_restore) in the postgres_store/ run of ctest.
#include "store/backup.h"

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include "store/audit.h"
#include "store/store_test_util.h"

namespace popreg::store {
namespace {

namespace fs = std::filesystem;

class BackupTest : public testing::StoreFileTest {
 protected:
  // A register of `persons` persons, two to a card, imported into `store`.
  void ImportRegister(Store& store, int persons, const std::string& file) {
    testing::Rows rows = {
        {"户卡编号", "社区代码", "人员序号", "姓名", "性别", "出生日期", "公民身份号码"}};
    for (int i = 0; i < persons; ++i) {
      rows.push_back({"35090200100" + std::to_string(10000 + i / 2), "350902001001",
                      std::to_string(i % 2 + 1), "王" + std::to_string(i), i % 2 ? "女" : "男",
                      "1980-01-01", ""});
    }
    auto s = ImportFile(store, io::Kind::kRegister, Csv(file, rows), options_);
    ASSERT_TRUE(s.ok()) << s.status().ToString();
  }

  // Where a restored store goes; a PostgreSQL database is dropped after the test.
  std::string Target(const std::string& name) {
    const std::string location = Location(name);
    if (Postgres()) {
      EXPECT_TRUE(DropPostgresDatabase(location).ok());
      databases_.push_back(location);
    }
    return location;
  }

  std::string Backup(const std::string& name) { return (dir_ / name).string(); }

  // What a test compares of two stores: the imports and the register.
  static std::string Summary(Store& store) {
    std::string out;
    auto imports = store.ListImports();
    EXPECT_TRUE(imports.ok()) << imports.status().ToString();
    for (const ImportRecord& r : *imports) {
      out += std::to_string(r.id) + " " + std::string(io::KindName(r.info.kind)) + " " +
             std::to_string(r.rows_imported) + "\n";
    }
    auto cols = store.LoadRegisterColumns();
    EXPECT_TRUE(cols.ok()) << cols.status().ToString();
    for (size_t i = 0; i < cols->size(); ++i) {
      out += fmt::format("{}/{} {}\n", cols->card_no[i], cols->person_no[i], cols->name[i]);
    }
    return out;
  }
};

TEST_F(BackupTest, ARestoredBackupIsTheStoreAsItWas) {
  ImportRegister(*store_, 40, "register.csv");
  const std::string before = Summary(*store_);
  int64_t last_done = 0, last_total = -1;
  Status st = BackupStore(Location("popreg.db"), Backup("b.db"), [&](int64_t done, int64_t total) {
    last_done = done;
    last_total = total;
  });
  ASSERT_TRUE(st.ok()) << st.ToString();
  EXPECT_EQ(last_done, last_total);
  EXPECT_GT(last_total, 0);
  EXPECT_FALSE(fs::exists(Backup("b.db") + ".tmp"));
  EXPECT_EQ(fs::status(Backup("b.db")).permissions() & fs::perms::all,
            fs::perms::owner_read | fs::perms::owner_write);
  if (!Postgres()) {
    EXPECT_FALSE(fs::exists(Backup("b.db") + "-wal"));  // one file
  }

  const std::string target = Target("restored.db");
  st = RestoreStore(Backup("b.db"), target, false);
  ASSERT_TRUE(st.ok()) << st.ToString();
  auto restored = OpenStore(target);
  ASSERT_TRUE(restored.ok()) << restored.status().ToString();
  EXPECT_EQ(Summary(**restored), before);
  EXPECT_TRUE((*restored)->IntegrityCheck().ok());
}

// The heart of it: an import still running in another connection (one transaction holding the
// write lock, rows written) is not in a backup taken meanwhile; once it commits the live store
// has it, and the restored backup is the store as before that import.
TEST_F(BackupTest, AnImportInProgressIsNotInTheBackup) {
  ImportRegister(*store_, 10, "register.csv");
  const std::string before = Summary(*store_);
  ImportInfo info;
  info.kind = io::Kind::kPolicePopulation;
  info.file_name = "police.csv";
  info.sha256 = std::string(64, 'a');
  auto txn = store_->BeginImport(info);
  ASSERT_TRUE(txn.ok()) << txn.status().ToString();
  std::vector<SourceRecord> records;
  for (int i = 1; i <= 5000; ++i) records.push_back({i, R"({"姓名":"李"})", R"({"name":"李"})"});
  ASSERT_TRUE((*txn)->AddRecords(records).ok());

  Status st = BackupStore(Location("popreg.db"), Backup("during.db"));
  ASSERT_TRUE(st.ok()) << st.ToString();
  ASSERT_TRUE((*txn)->Commit().ok());
  txn->reset();
  EXPECT_EQ(store_->ListImports()->size(), 2u);  // the live store has the import

  const std::string target = Target("restored.db");
  st = RestoreStore(Backup("during.db"), target, false);
  ASSERT_TRUE(st.ok()) << st.ToString();
  auto restored = OpenStore(target);
  ASSERT_TRUE(restored.ok()) << restored.status().ToString();
  EXPECT_EQ(Summary(**restored), before);
}

TEST_F(BackupTest, ABackupNeverReplacesAFile) {
  { std::ofstream(Backup("there.db")) << "keep me"; }
  Status st = BackupStore(Location("popreg.db"), Backup("there.db"));
  EXPECT_EQ(st.code(), ErrorCode::kAlreadyExists) << st.ToString();
  EXPECT_NE(st.message().find(Backup("there.db")), std::string::npos) << st.message();
  std::ifstream in(Backup("there.db"));
  std::string text;
  std::getline(in, text);
  EXPECT_EQ(text, "keep me");
}

TEST_F(BackupTest, AMissingStoreIsNamed) {
  const std::string missing = Postgres() ? UrlBase() + "/popreg_no_such_store" : Backup("no.db");
  Status st = BackupStore(missing, Backup("b.db"));
  EXPECT_EQ(st.code(), ErrorCode::kNotFound) << st.ToString();
  EXPECT_NE(st.message().find(Postgres() ? "popreg_no_such_store" : missing), std::string::npos)
      << st.message();
  EXPECT_FALSE(fs::exists(Backup("b.db")));
  EXPECT_FALSE(fs::exists(Backup("b.db") + ".tmp"));
}

TEST_F(BackupTest, RestoreReplacesAStoreOnlyWithForce) {
  ImportRegister(*store_, 6, "register.csv");
  ASSERT_TRUE(BackupStore(Location("popreg.db"), Backup("b.db")).ok());
  auto other = NewStore("other.db");
  ASSERT_NE(other, nullptr);
  ImportRegister(*other, 2, "other.csv");
  const std::string other_before = Summary(*other);
  other.reset();

  Status st = RestoreStore(Backup("b.db"), Location("other.db"), false);
  EXPECT_EQ(st.code(), ErrorCode::kAlreadyExists) << st.ToString();
  EXPECT_NE(st.message().find("--force"), std::string::npos) << st.message();
  auto kept = OpenStore(Location("other.db"));
  ASSERT_TRUE(kept.ok());
  EXPECT_EQ(Summary(**kept), other_before);

  // A check that fails (the CLI's: the user is no admin of the backup) leaves the store as it
  // was, even with force.
  st = RestoreStore(Backup("b.db"), Location("other.db"), true,
                    [](Store&) { return PermissionDenied("not an admin"); });
  EXPECT_EQ(st.code(), ErrorCode::kPermissionDenied) << st.ToString();
  EXPECT_EQ(Summary(**kept), other_before);
  kept->reset();

  st = RestoreStore(Backup("b.db"), Location("other.db"), true, [](Store& restored) {
    return RecordBackup(restored, "restore", "boss", "b.db", std::chrono::seconds(0));
  });
  ASSERT_TRUE(st.ok()) << st.ToString();
  auto replaced = OpenStore(Location("other.db"));
  ASSERT_TRUE(replaced.ok()) << replaced.status().ToString();
  EXPECT_EQ(Summary(**replaced), Summary(*store_));
  auto audit = ListAudit(**replaced, "");
  ASSERT_TRUE(audit.ok());
  ASSERT_FALSE(audit->empty());
  EXPECT_EQ(audit->back().entry.action, "restore");
  EXPECT_EQ(audit->back().entry.who, "boss");
  EXPECT_NE(audit->back().entry.object.find("b.db"), std::string::npos);
  if (!Postgres()) {
    EXPECT_FALSE(fs::exists(Location("other.db") + ".restore.tmp"));
  }
}

TEST_F(BackupTest, AFileThatIsNoBackupIsNamedAndChangesNothing) {
  { std::ofstream(Backup("junk.db")) << std::string(8192, 'x'); }
  const std::string target = Target("restored.db");
  Status st = RestoreStore(Backup("junk.db"), target, false);
  EXPECT_EQ(st.code(), ErrorCode::kDataLoss) << st.ToString();
  EXPECT_NE(st.message().find(Backup("junk.db")), std::string::npos) << st.message();
  EXPECT_EQ(OpenStore(target).status().code(), ErrorCode::kNotFound);
  if (!Postgres()) {
    EXPECT_FALSE(fs::exists(target + ".restore.tmp"));
  }

  st = RestoreStore(Backup("missing.db"), target, false);
  EXPECT_EQ(st.code(), ErrorCode::kNotFound) << st.ToString();
  EXPECT_NE(st.message().find(Backup("missing.db")), std::string::npos) << st.message();
}

// SQLite: a SQLite file that is no popreg store, and a store of a newer popreg.
TEST_F(BackupTest, ASqliteFileOfAnotherKindOrANewerPopregIsRefused) {
  if (Postgres()) GTEST_SKIP() << "SQLite files";
  auto sql = [](const std::string& path, const char* text) {
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
    EXPECT_EQ(sqlite3_exec(db, text, nullptr, nullptr, nullptr), SQLITE_OK) << sqlite3_errmsg(db);
    sqlite3_close(db);
  };
  sql(Backup("other.db"), "CREATE TABLE t (x); INSERT INTO t VALUES (1);");
  Status st = RestoreStore(Backup("other.db"), Location("r1.db"), false);
  EXPECT_EQ(st.code(), ErrorCode::kDataLoss) << st.ToString();
  EXPECT_NE(st.message().find("not a popreg store"), std::string::npos) << st.message();

  ASSERT_TRUE(BackupStore(Location("popreg.db"), Backup("b.db")).ok());
  sql(Backup("b.db"), "INSERT INTO schema_migrations VALUES (999, 'from the future', 'x');");
  st = RestoreStore(Backup("b.db"), Location("r2.db"), false);
  EXPECT_EQ(st.code(), ErrorCode::kFailedPrecondition) << st.ToString();
  EXPECT_NE(st.message().find("999"), std::string::npos) << st.message();
  EXPECT_FALSE(fs::exists(Location("r1.db")));
  EXPECT_FALSE(fs::exists(Location("r2.db")));
}

// SQLite: a store another process (here: another connection) has open is not replaced.
TEST_F(BackupTest, RestoreRefusesAStoreInUse) {
  if (Postgres()) GTEST_SKIP() << "PostgreSQL ends the sessions of the database it replaces";
  ASSERT_TRUE(BackupStore(Location("popreg.db"), Backup("b.db")).ok());
  Status st = RestoreStore(Backup("b.db"), Location("popreg.db"), true);
  EXPECT_EQ(st.code(), ErrorCode::kFailedPrecondition) << st.ToString();
  EXPECT_NE(st.message().find("another process"), std::string::npos) << st.message();
  store_.reset();
  st = RestoreStore(Backup("b.db"), Location("popreg.db"), true);
  EXPECT_TRUE(st.ok()) << st.ToString();
}

TEST_F(BackupTest, RotationKeepsTheNewest) {
  const std::string dir = (dir_ / "daily").string();
  fs::create_directories(dir);
  { std::ofstream(dir + "/notes.txt") << "not a backup"; }
  std::vector<std::string> made;
  for (int day = 1; day <= 5; ++day) {
    const Env env = Env::ForTest(Date{2026, 3, day}, 1);
    auto path = RotateBackup(Location("popreg.db"), dir, 3, env);
    ASSERT_TRUE(path.ok()) << path.status().ToString();
    made.push_back(*path);
  }
  const std::string ext = Postgres() ? ".dump" : ".db";
  EXPECT_EQ(fs::path(made[0]).filename().string(), "popreg-20260301-000000" + ext);
  std::vector<std::string> left;
  for (const auto& e : fs::directory_iterator(dir)) left.push_back(e.path().filename().string());
  std::sort(left.begin(), left.end());
  EXPECT_EQ(left, (std::vector<std::string>{"notes.txt", "popreg-20260303-000000" + ext,
                                            "popreg-20260304-000000" + ext,
                                            "popreg-20260305-000000" + ext}));
  // The same second twice is refused; so is keeping none.
  auto again = RotateBackup(Location("popreg.db"), dir, 3, Env::ForTest(Date{2026, 3, 5}, 1));
  EXPECT_EQ(again.status().code(), ErrorCode::kAlreadyExists);
  EXPECT_EQ(RotateBackup(Location("popreg.db"), dir, 0).status().code(),
            ErrorCode::kInvalidArgument);
}

TEST_F(BackupTest, ABackupIsRecordedInTheAuditLog) {
  ASSERT_TRUE(RecordBackup(*store_, "backup", "boss", "nightly.db").ok());
  auto audit = ListAudit(*store_, "");
  ASSERT_TRUE(audit.ok());
  ASSERT_EQ(audit->size(), 1u);
  EXPECT_EQ(audit->back().entry.action, "backup");
  EXPECT_EQ(audit->back().entry.object, "backup " + (fs::current_path() / "nightly.db").string());
}

}  // namespace
}  // namespace popreg::store
