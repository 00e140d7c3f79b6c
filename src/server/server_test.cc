// The server's parts on their own: the error shape and languages, sessions and their timeouts,
// jobs (progress, one of a kind at a time, cancelling), the sign-in rate limit. The whole
// server is tested through the real binary by tests/server_api_test.py.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

#include "server/errors.h"
#include "server/jobs.h"
#include "server/masking.h"
#include "server/rate_limit.h"
#include "server/sessions.h"

namespace popreg::server {
namespace {

TEST(Errors, PreferredLanguage) {
  EXPECT_EQ(PreferredLang(""), Lang::kZh);
  EXPECT_EQ(PreferredLang("zh-CN,zh;q=0.9,en;q=0.8"), Lang::kZh);
  EXPECT_EQ(PreferredLang("en-GB,en;q=0.9"), Lang::kEn);
  EXPECT_EQ(PreferredLang("en;q=0.5, zh;q=0.8"), Lang::kZh);
  EXPECT_EQ(PreferredLang("fr-FR, en;q=0.3"), Lang::kEn);
  EXPECT_EQ(PreferredLang("fr-FR"), Lang::kZh);
}

TEST(Errors, EveryCodeHasOneStatusAndTheShape) {
  EXPECT_EQ(HttpStatus(ErrorCode::kInvalidArgument), 400);
  EXPECT_EQ(HttpStatus(ErrorCode::kUnauthenticated), 401);
  EXPECT_EQ(HttpStatus(ErrorCode::kPermissionDenied), 403);
  EXPECT_EQ(HttpStatus(ErrorCode::kNotFound), 404);
  EXPECT_EQ(HttpStatus(ErrorCode::kConflict), 409);
  EXPECT_EQ(HttpStatus(ErrorCode::kResourceExhausted), 429);
  EXPECT_EQ(HttpStatus(ErrorCode::kInternal), 500);
  const nlohmann::json zh = ErrorBody(NotFound("item 12"), Lang::kZh);
  EXPECT_EQ(zh["error"]["code"], "not_found");
  EXPECT_EQ(zh["error"]["message"], "未找到：item 12");
  EXPECT_EQ(zh["error"]["details"]["reason"], "item 12");
  const Said said{"中文", "English"};
  const nlohmann::json en =
      ErrorBody(PermissionDenied("x"), Lang::kEn, &said, {{"password_change_required", true}});
  EXPECT_EQ(en["error"]["message"], "English");
  EXPECT_EQ(en["error"]["details"]["password_change_required"], true);
  EXPECT_EQ(en["error"].size(), 3u);
}

struct FakeClock {
  std::chrono::steady_clock::time_point now =
      std::chrono::steady_clock::time_point{} + std::chrono::hours(100);
  SessionTable::Clock Fn() {
    return [this] { return now; };
  }
};

TEST(Sessions, IdleAndAbsoluteTimeouts) {
  FakeClock clock;
  SessionTable t(std::chrono::minutes(30), std::chrono::hours(12), clock.Fn());
  const std::string id = t.Create("wang", "127.0.0.1", "2026-12-06T00:00:00Z");
  EXPECT_EQ(id.size(), 43u);  // 256 bits, base64url without padding
  ASSERT_TRUE(t.Touch(id));
  EXPECT_EQ(t.Touch(id)->login, "wang");
  EXPECT_FALSE(t.Touch("not-an-id"));
  // Busy all day: every 29 minutes a request, until 12 hours have passed.
  for (int i = 0; i < 24; ++i) {
    clock.now += std::chrono::minutes(29);
    ASSERT_TRUE(t.Touch(id)) << "request " << i;
  }
  clock.now += std::chrono::minutes(29);  // 12 h 25 min after signing in
  EXPECT_FALSE(t.Touch(id));
  const std::string idle = t.Create("li", "127.0.0.1", "");
  clock.now += std::chrono::minutes(30);
  EXPECT_FALSE(t.Touch(idle));
}

TEST(Sessions, IdsAreKeptOnlyAsHashesAndEndTogether) {
  SessionTable t(std::chrono::minutes(30), std::chrono::hours(12));
  const std::string a = t.Create("wang", "", ""), b = t.Create("wang", "", "");
  const std::string c = t.Create("li", "", "");
  EXPECT_NE(a, b);
  EXPECT_NE(t.Touch(a)->csrf_token, t.Touch(b)->csrf_token);
  EXPECT_EQ(t.CountOf("wang"), 2);
  EXPECT_EQ(t.EndAllOf("wang"), 2);
  EXPECT_FALSE(t.Touch(a));
  EXPECT_FALSE(t.Touch(b));
  EXPECT_TRUE(t.Touch(c));
  t.End(c);
  EXPECT_FALSE(t.Touch(c));
  EXPECT_EQ(Sha256Hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_TRUE(ConstantTimeEqual("abc", "abc"));
  EXPECT_FALSE(ConstantTimeEqual("abc", "abd"));
  EXPECT_FALSE(ConstantTimeEqual("", "a"));
}

TEST(Jobs, ProgressResultAndOneOfAKind) {
  Jobs jobs([] { return std::string("2026-12-06T00:00:00Z"); });
  std::atomic<bool> go{false};
  Result<int64_t> a =
      jobs.Start("compare", "clerk", "comparison", [&](JobContext& ctx) -> Result<nlohmann::json> {
        ctx.Progress("linking", 5, 10);
        while (!go) std::this_thread::sleep_for(std::chrono::milliseconds(1));
        return nlohmann::json{{"items", 3}};
      });
  ASSERT_TRUE(a.ok());
  Result<int64_t> b =
      jobs.Start("compare", "other", "comparison",
                 [](JobContext&) -> Result<nlohmann::json> { return nlohmann::json(); });
  EXPECT_EQ(b.status().code(), ErrorCode::kConflict);
  EXPECT_NE(b.status().message().find("clerk"), std::string::npos);
  for (int i = 0; i < 1000 && jobs.Get(*a)->stage != "linking"; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  EXPECT_EQ(jobs.Get(*a)->done, 5);
  EXPECT_EQ(jobs.Get(*a)->total, 10);
  EXPECT_EQ(jobs.Get(*a)->state, "running");
  go = true;
  ASSERT_TRUE(jobs.Wait(*a, std::chrono::seconds(10)));
  EXPECT_EQ(jobs.Get(*a)->state, "succeeded");
  EXPECT_EQ(jobs.Get(*a)->result["items"], 3);
  EXPECT_EQ(jobs.Cancel(*a).code(), ErrorCode::kFailedPrecondition);
  EXPECT_EQ(jobs.Cancel(999).code(), ErrorCode::kNotFound);
  // The key is free again.
  Result<int64_t> c =
      jobs.Start("compare", "other", "comparison",
                 [](JobContext&) -> Result<nlohmann::json> { return NotFound("x"); });
  ASSERT_TRUE(c.ok());
  ASSERT_TRUE(jobs.Wait(*c, std::chrono::seconds(10)));
  EXPECT_EQ(jobs.Get(*c)->state, "failed");
  EXPECT_EQ(jobs.List().front().id, *c);
}

TEST(Jobs, CancelAndShutdownStopTheWork) {
  Jobs jobs([] { return std::string("2026-12-06T00:00:00Z"); });
  auto polling = [](JobContext& ctx) -> Result<nlohmann::json> {
    for (;;) {
      RETURN_IF_ERROR(CheckCancel(ctx.cancel(), "the test's work"));
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
  };
  Result<int64_t> a = jobs.Start("import", "clerk", "", polling);
  ASSERT_TRUE(a.ok());
  ASSERT_TRUE(jobs.Cancel(*a).ok());
  ASSERT_TRUE(jobs.Wait(*a, std::chrono::seconds(10)));
  EXPECT_EQ(jobs.Get(*a)->state, "cancelled");
  EXPECT_EQ(jobs.Get(*a)->error.code(), ErrorCode::kCancelled);
  Result<int64_t> b = jobs.Start("import", "clerk", "", polling);
  ASSERT_TRUE(b.ok());
  jobs.Shutdown();
  EXPECT_EQ(jobs.Get(*b)->state, "cancelled");
  EXPECT_EQ(jobs.Start("import", "clerk", "", polling).status().code(),
            ErrorCode::kFailedPrecondition);
}

TEST(RateLimit, PerAddressPerMinute) {
  RateLimiter r(3);
  EXPECT_TRUE(r.Allow("10.0.0.1"));
  EXPECT_TRUE(r.Allow("10.0.0.1"));
  EXPECT_TRUE(r.Allow("10.0.0.1"));
  int retry = 0;
  EXPECT_FALSE(r.Allow("10.0.0.1", &retry));
  EXPECT_GT(retry, 0);
  EXPECT_LE(retry, 60);
  EXPECT_TRUE(r.Allow("10.0.0.2"));
}

TEST(FairGate, AtMostWidthInsideAdmittedInArrivalOrder) {
  FairGate two(2);
  {
    FairGate::Pass a = two.Enter(), b = two.Enter();  // two places: neither waits
  }
  FairGate gate(1);
  std::optional<FairGate::Pass> held(gate.Enter());
  std::mutex mu;
  std::vector<int> order;
  std::atomic<int> inside{0}, most{0};
  std::vector<std::thread> waiting;
  for (int i = 0; i < 3; ++i) {
    waiting.emplace_back([&, i] {
      FairGate::Pass p = gate.Enter();
      const int now = ++inside;
      for (int m = most.load(); now > m && !most.compare_exchange_weak(m, now);) {
      }
      {
        std::lock_guard lock(mu);
        order.push_back(i);
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
      --inside;
    });
    // The next arrives only once this one waits at the gate.
    while (gate.Arrived() < static_cast<uint64_t>(i) + 2) std::this_thread::yield();
  }
  {
    std::lock_guard lock(mu);
    EXPECT_TRUE(order.empty()) << "no one enters while the place is held";
  }
  held.reset();
  for (std::thread& t : waiting) t.join();
  EXPECT_EQ(order, (std::vector<int>{0, 1, 2}));
  EXPECT_EQ(most.load(), 1);
}

TEST(Masking, EveryStringOfAValueUnlessWhole) {
  const nlohmann::json j = {{"id", 7},
                            {"source_id_number", "350902198501011234"},
                            {"evidence", {{{"note", "tel 13812345678"}}}}};
  const nlohmann::json m = Masked(j, false);
  EXPECT_EQ(m["id"], 7);
  EXPECT_EQ(m["source_id_number"], "350902********1234");
  EXPECT_EQ(m["evidence"][0]["note"], "tel 138****5678");
  EXPECT_EQ(Masked(j, true), j);
}

}  // namespace
}  // namespace popreg::server
