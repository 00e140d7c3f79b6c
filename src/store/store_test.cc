// Tests of the Store on real SQLite files in a temporary folder.
#include "store/store.h"

#include <gtest/gtest.h>
#include <signal.h>
#include <sqlite3.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include "store/sqlite/sqlite_store.h"

namespace popreg::store {
namespace {

namespace fs = std::filesystem;

class StoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    dir_ = fs::temp_directory_path() /
           ("popreg-store-" + std::to_string(getpid()) + "-" + info->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    path_ = (dir_ / "popreg.db").string();
  }
  void TearDown() override { fs::remove_all(dir_); }

  std::unique_ptr<Store> Create() {
    auto s = CreateStore(path_);
    EXPECT_TRUE(s.ok()) << s.status().ToString();
    return s.ok() ? std::move(s).value() : nullptr;
  }
  std::unique_ptr<Store> Open() {
    auto s = OpenStore(path_);
    EXPECT_TRUE(s.ok()) << s.status().ToString();
    return s.ok() ? std::move(s).value() : nullptr;
  }

  fs::path dir_;
  std::string path_;
};

ImportInfo Info(std::string sha, io::Kind kind = io::Kind::kPolicePopulation) {
  ImportInfo i;
  i.kind = kind;
  i.file_name = "police.csv";
  i.sha256 = std::move(sha);
  i.month = "2026-03";
  i.rows_total = 3;
  i.imported_by = "clerk";
  i.imported_at = "2026-03-31T08:00:00Z";
  return i;
}

std::vector<SourceRecord> Records(int n, int first = 1) {
  std::vector<SourceRecord> out;
  for (int i = first; i < first + n; ++i) {
    out.push_back({i, R"({"姓名":"王小明)" + std::to_string(i) + R"("})",
                   R"({"name":"王小明)" + std::to_string(i) + R"("})"});
  }
  return out;
}

// A small register: two households, three persons.
void SampleRegister(std::vector<Household>& h, std::vector<Person>& p);

// The sample register as rows of a register file (rows 1..3).
std::vector<RegisterRow> SampleRows() {
  std::vector<Household> h;
  std::vector<Person> p;
  SampleRegister(h, p);
  std::vector<RegisterRow> rows;
  for (size_t i = 0; i < p.size(); ++i) {
    RegisterRow r;
    r.source_row = static_cast<int64_t>(i) + 1;
    r.household = p[i].card_no == h[0].card_no ? h[0] : h[1];
    r.person = p[i];
    rows.push_back(r);
  }
  return rows;
}

void SampleRegister(std::vector<Household>& h, std::vector<Person>& p) {
  h = {{"3509020010010001", "350902001001", "1", "2", "301", "蕉城路1号"},
       {"3509020010010002", "350902001002", "", "", "", ""}};
  p = {{"3509020010010001", "1", "王小明", "M", "1985-03-02", "350902198503020011", "户主", "汉",
        "alive", "", ""},
       {"3509020010010001", "10", "王小红", "F", "2010-01-01", "", "女", "汉", "alive", "",
        "350902198803120021"},
       {"3509020010010002", "1", "李四", "", "", "350902195001010031", "", "", "deceased",
        "2025-12-01", ""}};
  p[1].person_no = "2";
}

TEST_F(StoreTest, CreateOpenReopenKeepsData) {
  {
    auto s = Create();
    ASSERT_NE(s, nullptr);
    EXPECT_EQ(*s->SchemaVersion(), SqliteLatestSchemaVersion());
    std::vector<Area> areas = {{"350902", "蕉城区", "district", ""},
                               {"350902001", "蕉南街道", "township", "350902"},
                               {"350902001001", "社区一", "community", "350902001"}};
    ASSERT_TRUE(s->ReplaceAreas(areas).ok());
  }
  auto s = Open();
  ASSERT_NE(s, nullptr);
  auto areas = s->ListAreas();
  ASSERT_TRUE(areas.ok());
  ASSERT_EQ(areas->size(), 3u);
  EXPECT_EQ((*areas)[1], (Area{"350902001", "蕉南街道", "township", "350902"}));
  EXPECT_TRUE(s->IntegrityCheck().ok());
}

TEST_F(StoreTest, CreateRefusesAnExistingStoreAndOpenRefusesAMissingOne) {
  auto missing = OpenStore(path_);
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.status().code(), ErrorCode::kNotFound);
  EXPECT_NE(missing.status().message().find("popreg init"), std::string::npos);
  ASSERT_NE(Create(), nullptr);
  auto again = CreateStore(path_);
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.status().code(), ErrorCode::kAlreadyExists);
}

