// Tests of what only the PostgreSQL backend has, on the real server that ctest starts
// (scripts/test-postgres; POPREG_TEST_DB_URL_BASE names it). The behaviour both backends share
// is tested by the store's own tests, which ctest runs a second time against this server.
#include "store/postgres/postgres_store.h"

#include <gtest/gtest.h>
#include <libpq-fe.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <memory>
#include <string>
#include <vector>

#include "store/store.h"

namespace popreg::store {
namespace {

ImportInfo Info(std::string sha, io::Kind kind = io::Kind::kPolicePopulation) {
  ImportInfo i;
  i.kind = kind;
  i.file_name = "police.csv";
  i.sha256 = std::move(sha);
  i.rows_total = 0;
  i.imported_by = "clerk";
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

std::vector<RegisterRow> RegisterRows(int n, int first = 1) {
  std::vector<RegisterRow> out;
  for (int i = first; i < first + n; ++i) {
    RegisterRow r;
    r.source_row = i;
    r.household = {"C" + std::to_string(i / 3), "350902001001", "", "", "", "蕉城路"};
    r.person.card_no = r.household.card_no;
    r.person.person_no = std::to_string(i % 3 + 1);
    r.person.name = "王小明";
    out.push_back(std::move(r));
  }
  return out;
}

class PostgresStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const char* base = std::getenv("POPREG_TEST_DB_URL_BASE");
    if (base == nullptr || *base == '\0') {
      GTEST_SKIP() << "POPREG_TEST_DB_URL_BASE is not set: run through ctest, which starts a "
                      "server (scripts/test-postgres)";
    }
    base_ = base;
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    url_ = Url(std::string("t") + std::to_string(getpid()) + "_" + info->name());
    ASSERT_TRUE(DropPostgresDatabase(url_).ok());
  }
  void TearDown() override {
    if (!url_.empty()) {
      EXPECT_TRUE(DropPostgresDatabase(url_).ok());
    }
  }

  // The URL of database `name` (PostgreSQL folds nothing inside a URL; at most 63 bytes).
  std::string Url(std::string name) {
    if (name.size() > 63) name.resize(63);
    return base_ + "/" + name;
  }

  std::unique_ptr<Store> Create(const std::string& url) {
    auto s = CreateStore(url);
    EXPECT_TRUE(s.ok()) << s.status().ToString();
    return s.ok() ? std::move(s).value() : nullptr;
  }
  std::unique_ptr<Store> Open(const std::string& url) {
    auto s = OpenStore(url);
    EXPECT_TRUE(s.ok()) << s.status().ToString();
    return s.ok() ? std::move(s).value() : nullptr;
  }

  // Runs `sql` on its own connection to `url`; the error message, or "" when it succeeded.
  static std::string Sql(const std::string& url, const std::string& sql) {
    PGconn* c = PQconnectdb(url.c_str());
    std::string err;
    if (PQstatus(c) != CONNECTION_OK) {
      err = PQerrorMessage(c);
    } else {
      PGresult* r = PQexec(c, sql.c_str());
      const ExecStatusType st = PQresultStatus(r);
      if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) err = PQresultErrorMessage(r);
      PQclear(r);
    }
    PQfinish(c);
    return err;
  }

  std::string base_;
  std::string url_;
};

TEST(RedactPostgresUrlTest, DropsThePasswordOnly) {
  EXPECT_EQ(RedactPostgresUrl("postgresql://popreg:s3cr:et@db.example:5433/reg?sslmode=require"),
            "postgresql://popreg@db.example:5433/reg?sslmode=require");
  EXPECT_EQ(RedactPostgresUrl("postgres://u@h/d?password=x&sslmode=disable"),
            "postgres://u@h/d?sslmode=disable");
  EXPECT_EQ(RedactPostgresUrl("postgresql://h/d?password=x"), "postgresql://h/d");
  EXPECT_EQ(RedactPostgresUrl("postgresql://%2Ftmp%2Fpg/d"), "postgresql://%2Ftmp%2Fpg/d");
}

