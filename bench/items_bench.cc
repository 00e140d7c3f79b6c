// The worklist's keyset pages (store/items.h) on a store of 120,000 items: the first page, a page
// 100,000 items deep and the last page should cost the same, for every sort key. The store is a
// SQLite file in the temporary folder, or the store at $POPREG_ITEMS_BENCH_DB (a path or a
// postgresql:// URL; made when it does not exist, and left there). Results in bench/RESULTS.md.
#include <benchmark/benchmark.h>

#include <cstdlib>
#include <filesystem>
#include <initializer_list>
#include <memory>
#include <string>
#include <vector>

#include "store/items.h"
#include "store/store.h"

namespace popreg::store {
namespace {

constexpr int kItems = 120000;

// The store, made and filled once per process.
Store& TheStore() {
  static std::unique_ptr<Store> store = [] {
    const char* env = std::getenv("POPREG_ITEMS_BENCH_DB");
    const std::string location =
        env != nullptr
            ? env
            : (std::filesystem::temp_directory_path() / "popreg-items-bench.db").string();
    auto opened = OpenStore(location);
    if (opened.ok()) return std::move(opened).value();
    auto made = CreateStore(location);
    if (!made.ok()) {
      std::fprintf(stderr, "%s\n", made.status().ToString().c_str());
      std::exit(1);
    }
    std::vector<Discrepancy> items;
    items.reserve(kItems);
    for (int i = 0; i < kItems; ++i) {
      Discrepancy d;
      d.type = std::string(kDiscrepancyTypes[i % 8]);
      // Appended with += throughout: GCC 12 at -O3 warns falsely (-Wrestrict, an error in the
      // release build) on "literal" + std::to_string(...).
      auto text = [](std::initializer_list<std::string> parts) {
        std::string out;
        for (const std::string& p : parts) out += p;
        return out;
      };
      d.community_code = text({"3509020010", std::to_string(10 + i % 40)});
      if (i % 5 != 0) d.match_probability = (i % 1000) / 1000.0;
      d.register_key = text({"C", std::to_string(i / 4), "/", std::to_string(i % 4)});
      d.source_id_number = std::to_string(350902198500000000LL + i);
      d.identity = text({"item ", std::to_string(i)});
      items.push_back(std::move(d));
    }
    ComparisonInfo info{"2026-09-30", "2026-01-01", "", "bench", "", ""};
    auto saved = (*made)->SaveComparison(info, items);
    if (!saved.ok()) {
      std::fprintf(stderr, "%s\n", saved.status().ToString().c_str());
      std::exit(1);
    }
    return std::move(made).value();
  }();
  return *store;
}

// The cursor of the page that starts `depth` items in.
std::string CursorAt(const ItemQuery& q, int depth) {
  ItemQuery walk = q;
  walk.limit = 500;
  for (int seen = 0; seen < depth;) {
    auto page = ListItemsPage(TheStore(), walk);
    if (!page.ok() || page->next.empty()) break;
    seen += static_cast<int>(page->items.size());
    walk.after = page->next;
  }
  return walk.after;
}

// Arguments: the sort key, descending (0/1), how deep the page is (items before it).
void BM_ItemPage(benchmark::State& state) {
  ItemQuery q;
  q.sort = static_cast<ItemSort>(state.range(0));
  q.descending = state.range(1) != 0;
  q.limit = 50;
  q.after = CursorAt(q, static_cast<int>(state.range(2)));
  for (auto _ : state) {
    auto page = ListItemsPage(TheStore(), q);
    if (!page.ok() || page->items.empty()) state.SkipWithError("no page");
    benchmark::DoNotOptimize(page);
  }
  state.SetLabel(std::string(ItemSortName(q.sort)) + (q.descending ? " desc" : " asc") + " at " +
                 std::to_string(state.range(2)));
}
BENCHMARK(BM_ItemPage)
    ->ArgsProduct({{0, 1, 2, 3, 4, 5}, {0}, {0, 100000, kItems - 50}})
    ->Args({3, 1, 0})
    ->Args({3, 1, 100000})
    ->Unit(benchmark::kMicrosecond);

}  // namespace
}  // namespace popreg::store

BENCHMARK_MAIN();
