#include "base/env.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <limits>
#include <numeric>
#include <set>
#include <string>
#include <vector>

namespace popreg {
namespace {

namespace fs = std::filesystem;

// Pearson's chi-square statistic of observed counts against equal expected counts.
double ChiSquareUniform(const std::vector<int64_t>& counts) {
  const double total = std::accumulate(counts.begin(), counts.end(), 0.0);
  const double expected = total / static_cast<double>(counts.size());
  double chi2 = 0;
  for (int64_t c : counts) chi2 += (c - expected) * (c - expected) / expected;
  return chi2;
}

// ---------------------------------------------------------------------------------------------
// Known answers. The reference values come from the published algorithms (Vigna's splitmix64.c
// and xoshiro256starstar.c), recomputed independently; the SplitMix64 sequence for 1234567 is the
// one given on Rosetta Code ("Pseudo-random numbers/Splitmix64").

TEST(SplitMix64Test, KnownAnswers) {
  SplitMix64 sm(1234567);
  EXPECT_EQ(sm.Next(), 6457827717110365317ULL);
  EXPECT_EQ(sm.Next(), 3203168211198807973ULL);
  EXPECT_EQ(sm.Next(), 9817491932198370423ULL);
  EXPECT_EQ(sm.Next(), 4593380528125082431ULL);
  EXPECT_EQ(sm.Next(), 16408922859458223821ULL);
  EXPECT_EQ(SplitMix64(0).Next(), 0xe220a8397b1dcdafULL);
}

TEST(RngTest, XoshiroKnownAnswersFromState) {
  Rng rng = Rng::FromState({1, 2, 3, 4});
  EXPECT_EQ(rng.Next64(), 11520ULL);
  EXPECT_EQ(rng.Next64(), 0ULL);
  EXPECT_EQ(rng.Next64(), 1509978240ULL);
  EXPECT_EQ(rng.Next64(), 1215971899390074240ULL);
  EXPECT_EQ(rng.Next64(), 1216172134540287360ULL);
  EXPECT_EQ(rng.Next64(), 607988272756665600ULL);
}

// Pins the seeding (SplitMix64 -> xoshiro256**): changing it would change every synthetic data set.
TEST(RngTest, KnownFirstValuesForSeeds) {
  Rng rng42(42);
  EXPECT_EQ(rng42.Next64(), 0x15780b2e0c2ec716ULL);
  EXPECT_EQ(rng42.Next64(), 0x6104d9866d113a7eULL);
  EXPECT_EQ(rng42.Next64(), 0xae17533239e499a1ULL);
  EXPECT_EQ(rng42.Next64(), 0xecb8ad4703b360a1ULL);
  Rng rng0(0);
  EXPECT_EQ(rng0.Next64(), 0x99ec5f36cb75f2b4ULL);
  EXPECT_EQ(rng0.Next64(), 0xbf6e1f784956452aULL);
}

TEST(RngTest, KnownUniformAndDoubleValues) {
  Rng rng(42);
  std::vector<uint64_t> dice;
  dice.reserve(12);
  for (int i = 0; i < 12; ++i) dice.push_back(rng.Uniform(6));
  EXPECT_EQ(dice, (std::vector<uint64_t>{0, 2, 4, 5, 5, 4, 4, 5, 4, 3, 4, 1}));

  Rng rng2(42);
  EXPECT_EQ(rng2.UniformDouble(), 0.08386297105988216);
  EXPECT_EQ(rng2.UniformDouble(), 0.3789802506626686);
  EXPECT_EQ(rng2.UniformDouble(), 0.6800434110281394);
}

// The polar method's values, pinned bit for bit (they are also what the same algorithm gives
// with Python's math.log, so our portable logarithm does not shift them).
TEST(RngTest, KnownNormalValues) {
  Rng rng(42);
  EXPECT_EQ(rng.Normal(0, 1), -0.72621913824478568);
  EXPECT_EQ(rng.Normal(0, 1), -0.21119691823195985);  // the spare of the first pair
  EXPECT_EQ(rng.Normal(0, 1), 0.22162270150359337);
  EXPECT_EQ(rng.Normal(10, 2), 10 + 2 * 0.52277168775601457);
}

// ---------------------------------------------------------------------------------------------
// Determinism and distributions

TEST(RngTest, SameSeedSameSequence) {
  Rng a(20240601), b(20240601), c(20240602);
  bool any_difference_with_c = false;
  for (int i = 0; i < 1000; ++i) {
    const uint64_t x = a.Next64();
    EXPECT_EQ(x, b.Next64());
    any_difference_with_c |= x != c.Next64();
  }
  EXPECT_TRUE(any_difference_with_c);
}

TEST(RngTest, CopyContinuesTheSameStream) {
  Rng a(7);
  a.Next64();
  Rng b = a;
  for (int i = 0; i < 10; ++i) EXPECT_EQ(a.Next64(), b.Next64());
}

TEST(RngTest, UniformStaysInBounds) {
  Rng rng(1);
  for (uint64_t n : {1ULL, 2ULL, 3ULL, 7ULL, 1000ULL, (1ULL << 32) + 1, (1ULL << 63) + 1, ~0ULL}) {
    for (int i = 0; i < 2000; ++i) ASSERT_LT(rng.Uniform(n), n) << n;
  }
  for (int i = 0; i < 100; ++i) EXPECT_EQ(rng.Uniform(1), 0u);
}

TEST(RngTest, UniformIsRoughlyUniform) {
  // 10 cells, 9 degrees of freedom: P(chi2 > 27.88) = 0.001. The seed is fixed, so this cannot
  // flake; it fails if the method is biased (e.g. a plain modulo of a few bits).
  Rng rng(99);
  std::vector<int64_t> counts(10);
  for (int i = 0; i < 100000; ++i) ++counts[rng.Uniform(10)];
  EXPECT_LT(ChiSquareUniform(counts), 27.88);

  // A range where plain `x % n` would be visibly biased: n = 3 * 2^62 makes the low third of the
  // range twice as likely with modulo. Lemire's method keeps the three thirds equal.
  const uint64_t n = 3ULL << 62;
  std::vector<int64_t> thirds(3);
  for (int i = 0; i < 30000; ++i) ++thirds[rng.Uniform(n) / (1ULL << 62)];
  EXPECT_LT(ChiSquareUniform(thirds), 13.82);  // 2 dof, p = 0.001
}

TEST(RngTest, UniformIntCoversBothEnds) {
  Rng rng(5);
  std::set<int64_t> seen;
  for (int i = 0; i < 1000; ++i) {
    const int64_t x = rng.UniformInt(-3, 3);
    ASSERT_GE(x, -3);
    ASSERT_LE(x, 3);
    seen.insert(x);
  }
  EXPECT_EQ(seen.size(), 7u);
  EXPECT_EQ(rng.UniformInt(5, 5), 5);
  const int64_t lo = std::numeric_limits<int64_t>::min(), hi = std::numeric_limits<int64_t>::max();
  bool negative = false, positive = false;
  for (int i = 0; i < 100; ++i) {
    const int64_t x = rng.UniformInt(lo, hi);
    negative |= x < 0;
    positive |= x > 0;
  }
  EXPECT_TRUE(negative && positive);
}

TEST(RngTest, UniformDoubleInUnitInterval) {
  Rng rng(3);
  double sum = 0;
  for (int i = 0; i < 100000; ++i) {
    const double x = rng.UniformDouble();
    ASSERT_GE(x, 0.0);
    ASSERT_LT(x, 1.0);
    sum += x;
  }
  EXPECT_NEAR(sum / 100000, 0.5, 0.005);
}

TEST(RngTest, Bernoulli) {
  Rng rng(11);
  int hits = 0;
  for (int i = 0; i < 100000; ++i) hits += rng.Bernoulli(0.3) ? 1 : 0;
  EXPECT_NEAR(hits / 100000.0, 0.3, 0.005);
  for (int i = 0; i < 1000; ++i) {
    EXPECT_FALSE(rng.Bernoulli(0.0));
    EXPECT_TRUE(rng.Bernoulli(1.0));
  }
  // One draw per call whatever p is.
  Rng a(12), b(12);
  a.Bernoulli(0.0);
  b.Bernoulli(0.9);
  EXPECT_EQ(a.Next64(), b.Next64());
}

TEST(RngTest, NormalMoments) {
  Rng rng(17);
  const int kN = 200000;
  double sum = 0, sum_sq = 0;
  int within_one_sd = 0;
  for (int i = 0; i < kN; ++i) {
    const double x = rng.Normal(50, 10);
    sum += x;
    sum_sq += x * x;
    within_one_sd += std::abs(x - 50) < 10 ? 1 : 0;
  }
  const double mean = sum / kN;
  const double sd = std::sqrt(sum_sq / kN - mean * mean);
  EXPECT_NEAR(mean, 50, 0.1);
  EXPECT_NEAR(sd, 10, 0.1);
  EXPECT_NEAR(within_one_sd / static_cast<double>(kN), 0.6827, 0.005);
  EXPECT_EQ(rng.Normal(3, 0), 3);
}

TEST(RngTest, PickReturnsElementsOfTheRange) {
  Rng rng(8);
  const std::vector<std::string> names = {"Zhang", "Wang", "Li"};
  std::set<std::string> seen;
  for (int i = 0; i < 200; ++i) seen.insert(rng.Pick(names));
  EXPECT_EQ(seen, (std::set<std::string>{"Zhang", "Wang", "Li"}));

  const int array[] = {4, 5};
  const int& picked = rng.Pick(array);
  EXPECT_TRUE(&picked == &array[0] || &picked == &array[1]);
  EXPECT_EQ(rng.Pick(std::span<const int>(array, 1)), 4);
}

TEST(RngTest, ShuffleIsADeterministicPermutation) {
  std::vector<int> a(100), b(100);
  std::iota(a.begin(), a.end(), 0);
  std::iota(b.begin(), b.end(), 0);
  Rng r1(21), r2(21);
  r1.Shuffle(a);
  r2.Shuffle(std::span<int>(b));
  EXPECT_EQ(a, b);
  std::vector<int> sorted = a;
  std::sort(sorted.begin(), sorted.end());
  std::vector<int> identity(100);
  std::iota(identity.begin(), identity.end(), 0);
  EXPECT_EQ(sorted, identity);
  EXPECT_NE(a, identity);

  std::vector<int> empty;
  r1.Shuffle(empty);  // no draw, no crash
  EXPECT_TRUE(empty.empty());
}

TEST(RngTest, ShuffleIsUniformOverPermutations) {
  // 3 elements: 6 permutations, 5 dof; P(chi2 > 20.52) = 0.001.
  Rng rng(31);
  std::vector<int64_t> counts(6);
  for (int i = 0; i < 60000; ++i) {
    std::array<int, 3> p = {0, 1, 2};
    rng.Shuffle(p);
    const size_t permutation = static_cast<size_t>(p[0]) * 2 + (p[1] > p[2] ? 1 : 0);
    ++counts[permutation];
  }
  EXPECT_LT(ChiSquareUniform(counts), 20.52);
}

TEST(RngTest, ForkIsDeterministicAndDoesNotAdvanceTheParent) {
  Rng parent(77);
  Rng twin(77);
  Rng child_a = parent.Fork(1);
  Rng child_b = parent.Fork(1);
  for (int i = 0; i < 100; ++i) EXPECT_EQ(child_a.Next64(), child_b.Next64());
  EXPECT_EQ(parent.Next64(), twin.Next64());  // forking did not consume anything
}

TEST(RngTest, ForkedStreamsDiffer) {
  const Rng parent(77);
  std::set<uint64_t> firsts;
  for (uint64_t id = 0; id < 1000; ++id) firsts.insert(parent.Fork(id).Next64());
  EXPECT_EQ(firsts.size(), 1000u);
  // A fork is not the parent's own stream either.
  Rng copy = parent;
  EXPECT_NE(parent.Fork(0).Next64(), copy.Next64());
}

TEST(RngTest, ForkedStreamsAreUncorrelated) {
  // Neighbouring stream ids: the bits of paired draws agree about half of the time.
  const Rng parent(5);
  Rng a = parent.Fork(1), b = parent.Fork(2);
  int64_t equal_bits = 0;
  const int kDraws = 10000;
  for (int i = 0; i < kDraws; ++i) {
    equal_bits += 64 - __builtin_popcountll(a.Next64() ^ b.Next64());
  }
  EXPECT_NEAR(equal_bits / (64.0 * kDraws), 0.5, 0.005);
}

// ---------------------------------------------------------------------------------------------
// WeightedIndex

TEST(WeightedIndexTest, FrequenciesFollowWeights) {
  const std::vector<double> weights = {1, 0, 3, 6};
  Result<WeightedIndex> index = WeightedIndex::Make(weights);
  ASSERT_TRUE(index.ok()) << index.status().ToString();
  EXPECT_EQ(index->size(), 4u);
  EXPECT_DOUBLE_EQ(index->Probability(0), 0.1);
  EXPECT_DOUBLE_EQ(index->Probability(1), 0.0);
  EXPECT_DOUBLE_EQ(index->Probability(3), 0.6);

  Rng rng(123);
  std::vector<int64_t> counts(4);
  const int kN = 100000;
  for (int i = 0; i < kN; ++i) ++counts[index->Sample(rng)];
  EXPECT_EQ(counts[1], 0);  // weight zero: never
  EXPECT_NEAR(counts[0] / double{kN}, 0.1, 0.005);
  EXPECT_NEAR(counts[2] / double{kN}, 0.3, 0.005);
  EXPECT_NEAR(counts[3] / double{kN}, 0.6, 0.005);
}

TEST(WeightedIndexTest, ZeroWeightsAtTheEndsAreNeverDrawn) {
  const std::vector<double> weights = {0, 0, 2, 0};
  Result<WeightedIndex> index = WeightedIndex::Make(weights);
  ASSERT_TRUE(index.ok());
  Rng rng(4);
  for (int i = 0; i < 10000; ++i) ASSERT_EQ(index->Sample(rng), 2u);
}

TEST(WeightedIndexTest, RejectsBadWeights) {
  const std::vector<std::vector<double>> bad = {{},       {0, 0},        {1, -1},
                                                {1, NAN}, {1, INFINITY}, {1e308, 1e308}};
  for (const auto& weights : bad) {
    const Result<WeightedIndex> index = WeightedIndex::Make(weights);
    ASSERT_FALSE(index.ok()) << weights.size();
    EXPECT_EQ(index.status().code(), ErrorCode::kInvalidArgument);
  }
}

// ---------------------------------------------------------------------------------------------
// Env: clock and seed

TEST(EnvTest, InstantsParseAndFormat) {
  EXPECT_EQ(ParseInstant("1970-01-01"), 0);
  EXPECT_EQ(ParseInstant("2026-03-04"), Date(2026, 3, 4).ToDays() * 86'400'000);
  EXPECT_EQ(ParseInstant("2026-03-04T10:00:00Z"),
            Date(2026, 3, 4).ToDays() * 86'400'000 + 36'000'000);
  EXPECT_EQ(ParseInstant("2026-03-04T10:00:01.5Z"), *ParseInstant("2026-03-04T10:00:00Z") + 1500);
  EXPECT_EQ(ParseInstant("2026-03-04T10:00:00.250"), *ParseInstant("2026-03-04T10:00:00Z") + 250);
  for (const char* bad : {"", "2026-13-01", "2026-03-04T25:00:00Z", "2026-03-04T10:00Z",
                          "2026-03-04T10:00:00.x", "yesterday"}) {
    EXPECT_FALSE(ParseInstant(bad)) << bad;
  }
  EXPECT_EQ(FormatInstant(*ParseInstant("2026-12-05T10:07:09.042Z")), "2026-12-05T10:07:09.042Z");
  EXPECT_EQ(FormatInstant(-1), "1969-12-31T23:59:59.999Z");
  EXPECT_EQ(DayOfInstant(-1), Date(1969, 12, 31));
  EXPECT_EQ(DayOfInstant(*ParseInstant("2026-10-03T23:59:59.999Z")), Date(2026, 10, 3));
  const Env env = Env::ForTest(Date{2024, 3, 15}, 9);
  EXPECT_EQ(env.NowIso(), "2024-03-15T00:00:00.000Z");
  EXPECT_TRUE(env.clock_frozen());
}

TEST(EnvTest, ForTestFreezesTheClock) {
  const Env env = Env::ForTest(Date{2024, 3, 15}, 9);
  EXPECT_EQ(env.Today(), (Date{2024, 3, 15}));
  EXPECT_EQ(env.NowUnixMillis(), int64_t{19797} * 86'400'000);  // 2024-03-15 is day 19797
  EXPECT_EQ(env.seed(), 9u);
}

TEST(EnvTest, MakeRngIsAForkOfTheSeed) {
  const Env env = Env::ForTest(Date{2024, 3, 15}, 9);
  Rng a = env.MakeRng(3);
  Rng b = Rng(9).Fork(3);
  Rng other = env.MakeRng(4);
  const uint64_t first = a.Next64();
  EXPECT_EQ(first, b.Next64());
  EXPECT_NE(first, other.Next64());
}

TEST(EnvTest, DefaultClockIsPlausible) {
  const Env& env = Env::Default();
  EXPECT_EQ(&env, &Env::Default());
  const Date today = env.Today();
  EXPECT_TRUE(today.Valid());
  EXPECT_GE(today, (Date{2024, 1, 1}));
  const int64_t now_days = env.NowUnixMillis() / 86'400'000;
  // Local date and UTC date differ by at most one day.
  EXPECT_LE(std::abs(now_days - today.ToDays()), 1);
  EXPECT_EQ(Env::WithSeed(5).seed(), 5u);
}

// ---------------------------------------------------------------------------------------------
// Env: files

class EnvFileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string pattern = (fs::temp_directory_path() / "popreg_env_test_XXXXXX").string();
    ASSERT_NE(::mkdtemp(pattern.data()), nullptr);
    dir_ = pattern;
  }
  void TearDown() override {
    std::error_code ec;
    fs::permissions(dir_, fs::perms::owner_all, fs::perm_options::add, ec);
    fs::remove_all(dir_, ec);
  }
  std::string Path(const std::string& name) const { return (fs::path(dir_) / name).string(); }
  // The names in the temporary directory.
  std::set<std::string> Listing() const {
    std::set<std::string> names;
    for (const auto& entry : fs::directory_iterator(dir_)) {
      names.insert(entry.path().filename().string());
    }
    return names;
  }

