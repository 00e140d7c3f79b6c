// A linkage job: the configuration (a TOML file) and the run from record sets to scored pairs,
// one-to-one links or clusters. Reading and writing files is the caller's (cli/) business.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "base/status.h"
#include "link/blocking.h"
#include "link/comparison.h"
#include "link/em.h"
#include "link/model.h"
#include "link/partition.h"
#include "link/record_set.h"
#include "link/types.h"

namespace popreg::link {

// A column of the input files and how to normalise it.
struct FieldConfig {
  std::string name;
  std::string column;  // the header of the input column (default: name)
  Normalizer normalizer = Normalizer::kText;
};

struct ComparisonConfig {
  std::string field;
  std::vector<std::string> levels;  // most similar first, without "else"
  bool tf = false;
  // Disagreement is not evidence: a pair no level holds for scores as if a value were missing.
  // For fields two records of one person often spell differently (an address's free text).
  bool agree_only = false;
};

// A blocking or training rule: records agree on every key ("field", "field.first3", ...).
using RuleConfig = std::vector<std::string>;

struct LinkSpec {
  std::string config_path;  // the TOML file; relative paths below are resolved against its folder
  std::string left, right;  // input files; right is empty for deduplication
  // The id of a record: one column, or several joined with '/' (e.g. card_no/person_no); "@row"
  // stands for the record's 1-based row among the data rows.
  std::vector<std::string> id_columns;
  std::string as_of;  // YYYY-MM-DD: the reference date for ID birth dates (optional)
  std::vector<FieldConfig> fields;
  std::vector<ComparisonConfig> comparisons;
  std::vector<RuleConfig> blocking;
  // Residual blocking (linking two sets only): rules that pair only the records `settled_by`
  // leaves unsettled. A record is settled when a record of the other side agrees with it on every
  // key of settled_by (the ID number and the name, say): its match is in hand, so the rules that
  // look for the matches of the others (a name's pinyin and the birth year, whose blocks span a
  // whole city and grow with the square of its population) need not pair it with anyone. They
  // run after `blocking` (each pair once, as ever) and the report names them "(unsettled)".
  // residual_sides says whose settled records they leave out: "both", or only "left" or "right"
  // (keep every record of the other side a candidate, e.g. for a rule that a rival candidate must
  // be able to veto a link). Empty residual_blocking: none.
  std::vector<RuleConfig> residual_blocking;
  RuleConfig settled_by;
  std::string residual_sides = "both";
  int64_t max_block_pairs = 10'000'000;
  int64_t max_total_pairs = 500'000'000;
  // Training.
  uint64_t seed = 1;
  // u is estimated from random pairs (see Train in job.cc and docs/linkage.md): all pairs of the
  // job when there are at most u_pairs of them (exact); otherwise pairs drawn in rounds, the
  // first of kFirstURound pairs and each as large as all earlier ones together, a comparison
  // taking part until each of its non-null levels has been seen u_min_count times among the
  // pairs it compared (a relative standard error of its u of at most 1 / sqrt(u_min_count)),
  // and no comparison more than u_pairs pairs. u_pairs is thus the most random pairs; 0 for
  // u_min_count has every comparison compare u_pairs pairs (no early stop).
  int64_t u_pairs = 1'000'000;
  int64_t u_min_count = 100;
  // Pseudo-counts per level of m in EM (EmOptions::m_pseudo_count): a level none of a small
  // job's few matches showed is "rarer than 1 in a few dozen", not impossible.
  double m_pseudo_count = 1;
  std::vector<RuleConfig> deterministic;  // pairs agreeing on all keys of a rule are matches
  double deterministic_recall = 0.8;      // the share of true matches those rules find
  std::vector<RuleConfig> em_rules;       // one EM session per rule
  int max_iterations = 50;
  std::string model_in;  // load this model instead of training
  // A model given in memory, used instead of training (wins over model_in); it must have the
  // spec's comparisons in order, with their levels.
  std::optional<Model> model;
  std::string model_out;  // save the trained model here
  // Output.
  double threshold = 0.5;  // match probability of an accepted link
  bool one_to_one = true;
  // LinkResult::scored holds every candidate pair with its score; when false only what the
  // assignment or the clustering reads: the pairs at or above the threshold when linking; the
  // pairs of two records joined by such pairs when deduplicating (found by blocking twice). The
  // links and clusters are the same either way; memory then no longer grows with the candidate
  // pairs (a million records' 200 million pairs were 24 bytes each).
  bool keep_all_scored = true;
  int threads = 0;
  // A run spread over ranks (partition.h), or null for a single process. Every rank runs the
  // job on the same records and gets the single process's result.
  Partition* partition = nullptr;
  // With more than one rank: the sets given to RunLink are this rank's shares of the inputs
  // (consecutive rows, rank 0's first, divide.h), not all of them. The ranks then send each
  // record to the ranks owning its blocks, and the result's record indices are the inputs'
  // (global) rows. RunLink empties the shares' fields once it has sent them and trained the
  // model (their ids stay).
  bool divided = false;

  bool dedupe() const { return right.empty(); }
};

// Reads and checks a TOML configuration. Errors name the file and the key (and the line where
// toml++ reports one).
Result<LinkSpec> ParseLinkSpec(const std::string& path);

// The size of the first round of random pairs for u (see LinkSpec::u_pairs).
inline constexpr int64_t kFirstURound = 1 << 15;

// The comparisons of `spec` bound to the fields of `set`.
Result<std::vector<Comparison>> BindComparisons(const LinkSpec& spec, const RecordSet& set);

// Called with (stage, units just done, total units of the stage; 0 when unknown) as the run
// proceeds; the first call of a stage comes from the calling thread with 0 units, later ones may
// come from worker threads. May be empty.
using Progress = std::function<void(std::string_view stage, int64_t done, int64_t total)>;

struct LinkResult {
  Model model;
  std::vector<Comparison> comparisons;
  BlockingReport blocking;
  std::vector<EmReport> em;
  // Per comparison, the random pairs its u was estimated from (empty when a model was given).
  std::vector<int64_t> u_pairs;
  int64_t candidate_pairs = 0;
  // Every candidate pair with its score (see LinkSpec::keep_all_scored), sorted by (left, right).
  std::vector<ScoredPair> scored;
  std::vector<ScoredPair> accepted;  // links (one-to-one when asked) or within-cluster pairs
  std::vector<uint32_t> clusters;    // deduplication: a cluster id per record
  // On divided records, per rank the records (of both sides) it worked on: those of the blocks
  // it owns. Empty otherwise.
  std::vector<int64_t> records_held;
};

// Runs the job on `left` and `right` (nullptr: deduplicate `left`): term frequencies, blocking,
// comparison levels, training (u from random pairs, lambda from the deterministic rules, m by EM
// per rule) unless a model is given, scoring, then one-to-one assignment or clustering.
// Deterministic for a seed whatever the thread count, and the same whatever the ranks of
// spec.partition: they share the random pairs for u and the candidate pairs (by block), sum their
// pattern counts and gather their scored pairs, then each assigns or clusters all of them. On
// divided records (LinkSpec::divided) each rank first sends every record of its shares to the
// ranks owning one of its blocks and works on the records it receives (divide.h).
Result<LinkResult> RunLink(const LinkSpec& spec, RecordSet* left, RecordSet* right,
                           const Progress& progress);

// The levels of one pair.
std::vector<Level> PairLevels(const std::vector<Comparison>& comparisons, const RecordSet& left,
                              RecordIndex l, const RecordSet& right, RecordIndex r);

}  // namespace popreg::link
