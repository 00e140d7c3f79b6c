// Test support for the store's tests: a scratch folder per test with a fresh store in it, and
// writers for the CSV and xlsx files the tests import.
#pragma once

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "io/csv.h"
#include "io/xlsx_writer.h"
#include "store/import.h"
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
    std::filesystem::remove_all(dir_);
  }

  // A new store file `name` in the scratch folder (nullptr, with a test failure, on error).
  std::unique_ptr<Store> NewStore(const std::string& name) {
    auto s = CreateStore((dir_ / name).string());
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
};

}  // namespace popreg::store::testing
