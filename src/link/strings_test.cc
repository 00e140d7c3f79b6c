#include "link/strings.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "base/env.h"
#include "base/utf8.h"

namespace popreg::link {
namespace {

using namespace std::string_view_literals;

// ---- Textbook references: the plain dynamic programmes and loops, full matrices, no tricks.

// The (rows x cols) matrix of an edit distance, with row 0 and column 0 filled in.
class Matrix {
 public:
  Matrix(size_t rows, size_t cols) : cols_(cols), cells_(rows * cols) {
    for (size_t i = 0; i < rows; ++i) (*this)[i][0] = static_cast<int>(i);
    for (size_t j = 0; j < cols; ++j) (*this)[0][j] = static_cast<int>(j);
  }
  int* operator[](size_t i) { return &cells_[i * cols_]; }

 private:
  size_t cols_;
  std::vector<int> cells_;
};

int TextbookLevenshtein(std::u32string_view a, std::u32string_view b) {
  Matrix d(a.size() + 1, b.size() + 1);
  for (size_t i = 1; i <= a.size(); ++i) {
    for (size_t j = 1; j <= b.size(); ++j) {
      d[i][j] = std::min(
          {d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1)});
    }
  }
  return d[a.size()][b.size()];
}

int TextbookOsa(std::u32string_view a, std::u32string_view b) {
  Matrix d(a.size() + 1, b.size() + 1);
  for (size_t i = 1; i <= a.size(); ++i) {
    for (size_t j = 1; j <= b.size(); ++j) {
      d[i][j] = std::min(
          {d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1)});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) {
        d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
      }
    }
  }
  return d[a.size()][b.size()];
}

// Jaro as jellyfish and strcmp95 compute it, with this module's convention for empty strings.
double TextbookJaro(std::u32string_view a, std::u32string_view b) {
  if (a.empty() && b.empty()) return 1.0;
  if (a.empty() || b.empty()) return 0.0;
  const int window = std::max(static_cast<int>(std::max(a.size(), b.size())) / 2 - 1, 0);
  std::vector<bool> fa(a.size()), fb(b.size());
  int m = 0;
  for (int i = 0; i < static_cast<int>(a.size()); ++i) {
    for (int j = std::max(0, i - window); j <= std::min(i + window, int(b.size()) - 1); ++j) {
      if (!fb[j] && a[i] == b[j]) {
        fa[i] = fb[j] = true;
        ++m;
        break;
      }
    }
  }
  if (m == 0) return 0.0;
  int half = 0;
  size_t k = 0;
  for (size_t i = 0; i < a.size(); ++i) {
    if (!fa[i]) continue;
    while (!fb[k]) ++k;
    if (a[i] != b[k]) ++half;
    ++k;
  }
  const int t = half / 2;
  return (double(m) / double(a.size()) + double(m) / double(b.size()) + double(m - t) / m) / 3.0;
}

double TextbookJaroWinkler(std::u32string_view a, std::u32string_view b) {
  const double j = TextbookJaro(a, b);
  if (j <= 0.7) return j;
  int l = 0;
  while (l < 4 && l < int(a.size()) && l < int(b.size()) && a[l] == b[l]) ++l;
  return j + l * 0.1 * (1 - j);
}

// ---- Known values.

TEST(LevenshteinTest, KnownValues) {
  EXPECT_EQ(Levenshtein(U"kitten", U"sitting"), 3);
  EXPECT_EQ(Levenshtein(U"sitting", U"kitten"), 3);
  EXPECT_EQ(Levenshtein(U"flaw", U"lawn"), 2);
  EXPECT_EQ(Levenshtein(U"", U""), 0);
  EXPECT_EQ(Levenshtein(U"", U"abc"), 3);
  EXPECT_EQ(Levenshtein(U"abc", U""), 3);
  EXPECT_EQ(Levenshtein(U"abc", U"abc"), 0);
  EXPECT_EQ(Levenshtein(U"ca", U"ac"), 2);  // a transposition is two edits here
  EXPECT_EQ(Levenshtein(U"张伟", U"张玮"), 1);
  EXPECT_EQ(Levenshtein(U"欧阳娜娜", U"欧娜娜"), 1);
  EXPECT_EQ(Levenshtein(U"王伟", U"伟王"), 2);
}

TEST(LevenshteinTest, CountsCodePointsNotBytes) {
  // In UTF-8 张伟 and 张玮 differ in 3 of 6 bytes; the UTF-8 overload decodes first.
  EXPECT_EQ(Levenshtein(std::string_view("张伟"), std::string_view("张玮")), 1);
  EXPECT_EQ(Levenshtein(std::string_view("kitten"), std::string_view("sitting")), 3);
  EXPECT_EQ(Levenshtein(std::string_view("福建省厦门市"), std::string_view("福建厦门市")), 1);
}