  const Env env_ = Env::ForTest(Date{2024, 1, 1}, 1);
  std::string dir_;
};

TEST_F(EnvFileTest, WriteThenReadRoundTrip) {
  const std::string path = Path("register.csv");
  std::string data = "id,name\n1,张三\n";
  data.push_back('\0');  // binary-safe
  data += std::string(200000, 'x');
  ASSERT_TRUE(env_.WriteFileAtomic(path, data).ok());
  const Result<std::string> read = env_.ReadFile(path);
  ASSERT_TRUE(read.ok()) << read.status().ToString();
  EXPECT_EQ(*read, data);
  EXPECT_EQ(Listing(), (std::set<std::string>{"register.csv"}));  // no temporary file left
}

TEST_F(EnvFileTest, WriteReplacesExistingContent) {
  const std::string path = Path("a.txt");
  ASSERT_TRUE(env_.WriteFileAtomic(path, "a much longer first version").ok());
  ASSERT_TRUE(env_.WriteFileAtomic(path, "v2").ok());
  EXPECT_EQ(*env_.ReadFile(path), "v2");
  ASSERT_TRUE(env_.WriteFileAtomic(path, "").ok());
  EXPECT_EQ(*env_.ReadFile(path), "");
  EXPECT_EQ(Listing(), (std::set<std::string>{"a.txt"}));
}