// A URL goes to the PostgreSQL backend (tested in postgres/postgres_store_test.cc), never to a
// file of that name; a server that is not there is an I/O error naming the URL, not the password.
TEST_F(StoreTest, APostgresUrlGoesToThePostgresBackend) {
  for (const char* url : {"postgresql://popreg:pw@%2Fno%2Fsuch%2Fdir/popreg",
                          "postgres://popreg:pw@%2Fno%2Fsuch%2Fdir/popreg"}) {
    auto s = OpenStore(url);
    ASSERT_FALSE(s.ok());
    EXPECT_EQ(s.status().code(), ErrorCode::kIoError) << s.status().ToString();
    EXPECT_NE(s.status().message().find("popreg@%2Fno%2Fsuch%2Fdir/popreg"), std::string::npos)
        << s.status().ToString();
    EXPECT_EQ(s.status().message().find(":pw@"), std::string::npos) << s.status().ToString();
  }
  EXPECT_FALSE(fs::exists("postgresql:"));
}

TEST_F(StoreTest, AFileThatIsNotAStoreIsDataLoss) {
  std::ofstream(path_) << "card_no,name\n1,王小明\n" << std::string(4096, 'x');
  auto s = OpenStore(path_);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.status().code(), ErrorCode::kDataLoss) << s.status().ToString();
  EXPECT_NE(s.status().message().find(path_), std::string::npos);
}

TEST_F(StoreTest, MigrationsAreIdempotent) {
  ASSERT_NE(Create(), nullptr);
  for (int i = 0; i < 3; ++i) {
    auto s = Open();
    ASSERT_NE(s, nullptr);
    EXPECT_EQ(*s->SchemaVersion(), SqliteLatestSchemaVersion());
  }
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path_.c_str(), &db), SQLITE_OK);
  sqlite3_stmt* st = nullptr;
  ASSERT_EQ(sqlite3_prepare_v2(db, "SELECT count(*) FROM schema_migrations", -1, &st, nullptr),
            SQLITE_OK);
  ASSERT_EQ(sqlite3_step(st), SQLITE_ROW);
  EXPECT_EQ(sqlite3_column_int(st, 0), SqliteLatestSchemaVersion());
  sqlite3_finalize(st);
  sqlite3_close(db);
}

TEST_F(StoreTest, AStoreFromANewerPopregIsRefused) {
  ASSERT_NE(Create(), nullptr);
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path_.c_str(), &db), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(db,
                         "INSERT INTO schema_migrations VALUES (999, 'future', "
                         "'2030-01-01T00:00:00Z')",
                         nullptr, nullptr, nullptr),
            SQLITE_OK);
  sqlite3_close(db);
  auto s = OpenStore(path_);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.status().code(), ErrorCode::kFailedPrecondition) << s.status().ToString();
  EXPECT_NE(s.status().message().find("newer"), std::string::npos);
}

