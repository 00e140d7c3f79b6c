// Test support for the store's tests: a scratch folder per test with a fresh store in it, and
// writers for the CSV and xlsx files the tests import.
//
// The stores are SQLite files in the scratch folder, or, when the environment variable
// POPREG_TEST_DB_URL_BASE is set (e.g. postgresql://popreg@%2Ftmp%2Fpopreg-pg-1234, as ctest
// sets it for the `postgres_store/` run of these tests, see cmake/postgres.cmake), PostgreSQL
// databases on that server, one per store, dropped after the test.
#pragma once

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "io/csv.h"
#include "io/xlsx_writer.h"
#include "store/import.h"
#include "store/postgres/postgres_store.h"
#include "store/sqlite/sqlite_store.h"
#include "store/store.h"

namespace popreg::store::testing {

using Rows = std::vector<std::vector<std::string>>;

class StoreFileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    dir_ = std::filesystem::temp_directory_path() /
           ("popreg-" + std::string(info->test_suite_name()) + "-" + std::to_string(getpid()) +
            "-" + info->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    store_ = NewStore("popreg.db");
    ASSERT_NE(store_, nullptr);
    options_.as_of = "2026-09-30";
  }
  void TearDown() override {
    store_.reset();
    for (const std::string& url : databases_) {
      Status st = DropPostgresDatabase(url);
      EXPECT_TRUE(st.ok()) << st.ToString();
    }
    std::filesystem::remove_all(dir_);
  }

  // True when the stores are PostgreSQL databases.
  static bool Postgres() { return !UrlBase().empty(); }
  static std::string UrlBase() {
    const char* base = std::getenv("POPREG_TEST_DB_URL_BASE");
    return base != nullptr ? base : "";
  }

  // Where store `name` of this test lives: a file in the scratch folder, or a database named
  // after the process, the test and `name` (at most 63 bytes, PostgreSQL's limit).
  std::string Location(const std::string& name) const {
    if (!Postgres()) return (dir_ / name).string();
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    uint64_t h = 14695981039346656037ull;  // FNV-1a of the test's and the store's names
    for (char c : std::string(info->test_suite_name()) + "." + info->name() + "/" + name) {
      h = (h ^ static_cast<unsigned char>(c)) * 1099511628211ull;
    }
    char db[64];
    std::snprintf(db, sizeof db, "popreg_test_%d_%016llx", static_cast<int>(getpid()),
                  static_cast<unsigned long long>(h));
    return UrlBase() + "/" + db;
  }

  // A new store `name` (nullptr, with a test failure, on error).
  std::unique_ptr<Store> NewStore(const std::string& name) {
    const std::string location = Location(name);
    if (Postgres()) {
      Status st = DropPostgresDatabase(location);  // left by an earlier run that was killed
      EXPECT_TRUE(st.ok()) << st.ToString();
      databases_.push_back(location);
    }
    auto s = CreateStore(location);
    EXPECT_TRUE(s.ok()) << s.status().ToString();
    return s.ok() ? std::move(s).value() : nullptr;
  }
  // A store `name` made by a popreg whose schema stops at `version` (for the tests of
  // migrations).
  std::unique_ptr<Store> OldStore(const std::string& name, int version) {
    const std::string location = Location(name);
    Result<std::unique_ptr<Store>> s = InvalidArgument("not opened");
    if (Postgres()) {
      EXPECT_TRUE(DropPostgresDatabase(location).ok());
      databases_.push_back(location);
      s = OpenPostgresStore(location, PostgresOptions{.create = true, .schema_version = version});
    } else {
      s = OpenSqliteStore(location, SqliteOptions{.create = true, .schema_version = version});
    }
    EXPECT_TRUE(s.ok()) << s.status().ToString();
    return s.ok() ? std::move(s).value() : nullptr;
  }
  // Writes `rows` as a UTF-8 CSV (or xlsx) file `name` in the scratch folder; returns its path.
  std::string Csv(const std::string& name, const Rows& rows) {
    const std::string path = (dir_ / name).string();
    auto w = io::CsvWriter::Create(path);
    EXPECT_TRUE(w.ok());
    for (const auto& r : rows) EXPECT_TRUE((*w)->Write(r).ok());
    EXPECT_TRUE((*w)->Close().ok());
    return path;
  }
  std::string Xlsx(const std::string& name, const Rows& rows) {
    const std::string path = (dir_ / name).string();
    auto w = io::XlsxWriter::Create(path);
    EXPECT_TRUE(w.ok());
    for (const auto& r : rows) EXPECT_TRUE((*w)->WriteRow(r).ok());
    EXPECT_TRUE((*w)->Close().ok());
    return path;
  }

  std::filesystem::path dir_;
  std::unique_ptr<Store> store_;
  ImportOptions options_;
  std::vector<std::string> databases_;  // PostgreSQL databases to drop after the test
};

}  // namespace popreg::store::testing