TEST_F(EnvFileTest, ReadMissingFileIsNotFoundAndNamesThePath) {
  const std::string path = Path("missing.csv");
  const Result<std::string> read = env_.ReadFile(path);
  ASSERT_FALSE(read.ok());
  EXPECT_EQ(read.status().code(), ErrorCode::kNotFound);
  EXPECT_NE(read.status().message().find("'" + path + "'"), std::string::npos)
      << read.status().message();
  EXPECT_NE(read.status().message().find("No such file or directory"), std::string::npos)
      << read.status().message();
}

TEST_F(EnvFileTest, ReadDirectoryIsAnIoError) {
  const Result<std::string> read = env_.ReadFile(dir_);
  ASSERT_FALSE(read.ok());
  EXPECT_EQ(read.status().code(), ErrorCode::kIoError);
  EXPECT_NE(read.status().message().find(dir_), std::string::npos);
}

TEST_F(EnvFileTest, WriteIntoMissingDirectoryFailsAndNamesThePath) {
  const std::string path = Path("no/such/dir/out.txt");
  const Status s = env_.WriteFileAtomic(path, "x");
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.code(), ErrorCode::kNotFound);
  EXPECT_NE(s.message().find("'" + path + "'"), std::string::npos) << s.message();
  EXPECT_FALSE(env_.FileExists(path));
}

