// Crash tests of the SQLite store: a child process is killed at each of the backend's fail points
// (POPREG_FAILPOINT, see docs/store.md) during an import, a migration and a comparison, and the
// store must then be exactly as before, or (after the commit) exactly as after, and intact.
#include <gtest/gtest.h>
#include <signal.h>
#include <sqlite3.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "store/sqlite/sqlite_store.h"
#include "store/store.h"

namespace popreg::store {
namespace {

namespace fs = std::filesystem;

// Every row of every table (and the schema), read with a plain connection: the store's logical
// state, whatever its WAL file holds.
std::string Fingerprint(const std::string& path) {
  sqlite3* db = nullptr;
  EXPECT_EQ(sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr), SQLITE_OK);
  std::string out;
  std::vector<std::string> tables;
  sqlite3_stmt* st = nullptr;
  sqlite3_prepare_v2(db, "SELECT name, sql FROM sqlite_master ORDER BY name", -1, &st, nullptr);
  while (sqlite3_step(st) == SQLITE_ROW) {
    const auto* name = reinterpret_cast<const char*>(sqlite3_column_text(st, 0));
    const auto* sql = reinterpret_cast<const char*>(sqlite3_column_text(st, 1));
    out += std::string(name) + ": " + (sql ? sql : "") + "\n";
    if (sql != nullptr && std::string(sql).starts_with("CREATE TABLE")) tables.push_back(name);
  }
  sqlite3_finalize(st);
  for (const std::string& t : tables) {
    out += "table " + t + "\n";
    sqlite3_prepare_v2(db, ("SELECT * FROM \"" + t + "\" ORDER BY 1, 2").c_str(), -1, &st, nullptr);
    while (sqlite3_step(st) == SQLITE_ROW) {
      for (int c = 0; c < sqlite3_column_count(st); ++c) {
        const auto* v = reinterpret_cast<const char*>(sqlite3_column_text(st, c));
        out += v ? v : "NULL";
        out += '|';
      }
      out += '\n';
    }
    sqlite3_finalize(st);
  }
  sqlite3_close(db);
  return out;
}

RegisterRow Row(int64_t source_row, std::string card, std::string person_no, std::string name) {
  RegisterRow r;
  r.source_row = source_row;
  r.household = {card, "350902001001", "", "", "", ""};
  r.person.card_no = card;
  r.person.person_no = std::move(person_no);
  r.person.name = std::move(name);
  return r;
}

// A register import: register `name` with rows `rows`, each also a source record.
Status ImportRegister(Store& store, const std::string& name, const std::vector<RegisterRow>& rows) {
  ImportInfo info;
  info.kind = io::Kind::kRegister;
  info.file_name = name;
  info.sha256 = name;
  ASSIGN_OR_RETURN(auto t, store.BeginImport(info));
  std::vector<SourceRecord> records;
  for (const RegisterRow& r : rows) {
    records.push_back({r.source_row, "{}", R"({"name":")" + r.person.name + R"("})"});
  }
  RETURN_IF_ERROR(t->AddRecords(records));
  RETURN_IF_ERROR(t->AddRegisterRows(rows));
  return t->Commit();
}

// Saves a comparison as of `as_of` that found one item of `type` for register key `key`; returns
// the item's id.
Result<int64_t> SaveOneItem(Store& store, const std::string& as_of, const std::string& type,
                            const std::string& key) {
  std::vector<Discrepancy> items(1);
  items[0].type = type;
  items[0].register_key = key;
  items[0].identity = type + "|" + key;
  RETURN_IF_ERROR(store.SaveComparison({.as_of = as_of, .since = "2026-01-01"}, items).status());
  return items[0].id;
}

// A register import as a popreg of schema 1 wrote it, in plain SQL (today's import code writes
// today's schema): kFirst's three persons.
void OldRegister(const std::string& path) {
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
  char* err = nullptr;
  EXPECT_EQ(sqlite3_exec(db,
                         "INSERT INTO imports (id, kind, file_name, sha256, period, rows_total, "
                         "rows_imported, imported_at) VALUES (1, 'register', 'first.csv', "
                         "'first.csv', '', 3, 3, '2026-01-01T00:00:00.000Z');"
                         "INSERT INTO source_records VALUES (1, 1, '{}', '{\"name\":\"王小明\"}'),"
                         " (1, 2, '{}', '{\"name\":\"王小红\"}'), (1, 3, '{}', "
                         "'{\"name\":\"李四\"}');"
                         "INSERT INTO households (card_no, community_code, import_id) VALUES "
                         "('C1', '350902001001', 1), ('C2', '350902001001', 1);"
                         "INSERT INTO persons (card_no, person_no, name, import_id) VALUES "
                         "('C1', '1', '王小明', 1), ('C1', '2', '王小红', 1), ('C2', '1', '李四', "
                         "1);",
                         nullptr, nullptr, &err),
            SQLITE_OK)
      << (err != nullptr ? err : "");
  sqlite3_free(err);
  sqlite3_close(db);
}

const std::vector<RegisterRow> kFirst = {Row(1, "C1", "1", "王小明"), Row(2, "C1", "2", "王小红"),
                                         Row(3, "C2", "1", "李四")};
const std::vector<RegisterRow> kSecond = {Row(1, "C1", "1", "王晓明"), Row(2, "C3", "1", "张三")};

class CrashTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    dir_ = fs::temp_directory_path() /
           ("popreg-crash-" + std::to_string(getpid()) + "-" + info->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    path_ = (dir_ / "popreg.db").string();
  }
  void TearDown() override { fs::remove_all(dir_); }

