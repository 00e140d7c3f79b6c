// A comparison run (`popreg compare`): the register against the departments' latest imports,
// every discrepancy of the exchange spec (shared/spec/exchange-format.md, "A comparison and what
// it finds"), decided between types by the spec's rules 1-7 (recon/rules.h), each with the
// evidence it rests on and a proposal in words.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "base/cancel.h"
#include "base/date.h"
#include "base/status.h"
#include "link/job.h"
#include "recon/counts.h"
#include "recon/learn.h"
#include "recon/sources.h"
#include "store/store.h"

namespace popreg::recon {

struct CompareOptions {
  Date as_of;
  Date since;
  std::string area;         // keep only items whose community code starts with this; empty = all
  int threads = 0;          // 0 = all cores
  link::Progress progress;  // may be empty
  // Polled between the linkage jobs and before saving: when set the run stops with Cancelled
  // and the store keeps what it had (base/cancel.h). May be null.
  const CancelFlag* cancel = nullptr;
  // Refine each linkage job with the reviewers' decisions (learn.h). RunComparison fills
  // `labels` from the store's approved, applied and rejected items; Compare uses them as given.
  bool learn = false;
  std::vector<ReviewLabel> labels;
  // The ranks of a run spread over processes (link/partition.h), or null: every rank compares
  // (the linkage jobs' pairs shared among them) and gets the whole result; only rank 0 saves.
  link::Partition* partition = nullptr;
};

// How one source linked to the register, for the summary.
struct LinkSummary {
  std::string name;  // e.g. "police_population -> register"
  int64_t left = 0, right = 0, candidate_pairs = 0, links = 0;
  double lambda = 0;
  // With --learn: the labels the job's model learnt from, those that could not be placed (a
  // person merged away, an older import), and the threshold before and after.
  bool learned = false;
  int64_t label_matches = 0, label_non_matches = 0, labels_skipped = 0;
  double threshold_before = 0, threshold = 0;
};

struct CompareResult {
  std::vector<store::Discrepancy> items;  // ordered by type (spec order), community, identity
  std::vector<LinkSummary> links;
  // Items per type (spec order) and per community and type.
  std::map<std::string, int64_t> by_type;
  std::map<std::string, std::map<std::string, int64_t>> by_community;
  // What each department's file says per community (counts.h), for `popreg stats`; counted for
  // the whole store whatever CompareOptions::area keeps.
  SourceCounts counts;
  // The summary as JSON (for the store's comparisons.summary_json), the counts under
  // "statistics".
  std::string SummaryJson() const;
};

// Compares `inputs` as of `options.as_of`. Pure: reads nothing but its arguments.
Result<CompareResult> Compare(const Inputs& inputs, const CompareOptions& options);

// What `popreg compare` prints and the store keeps.
struct RunResult {
  CompareResult compare;
  store::SaveComparisonResult saved;
};

// Loads the register and the latest import of each department from `store`, compares, and
// saves the comparison (items keep their identity across runs: store::SaveComparison).
// `started_by` is the user. Errors name what is missing ("the store has no register").
Result<RunResult> RunComparison(store::Store& store, const CompareOptions& options,
                                const std::string& started_by);

}  // namespace popreg::recon
