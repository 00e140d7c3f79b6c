#include <gtest/gtest.h>

#include <algorithm>
#include <string_view>
#include <utility>

#include "base/utf8.h"
#include "norm/unihan.h"

namespace popreg::norm {
namespace {

char32_t Cp(std::string_view s) {
  size_t pos = 0;
  return utf8::NextCodePoint(s, &pos);
}

double Sim(std::string_view a, std::string_view b) { return LookAlikeSimilarity(Cp(a), Cp(b)); }

// Pairs that clerks misread (形近字).
constexpr std::pair<const char*, const char*> kLookAlike[] = {
    {"王", "玉"}, {"未", "末"}, {"己", "已"}, {"晴", "睛"}, {"侯", "候"}, {"戊", "戌"},
    {"日", "曰"}, {"土", "士"}, {"人", "入"}, {"大", "太"}, {"拔", "拨"},
};

// Pairs of common characters with nothing in common to the eye.
constexpr std::pair<const char*, const char*> kUnrelated[] = {
    {"王", "森"}, {"未", "鑫"}, {"己", "海"}, {"晴", "一"}, {"侯", "李"},
    {"张", "明"}, {"刘", "华"}, {"国", "小"}, {"丽", "建"}, {"芳", "军"},
};

TEST(LookAlikeTest, LookAlikePairsScoreHigh) {
  for (const auto& [a, b] : kLookAlike) {
    EXPECT_GE(Sim(a, b), 0.75) << a << b;
    EXPECT_DOUBLE_EQ(Sim(a, b), Sim(b, a)) << a << b;
  }
}

TEST(LookAlikeTest, UnrelatedPairsScoreLow) {
  for (const auto& [a, b] : kUnrelated) {
    EXPECT_LE(Sim(a, b), 0.2) << a << b;
  }
  EXPECT_EQ(Sim("王", "森"), 0.0);
}

TEST(LookAlikeTest, LookAlikeAboveEveryUnrelated) {
  double lowest_alike = 1;
  double highest_unrelated = 0;
  for (const auto& [a, b] : kLookAlike) lowest_alike = std::min(lowest_alike, Sim(a, b));
  for (const auto& [a, b] : kUnrelated) highest_unrelated = std::max(highest_unrelated, Sim(a, b));
  EXPECT_GT(lowest_alike, highest_unrelated + 0.4);
}

TEST(LookAlikeTest, Ranges) {
  EXPECT_EQ(Sim("王", "王"), 1.0);
  EXPECT_EQ(LookAlikeSimilarity('a', 'b'), 0.0);
  EXPECT_EQ(LookAlikeSimilarity('a', Cp("王")), 0.0);
  // Identical four-corner code, stroke count and radical.
  EXPECT_DOUBLE_EQ(Sim("未", "末"), 1.0);
  EXPECT_DOUBLE_EQ(Sim("己", "已"), 1.0);
  // Same code and radical, one stroke apart: 0.6 + 0.25 * (2/3) + 0.15.
  EXPECT_NEAR(Sim("王", "玉"), 0.9167, 1e-3);
  EXPECT_NEAR(Sim("侯", "候"), 0.9167, 1e-3);
  // Same code, different radicals (日, 目), one stroke apart.
  EXPECT_NEAR(Sim("晴", "睛"), 0.7667, 1e-3);
  for (char32_t a = 0x4E00; a < 0x4E00 + 400; a += 7) {
    for (char32_t b = 0x4E00; b < 0x4E00 + 400; b += 11) {
      const double s = LookAlikeSimilarity(a, b);
      EXPECT_GE(s, 0.0);
      EXPECT_LE(s, 1.0);
    }
  }
}

}  // namespace
}  // namespace popreg::norm
