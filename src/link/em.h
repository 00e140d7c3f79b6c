// Training the Fellegi-Sunter model (model.h): u from random pairs, m by expectation-maximisation
// over aggregated level-vector counts (or from labelled matches), lambda from deterministic rules.
//
// Training never looks at pairs one by one: a set of pairs is reduced to its distinct level
// vectors ("patterns") and their counts (PatternCounter), which are few (at most the product of
// the level counts, in practice hundreds to thousands) however many pairs there are. Every
// function here is deterministic: the same counts give the same model bits.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <unordered_map>
#include <vector>

#include "base/status.h"
#include "link/model.h"
#include "link/types.h"

namespace popreg::link {

// Distinct level vectors and how many pairs have each, sorted by pattern (lexicographically).
struct PatternCounts {
  // The number of comparisons, i.e. the length of each pattern.
  size_t comparisons = 0;
  // The patterns, flattened: pattern i is levels[i * comparisons, (i + 1) * comparisons).
  std::vector<Level> levels;
  // counts[i] is the number (or total weight) of pairs with pattern i; one per pattern.
  std::vector<double> counts;

  // The number of distinct patterns.
  size_t size() const { return counts.size(); }
  // Pattern i. Requires i < size().
  std::span<const Level> Pattern(size_t i) const {
    return std::span<const Level>(levels).subspan(i * comparisons, comparisons);
  }
  // The sum of the counts.
  double Total() const;
};

// Aggregates level vectors into PatternCounts. Not thread-safe: give each thread (or each chunk of
// a ThreadPool loop) its own counter and Merge them. Counts of whole pairs are integers held in
// doubles, exact up to 2^53, so the result does not depend on the order of Add and Merge calls.
//
// A pattern is packed into one uint64 key (comparison 0 in the most significant bits, each with
// just enough bits for its level count) when all fit in 64 bits, which is the usual case (16
// comparisons of up to 16 levels); otherwise the key is a string of one byte per comparison.
class PatternCounter {
 public:
  // A counter of no comparisons, to be assigned or merged into (the first Merge into a counter
  // that has no comparisons and no counts gives it the shape of the other).
  PatternCounter() = default;
  // A counter for patterns of `comparisons` comparisons of up to 256 levels each (8 bits each
  // in a packed key: packed for up to 8 comparisons). ForModel packs tighter.
  explicit PatternCounter(size_t comparisons);
  // A counter for patterns of level_counts.size() comparisons, comparison c taking levels
  // 0 .. level_counts[c] - 1. Requires 1 <= level_counts[c] <= 256.
  static PatternCounter ForLevelCounts(std::vector<size_t> level_counts);
  // ForLevelCounts with the level counts of the comparisons of `model`.
  static PatternCounter ForModel(const Model& model);

  // Adds `count` pairs with pattern `levels`. Requires levels.size() == comparisons() and every
  // level in range (asserted: level vectors come from the comparison code).
  void Add(std::span<const Level> levels, double count = 1.0);

  // Adds every count of `other`, which must count the same comparisons (same level counts), unless
  // this counter is default-constructed and still empty.
  void Merge(const PatternCounter& other);

  size_t comparisons() const { return level_counts_.size(); }
  // The number of distinct patterns so far.
  size_t distinct() const;
  // The sum of the counts added so far.
  double total() const { return total_; }
  // True when patterns are packed into one uint64 (see above); for tests.
  bool packed() const { return packed_; }

  // The counts so far, sorted by pattern.
  PatternCounts Counts() const;

 private:
  uint64_t Pack(std::span<const Level> levels) const;