TEST_F(PostgresStoreTest, InitCreatesTheDatabaseAndTheSchema) {
  auto s = Create(url_);
  ASSERT_NE(s, nullptr);
  EXPECT_EQ(*s->SchemaVersion(), PostgresLatestSchemaVersion());
  EXPECT_TRUE(s->IntegrityCheck().ok()) << s->IntegrityCheck().ToString();
  std::vector<Area> areas = {{"350902", "蕉城区", "district", ""},
                             {"350902001", "蕉南街道", "township", "350902"}};
  ASSERT_TRUE(s->ReplaceAreas(areas).ok());
  s.reset();
  s = Open(url_);
  ASSERT_NE(s, nullptr);
  EXPECT_EQ(*s->ListAreas(), areas);
  // The same init again is refused and changes nothing.
  auto again = CreateStore(url_);
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.status().code(), ErrorCode::kAlreadyExists) << again.status().ToString();
  EXPECT_EQ(s->ListAreas()->size(), 2u);
}

TEST_F(PostgresStoreTest, ThePasswordNeverShows) {
  // The test server trusts local connections, so a password in the URL is accepted and unused.
  const std::string with_password = "postgresql://popreg:hunter2@" +
                                    base_.substr(base_.find('@') + 1) + "/" +
                                    url_.substr(url_.rfind('/') + 1);
  auto s = Create(with_password);
  ASSERT_NE(s, nullptr);
  EXPECT_EQ(s->location().find("hunter2"), std::string::npos) << s->location();
  auto t = s->BeginImport(Info("x"));
  ASSERT_TRUE(t.ok());
  Status dup = (*t)->AddRecords(Records(2, 1));
  ASSERT_TRUE(dup.ok());
  dup = (*t)->AddRecords(Records(1, 2));
  ASSERT_FALSE(dup.ok());
  EXPECT_EQ(dup.message().find("hunter2"), std::string::npos) << dup.ToString();
  EXPECT_NE(dup.message().find("postgresql://popreg@"), std::string::npos) << dup.ToString();
  EXPECT_NE(dup.message().find("row 2"), std::string::npos) << dup.ToString();
}

TEST_F(PostgresStoreTest, AMissingOrEmptyOrForeignDatabaseIsNotAStore) {
  auto missing = OpenStore(url_);
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.status().code(), ErrorCode::kNotFound) << missing.status().ToString();
  EXPECT_NE(missing.status().message().find("popreg init"), std::string::npos);

  ASSERT_EQ(
      Sql(base_ + "/postgres", "CREATE DATABASE \"" + url_.substr(url_.rfind('/') + 1) + "\""), "");
  auto empty = OpenStore(url_);
  ASSERT_FALSE(empty.ok());
  EXPECT_EQ(empty.status().code(), ErrorCode::kNotFound) << empty.status().ToString();

  ASSERT_EQ(Sql(url_, "CREATE TABLE invoices (id int)"), "");
  auto foreign = OpenStore(url_);
  ASSERT_FALSE(foreign.ok());
  EXPECT_EQ(foreign.status().code(), ErrorCode::kDataLoss) << foreign.status().ToString();
  auto init = CreateStore(url_);
  ASSERT_FALSE(init.ok());
  EXPECT_EQ(init.status().code(), ErrorCode::kAlreadyExists) << init.status().ToString();
}

TEST_F(PostgresStoreTest, AServerThatCannotBeReachedIsAnIoErrorNamingTheUrl) {
  auto s = OpenStore("postgresql://popreg:pw@%2Fno%2Fsuch%2Fdir/popreg");
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.status().code(), ErrorCode::kIoError) << s.status().ToString();
  EXPECT_NE(s.status().message().find("postgresql://popreg@%2Fno%2Fsuch%2Fdir/popreg"),
            std::string::npos)
      << s.status().ToString();
  EXPECT_EQ(s.status().message().find(":pw@"), std::string::npos);
}