TEST_F(StoreTest, CommittedImportIsListedAndFoundBySha) {
  auto s = Create();
  {
    auto t = s->BeginImport(Info("aa11"));
    ASSERT_TRUE(t.ok()) << t.status().ToString();
    ASSERT_TRUE((*t)->AddRecords(Records(3)).ok());
    std::vector<Reject> rejects = {{2, "birth_date", "1985-13-45", "not a date"},
                                   {2, "sex", "?", "not a sex"}};
    ASSERT_TRUE((*t)->AddRejects(rejects).ok());
    // Nothing is visible before the commit.
    EXPECT_TRUE(s->ListImports()->empty());
    ASSERT_TRUE((*t)->Commit().ok());
    EXPECT_EQ((*t)->Commit().code(), ErrorCode::kFailedPrecondition);
  }
  auto found = s->FindImportBySha256(io::Kind::kPolicePopulation, "aa11");
  ASSERT_TRUE(found.ok());
  ASSERT_TRUE(found->has_value());
  EXPECT_EQ((*found)->rows_imported, 3);
  EXPECT_EQ((*found)->rows_rejected, 1);
  EXPECT_EQ((*found)->info.month, "2026-03");
  EXPECT_EQ((*found)->info.imported_at, "2026-03-31T08:00:00Z");
  EXPECT_FALSE(s->FindImportBySha256(io::Kind::kCremations, "aa11")->has_value());
  // The same file again is refused.
  auto again = s->BeginImport(Info("aa11"));
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.status().code(), ErrorCode::kAlreadyExists);
  ASSERT_EQ(s->ListImports()->size(), 1u);
}

TEST_F(StoreTest, AnImportThatIsNotCommittedLeavesNothing) {
  auto s = Create();
  {
    auto t = s->BeginImport(Info("bb22"));
    ASSERT_TRUE(t.ok());
    ASSERT_TRUE((*t)->AddRecords(Records(100)).ok());
  }
  EXPECT_TRUE(s->ListImports()->empty());
  EXPECT_FALSE(s->FindImportBySha256(io::Kind::kPolicePopulation, "bb22")->has_value());
  // The same file can then be imported.
  auto t = s->BeginImport(Info("bb22"));
  ASSERT_TRUE(t.ok());
  ASSERT_TRUE((*t)->Commit().ok());
  EXPECT_EQ(s->ListImports()->size(), 1u);
}

TEST_F(StoreTest, AFailedStepRollsBackTheWholeImport) {
  auto s = Create();
  {
    auto t = s->BeginImport(Info("r1", io::Kind::kRegister));
    ASSERT_TRUE(t.ok());
    ASSERT_TRUE((*t)->AddRegisterRows(SampleRows()).ok());
    ASSERT_TRUE((*t)->Commit().ok());
  }
  auto t = s->BeginImport(Info("cc33"));
  ASSERT_TRUE(t.ok());
  ASSERT_TRUE((*t)->AddRecords(Records(10)).ok());
  ASSERT_TRUE((*t)->AddRegisterRows({}).ok());
  Status dup = (*t)->AddRecords(Records(1, 5));  // row 5 again
  ASSERT_FALSE(dup.ok());
  EXPECT_NE(dup.message().find("row 5"), std::string::npos) << dup.ToString();
  EXPECT_NE(dup.message().find(path_), std::string::npos) << dup.ToString();
  EXPECT_EQ((*t)->AddRecords(Records(1, 20)).code(), ErrorCode::kFailedPrecondition);
  EXPECT_EQ((*t)->Commit().code(), ErrorCode::kFailedPrecondition);
  t = Status(ErrorCode::kCancelled, "dropped");
  EXPECT_EQ(s->ListImports()->size(), 1u);
  EXPECT_EQ(*s->CountRegisterPersons(), 3);
  EXPECT_TRUE(s->IntegrityCheck().ok());
}

TEST_F(StoreTest, ReplaceAreasWithAMissingParentChangesNothing) {
  auto s = Create();
  ASSERT_TRUE(s->ReplaceAreas(std::vector<Area>{{"350902", "蕉城区", "district", ""}}).ok());
  Status st = s->ReplaceAreas(std::vector<Area>{{"350902001", "蕉南街道", "township", "999999"}});
  EXPECT_FALSE(st.ok());
  ASSERT_EQ(s->ListAreas()->size(), 1u);
  EXPECT_EQ((*s->ListAreas())[0].code, "350902");
}