TEST(LevenshteinTest, MaxDistanceEarlyExit) {
  EXPECT_EQ(Levenshtein(U"kitten", U"sitting", 3), 3);
  EXPECT_EQ(Levenshtein(U"kitten", U"sitting", 2), 3);
  EXPECT_EQ(Levenshtein(U"kitten", U"sitting", 1), 2);
  EXPECT_EQ(Levenshtein(U"kitten", U"sitting", 0), 1);
  EXPECT_EQ(Levenshtein(U"kitten", U"kitten", 0), 0);
  EXPECT_EQ(Levenshtein(U"kitten", U"sitting", -5), 1);  // negative is treated as 0
  EXPECT_EQ(Levenshtein(U"", U"abcdef", 2), 3);
  EXPECT_EQ(Levenshtein(U"abcdefgh", U"zyxwvuts", 4), 5);
  // Above 64 code points (the banded fallback) the same contract holds.
  const std::u32string long_a(100, U'甲');
  std::u32string long_b = long_a;
  long_b[10] = U'乙';
  long_b[50] = U'乙';
  long_b[90] = U'乙';
  EXPECT_EQ(Levenshtein(long_a, long_b), 3);
  EXPECT_EQ(Levenshtein(long_a, long_b, 3), 3);
  EXPECT_EQ(Levenshtein(long_a, long_b, 2), 3);
  EXPECT_EQ(Levenshtein(long_a, std::u32string(100, U'乙'), 7), 8);
  EXPECT_EQ(Levenshtein(long_a, std::u32string(100, U'乙')), 100);
}

TEST(LevenshteinTest, BandEdgesAboveSixtyFourCodePoints) {
  // Only insertions: the optimal alignment ends on the edge of the band |i - j| <= max_distance
  // when max_distance is the distance. The ends differ, so no common prefix or suffix is dropped.
  std::u32string s;
  for (int i = 0; i < 70; ++i) s.push_back(U'甲' + static_cast<char32_t>(i % 7));
  for (size_t e1 = 1; e1 <= 3; ++e1) {
    for (size_t e2 = 0; e2 <= 3; ++e2) {
      const std::u32string longer = std::u32string(e1, U'x') + s.substr(0, 35) +
                                    std::u32string(e2, U'x') + s.substr(35) + U"y";
      const int d = static_cast<int>(e1 + e2 + 1);
      ASSERT_EQ(TextbookLevenshtein(s, longer), d);
      EXPECT_EQ(Levenshtein(s, longer), d);
      EXPECT_EQ(Levenshtein(s, longer, d), d);
      EXPECT_EQ(Levenshtein(longer, s, d - 1), d);
      EXPECT_EQ(DamerauLevenshtein(s, longer, d), d);
      EXPECT_EQ(DamerauLevenshtein(longer, s, d - 1), d);
    }
  }
}

TEST(DamerauLevenshteinTest, KnownValues) {
  EXPECT_EQ(DamerauLevenshtein(U"ca", U"ac"), 1);
  EXPECT_EQ(DamerauLevenshtein(U"kitten", U"sitting"), 3);
  EXPECT_EQ(DamerauLevenshtein(U"abcdef", U"badcfe"), 3);
  EXPECT_EQ(DamerauLevenshtein(U"王伟", U"伟王"), 1);
  EXPECT_EQ(DamerauLevenshtein(U"张伟", U"张玮"), 1);
  EXPECT_EQ(DamerauLevenshtein(U"", U""), 0);
  EXPECT_EQ(DamerauLevenshtein(U"", U"ab"), 2);
  // Optimal string alignment, not the unrestricted distance (which is 2 here).
  EXPECT_EQ(DamerauLevenshtein(U"ca", U"abc"), 3);
  // ID numbers: two swapped digits.
  EXPECT_EQ(DamerauLevenshtein(U"350902198001011234", U"350902198010011234"), 1);
  EXPECT_EQ(DamerauLevenshtein(std::string_view("王伟"), std::string_view("伟王")), 1);
}

TEST(DamerauLevenshteinTest, MaxDistanceEarlyExit) {
  EXPECT_EQ(DamerauLevenshtein(U"abcdef", U"badcfe", 3), 3);
  EXPECT_EQ(DamerauLevenshtein(U"abcdef", U"badcfe", 2), 3);
  EXPECT_EQ(DamerauLevenshtein(U"abcdef", U"badcfe", 0), 1);
  EXPECT_EQ(DamerauLevenshtein(U"ab", U"ba", 0), 1);
  EXPECT_EQ(DamerauLevenshtein(U"ab", U"ab", 0), 0);
}

