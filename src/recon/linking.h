// How each source links to the register: one linkage job of the engine (src/link/) per source,
// each with its own fields, comparisons, blocking and training rules, trained on the data at hand
// (u from random pairs, the prior from deterministic rules, m by EM; no labels), and with
// LinkContext::labels refined by the reviewers' decisions (learn.h).
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <unordered_map>
#include <vector>

#include "base/date.h"
#include "base/status.h"
#include "base/thread_pool.h"
#include "link/job.h"
#include "link/model.h"
#include "link/record_set.h"
#include "recon/compare.h"
#include "recon/learn.h"
#include "recon/sources.h"
#include "store/store.h"

namespace popreg::recon {

inline constexpr int32_t kUnlinked = -1;

// The best candidate a record had when it was left unlinked, and why it fell short: for the
// reviewer who asks why a person was not found (and for `popreg discrepancies --format json`).
struct Candidate {
  int32_t other = kUnlinked;  // the register index or source record of the best candidate
  double probability = 0;     // of that pair
  // JSON: {"weight", "probability", "terms": [...], "why": "..."}, the pair's terms as for a link
  // and the reason in words ("below the threshold 0.5", "the candidate was linked to a better
  // pair", "a register child born before the window"); empty when there was no candidate at all.
  std::string explanation;
};

// The explanations of a job's links, per source record: each link keeps its pair's comparison
// levels and the term frequencies its weight used, and its JSON is built when asked. A million
// police links as JSON would hold about a gigabyte and take seconds to build, and a comparison
// reports a few percent of them.
class LinkExplanations {
 public:
  // The JSON of the link of source record `record`: {"weight", "probability", "terms": [{"field",
  // "level", "weight"}...] with the prior first, and "why" when the link has one}; "" when the
  // record is not linked.
  std::string operator[](size_t record) const;

  // For the jobs (linking.cc): starts over with `records` source records, none linked, whose
  // links `model` scores; `tf[c]` says whether comparison c's weight uses the value's frequency.
  void Reset(size_t records, link::Model model, std::vector<bool> tf);
  // Keeps the link of `record` (not kept before): its pair's level per comparison, the value
  // frequency per comparison (read where tf is set), and the reason it is a link when not the
  // usual one ("" otherwise).
  void Keep(size_t record, std::span<const link::Level> levels, std::span<const double> frequencies,
            std::string why = "");

 private:
  link::Model model_;
  std::vector<bool> tf_;
  size_t tf_count_ = 0;
  int32_t kept_ = 0;                              // links kept (slots used)
  std::vector<int32_t> slot_;                     // per source record: its link's slot, or -1
  std::vector<link::Level> levels_;               // per slot, one per comparison
  std::vector<double> frequency_;                 // per slot, one per tf comparison
  std::unordered_map<int32_t, std::string> why_;  // by slot: the few links that have one
};

// The links of one source to register persons: per source record, the register index (into
// RegisterColumns) it links to, or kUnlinked.
struct Links {
  std::vector<int32_t> to_register;
  std::vector<double> probability;  // of the link; 0 when unlinked
  LinkExplanations explanation;     // JSON of the link's terms; empty when unlinked
  // For the police list only: per unlinked source record its best register candidate, and per
  // unlinked register person (register index) its best source candidate.
  std::vector<Candidate> source_candidate;
  std::unordered_map<uint32_t, Candidate> register_candidate;
  LinkSummary summary;
};

// The register persons as the engine's records, each normalised once for every job. It starts
// with the alive persons (for the police list and duplicates), and ExtendToAllPersons appends
// the others (death evidence and births may name a person whose card is closed): the whole
// register is never held twice. index[i] is the register person of record i.
struct RegisterRecords {
  link::RecordSet set;
  std::vector<uint32_t> index;
  size_t alive = 0;  // the first `alive` records are the alive persons
  // Per register person, the mother's ID (the one raw field not in RegisterColumns); the fields
  // derived from the address (dwelling, township, home) are derived again for the rows built.
  TextColumn mothers;
};

// The alive persons' records. `mothers` is each register person's mother's ID (RegisterMothers,
// births.h).
Result<RegisterRecords> BuildAliveRecords(const store::RegisterColumns& reg, TextColumn mothers,
                                          const Date& as_of);
// Appends the persons who are not alive.
Status ExtendToAllPersons(const store::RegisterColumns& reg, const Date& as_of,
                          RegisterRecords* records);

// A column of value(i) for i in [0, n) (a std::string or a view), computed on every core
// (`threads`; 0 = all) in chunks joined in order: the column a loop would make.
template <typename F>
TextColumn ParallelColumn(size_t n, int threads, F value) {
  ThreadPool pool(threads);
  std::vector<TextColumn> parts = pool.ParallelChunks<TextColumn>(
      static_cast<int64_t>(n), 16384, [&](int64_t begin, int64_t end) {
        TextColumn part;
        part.reserve(static_cast<size_t>(end - begin));
        for (int64_t i = begin; i < end; ++i) part.push_back(value(static_cast<size_t>(i)));
        return part;
      });
  size_t bytes = 0;
  for (const TextColumn& p : parts) bytes += p.text_bytes();
  TextColumn out;
  out.reserve(n, bytes);
  for (const TextColumn& p : parts) out.Append(p);
  return out;
}

struct LinkContext {
  const store::RegisterColumns& reg;
  RegisterRecords* records;  // the jobs set their term frequencies on it, one job at a time
  Date as_of;
  Date since;  // the window's start: birth records describe children born in [since, as_of]
  int threads = 0;
  link::Progress progress;
  // The reviewers' decisions to learn from (learn.h), or nullptr: each job then keeps its
  // unsupervised model and threshold. The police list, death and duplicate jobs learn.
  const std::vector<ReviewLabel>* labels = nullptr;
  link::Partition* partition = nullptr;  // the ranks sharing the jobs' pairs, or null
};

// The police list to alive register persons, one to one, on ID number, name, birth date, sex,
// the mother's ID and the dwelling. `source_community` is each record's community code (its own,
// or resolved from its address).
Result<Links> LinkPolice(const LinkContext& ctx, const SourceTable& police,
                         const TextColumn& source_community);

// Death evidence (cremations or death certificates) to register persons of any status, one to
// one, on ID number, name, birth date, sex and the dwelling (community and building/unit/room)
// when the ID is missing or wrong. `source_community` is each record's community code as
// resolved from its address (empty when unknown).
Result<Links> LinkDeaths(const LinkContext& ctx, const SourceTable& deaths,
                         const TextColumn& source_community);

// Birth records (police births or vaccinations) to register persons of any status, one to one,
// on the mother's ID, the child's birth date and sex, the child's ID when the source has one, and
// the name (a vaccination's nickname or empty name lowers the weight but does not stop the link),
// found also by the dwelling (`source_community` is each record's community, given or resolved).
// The register side's mother is RegisterMothers (births.h).
Result<Links> LinkBirths(const LinkContext& ctx, const SourceTable& births,
                         const TextColumn& source_community);

// Pairs of alive register persons that are one human being, within a township (or anywhere with
// the same ID number), clustered without chaining. Each pair links two persons of one cluster.
struct DuplicatePair {
  uint32_t a = 0, b = 0;  // register indexes
  double probability = 0;
  std::string explanation;
};
struct Duplicates {
  std::vector<uint32_t> cluster;  // per register person; persons alone are their own cluster
  std::vector<DuplicatePair> pairs;
  LinkSummary summary;
};
Result<Duplicates> FindDuplicates(const LinkContext& ctx);

}  // namespace popreg::recon