TEST_F(EnvFileTest, WriteBelowAFileFails) {
  ASSERT_TRUE(env_.WriteFileAtomic(Path("plain"), "x").ok());
  const std::string path = Path("plain/out.txt");
  const Status s = env_.WriteFileAtomic(path, "y");
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.code(), ErrorCode::kIoError);
  EXPECT_NE(s.message().find("'" + path + "': Not a directory"), std::string::npos) << s.message();
  EXPECT_EQ(Listing(), (std::set<std::string>{"plain"}));
}

TEST_F(EnvFileTest, WriteIntoReadOnlyDirectoryLeavesNothing) {
  if (::geteuid() == 0) GTEST_SKIP() << "root ignores directory permissions";
  const std::string sub = Path("ro");
  ASSERT_TRUE(env_.CreateDirs(sub).ok());
  ASSERT_TRUE(env_.WriteFileAtomic(sub + "/f.txt", "old").ok());
  ASSERT_EQ(::chmod(sub.c_str(), 0500), 0);
  const Status s = env_.WriteFileAtomic(sub + "/f.txt", "new");
  ::chmod(sub.c_str(), 0700);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.code(), ErrorCode::kIoError);
  EXPECT_NE(s.message().find("Permission denied"), std::string::npos) << s.message();
  EXPECT_EQ(*env_.ReadFile(sub + "/f.txt"), "old");
}

