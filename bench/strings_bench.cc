// String kernels of the linkage engine (link/strings.h), in comparisons per second on one core
// (the items_per_second column), on the values a linkage compares: Chinese names of 2 to 4
// characters, pinyin readings (~10 ASCII letters), English names (6 to 8 letters, as in FEBRL) and
// Chinese addresses (~25 characters). Half of the pairs are a value and a corrupted copy (a
// candidate pair that matches), half two unrelated values (one that does not).
// `make bench` runs it; results in bench/RESULTS.md.
#include <benchmark/benchmark.h>

#include <string>
#include <utility>
#include <vector>

#include "base/env.h"
#include "base/utf8.h"
#include "link/strings.h"

namespace popreg::link {
namespace {

using Pairs = std::vector<std::pair<std::u32string, std::u32string>>;

constexpr int kPairs = 4096;

// One typing error: a substitution by another value's character, a deletion or a swap of
// neighbours.
std::u32string Corrupt(Rng& rng, std::u32string s, const std::u32string& other) {
  if (s.size() < 2 || other.empty()) return s;
  const size_t i = rng.Uniform(s.size() - 1);
  switch (rng.Uniform(3)) {
    case 0:
      s[i] = other[rng.Uniform(other.size())];
      break;
    case 1:
      s.erase(i, 1);
      break;
    default:
      std::swap(s[i], s[i + 1]);
  }
  return s;
}

// kPairs pairs of values drawn by `draw`: even ones a value and its corrupted copy, odd ones two
// independent values.
template <typename Draw>
Pairs MakePairs(uint64_t seed, Draw draw) {
  Rng rng(seed);
  Pairs out;
  for (int i = 0; i < kPairs; ++i) {
    std::u32string a = draw(rng);
    std::u32string b = draw(rng);
    if (i % 2 == 0) b = Corrupt(rng, a, b);
    out.emplace_back(std::move(a), std::move(b));
  }
  return out;
}

const Pairs& ChineseNames() {
  static const Pairs pairs = MakePairs(1, [](Rng& rng) {
    static const char32_t* surnames[] = {U"王", U"李", U"张", U"刘", U"陈", U"杨",   U"黄",
                                         U"赵", U"吴", U"周", U"徐", U"孙", U"欧阳", U"司马"};
    static const char32_t* given[] = {U"伟", U"芳", U"娜", U"敏", U"静", U"丽", U"强", U"磊",
                                      U"军", U"洋", U"勇", U"艳", U"杰", U"娟", U"涛", U"明",
                                      U"超", U"霞", U"秀", U"英", U"梓", U"涵", U"浩", U"宇"};
    std::u32string s = rng.Pick(surnames);
    const int n = 1 + static_cast<int>(rng.Uniform(2));
    for (int k = 0; k < n; ++k) s += rng.Pick(given);
    return s;
  });
  return pairs;
}

const Pairs& Pinyin() {
  static const Pairs pairs = MakePairs(2, [](Rng& rng) {
    static const char32_t* syllables[] = {
        U"zhang", U"wang", U"li",  U"liu",    U"chen", U"yang", U"huang", U"zhao", U"wu",
        U"zhou",  U"xu",   U"sun", U"ouyang", U"wei",  U"fang", U"na",    U"min",  U"jing",
        U"qiang", U"lei",  U"jun", U"yong",   U"yan",  U"jie",  U"juan",  U"tao",  U"ming",
        U"chao",  U"xia",  U"xiu", U"ying",   U"zi",   U"han",  U"hao",   U"yu"};
    std::u32string s;
    for (int k = 0; k < 3; ++k) s += rng.Pick(syllables);
    return s;
  });
  return pairs;
}

const Pairs& EnglishNames() {
  static const Pairs pairs = MakePairs(3, [](Rng& rng) {
    static const char32_t* names[] = {
        U"MARTHA",   U"JOHNSON", U"WILLIAMS", U"DWAYNE",   U"THOMPSON", U"CAMPBELL", U"STEVENS",
        U"MITCHELL", U"JESSICA", U"MATTHEW",  U"NICHOLAS", U"ROBERTS",  U"HARRISON", U"JACKSON",
        U"BRADLEY",  U"CHARLIE", U"DICKSON",  U"WHITE",    U"SAMUEL",   U"LACHLAN",  U"CAITLIN"};
    return std::u32string(rng.Pick(names));
  });
  return pairs;
}

const Pairs& Addresses() {
  static const Pairs pairs = MakePairs(4, [](Rng& rng) {
    static const char32_t* cities[] = {U"福建省厦门市", U"广东省广州市", U"浙江省杭州市",
                                       U"四川省成都市", U"河南省郑州市"};
    static const char32_t* districts[] = {U"思明区", U"海珠区", U"西湖区", U"武侯区", U"金水区"};
    static const char32_t* streets[] = {U"莲前西路", U"中山大道", U"文三路",  U"人民南路",
                                        U"花园路",   U"建设东街", U"湖滨北路"};
    std::u32string s = std::u32string(rng.Pick(cities)) + rng.Pick(districts) + rng.Pick(streets);
    for (char c : std::to_string(1 + rng.Uniform(300))) s.push_back(static_cast<char32_t>(c));
    s += U"号";
    s.push_back(U'1' + static_cast<char32_t>(rng.Uniform(9)));
    s += U"栋";
    for (char c : std::to_string(101 + rng.Uniform(2000))) s.push_back(static_cast<char32_t>(c));
    s += U"室";
    return s;
  });
  return pairs;
}

// Runs `kernel` over every pair per iteration; one item is one comparison.
template <typename Kernel>
void RunPairs(benchmark::State& state, const Pairs& pairs, Kernel kernel) {
  for (auto _ : state) {
    for (const auto& [a, b] : pairs) benchmark::DoNotOptimize(kernel(a, b));
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()) *
                          static_cast<int64_t>(pairs.size()));
  double chars = 0;
  for (const auto& [a, b] : pairs) chars += static_cast<double>(a.size() + b.size());
  state.counters["mean_len"] = chars / (2.0 * static_cast<double>(pairs.size()));
}

void BM_Levenshtein(benchmark::State& state, const Pairs& (*data)()) {
  RunPairs(state, data(), [](const auto& a, const auto& b) { return Levenshtein(a, b); });
}

void BM_LevenshteinMax2(benchmark::State& state, const Pairs& (*data)()) {
  RunPairs(state, data(), [](const auto& a, const auto& b) { return Levenshtein(a, b, 2); });
}

void BM_DamerauLevenshtein(benchmark::State& state, const Pairs& (*data)()) {
  RunPairs(state, data(), [](const auto& a, const auto& b) { return DamerauLevenshtein(a, b); });
}

void BM_Jaro(benchmark::State& state, const Pairs& (*data)()) {
  RunPairs(state, data(), [](const auto& a, const auto& b) { return Jaro(a, b); });
}

void BM_JaroWinkler(benchmark::State& state, const Pairs& (*data)()) {
  RunPairs(state, data(), [](const auto& a, const auto& b) { return JaroWinkler(a, b); });
}

// The UTF-8 overload on the same names, decoding included: the price of not storing u32.
void BM_JaroWinklerUtf8(benchmark::State& state, const Pairs& (*data)()) {
  std::vector<std::pair<std::string, std::string>> utf8;
  for (const auto& [a, b] : data()) {
    std::string ua, ub;
    for (char32_t c : a) utf8::AppendUtf8(c, &ua);
    for (char32_t c : b) utf8::AppendUtf8(c, &ub);
    utf8.emplace_back(std::move(ua), std::move(ub));
  }
  for (auto _ : state) {
    for (const auto& [a, b] : utf8) {
      benchmark::DoNotOptimize(JaroWinkler(std::string_view(a), std::string_view(b)));
    }
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()) *
                          static_cast<int64_t>(utf8.size()));
}

#define POPREG_STRINGS_BENCH(kernel)                       \
  BENCHMARK_CAPTURE(kernel, chinese_names, &ChineseNames); \
  BENCHMARK_CAPTURE(kernel, pinyin, &Pinyin);              \
  BENCHMARK_CAPTURE(kernel, english_names, &EnglishNames); \
  BENCHMARK_CAPTURE(kernel, addresses, &Addresses)

POPREG_STRINGS_BENCH(BM_Levenshtein);
POPREG_STRINGS_BENCH(BM_LevenshteinMax2);
POPREG_STRINGS_BENCH(BM_DamerauLevenshtein);
POPREG_STRINGS_BENCH(BM_Jaro);
POPREG_STRINGS_BENCH(BM_JaroWinkler);
BENCHMARK_CAPTURE(BM_JaroWinklerUtf8, chinese_names, &ChineseNames);
BENCHMARK_CAPTURE(BM_JaroWinklerUtf8, addresses, &Addresses);

}  // namespace
}  // namespace popreg::link

BENCHMARK_MAIN();
