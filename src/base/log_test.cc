#include "base/log.h"

#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <string>
#include <thread>
#include <vector>

namespace popreg {
namespace {

using ::testing::internal::CaptureStderr;
using ::testing::internal::CaptureStdout;
using ::testing::internal::GetCapturedStderr;
using ::testing::internal::GetCapturedStdout;

// Restores the default settings after each test.
class LogTest : public ::testing::Test {
 protected:
  void TearDown() override { ASSERT_TRUE(InitLogging("info", true).ok()); }
};

// The whole content of a FILE* opened with tmpfile().
std::string ReadAll(std::FILE* f) {
  std::fflush(f);
  std::rewind(f);
  std::string s;
  char buf[4096];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, f)) > 0) s.append(buf, n);
  return s;
}

int CountOf(const std::string& s, char c) {
  int n = 0;
  for (char x : s) n += x == c ? 1 : 0;
  return n;
}

TEST_F(LogTest, InitLoggingParsesLevels) {
  ASSERT_TRUE(InitLogging("warn", true).ok());
  EXPECT_FALSE(LogEnabled(LogLevel::kInfo));
  EXPECT_TRUE(LogEnabled(LogLevel::kWarn));
  EXPECT_TRUE(LogEnabled(LogLevel::kError));

  ASSERT_TRUE(InitLogging("debug", true).ok());
  EXPECT_TRUE(LogEnabled(LogLevel::kDebug));

  ASSERT_TRUE(InitLogging("warning", true).ok());
  EXPECT_FALSE(LogEnabled(LogLevel::kInfo));

  ASSERT_TRUE(InitLogging("off", true).ok());
  EXPECT_FALSE(LogEnabled(LogLevel::kError));

  ASSERT_TRUE(InitLogging("debug", false).ok());
  EXPECT_FALSE(LogEnabled(LogLevel::kError));  // nowhere to write
}

TEST_F(LogTest, UnknownLevelIsRejectedAndChangesNothing) {
  ASSERT_TRUE(InitLogging("error", true).ok());
  const Status s = InitLogging("verbose", true);
  EXPECT_EQ(s.code(), ErrorCode::kInvalidArgument);
  EXPECT_NE(s.message().find("'verbose'"), std::string::npos);
  EXPECT_FALSE(LogEnabled(LogLevel::kWarn));
  EXPECT_TRUE(LogEnabled(LogLevel::kError));
}

TEST_F(LogTest, WritesToStderrNotStdout) {
  ASSERT_TRUE(InitLogging("info", true).ok());
  CaptureStdout();
  CaptureStderr();
  LogInfo("read {} rows from {}", 42, "people.csv");
  LogWarn("{:.2f}", 0.125);
  LogDebug("hidden {}", 1);
  const std::string err = GetCapturedStderr();
  const std::string out = GetCapturedStdout();
  EXPECT_EQ(out, "");
  EXPECT_NE(err.find("read 42 rows from people.csv"), std::string::npos) << err;
  EXPECT_NE(err.find("0.12"), std::string::npos) << err;
  EXPECT_NE(err.find("info"), std::string::npos) << err;
  EXPECT_EQ(err.find("hidden"), std::string::npos) << err;
  EXPECT_EQ(CountOf(err, '\n'), 2) << err;
}

TEST_F(LogTest, LevelFiltersAndQuietMode) {
  ASSERT_TRUE(InitLogging("error", true).ok());
  CaptureStderr();
  LogWarn("not shown");
  LogError("shown {}", "error");
  std::string err = GetCapturedStderr();
  EXPECT_EQ(err.find("not shown"), std::string::npos);
  EXPECT_NE(err.find("shown error"), std::string::npos);

  ASSERT_TRUE(InitLogging("debug", false).ok());
  CaptureStderr();
  LogError("quiet");
  err = GetCapturedStderr();
  EXPECT_EQ(err, "");
}

TEST_F(LogTest, ProgressBarDrawsOnATerminal) {
  std::FILE* out = std::tmpfile();
  ASSERT_NE(out, nullptr);
  {
    ProgressBar bar("linking", 10, out, /*interactive=*/true);
    bar.Add(4);  // the first Add draws at once
    bar.Add(6);
    bar.Done();
    bar.Done();  // idempotent
    EXPECT_EQ(bar.count(), 10);
  }
  const std::string drawn = ReadAll(out);
  std::fclose(out);
  EXPECT_EQ(drawn.rfind("\rlinking [", 0), 0u) << drawn;
  EXPECT_NE(drawn.find(" 40% 4/10"), std::string::npos) << drawn;
  EXPECT_NE(drawn.find("100% 10/10"), std::string::npos) << drawn;
  EXPECT_EQ(drawn.back(), '\n');
  EXPECT_EQ(CountOf(drawn, '\n'), 1);
}

TEST_F(LogTest, ProgressBarWithUnknownTotal) {
  std::FILE* out = std::tmpfile();
  ASSERT_NE(out, nullptr);
  {
    ProgressBar bar("scanning", 0, out, /*interactive=*/true);
    bar.Add(7);
  }  // the destructor finishes the line
  const std::string drawn = ReadAll(out);
  std::fclose(out);
  EXPECT_NE(drawn.find("\rscanning 7 "), std::string::npos) << drawn;
  EXPECT_EQ(drawn.find('%'), std::string::npos) << drawn;
  EXPECT_EQ(drawn.back(), '\n');
}

TEST_F(LogTest, ProgressBarIsThrottled) {
  std::FILE* out = std::tmpfile();
  ASSERT_NE(out, nullptr);
  const auto start = std::chrono::steady_clock::now();
  {
    ProgressBar bar("work", 200000, out, /*interactive=*/true);
    for (int i = 0; i < 200000; ++i) bar.Add();
    bar.Done();
  }
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  const std::string drawn = ReadAll(out);
  std::fclose(out);
  // One draw per 100 ms slot at most, plus the first and the final draw.
  EXPECT_LE(CountOf(drawn, '\r'), static_cast<int>(seconds * 10) + 2) << seconds;
  EXPECT_NE(drawn.find("200000/200000"), std::string::npos);
}

TEST_F(LogTest, ProgressBarOffTerminalDrawsNothingAndLogsASummary) {
  std::FILE* out = std::tmpfile();
  ASSERT_NE(out, nullptr);
  ASSERT_TRUE(InitLogging("info", true).ok());
  CaptureStderr();
  {
    ProgressBar bar("import", 5, out, /*interactive=*/false);
    bar.Add(2);
    bar.Add(3);
    bar.Done();
  }
  const std::string err = GetCapturedStderr();
  EXPECT_EQ(ReadAll(out), "");
  std::fclose(out);
  EXPECT_NE(err.find("import: 5/5 in "), std::string::npos) << err;
  EXPECT_EQ(CountOf(err, '\n'), 1) << err;
}

TEST_F(LogTest, ProgressBarAddIsThreadSafe) {
  ASSERT_TRUE(InitLogging("off", true).ok());
  std::FILE* out = std::tmpfile();
  ASSERT_NE(out, nullptr);
  ProgressBar bar("threads", 40000, out, /*interactive=*/true);
  std::vector<std::thread> threads;
  threads.reserve(4);
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 10000; ++i) bar.Add();
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(bar.count(), 40000);
  bar.Done();
  const std::string drawn = ReadAll(out);
  std::fclose(out);
  EXPECT_NE(drawn.find("40000/40000"), std::string::npos);
}

}  // namespace
}  // namespace popreg