TEST_F(PostgresStoreTest, MigrationsRunOnOpenOneAfterTheOther) {
  {
    auto old = OpenPostgresStore(url_, PostgresOptions{.create = true, .schema_version = 1});
    ASSERT_TRUE(old.ok()) << old.status().ToString();
    EXPECT_EQ(*(*old)->SchemaVersion(), 1);
  }
  for (int i = 0; i < 2; ++i) {
    auto s = Open(url_);
    ASSERT_NE(s, nullptr);
    EXPECT_EQ(*s->SchemaVersion(), PostgresLatestSchemaVersion());
    EXPECT_TRUE(s->IntegrityCheck().ok());
  }
  ASSERT_EQ(Sql(url_, "INSERT INTO schema_migrations VALUES (999, 'future', 'x')"), "");
  auto newer = OpenStore(url_);
  ASSERT_FALSE(newer.ok());
  EXPECT_EQ(newer.status().code(), ErrorCode::kFailedPrecondition) << newer.status().ToString();
  EXPECT_NE(newer.status().message().find("newer"), std::string::npos);
}

TEST_F(PostgresStoreTest, HistoryAuditAndReviewsAreAppendOnly) {
  auto s = Create(url_);
  ASSERT_NE(s, nullptr);
  ASSERT_TRUE(s->AppendHistory({"person", "C1/1", "", "{}", "reviewer", "", "why", ""}).ok());
  ASSERT_TRUE(s->AppendAudit({"reviewer", "", "review", "x", ""}).ok());
  for (const char* sql : {"UPDATE history SET who = 'x'", "DELETE FROM history", "TRUNCATE history",
                          "UPDATE audit_log SET who = 'x'", "DELETE FROM audit_log",
                          "TRUNCATE audit_log", "TRUNCATE reviews CASCADE"}) {
    const std::string err = Sql(url_, sql);
    EXPECT_NE(err.find("append-only"), std::string::npos) << sql << ": " << err;
  }
  EXPECT_EQ(s->ListHistory("person", "C1/1")->size(), 1u);
}

// A client killed in the middle of an import (SIGKILL: no goodbye to the server) leaves the
// store as it was: the server sees the connection drop and rolls the transaction back, which
// also releases the store's write lock.
TEST_F(PostgresStoreTest, AClientKilledInTheMiddleOfAnImportLeavesNoTrace) {
  {
    auto s = Create(url_);
    ASSERT_NE(s, nullptr);
    auto t = s->BeginImport(Info("register", io::Kind::kRegister));
    ASSERT_TRUE(t.ok());
    ASSERT_TRUE((*t)->AddRegisterRows(RegisterRows(30)).ok());
    ASSERT_TRUE((*t)->Commit().ok());
  }  // no connection is open across fork()
  int fds[2];
  ASSERT_EQ(pipe(fds), 0);
  const pid_t pid = fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    close(fds[0]);
    auto s = OpenStore(url_);
    if (!s.ok()) _exit(2);
    auto t = (*s)->BeginImport(Info("killed", io::Kind::kRegister));
    if (!t.ok()) _exit(3);
    for (int batch = 0;; ++batch) {
      if (!(*t)->AddRecords(Records(500, batch * 500 + 1)).ok()) _exit(4);
      if (!(*t)->AddRegisterRows(RegisterRows(500, batch * 500 + 1)).ok()) _exit(5);
      if (batch == 10) {
        char c = 'r';
        if (write(fds[1], &c, 1) != 1) _exit(6);
      }
    }
  }
  close(fds[1]);
  char c = 0;
  ASSERT_EQ(read(fds[0], &c, 1), 1);
  close(fds[0]);
  ASSERT_EQ(kill(pid, SIGKILL), 0);
  int status = 0;
  ASSERT_EQ(waitpid(pid, &status, 0), pid);
  EXPECT_TRUE(WIFSIGNALED(status));

  auto s = Open(url_);
  ASSERT_NE(s, nullptr);
  EXPECT_TRUE(s->IntegrityCheck().ok());
  ASSERT_EQ(s->ListImports()->size(), 1u);
  EXPECT_EQ(*s->CountRegisterPersons(), 30);
  // The lock is free again (the import waits for it while the server notices the drop).
  auto t = s->BeginImport(Info("killed"));
  ASSERT_TRUE(t.ok()) << t.status().ToString();
  ASSERT_TRUE((*t)->AddRecords(Records(10)).ok());
  ASSERT_TRUE((*t)->Commit().ok());
  EXPECT_EQ(s->ListImports()->back().rows_imported, 10);
}