TEST_F(StoreTest, LoadRegisterColumnsRoundTrip) {
  auto s = Create();
  std::vector<Household> h;
  std::vector<Person> p;
  SampleRegister(h, p);
  auto t = s->BeginImport(Info("reg", io::Kind::kRegister));
  ASSERT_TRUE(t.ok());
  ASSERT_TRUE((*t)->AddRegisterRows(SampleRows()).ok());
  ASSERT_TRUE((*t)->Commit().ok());
  s.reset();
  s = Open();
  auto c = s->LoadRegisterColumns();
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  ASSERT_EQ(c->size(), 3u);
  for (size_t i = 0; i < 3; ++i) {
    SCOPED_TRACE(i);
    EXPECT_EQ(c->card_no[i], p[i].card_no);
    EXPECT_EQ(c->person_no[i], p[i].person_no);
    EXPECT_EQ(c->name[i], p[i].name);
    EXPECT_EQ(c->sex[i], p[i].sex);
    EXPECT_EQ(c->birth_date[i], p[i].birth_date);
    EXPECT_EQ(c->id_number[i], p[i].id_number);
    EXPECT_EQ(c->relation[i], p[i].relation);
    EXPECT_EQ(c->ethnicity[i], p[i].ethnicity);
    EXPECT_EQ(c->status[i], p[i].status);
    EXPECT_EQ(c->death_date[i], p[i].death_date);
    EXPECT_EQ(c->mother_id_number[i], p[i].mother_id_number);
  }
  EXPECT_EQ(c->community_code[0], "350902001001");
  EXPECT_EQ(c->address[1], "蕉城路1号");
  EXPECT_EQ(c->community_code[2], "350902001002");
  EXPECT_EQ(c->room[2], "");
}

TEST_F(StoreTest, HistoryAndAuditAreAppendOnly) {
  auto s = Create();
  HistoryEntry e{"person",
                 "3509020010010001/1",
                 "",
                 R"({"name":"王小明"})",
                 "reviewer",
                 "2026-04-01T10:00:00Z",
                 "unrecorded birth approved",
                 "discrepancy 1/3"};
  auto id = s->AppendHistory(e);
  ASSERT_TRUE(id.ok()) << id.status().ToString();
  auto id2 = s->AppendAudit({"reviewer", "", "review", "discrepancy 1/3", ""});
  ASSERT_TRUE(id2.ok()) << id2.status().ToString();
  s.reset();

  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path_.c_str(), &db), SQLITE_OK);
  for (const char* sql : {"UPDATE history SET who = 'x'", "DELETE FROM history",
                          "UPDATE audit_log SET who = 'x'", "DELETE FROM audit_log"}) {
    char* err = nullptr;
    EXPECT_NE(sqlite3_exec(db, sql, nullptr, nullptr, &err), SQLITE_OK) << sql;
    EXPECT_NE(std::string(err ? err : "").find("append-only"), std::string::npos) << sql;
    sqlite3_free(err);
  }
  sqlite3_close(db);

  s = Open();
  auto h = s->ListHistory("person", "3509020010010001/1");
  ASSERT_TRUE(h.ok());
  ASSERT_EQ(h->size(), 1u);
  EXPECT_EQ((*h)[0].after_json, e.after_json);
  EXPECT_EQ((*h)[0].before_json, "");
  EXPECT_EQ((*h)[0].at, e.at);
  EXPECT_EQ((*h)[0].evidence, e.evidence);
  EXPECT_TRUE(s->IntegrityCheck().ok());
}

// The child: begins an import, adds records in batches, tells the parent after the first
// batches and keeps adding until killed. Never returns.
[[noreturn]] void ImportUntilKilled(const std::string& path, int ready_fd, bool exit_itself) {
  auto s = OpenStore(path);
  if (!s.ok()) _exit(2);
  auto t = (*s)->BeginImport(Info("killed"));
  if (!t.ok()) _exit(3);
  for (int batch = 0;; ++batch) {
    if (!(*t)->AddRecords(Records(500, batch * 500 + 1)).ok()) _exit(4);
    if (batch == 20) {
      if (exit_itself) _exit(0);
      char c = 'r';
      if (write(ready_fd, &c, 1) != 1) _exit(5);
    }
  }
}

