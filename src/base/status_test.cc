#include "base/status.h"

#include <gtest/gtest.h>

#include <memory>
#include <set>
#include <string>
#include <utility>

namespace popreg {
namespace {

TEST(StatusTest, DefaultIsOk) {
  const Status s;
  EXPECT_TRUE(s.ok());
  EXPECT_EQ(s.code(), ErrorCode::kOk);
  EXPECT_EQ(s.message(), "");
  EXPECT_EQ(s.ToString(), "ok");
  EXPECT_TRUE(Status::Ok().ok());
}

TEST(StatusTest, ErrorCarriesCodeAndMessage) {
  const Status s = NotFound("no file 'a.csv'");
  EXPECT_FALSE(s.ok());
  EXPECT_EQ(s.code(), ErrorCode::kNotFound);
  EXPECT_EQ(s.message(), "no file 'a.csv'");
  EXPECT_EQ(s.ToString(), "not_found: no file 'a.csv'");
}

TEST(StatusTest, HelpersSetTheirCode) {
  EXPECT_EQ(InvalidArgument("x").code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(NotFound("x").code(), ErrorCode::kNotFound);
  EXPECT_EQ(AlreadyExists("x").code(), ErrorCode::kAlreadyExists);
  EXPECT_EQ(FailedPrecondition("x").code(), ErrorCode::kFailedPrecondition);
  EXPECT_EQ(IoError("x").code(), ErrorCode::kIoError);
  EXPECT_EQ(DataLoss("x").code(), ErrorCode::kDataLoss);
  EXPECT_EQ(ResourceExhausted("x").code(), ErrorCode::kResourceExhausted);
  EXPECT_EQ(Internal("x").code(), ErrorCode::kInternal);
}

TEST(StatusTest, WithContextPrefixesErrorsOnly) {
  const Status s = InvalidArgument("bad date").WithContext("people.csv:12");
  EXPECT_EQ(s.code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(s.message(), "people.csv:12: bad date");
  EXPECT_EQ(s.WithContext("import").message(), "import: people.csv:12: bad date");

  const Status ok = Status::Ok().WithContext("import");
  EXPECT_TRUE(ok.ok());
  EXPECT_EQ(ok.message(), "");
}

// The names are part of the HTTP API's error JSON, so they are pinned here, one per code.
TEST(ErrorCodeNameTest, EveryCodeHasItsStableName) {
  const std::pair<ErrorCode, const char*> kExpected[] = {
      {ErrorCode::kOk, "ok"},
      {ErrorCode::kInvalidArgument, "invalid_argument"},
      {ErrorCode::kNotFound, "not_found"},
      {ErrorCode::kAlreadyExists, "already_exists"},
      {ErrorCode::kFailedPrecondition, "failed_precondition"},
      {ErrorCode::kPermissionDenied, "permission_denied"},
      {ErrorCode::kUnauthenticated, "unauthenticated"},
      {ErrorCode::kConflict, "conflict"},
      {ErrorCode::kResourceExhausted, "resource_exhausted"},
      {ErrorCode::kIoError, "io_error"},
      {ErrorCode::kDataLoss, "data_loss"},
      {ErrorCode::kUnimplemented, "unimplemented"},
      {ErrorCode::kCancelled, "cancelled"},
      {ErrorCode::kInternal, "internal"},
  };
  for (const auto& [code, name] : kExpected) {
    EXPECT_EQ(ErrorCodeName(code), name) << static_cast<int>(code);
  }
}

// Walks the enum's numeric range, so a code added without a name (or with a duplicate name) fails.
TEST(ErrorCodeNameTest, NamesAreUniqueAndKnownForTheWholeRange) {
  std::set<std::string> names;
  for (int i = 0; i <= static_cast<int>(ErrorCode::kInternal); ++i) {
    const std::string name(ErrorCodeName(static_cast<ErrorCode>(i)));
    EXPECT_NE(name, "unknown") << i;
    EXPECT_TRUE(names.insert(name).second) << "duplicate name " << name;
  }
  EXPECT_EQ(names.size(), 14u);
}

Result<int> ParsePositive(int x) {
  if (x <= 0) return InvalidArgument("not positive: " + std::to_string(x));
  return x;
}

TEST(ResultTest, HoldsValue) {
  Result<int> r = ParsePositive(7);
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r.status().ok());
  EXPECT_EQ(r.value(), 7);
  EXPECT_EQ(*r, 7);
}

TEST(ResultTest, HoldsError) {
  const Result<int> r = ParsePositive(-2);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(r.status().message(), "not positive: -2");
}

TEST(ResultTest, ArrowAndMoveOut) {
  Result<std::string> r = std::string("abc");
  EXPECT_EQ(r->size(), 3u);
  r->push_back('d');
  const std::string moved = std::move(r).value();
  EXPECT_EQ(moved, "abcd");
}

TEST(ResultTest, MoveOnlyValue) {
  Result<std::unique_ptr<int>> r = std::make_unique<int>(5);
  ASSERT_TRUE(r.ok());
  std::unique_ptr<int> p = std::move(r).value();
  ASSERT_NE(p, nullptr);
  EXPECT_EQ(*p, 5);
}

int g_steps = 0;

Status Step(bool fail) {
  ++g_steps;
  return fail ? IoError("step failed") : Status::Ok();
}

Status TwoSteps(bool fail_first) {
  RETURN_IF_ERROR(Step(fail_first));
  RETURN_IF_ERROR(Step(false));
  return Status::Ok();
}

TEST(MacrosTest, ReturnIfErrorStopsAtTheFirstError) {
  g_steps = 0;
  const Status s = TwoSteps(/*fail_first=*/true);
  EXPECT_EQ(s.code(), ErrorCode::kIoError);
  EXPECT_EQ(s.message(), "step failed");
  EXPECT_EQ(g_steps, 1);

  g_steps = 0;
  EXPECT_TRUE(TwoSteps(/*fail_first=*/false).ok());
  EXPECT_EQ(g_steps, 2);
}

Result<int> SumOfPositives(int a, int b) {
  ASSIGN_OR_RETURN(const int x, ParsePositive(a));
  ASSIGN_OR_RETURN(int y, ParsePositive(b));
  return x + y;
}

Status DoubleInto(int a, int* out) {
  ASSIGN_OR_RETURN(*out, ParsePositive(a));
  *out *= 2;
  return Status::Ok();
}

TEST(MacrosTest, AssignOrReturn) {
  const Result<int> ok = SumOfPositives(2, 3);
  ASSERT_TRUE(ok.ok());
  EXPECT_EQ(*ok, 5);

  const Result<int> bad = SumOfPositives(2, 0);
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().message(), "not positive: 0");

  int out = -1;
  EXPECT_TRUE(DoubleInto(4, &out).ok());
  EXPECT_EQ(out, 8);
  out = -1;
  EXPECT_EQ(DoubleInto(-4, &out).code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(out, -1);  // untouched on error
}

TEST(MacrosTest, AssignOrReturnWithMoveOnlyType) {
  auto make = [](bool ok) -> Result<std::unique_ptr<int>> {
    if (!ok) return Internal("no");
    return std::make_unique<int>(9);
  };
  auto use = [&](bool ok) -> Result<int> {
    ASSIGN_OR_RETURN(std::unique_ptr<int> p, make(ok));
    return *p;
  };
  EXPECT_EQ(*use(true), 9);
  EXPECT_EQ(use(false).status().code(), ErrorCode::kInternal);
}

}  // namespace
}  // namespace popreg