TEST_F(EnvFileTest, FileExists) {
  EXPECT_TRUE(env_.FileExists(dir_));
  EXPECT_FALSE(env_.FileExists(Path("nope")));
  ASSERT_TRUE(env_.WriteFileAtomic(Path("yes"), "1").ok());
  EXPECT_TRUE(env_.FileExists(Path("yes")));
}

TEST_F(EnvFileTest, CreateDirs) {
  const std::string nested = Path("a/b/c");
  ASSERT_TRUE(env_.CreateDirs(nested).ok());
  EXPECT_TRUE(fs::is_directory(nested));
  EXPECT_TRUE(env_.CreateDirs(nested).ok());  // already there: fine
  ASSERT_TRUE(env_.WriteFileAtomic(nested + "/f.txt", "x").ok());
  EXPECT_EQ(*env_.ReadFile(nested + "/f.txt"), "x");
}

TEST_F(EnvFileTest, CreateDirsOverAFileFails) {
  const std::string file = Path("plain");
  ASSERT_TRUE(env_.WriteFileAtomic(file, "x").ok());

  const Status same = env_.CreateDirs(file);
  ASSERT_FALSE(same.ok());
  EXPECT_EQ(same.code(), ErrorCode::kAlreadyExists);
  EXPECT_NE(same.message().find("'" + file + "'"), std::string::npos) << same.message();

  const Status below = env_.CreateDirs(file + "/sub");
  ASSERT_FALSE(below.ok());
  EXPECT_EQ(below.code(), ErrorCode::kAlreadyExists);
  EXPECT_NE(below.message().find(file + "/sub"), std::string::npos) << below.message();
}

}  // namespace
}  // namespace popreg
