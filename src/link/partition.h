// A linkage spread over several processes ("ranks"), each holding every record or (divide.h) the
// records of the blocks it owns: the candidate pairs are divided among the ranks by blocking key,
// each rank compares and scores its share, and what the single-process run would have computed
// from all pairs is put together from the shares: exact integer sums (pattern counts for u and
// EM, pairs per blocking rule, the rules' blocks) and every rank's scored pairs, merged into the
// order a single process produces. So every rank ends with the result a single process would
// have, bit for bit (see RunLink in job.h).
//
// This header is the engine's side of it and knows nothing of MPI: src/dist/ implements
// Partition over MPI (the only folder that includes <mpi.h>); a build without MPI never makes one
// and runs single-process.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "link/em.h"
#include "link/types.h"

namespace popreg::link {

// The ranks of one run. Every rank must make the same calls in the same order (they are
// collective): the engine only branches on values that are the same on every rank.
class Partition {
 public:
  virtual ~Partition() = default;
  // This process's rank, 0 <= rank() < size().
  virtual int rank() const = 0;
  // The number of ranks (1: a single process).
  virtual int size() const = 0;
  // Replaces each element of `values` by its sum over the ranks.
  virtual void Sum(std::span<int64_t> values) = 0;
  // Every rank's `bytes`, in rank order (this rank's own included).
  virtual std::vector<std::string> Gather(std::string_view bytes) = 0;
  // Sends to[r] to rank r (to has size() entries; this rank's own entry is kept) and returns
  // what each rank sent this one, in rank order: MPI's all-to-all, for records and keys that
  // go to the ranks owning them.
  virtual std::vector<std::string> Exchange(std::vector<std::string> to) = 0;
};

// The rank that owns blocking key (or value hash) `key` among `ranks` ranks: what OwnsBlock
// asks of this rank's.
int OwnerOf(uint64_t key, int ranks);

// Whether `partition` gives rank() the block of blocking key `key`; every block belongs to
// exactly one rank. True for every key when `partition` is null (a single process).
bool OwnsBlock(const Partition* partition, uint64_t key);

// The half-open share [begin, end) of `n` items (e.g. random pairs) that rank() takes.
std::pair<size_t, size_t> ShareOf(const Partition* partition, size_t n);

// The sum over the ranks of each rank's `counts` (of the same comparisons): the counts a single
// process would have made from all the ranks' pairs together. `counts` itself when `partition`
// is null.
PatternCounts SumPatterns(Partition* partition, const PatternCounts& counts);

// Every rank's `pairs` (each sorted by (left, right), the ranks' sets disjoint) merged into one
// vector sorted by (left, right). `pairs` itself when `partition` is null.
std::vector<ScoredPair> GatherScored(Partition* partition, std::vector<ScoredPair> pairs);

}  // namespace popreg::link