  std::vector<size_t> level_counts_;
  std::vector<unsigned> shifts_;  // bit position of comparison c in a packed key
  bool packed_ = true;
  double total_ = 0;
  std::unordered_map<uint64_t, double> packed_counts_;   // when packed_
  std::unordered_map<std::string, double> wide_counts_;  // otherwise
};

// u from random pairs: for each comparison c and non-null level l,
//
//   u_c(l) = (n_c(l) + 1) / (N_c + L_c)
//
// where n_c(l) is the count of random pairs at level l, N_c the count at any non-null level and
// L_c the number of non-null levels: the level frequencies among random pairs with add-one
// (Laplace) smoothing, so that a level never seen among the sample (an exact match of ID numbers
// in a million random pairs) gets a small positive u rather than 0, overestimating it by at most
// 1 / N_c. Random pairs stand in for non-matches, as matches are a negligible share of them
// (Fellegi and Sunter 1969; Splink's estimate_u_using_random_sampling). u[0] is set to 0; m and
// lambda are kept. A comparison with no random pair at a non-null level (an agree-only
// comparison of a rare value in a large job) gets the same u, 1 / L_c, for every non-null level.
// Fails with kInvalidArgument when the model is invalid or the counts do not fit it (number of
// comparisons, a level out of range, a negative count).
Result<Model> EstimateU(const PatternCounts& random_pairs, Model model);

// m from labelled matching pairs, by the same formula as EstimateU (level frequencies with
// add-one smoothing) applied to m. u and lambda are kept. The errors of EstimateU, and
// kInvalidArgument when a comparison has no labelled pair at a non-null level.
Result<Model> EstimateMFromLabels(const PatternCounts& matching_pairs, Model model);

// u from random pairs with the matches among them taken out. EstimateU takes random pairs for
// non-matches, which holds when matches are a negligible share of them; but in a job whose
// comparison space is small (a few thousand records on each side) or whose sample is large
// beside it, the sample holds about u_pairs * lambda true matches, and on an exact level of a
// near-unique identifier (an ID number) they outnumber the chance agreements by orders of
// magnitude: u of that level comes out close to lambda itself, and an exact ID then only
// cancels the prior. Here each pattern's count is weighted by its posterior probability of being
// a non-match under `model` (whose m is trained and whose lambda is the prior of a random pair of
// the comparison space, as EstimateLambda gives), and u is re-estimated from those weights with
// the same add-one smoothing as EstimateU:
//
//   u_c(l) = (sum_i n_i (1 - g_i) [level_c(i) = l] + 1) / (sum_i n_i (1 - g_i) [level_c(i) > 0] +
//   L_c)
//
// `rounds` times (each round's posteriors use the previous round's u; 2 or 3 suffice: lowering u
// of an agreeing level raises the posteriors of the patterns that agree on it). This is the
// M-step for u of EM over the random pairs with m and lambda held (Winkler 1988), so it cannot
// move u away from the non-match distribution when the sample holds no matches. m and lambda
// are kept. Same errors as EstimateU; requires rounds >= 1.
Result<Model> EstimateUWithoutMatches(const PatternCounts& random_pairs, Model model, int rounds);

struct EmOptions {
  // The most EM iterations (each one E-step and one M-step). 0 only evaluates the likelihood.
  int max_iterations = 50;
  // Converged when no updated parameter (m, u, lambda) moved by more than this in an iteration
  // (as Splink's em_convergence).
  double tolerance = 1e-6;
  // Keep u as given (estimated from random pairs): only m and lambda are trained. This is the
  // usual setting, and it keeps EM from converging to a split of the pairs other than
  // match/non-match.
  bool fix_u = true;
  // Keep lambda as given.
  bool fix_lambda = false;
  // Comparisons left out of the training: their parameters are not updated and their levels
  // are ignored in the likelihood (as Splink leaves out the comparisons of the blocking rule of
  // an EM session: every candidate pair of that rule agrees on them, so they say nothing there).
  std::vector<size_t> ignored_comparisons;
  // The floor of every trained probability (m, and u unless fixed) of a non-null level, and of
  // lambda and 1 - lambda. After each M-step a probability below it is raised to it and the others
  // of the comparison are scaled down so that the level distribution still sums to 1. Without it
  // a level that no pair in the current match class has (often a disagreement level early on)
  // would get m = 0 and then veto every match at that level forever: EM cannot move a parameter
  // away from 0. Requires 0 < min_probability < 1 / (number of levels).
  double min_probability = 1e-6;
  // Pseudo-counts added to every level of m above "else" (the agreement levels) in each M-step,
  // a Dirichlet prior on them (the MAP estimate of EM): m_c(l) = (expected matches at l +
  // m_pseudo_count) / (expected matches with c non-null + (L_c - 1) m_pseudo_count) for l >= 2,
  // "else" without one. With thousands of matches it changes nothing; in a job of a few dozen (a
  // month's death certificates) it keeps an agreement level that none of them happened to show
  // (a homophone typo of the name) from getting m at the floor, a weight of -5 to -20 bits that
  // no other evidence can outweigh, when all EM learned is that the level is rarer than 1 in a
  // few dozen among matches. "else" gets none: how often one person's records disagree outright
  // is what keeps namesakes apart, and a prior there would soften it in exactly the small jobs
  // where a false link costs most. Requires >= 0; 0 is plain maximum likelihood.
  double m_pseudo_count = 0;
};

struct EmReport {
  // Not set by TrainEm: the caller's name for the training session (e.g. its blocking rule).
  std::string session;
  int iterations = 0;      // EM iterations run
  bool converged = false;  // stopped because of `tolerance`, not `max_iterations`
  double max_change = 0;   // the largest parameter change of the last iteration
  // The log-likelihood (natural log) of the counts under the returned model:
  // sum over patterns of count * ln(lambda P(pattern | M) + (1 - lambda) P(pattern | U)).
  double log_likelihood = 0;
  // The log-likelihood before each iteration, then the final one (iterations + 1 entries).
  // Never decreases, as EM guarantees, unless min_probability binds.
  std::vector<double> log_likelihood_history;
};

// Fellegi-Sunter EM (Winkler, "Using the EM Algorithm for Weight Computation in the
// Fellegi-Sunter Model of Record Linkage", Proc. Section on Survey Research Methods, ASA, 1988;
// Jaro, "Advances in Record-Linkage Methodology as Applied to Matching the 1985 Census of Tampa,
// Florida", JASA 84, 1989). The pairs of `candidate_pairs` are taken as a two-class mixture, a
// share lambda of matches whose comparisons are independent with distributions m and the others
// independent with distributions u (conditional independence). Each iteration computes for every
// pattern the posterior probability g that its pairs match (E-step), then sets lambda to the
// count-weighted mean of g, m_c(l) to the share of level l among the matched weight g on
// comparison c, and u_c(l) likewise with 1 - g (M-step), then applies min_probability. The null
// level 0 is left out of the likelihood (treated as missing at random) and of the m and u
// distributions.
//
// lambda in `init` and in the result is the match share among the counted pairs. For blocked
// candidate pairs it is far larger than the prior of a random pair of the whole comparison space:
// set the model's lambda for scoring from EstimateLambda, or keep the EM one when scoring exactly
// these candidates is intended.
//
// `init` must put the matches on the side of the high weights (m above u on the agreeing levels),
// which decides which of the two classes EM calls "match"; deliberately rough values are fine.
// Deterministic (single-threaded; patterns in order). `report` may be null. Fails with
// kInvalidArgument when `init` is invalid, the counts do not fit it, their total is 0, or the
// options are out of range.
Result<Model> TrainEm(const PatternCounts& candidate_pairs, Model init, const EmOptions& options,
                      EmReport* report);

// The prior match probability of a random pair of the comparison space from deterministic rules:
//
//   lambda = deterministic_matches / recall_of_rules / total_comparisons_space
//
// where deterministic_matches is the number of pairs the rules accept (taken as matches),
// recall_of_rules the share of all true matches they are believed to find (so that matches /
// recall estimates the number of true matches) and total_comparisons_space the number of pairs
// of the linkage (n_left * n_right to link two files, n (n - 1) / 2 to deduplicate one); as
// Splink's estimate_probability_two_random_records_match. The result is clamped to
// [kMinProbability, 1 - kMinProbability]. Requires deterministic_matches >= 0,
// total_comparisons_space > 0 and 0 < recall_of_rules <= 1 (asserted: the caller validates
// configuration values).
double EstimateLambda(int64_t deterministic_matches, int64_t total_comparisons_space,
                      double recall_of_rules);

}  // namespace popreg::link