void KilledInTheMiddle(const std::string& path, bool exit_itself) {
  int fds[2];
  ASSERT_EQ(pipe(fds), 0);
  pid_t pid = fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    close(fds[0]);
    ImportUntilKilled(path, fds[1], exit_itself);
  }
  close(fds[1]);
  int status = 0;
  if (!exit_itself) {
    char c = 0;
    ASSERT_EQ(read(fds[0], &c, 1), 1);
    ASSERT_EQ(kill(pid, SIGKILL), 0);
    ASSERT_EQ(waitpid(pid, &status, 0), pid);
    EXPECT_TRUE(WIFSIGNALED(status));
  } else {
    ASSERT_EQ(waitpid(pid, &status, 0), pid);
    ASSERT_TRUE(WIFEXITED(status));
    EXPECT_EQ(WEXITSTATUS(status), 0);
  }
  close(fds[0]);
}

TEST_F(StoreTest, AProcessKilledInTheMiddleOfAnImportLeavesNoTrace) {
  for (bool exit_itself : {false, true}) {
    SCOPED_TRACE(exit_itself ? "_exit" : "SIGKILL");
    {
      auto s = Create();
      ASSERT_NE(s, nullptr);
    }  // no connection is open across fork()
    KilledInTheMiddle(path_, exit_itself);
    auto s = Open();
    ASSERT_NE(s, nullptr);
    EXPECT_TRUE(s->IntegrityCheck().ok());
    EXPECT_TRUE(s->ListImports()->empty());
    EXPECT_FALSE(s->FindImportBySha256(io::Kind::kPolicePopulation, "killed")->has_value());
    // The store still takes imports.
    auto t = s->BeginImport(Info("killed"));
    ASSERT_TRUE(t.ok()) << t.status().ToString();
    ASSERT_TRUE((*t)->AddRecords(Records(10)).ok());
    ASSERT_TRUE((*t)->Commit().ok());
    EXPECT_EQ((*s->ListImports())[0].rows_imported, 10);
    s.reset();
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
}

TEST_F(StoreTest, ADiskThatFillsUpFailsTheImportAndChangesNothing) {
  {
    auto s = Create();
    auto t = s->BeginImport(Info("first"));
    ASSERT_TRUE(t.ok());
    ASSERT_TRUE((*t)->AddRecords(Records(5)).ok());
    ASSERT_TRUE((*t)->Commit().ok());
  }
  {
    // max_page_count cannot go below the current size: 1 means "no room to grow".
    auto s = OpenSqliteStore(path_, SqliteOptions{.max_page_count = 1});
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    auto t = (*s)->BeginImport(Info("full"));
    ASSERT_TRUE(t.ok()) << t.status().ToString();
    Status st;
    for (int batch = 0; batch < 100 && st.ok(); ++batch) {
      st = (*t)->AddRecords(Records(200, batch * 200 + 1));
    }
    if (st.ok()) st = (*t)->Commit();
    ASSERT_FALSE(st.ok());
    EXPECT_EQ(st.code(), ErrorCode::kResourceExhausted) << st.ToString();
    EXPECT_NE(st.message().find("disk full"), std::string::npos) << st.ToString();
    EXPECT_NE(st.message().find(path_), std::string::npos) << st.ToString();
  }
  auto s = Open();
  EXPECT_TRUE(s->IntegrityCheck().ok());
  auto imports = s->ListImports();
  ASSERT_EQ(imports->size(), 1u);
  EXPECT_EQ((*imports)[0].info.sha256, "first");
  EXPECT_EQ((*imports)[0].rows_imported, 5);
}

}  // namespace
}  // namespace popreg::store