TEST(JaroTest, WinklerPublishedValues) {
  // Winkler (1990), table of comparator values, to three decimals.
  EXPECT_NEAR(Jaro(U"MARTHA", U"MARHTA"), 0.944, 5e-4);
  EXPECT_NEAR(Jaro(U"DWAYNE", U"DUANE"), 0.822, 5e-4);
  EXPECT_NEAR(Jaro(U"DIXON", U"DICKSONX"), 0.767, 5e-4);
  // Exact: m = 6, t = 1 gives (1 + 1 + 5/6) / 3 = 17/18.
  EXPECT_DOUBLE_EQ(Jaro(U"MARTHA", U"MARHTA"), 17.0 / 18.0);
}

TEST(JaroTest, EdgeCases) {
  EXPECT_EQ(Jaro(U"", U""), 1.0);
  EXPECT_EQ(Jaro(U"", U"a"), 0.0);
  EXPECT_EQ(Jaro(U"a", U""), 0.0);
  EXPECT_EQ(Jaro(U"abc", U"xyz"), 0.0);
  EXPECT_EQ(Jaro(U"张伟", U"张伟"), 1.0);
  // Window is max(2, 2) / 2 - 1 = 0: swapped characters of a two-character name do not match.
  EXPECT_EQ(Jaro(U"王伟", U"伟王"), 0.0);
  EXPECT_DOUBLE_EQ(Jaro(U"张伟", U"张玮"), (0.5 + 0.5 + 1.0) / 3.0);
}

TEST(JaroWinklerTest, WinklerPublishedValues) {
  EXPECT_NEAR(JaroWinkler(U"MARTHA", U"MARHTA"), 0.961, 5e-4);
  EXPECT_NEAR(JaroWinkler(U"DWAYNE", U"DUANE"), 0.840, 5e-4);
  EXPECT_NEAR(JaroWinkler(U"DIXON", U"DICKSONX"), 0.813, 5e-4);
  EXPECT_NEAR(JaroWinkler(std::string_view("DIXON"), std::string_view("DICKSONX")), 0.813, 5e-4);
  EXPECT_DOUBLE_EQ(JaroWinkler(U"0", U"00"), 0.85);  // DuckDB's test value
}

TEST(JaroWinklerTest, BoostThresholdAndScale) {
  // Jaro 张伟/张玮 = 2/3 < 0.7: no boost by default.
  EXPECT_DOUBLE_EQ(JaroWinkler(U"张伟", U"张玮"), 2.0 / 3.0);
  // With a lower threshold the one-character prefix counts.
  EXPECT_DOUBLE_EQ(JaroWinkler(U"张伟", U"张玮", 0.1, 0.5), 2.0 / 3.0 + 0.1 * (1.0 / 3.0));
  // The prefix is capped at 4.
  const double j = Jaro(U"abcdefgX", U"abcdefgY");
  EXPECT_DOUBLE_EQ(JaroWinkler(U"abcdefgX", U"abcdefgY"), j + 4 * 0.1 * (1 - j));
  EXPECT_DOUBLE_EQ(JaroWinkler(U"abcdefgX", U"abcdefgY", 0.0), j);
  EXPECT_EQ(JaroWinkler(U"", U""), 1.0);
  EXPECT_EQ(JaroWinkler(U"", U"a"), 0.0);
}

TEST(StringToU32Test, DecodesAndReplacesIllFormed) {
  EXPECT_EQ(ToU32("张伟 ab"), std::u32string(U"张伟 ab"));
  EXPECT_EQ(ToU32(""), std::u32string());
  EXPECT_EQ(ToU32("a\xFF"
                  "b"),
            std::u32string(U"a\uFFFDb"));
  EXPECT_EQ(ToU32("\xE5\xBC"), std::u32string(U"\uFFFD"));  // truncated 张
  EXPECT_EQ(ToU32("\xF0\x9F\xA6\x80"), std::u32string(U"\U0001F980"));
}

// ---- Differential test against the textbook versions.

// A random string of `len` code points over `alphabet`.
std::u32string RandomString(Rng& rng, std::u32string_view alphabet, size_t len) {
  std::u32string s;
  for (size_t i = 0; i < len; ++i) s.push_back(alphabet[rng.Uniform(alphabet.size())]);
  return s;
}

// `s` with a few random edits (substitution, insertion, deletion, adjacent swap), so that pairs
// are near each other as candidate pairs are, and not only far apart as random strings are.
std::u32string Mutate(Rng& rng, std::u32string s, std::u32string_view alphabet) {
  const int edits = static_cast<int>(rng.Uniform(6));
  for (int e = 0; e < edits; ++e) {
    const char32_t c = alphabet[rng.Uniform(alphabet.size())];
    switch (rng.Uniform(4)) {
      case 0:
        if (!s.empty()) s[rng.Uniform(s.size())] = c;
        break;
      case 1:
        s.insert(s.begin() + static_cast<std::ptrdiff_t>(rng.Uniform(s.size() + 1)), c);
        break;
      case 2:
        if (!s.empty()) s.erase(rng.Uniform(s.size()), 1);
        break;
      default:
        if (s.size() >= 2) {
          const size_t i = rng.Uniform(s.size() - 1);
          std::swap(s[i], s[i + 1]);
        }
    }
  }
  return s;
}