  // Runs `work` in a child process with POPREG_FAILPOINT=`point` and expects the child to be
  // killed by SIGKILL there. No connection may be open across the fork.
  template <typename F>
  void RunKilledAt(const std::string& point, F work) {
    pid_t pid = fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) {
      setenv("POPREG_FAILPOINT", point.c_str(), 1);
      Status st = work();
      _exit(st.ok() ? 0 : 1);  // the fail point was not reached
    }
    int status = 0;
    ASSERT_EQ(waitpid(pid, &status, 0), pid);
    ASSERT_TRUE(WIFSIGNALED(status))
        << point << ": the child exited with " << (WIFEXITED(status) ? WEXITSTATUS(status) : -1);
    EXPECT_EQ(WTERMSIG(status), SIGKILL) << point;
  }

  fs::path dir_;
  std::string path_;
};

// Also when the replacement drops the register's indexes and builds them again (as a large one
// does; here from the first write): the schema is part of the fingerprint.
TEST_F(CrashTest, AnImportKilledAtAnyPointIsAllOrNothing) {
  for (const auto& [point, rebuild] :
       std::vector<std::pair<std::string, bool>>{{"import.begun", false},
                                                 {"import.staged", false},
                                                 {"import.history", false},
                                                 {"import.replaced", false},
                                                 {"import.committed", false},
                                                 {"import.replaced", true},
                                                 {"import.committed", true}}) {
    SCOPED_TRACE(point + (rebuild ? " (indexes rebuilt)" : ""));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    {
      auto s = CreateStore(path_);
      ASSERT_TRUE(s.ok()) << s.status().ToString();
      ASSERT_TRUE(ImportRegister(**s, "first.csv", kFirst).ok());
    }
    const std::string before = Fingerprint(path_);
    RunKilledAt(point, [&]() -> Status {
      ASSIGN_OR_RETURN(auto s, OpenSqliteStore(path_, SqliteOptions{.rebuild_register_indexes_from =
                                                                        rebuild ? 1 : 200'000}));
      return ImportRegister(*s, "second.csv", kSecond);
    });
    const bool committed = point == "import.committed";
    const std::string after = Fingerprint(path_);
    if (!committed) {
      EXPECT_EQ(after, before);
    } else {
      // The same indexes, defined as they were.
      auto schema = [](const std::string& f) { return f.substr(0, f.find("\ntable ")); };
      EXPECT_EQ(schema(after), schema(before));
      EXPECT_NE(schema(after).find("persons_name: CREATE INDEX persons_name ON persons (name)"),
                std::string::npos);
    }
    auto s = OpenStore(path_);
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    EXPECT_TRUE((*s)->IntegrityCheck().ok());
    EXPECT_EQ((*s)->ListImports()->size(), committed ? 2u : 1u);
    EXPECT_EQ(*(*s)->CountRegisterPersons(), committed ? 2 : 3);
    EXPECT_EQ((*s)->ListHistory("person", "C1/1")->size(), committed ? 2u : 1u);
    if (!committed) {
      // The import was never made: it can be made now.
      EXPECT_TRUE(ImportRegister(**s, "second.csv", kSecond).ok());
      EXPECT_EQ(*(*s)->CountRegisterPersons(), 2);
    }
  }
}

TEST_F(CrashTest, AMigrationKilledAtAnyPointIsAllOrNothing) {
  for (const std::string point : {"migration.applied", "migration.committed"}) {
    SCOPED_TRACE(point);
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    {
      // A store made by a popreg of schema 1, with a register in it.
      auto s = OpenSqliteStore(path_, SqliteOptions{.create = true, .schema_version = 1});
      ASSERT_TRUE(s.ok()) << s.status().ToString();
      ASSERT_EQ(*(*s)->SchemaVersion(), 1);
    }
    OldRegister(path_);
    const std::string before = Fingerprint(path_);
    RunKilledAt(point, [&]() -> Status { return OpenStore(path_).status(); });
    const bool committed = point == "migration.committed";
    if (!committed) {
      EXPECT_EQ(Fingerprint(path_), before);
      auto old = OpenSqliteStore(path_, SqliteOptions{.schema_version = 1});
      ASSERT_TRUE(old.ok()) << old.status().ToString();
      EXPECT_EQ(*(*old)->SchemaVersion(), 1);
      EXPECT_TRUE((*old)->IntegrityCheck().ok());
    }
    // Opening again finishes the migration; the data survives it.
    auto s = OpenStore(path_);
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    EXPECT_EQ(*(*s)->SchemaVersion(), SqliteLatestSchemaVersion());
    EXPECT_TRUE((*s)->IntegrityCheck().ok());
    EXPECT_EQ((*s)->ListImports()->size(), 1u);
    EXPECT_EQ(*(*s)->CountRegisterPersons(), 3);
    auto saved = SaveOneItem(**s, "2026-09-30", "absent_from_source", "C1/1");
    EXPECT_TRUE(saved.ok()) << saved.status().ToString();
  }
}

TEST_F(CrashTest, AComparisonKilledBeforeItsCommitLeavesNothing) {
  {
    auto s = CreateStore(path_);
    ASSERT_TRUE(s.ok());
    ASSERT_TRUE(SaveOneItem(**s, "2026-09-30", "absent_from_source", "C1/1").ok());
  }
  const std::string before = Fingerprint(path_);
  RunKilledAt("comparison.saved", [&]() -> Status {
    ASSIGN_OR_RETURN(auto s, OpenStore(path_));
    return SaveOneItem(*s, "2026-10-31", "unrecorded_death", "C1/2").status();
  });
  EXPECT_EQ(Fingerprint(path_), before);
  auto s = OpenStore(path_);
  ASSERT_TRUE(s.ok());
  EXPECT_TRUE((*s)->IntegrityCheck().ok());
  EXPECT_EQ((*(*s)->LatestComparison())->info.as_of, "2026-09-30");
}

TEST_F(CrashTest, ReviewsAreAppendOnly) {
  {
    auto s = CreateStore(path_);
    ASSERT_TRUE(s.ok());
    auto id = SaveOneItem(**s, "2026-09-30", "absent_from_source", "C1/1");
    ASSERT_TRUE(id.ok());
    ASSERT_TRUE((*s)->SetDiscrepancyStatus(*id, "verified", "clerk", "checked").ok());
  }
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path_.c_str(), &db), SQLITE_OK);
  for (const char* sql : {"UPDATE reviews SET who = 'x'", "DELETE FROM reviews"}) {
    char* err = nullptr;
    EXPECT_NE(sqlite3_exec(db, sql, nullptr, nullptr, &err), SQLITE_OK) << sql;
    EXPECT_NE(std::string(err ? err : "").find("append-only"), std::string::npos) << sql;
    sqlite3_free(err);
  }
  sqlite3_stmt* st = nullptr;
  ASSERT_EQ(sqlite3_prepare_v2(db,
                               "SELECT who, status_before, status_after, note FROM reviews "
                               "UNION ALL SELECT who, action, object, details_json FROM audit_log",
                               -1, &st, nullptr),
            SQLITE_OK);
  std::vector<std::string> rows;
  while (sqlite3_step(st) == SQLITE_ROW) {
    std::string row;
    for (int c = 0; c < 4; ++c) {
      row += reinterpret_cast<const char*>(sqlite3_column_text(st, c));
      row += c < 3 ? "|" : "";
    }
    rows.push_back(row);
  }
  sqlite3_finalize(st);
  sqlite3_close(db);
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0], "clerk|open|verified|checked");
  EXPECT_EQ(rows[1],
            "clerk|review|item 1|"
            R"({"status_before":"open","status_after":"verified","note":"checked"})");
}

}  // namespace
}  // namespace popreg::store