// The fail points of docs/store.md: the process kills itself there (SIGKILL). Before COMMIT the
// store is as it was; after it, the whole import is there.
TEST_F(PostgresStoreTest, AProcessKilledAtEachCommitPointLeavesAllOrNothing) {
  {
    auto s = Create(url_);
    ASSERT_NE(s, nullptr);
    auto t = s->BeginImport(Info("first", io::Kind::kRegister));
    ASSERT_TRUE(t.ok());
    ASSERT_TRUE((*t)->AddRegisterRows(RegisterRows(30)).ok());
    ASSERT_TRUE((*t)->Commit().ok());
  }
  for (const char* point :
       {"import.begun", "import.staged", "import.history", "import.replaced", "import.committed"}) {
    SCOPED_TRACE(point);
    const pid_t pid = fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) {
      setenv("POPREG_FAILPOINT", point, 1);
      auto s = OpenStore(url_);
      if (!s.ok()) _exit(2);
      auto t = (*s)->BeginImport(Info(point, io::Kind::kRegister));
      if (!t.ok()) _exit(3);
      if (!(*t)->AddRecords(Records(40)).ok()) _exit(4);
      if (!(*t)->AddRegisterRows(RegisterRows(40, 5)).ok()) _exit(5);
      (void)(*t)->Commit();
      _exit(6);  // the point was not reached
    }
    int status = 0;
    ASSERT_EQ(waitpid(pid, &status, 0), pid);
    ASSERT_TRUE(WIFSIGNALED(status)) << "exit " << WEXITSTATUS(status);
    auto s = Open(url_);
    ASSERT_NE(s, nullptr);
    EXPECT_TRUE(s->IntegrityCheck().ok());
    const bool committed = std::string(point) == "import.committed";
    EXPECT_EQ(s->ListImports()->size(), committed ? 2u : 1u);
    EXPECT_EQ(*s->CountRegisterPersons(), committed ? 40 : 30);
    EXPECT_EQ(s->ListHistory("person", "C1/1")->size(), committed ? 2u : 1u);
  }
}

// A full disk cannot be made without privileges (a tablespace on a tiny file system needs a
// mount), so the server's "disk full" error is raised where a full disk would raise it: a
// trigger on source_records fails the 5,001st row with SQLSTATE 53100 (disk_full), the code
// the server reports for "could not extend file: No space left on device".
TEST_F(PostgresStoreTest, AWriteThatFailsInTheMiddleOfAnImportChangesNothing) {
  {
    auto s = Create(url_);
    ASSERT_NE(s, nullptr);
    auto t = s->BeginImport(Info("first"));
    ASSERT_TRUE(t.ok());
    ASSERT_TRUE((*t)->AddRecords(Records(5)).ok());
    ASSERT_TRUE((*t)->Commit().ok());
  }
  ASSERT_EQ(Sql(url_,
                "CREATE SEQUENCE fill; CREATE FUNCTION fill_disk() RETURNS trigger LANGUAGE "
                "plpgsql AS $$ BEGIN IF nextval('fill') > 5000 THEN RAISE EXCEPTION 'could not "
                "extend file: No space left on device' USING ERRCODE = 'disk_full'; END IF; "
                "RETURN NEW; END $$; CREATE TRIGGER fill_disk BEFORE INSERT ON source_records "
                "FOR EACH ROW EXECUTE FUNCTION fill_disk()"),
            "");
  auto s = Open(url_);
  ASSERT_NE(s, nullptr);
  auto t = s->BeginImport(Info("full"));
  ASSERT_TRUE(t.ok());
  Status st;
  for (int batch = 0; batch < 100 && st.ok(); ++batch) {
    st = (*t)->AddRecords(Records(200, batch * 200 + 1));
  }
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.code(), ErrorCode::kResourceExhausted) << st.ToString();
  EXPECT_NE(st.message().find("disk full"), std::string::npos) << st.ToString();
  EXPECT_NE(st.message().find(s->location()), std::string::npos) << st.ToString();
  EXPECT_EQ((*t)->Commit().code(), ErrorCode::kFailedPrecondition);
  t = Status(ErrorCode::kCancelled, "dropped");
  EXPECT_TRUE(s->IntegrityCheck().ok());
  auto imports = s->ListImports();
  ASSERT_EQ(imports->size(), 1u);
  EXPECT_EQ((*imports)[0].info.sha256, "first");
  EXPECT_EQ((*imports)[0].rows_imported, 5);
}

