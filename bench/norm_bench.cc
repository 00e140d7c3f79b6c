// Identity values normalised per second on one core: the rate at which popreg can prepare a
// department's list for linkage. `make bench` runs it; results in bench/RESULTS.md.
#include <benchmark/benchmark.h>

#include <string>
#include <vector>

#include "base/env.h"
#include "norm/date_parse.h"
#include "norm/id_number.h"
#include "norm/name.h"
#include "norm/pinyin.h"

namespace popreg::norm {
namespace {

// Names as departments type them: mostly simplified, some traditional, spaces, dotted names.
std::vector<std::string> SampleNames() {
  const char* surnames[] = {"王",   "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周",
                            "欧阳", "單", "曾", "解", "張", "陳", "林", "郑", "谢", "罗"};
  const char* given[] = {"伟",   "芳",   "娜",   "秀英", "敏", "静",   "丽",    "强",  "磊",   "军",
                         "洋",   "勇",   "艳",   "杰",   "娟", "涛",   "明",    "超",  "秀兰", "霞",
                         "梓涵", "浩宇", "欣怡", "子轩", "偉", "麗華", " 小明", "一诺"};
  Rng rng(42);
  std::vector<std::string> out;
  for (int i = 0; i < 4096; ++i) {
    if (i % 97 == 0) {
      out.emplace_back("买买提•艾力");
      continue;
    }
    out.push_back(std::string(rng.Pick(surnames)) + rng.Pick(given));
  }
  return out;
}

// Names in traditional characters, as an office that uses traditional script types them: each has
// at least one character t2s changes (some surnames are the same in both scripts).
std::vector<std::string> TraditionalNames() {
  const char* surnames[] = {"張",   "陳", "劉", "黃", "趙", "鄭", "孫", "馬", "楊", "吳",
                            "歐陽", "王", "李", "林", "謝", "羅", "葉", "蕭", "許", "鍾"};
  const char* given[] = {"偉", "華", "麗", "國強", "軍", "東",   "紅",   "龍",   "鳳",
                         "蘭", "濤", "強", "輝",   "傑", "靜",   "豔",   "雲",   "飛",
                         "鵬", "瑩", "嬌", "麗華", "義", "建國", "曉明", "嘉慶", "俊傑"};
  Rng rng(43);
  std::vector<std::string> out;
  for (int i = 0; i < 4096; ++i) out.push_back(std::string(rng.Pick(surnames)) + rng.Pick(given));
  return out;
}

std::vector<std::string> SampleIds() {
  Rng rng(7);
  std::vector<std::string> out;
  for (int i = 0; i < 4096; ++i) {
    const Date birth = Date{1950, 1, 1}.AddDays(static_cast<int64_t>(rng.Uniform(25000)));
    std::string first17 = "350902" + birth.Compact() + std::to_string(100 + rng.Uniform(900));
    std::string id = first17 + IdCheckChar(first17);
    if (i % 20 == 0) std::swap(id[10], id[11]);  // some invalid ones
    out.push_back(id);
  }
  return out;
}

void BM_CanonicalName(benchmark::State& state) {
  const auto names = SampleNames();
  size_t i = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(CanonicalName(names[i++ & 4095]));
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_CanonicalName);

void BM_AnalyzeName(benchmark::State& state) {
  const auto names = SampleNames();
  size_t i = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(AnalyzeName(names[i++ & 4095]));
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_AnalyzeName);

void BM_AnalyzeNameTraditional(benchmark::State& state) {
  const auto names = TraditionalNames();
  NameKeys keys;
  size_t i = 0;
  for (auto _ : state) {
    AnalyzeName(names[i++ & 4095], &keys);
    benchmark::DoNotOptimize(keys.canonical.data());
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_AnalyzeNameTraditional);

void BM_ParseIdNumber(benchmark::State& state) {
  const auto ids = SampleIds();
  const Date as_of{2026, 9, 30};
  size_t i = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(ParseIdNumber(ids[i++ & 4095], as_of));
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_ParseIdNumber);

void BM_ParseDate(benchmark::State& state) {
  const std::vector<std::string> dates = {"1985-03-02", "1985/3/2", "19850302", "1985.03.02",
                                          "1985年3月2日"};
  size_t i = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(ParseDate(dates[i++ % dates.size()]));
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_ParseDate);

}  // namespace
}  // namespace popreg::norm

BENCHMARK_MAIN();
