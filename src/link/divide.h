// The records of a spread run divided among its ranks (LinkSpec::divided): each rank reads and
// normalises a share of each input (consecutive rows, rank 0's first), and the records go where
// they are compared. What a single process computes from all records at once is put together
// from the shares: term frequencies summed by value, whether a record is settled (a record of
// the other side shares its settled_by key) decided by the key's owner, each record sent to the
// ranks that own one of its blocking keys, and the random pairs of u fetched from their home
// ranks. Every rank then holds the records of the blocks it owns, and RunLink (job.h) works on
// those as it would on all of them.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "base/status.h"
#include "link/partition.h"
#include "link/record_set.h"

namespace popreg::link {

// Where the rows of one input are: rank r holds rows [offset[r], offset[r + 1]) of it, as its
// share's rows 0, 1, ...
struct Shares {
  std::vector<uint64_t> offset;  // size() + 1 entries
  uint64_t total() const { return offset.back(); }
  // The rank holding global row `row`.
  int Home(uint64_t row) const;
};

// Every rank's share of an input of which this rank holds `mine` rows (collective).
Shares GatherShares(Partition& partition, size_t mine);

// The rows `rows` of `set` (every field's normalised value and what is derived from it: number,
// pinyin, readings, term frequency) as bytes for another rank, each with its global index
// `first + rows[i]` and its byte of `flags` (0 when `flags` is empty).
std::string EncodeRows(const RecordSet& set, std::span<const RecordIndex> rows, uint64_t first,
                       std::span<const char> flags);

// Records decoded from EncodeRows' messages, in message order.
struct DecodedRows {
  RecordSet set;                // the fields of `like`, no ids
  std::vector<uint64_t> index;  // per record, its global index
  std::vector<char> flags;      // per record, its flag (0 when none were sent)
};
DecodedRows DecodeRows(const RecordSet& like, std::span<const std::string> messages);

// Fills FieldColumn::frequency of the fields `fields` of the shares `left` and `right` (null
// when deduplicating) with the relative frequencies of their values among all ranks' shares,
// as ComputeTermFrequencies would from all the records (collective; the same doubles).
void SpreadTermFrequencies(Partition& partition, RecordSet* left, RecordSet* right,
                           std::span<const int> fields);

// For each key of `keys` (this rank's records of one side; kNoKey for none), whether some record
// of the other side on any rank has it, given this rank's `other` (the other side's keys):
// SharedKeys of a single process over all the records (collective). Returns the flags of `keys`
// and of `other`.
std::pair<std::vector<char>, std::vector<char>> SpreadSharedKeys(Partition& partition,
                                                                 std::span<const uint64_t> keys,
                                                                 std::span<const uint64_t> other);

// Sends each record of `share` (rows [shares.offset[rank], ...) of its input) to the ranks that
// own one of its `keys` (per rule, a key per record of the share) and returns the records this
// rank receives, in the order of their global index, with their `flags` (collective).
DecodedRows Route(Partition& partition, const RecordSet& share, const Shares& shares,
                  std::span<const std::vector<uint64_t>> keys, std::span<const char> flags);

// The records with global indices `wanted` (sorted, distinct) of the input whose shares are
// `shares` and of which this rank holds `share`, fetched from their ranks (collective).
RecordSet Fetch(Partition& partition, const RecordSet& share, const Shares& shares,
                std::span<const uint64_t> wanted);

}  // namespace popreg::link