// store.h: an import holds the store's write lock; reads see the state before it; other
// writers wait, then fail with Conflict.
TEST_F(PostgresStoreTest, AnImportHoldsTheWriteLockAndReadersSeeTheStateBefore) {
  auto s = Create(url_);
  ASSERT_NE(s, nullptr);
  auto other = OpenPostgresStore(url_, PostgresOptions{.lock_timeout_ms = 300});
  ASSERT_TRUE(other.ok()) << other.status().ToString();
  auto t = s->BeginImport(Info("holding"));
  ASSERT_TRUE(t.ok());
  ASSERT_TRUE((*t)->AddRecords(Records(10)).ok());
  EXPECT_TRUE((*other)->ListImports()->empty());
  Status busy = (*other)->AppendAudit({"clerk", "", "login", "", ""}).status();
  EXPECT_EQ(busy.code(), ErrorCode::kConflict) << busy.ToString();
  EXPECT_NE(busy.message().find("busy"), std::string::npos) << busy.ToString();
  auto second = (*other)->BeginImport(Info("second"));
  ASSERT_FALSE(second.ok());
  EXPECT_EQ(second.status().code(), ErrorCode::kConflict) << second.status().ToString();
  ASSERT_TRUE((*t)->Commit().ok());
  EXPECT_EQ((*other)->ListImports()->size(), 1u);
  EXPECT_TRUE((*other)->AppendAudit({"clerk", "", "login", "", ""}).ok());
}

// PostgreSQL enforces the constraints itself; the check finds what only going around them can
// do: rows written with triggers off, an append-only trigger disabled.
TEST_F(PostgresStoreTest, IntegrityCheckFindsWhatWentAroundTheConstraints) {
  auto s = Create(url_);
  ASSERT_NE(s, nullptr);
  ASSERT_EQ(Sql(url_, "ALTER TABLE history DISABLE TRIGGER history_append_only"), "");
  Status st = s->IntegrityCheck();
  EXPECT_EQ(st.code(), ErrorCode::kDataLoss) << st.ToString();
  EXPECT_NE(st.message().find("history_append_only"), std::string::npos) << st.ToString();
  ASSERT_EQ(Sql(url_, "ALTER TABLE history ENABLE TRIGGER history_append_only"), "");
  EXPECT_TRUE(s->IntegrityCheck().ok());
  ASSERT_EQ(Sql(url_,
                "SET session_replication_role = replica; INSERT INTO persons (card_no, "
                "person_no) VALUES ('C9', '1')"),
            "");
  st = s->IntegrityCheck();
  EXPECT_EQ(st.code(), ErrorCode::kDataLoss) << st.ToString();
  EXPECT_NE(st.message().find("persons refers to a missing row of households"), std::string::npos)
      << st.ToString();
}