TEST(StringKernelsDifferentialTest, AgreeWithTextbookVersions) {
  const std::u32string_view alphabets[] = {
      U"ab",
      U"abc",
      U"abcdefghijklmnopqrstuvwxyz",
      U"张伟玮王李",
      U"张王李赵刘陈杨黄周吴伟芳娜敏静丽强磊军洋",
      U"a张b伟\0\U0001F980"sv,  // NUL and a supplementary-plane code point are keys too
  };
  Rng rng(20240611);
  int checked = 0;
  int long_pairs = 0;
  for (int iter = 0; iter < 6000; ++iter) {
    const std::u32string_view alphabet = alphabets[rng.Uniform(std::size(alphabets))];
    const std::u32string a = RandomString(rng, alphabet, rng.Uniform(81));
    std::u32string b = rng.Bernoulli(0.5) ? Mutate(rng, a, alphabet)
                                          : RandomString(rng, alphabet, rng.Uniform(81));
    if (rng.Bernoulli(0.25)) {
      // Insertions at both ends: long pairs whose common prefix and suffix are not dropped.
      b = RandomString(rng, alphabet, 1 + rng.Uniform(3)) + b +
          RandomString(rng, alphabet, 1 + rng.Uniform(3));
    }
    if (std::min(a.size(), b.size()) > 64) ++long_pairs;

    const int lev = TextbookLevenshtein(a, b);
    const int osa = TextbookOsa(a, b);
    ASSERT_EQ(Levenshtein(a, b), lev) << "iteration " << iter;
    ASSERT_EQ(Levenshtein(b, a), lev) << "iteration " << iter;
    ASSERT_EQ(DamerauLevenshtein(a, b), osa) << "iteration " << iter;
    ASSERT_EQ(DamerauLevenshtein(b, a), osa) << "iteration " << iter;
    const int k = static_cast<int>(rng.Uniform(12));
    ASSERT_EQ(Levenshtein(a, b, k), std::min(lev, k + 1)) << "iteration " << iter << " k " << k;
    ASSERT_EQ(DamerauLevenshtein(a, b, k), std::min(osa, k + 1))
        << "iteration " << iter << " k " << k;

    // At the exact distance and one below it, where the band and the early exits are tight.
    ASSERT_EQ(Levenshtein(a, b, lev), lev) << "iteration " << iter;
    ASSERT_EQ(DamerauLevenshtein(a, b, osa), osa) << "iteration " << iter;
    if (lev > 0) {
      ASSERT_EQ(Levenshtein(b, a, lev - 1), lev) << "iteration " << iter;
    }
    if (osa > 0) {
      ASSERT_EQ(DamerauLevenshtein(b, a, osa - 1), osa) << "iteration " << iter;
    }

    const double jaro = TextbookJaro(a, b);
    ASSERT_NEAR(Jaro(a, b), jaro, 1e-12) << "iteration " << iter;
    ASSERT_NEAR(Jaro(b, a), jaro, 1e-12) << "iteration " << iter;
    ASSERT_NEAR(JaroWinkler(a, b), TextbookJaroWinkler(a, b), 1e-12) << "iteration " << iter;
    ++checked;
  }
  EXPECT_EQ(checked, 6000);
  EXPECT_GT(long_pairs, 200);  // the fallbacks above 64 code points were exercised
}

TEST(StringKernelsDifferentialTest, Utf8OverloadsAgreeWithCodePoints) {
  const std::u32string_view alphabet = U"张伟玮a\U0001F980";
  Rng rng(7);
  for (int iter = 0; iter < 500; ++iter) {
    const std::u32string a = RandomString(rng, alphabet, rng.Uniform(60));
    const std::u32string b = Mutate(rng, a, alphabet);
    std::string ua, ub;
    for (char32_t c : a) utf8::AppendUtf8(c, &ua);
    for (char32_t c : b) utf8::AppendUtf8(c, &ub);
    ASSERT_EQ(Levenshtein(std::string_view(ua), std::string_view(ub)), Levenshtein(a, b));
    ASSERT_EQ(DamerauLevenshtein(std::string_view(ua), std::string_view(ub)),
              DamerauLevenshtein(a, b));
    ASSERT_EQ(Jaro(std::string_view(ua), std::string_view(ub)), Jaro(a, b));
    ASSERT_EQ(JaroWinkler(std::string_view(ua), std::string_view(ub)), JaroWinkler(a, b));
  }
}

}  // namespace
}  // namespace popreg::link
