// Union-find over dense ids 0..n-1, union by size with path halving (Tarjan and van Leeuwen
// 1984): near-constant amortised time per operation. Not thread-safe.
#pragma once

#include <cstdint>
#include <numeric>
#include <utility>
#include <vector>

namespace popreg::link {

class DisjointSets {
 public:
  explicit DisjointSets(size_t n) : parent_(n), size_(n, 1) {
    std::iota(parent_.begin(), parent_.end(), uint32_t{0});
  }
  // The representative of x's set.
  uint32_t Find(uint32_t x) {
    while (parent_[x] != x) {
      parent_[x] = parent_[parent_[x]];
      x = parent_[x];
    }
    return x;
  }
  // Merges the sets of a and b.
  void Union(uint32_t a, uint32_t b) {
    a = Find(a);
    b = Find(b);
    if (a == b) return;
    if (size_[a] < size_[b]) std::swap(a, b);
    parent_[b] = a;
    size_[a] += size_[b];
  }
  // The number of ids in the set whose representative is `root`.
  size_t Size(uint32_t root) const { return size_[root]; }

 private:
  std::vector<uint32_t> parent_;
  std::vector<size_t> size_;
};

}  // namespace popreg::link