// The backend writes only the difference when a register replaces another; the result must be
// the register a fresh store gets from the same rows.
TEST_F(PostgresStoreTest, AReplacedRegisterIsTheNewFileExactly) {
  auto import = [](Store& s, const std::string& sha, std::vector<RegisterRow> rows) {
    auto t = s.BeginImport(Info(sha, io::Kind::kRegister));
    ASSERT_TRUE(t.ok());
    ASSERT_TRUE((*t)->AddRegisterRows(rows).ok());
    ASSERT_TRUE((*t)->Commit().ok());
  };
  std::vector<RegisterRow> before = RegisterRows(60);
  std::vector<RegisterRow> after = RegisterRows(50, 11);  // rows 1-10 gone, 51-60 new
  after[0].person.name = "王晓明";                        // changed person
  after[4].household.address = "蕉城路2号";  // changed household (row 15, the first of C5)
  after[6].person.status = "deceased";
  const std::string fresh_url = url_ + "_fresh";
  ASSERT_TRUE(DropPostgresDatabase(fresh_url).ok());
  {
    auto replaced = Create(url_);
    auto fresh = Create(fresh_url);
    ASSERT_NE(replaced, nullptr);
    ASSERT_NE(fresh, nullptr);
    import(*replaced, "before", before);
    import(*replaced, "after", after);
    import(*fresh, "after", after);
    auto a = replaced->LoadRegisterColumns();
    auto b = fresh->LoadRegisterColumns();
    ASSERT_TRUE(a.ok() && b.ok());
    ASSERT_EQ(a->size(), 50u);
    EXPECT_EQ(a->card_no, b->card_no);
    EXPECT_EQ(a->person_no, b->person_no);
    EXPECT_EQ(a->name, b->name);
    EXPECT_EQ(a->status, b->status);
    EXPECT_EQ(a->address, b->address);
    EXPECT_NE(std::find(a->address.begin(), a->address.end(), "蕉城路2号"), a->address.end());
    EXPECT_EQ(a->community_code, b->community_code);
    EXPECT_TRUE(replaced->IntegrityCheck().ok());
  }
  EXPECT_TRUE(DropPostgresDatabase(fresh_url).ok());
}

TEST_F(PostgresStoreTest, ALargeRegisterStreamsInAndOut) {
  auto s = Create(url_);
  ASSERT_NE(s, nullptr);
  constexpr int kRows = 30000;
  auto t = s->BeginImport(Info("big", io::Kind::kRegister));
  ASSERT_TRUE(t.ok());
  for (int first = 1; first <= kRows; first += 7000) {
    const int n = std::min(7000, kRows - first + 1);
    ASSERT_TRUE((*t)->AddRecords(Records(n, first)).ok());
    ASSERT_TRUE((*t)->AddRegisterRows(RegisterRows(n, first)).ok());
  }
  ASSERT_TRUE((*t)->Commit().ok());
  auto cols = s->LoadRegisterColumns();
  ASSERT_TRUE(cols.ok()) << cols.status().ToString();
  ASSERT_EQ(cols->size(), static_cast<size_t>(kRows));
  EXPECT_EQ(cols->card_no[0], "C0");
  EXPECT_EQ(cols->address[kRows - 1], "蕉城路");
  for (size_t i = 1; i < cols->size(); ++i) {
    ASSERT_LE(cols->card_no[i - 1], cols->card_no[i]) << i;
  }
  int64_t seen = 0;
  int64_t last = 0;
  Status walked = s->ForEachSourceRecord(
      (*t)->id(), Store::RecordTexts::kRawAndNormalized, [&](const SourceRecord& r) -> Status {
        if (r.source_row != last + 1) return Internal("out of order at " + std::to_string(last));
        last = r.source_row;
        ++seen;
        return Status();
      });
  ASSERT_TRUE(walked.ok()) << walked.ToString();
  EXPECT_EQ(seen, kRows);
  EXPECT_EQ(s->ListHistory("person", "C1/1")->size(), 1u);
}

}  // namespace
}  // namespace popreg::store
