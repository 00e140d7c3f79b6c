#include "link/partition.h"

#include <algorithm>
#include <cstring>
#include <stdexcept>
#include <type_traits>

#include "link/blocking.h"
#include "link/wire.h"

namespace popreg::link {

int OwnerOf(uint64_t key, int ranks) {
  // Keys are hashes already, but mixed again so that the ranks' shares do not follow the low bits
  // of whatever hash a key part uses.
  return ranks <= 1 ? 0 : static_cast<int>(Mix64(key) % static_cast<uint64_t>(ranks));
}

bool OwnsBlock(const Partition* partition, uint64_t key) {
  if (partition == nullptr || partition->size() <= 1) return true;
  return OwnerOf(key, partition->size()) == partition->rank();
}

std::pair<size_t, size_t> ShareOf(const Partition* partition, size_t n) {
  if (partition == nullptr || partition->size() <= 1) return {0, n};
  const auto k = static_cast<size_t>(partition->size());
  const auto r = static_cast<size_t>(partition->rank());
  // n * r / k without overflow for any n a vector can hold.
  auto bound = [&](size_t i) { return n / k * i + n % k * i / k; };
  return {bound(r), bound(r + 1)};
}

PatternCounts SumPatterns(Partition* partition, const PatternCounts& counts) {
  if (partition == nullptr || partition->size() <= 1) return counts;
  std::string bytes;
  const uint64_t header[2] = {counts.comparisons, counts.size()};
  Put(bytes, header, 2);
  Put(bytes, counts.levels.data(), counts.levels.size());
  Put(bytes, counts.counts.data(), counts.counts.size());
  // Whole-pair counts are integers in doubles, exact below 2^53 (em.h): the counter's sums and
  // its sorted patterns are the single process's whatever the ranks' order.
  PatternCounter total(counts.comparisons);
  for (const std::string& rank : partition->Gather(bytes)) {
    size_t at = 0;
    uint64_t h[2];
    Take(rank, at, h, 2);
    if (h[0] != counts.comparisons) {
      throw std::runtime_error("partition: ranks count different patterns");
    }
    std::vector<Level> levels(h[0] * h[1]);
    std::vector<double> c(h[1]);
    Take(rank, at, levels.data(), levels.size());
    Take(rank, at, c.data(), c.size());
    for (size_t i = 0; i < c.size(); ++i) {
      total.Add(std::span<const Level>(levels).subspan(i * h[0], h[0]), c[i]);
    }
  }
  return total.Counts();
}

std::vector<ScoredPair> GatherScored(Partition* partition, std::vector<ScoredPair> pairs) {
  if (partition == nullptr || partition->size() <= 1) return pairs;
  std::string bytes;
  Put(bytes, pairs.data(), pairs.size());
  std::vector<ScoredPair>().swap(pairs);
  const std::vector<std::string> all = partition->Gather(bytes);
  bytes.clear();
  bytes.shrink_to_fit();
  size_t total = 0;
  for (const std::string& b : all) total += b.size() / sizeof(ScoredPair);
  std::vector<ScoredPair> out(total);
  std::vector<size_t> ends;
  size_t at = 0;
  for (const std::string& b : all) {
    size_t read = 0;
    const size_t n = b.size() / sizeof(ScoredPair);
    Take(b, read, out.data() + at, n);
    at += n;
    ends.push_back(at);
  }
  auto before = [](const ScoredPair& a, const ScoredPair& b) {
    return a.left != b.left ? a.left < b.left : a.right < b.right;
  };
  // Each rank's run is sorted: merge them in.
  for (size_t r = 1; r < ends.size(); ++r) {
    std::inplace_merge(out.begin(), out.begin() + static_cast<std::ptrdiff_t>(ends[r - 1]),
                       out.begin() + static_cast<std::ptrdiff_t>(ends[r]), before);
  }
  return out;
}

}  // namespace popreg::link
