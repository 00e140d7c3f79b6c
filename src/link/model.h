// The Fellegi-Sunter model: a prior and, per comparison, the probabilities m and u of each
// comparison level among matches and among non-matches (Fellegi and Sunter, "A Theory for Record
// Linkage", JASA 64, 1969). A pair's match weight is the log2 Bayes factor sum
//
//   weight = log2(lambda / (1 - lambda)) + sum over comparisons c of log2(m_c(l_c) / u_c(l_c))
//
// where l_c is the pair's level on comparison c, and its match probability is 1 / (1 + 2^-weight)
// (the posterior under conditional independence of the comparisons given the match status). The
// null level 0 carries no evidence: its term is 0. Term-frequency adjustment (Winkler) replaces
// u of an exact level by the frequency of the agreed value, so that agreeing on a common value says
// less than agreeing on a rare one.
//
// Models are plain values: copy them freely; a const Model may be read from any thread.
#pragma once

#include <cstddef>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "link/types.h"

namespace popreg::link {

// The smallest probability the model computes with. An m, u, lambda (or 1 - lambda) or value
// frequency below it is taken as kMinProbability, so that every weight is finite: one comparison
// contributes at most log2(1 / kMinProbability), about 39.9 bits, either way. A u of 0 (a level
// never seen among non-matches) thus gives a very strong but finite weight instead of infinity,
// and an m of 0 a strong but finite veto.
inline constexpr double kMinProbability = 1e-12;

// A value frequency that means "unknown" for TfAdjustedLevelWeight and friends (any frequency <= 0
// or NaN does).
inline constexpr double kNoFrequency = 0.0;

// The model of one comparison (one field, or one group of fields compared together).
struct ComparisonModel {
  // Names the comparison in explanations and in the model file ("surname", "birth_date").
  std::string name;
  // One label per level, index = Level. Level 0 is the null level ("null": a value missing on
  // either side) and carries no evidence; levels 1..n are the comparison's outcomes.
  std::vector<std::string> level_labels;
  // m[l] = P(level l | match) and u[l] = P(level l | non-match), for l >= 1, each a distribution
  // over the non-null levels 1..n (conditional on both values being present). m[0] and u[0] are
  // ignored (conventionally 0, which is what LoadModel and the estimators of em.h store).
  std::vector<double> m, u;
  // Per level: whether the level is term-frequency adjusted (TfAdjustedLevelWeight); usually only
  // the exact level. One entry per level; tf_adjust[0] is false.
  std::vector<bool> tf_adjust;

  // The number of levels, the null level included.
  size_t level_count() const { return level_labels.size(); }
};

// One term of an explanation: the prior, or what one comparison contributed to a pair's weight.
struct ExplanationTerm {
  // "prior" for the prior term, else the comparison's ComparisonModel::name.
  std::string name;
  // For the prior, "lambda = <lambda>"; else the level's label (ComparisonModel::level_labels).
  std::string label;
  Level level = 0;    // the pair's level on the comparison (0 for the prior)
  double weight = 0;  // the term's log2 Bayes factor (0 for the null level), or PriorWeight()
  bool tf_adjusted = false;  // true when the term is TfAdjustedLevelWeight with a known frequency
  double value_frequency = kNoFrequency;  // the frequency used when tf_adjusted
};

// A pair's weight as a list of terms that sum to it (the architecture's "(field, level,
// weight)" list).
struct Explanation {
  // terms[0] is the prior (Model::PriorWeight()), then one term per comparison in model order.
  std::vector<ExplanationTerm> terms;
  // terms[0].weight + terms[1].weight + ... + terms[n].weight, added in this order in double
  // arithmetic: the same bits as Model::Weight for the same levels and frequencies.
  double weight = 0;
  double probability = 0;  // Model::Probability(weight)
};

class Model {
 public:
  // The prior P(match) of the pairs the model scores: for a model of a whole comparison space,
  // the probability that a random pair is a match (see EstimateLambda in em.h). In (0, 1).
  double lambda = 0.5;
  // The comparisons, in the order of the level vectors the model scores.
  std::vector<ComparisonModel> comparisons;

  // log2(lambda / (1 - lambda)), lambda clamped to [kMinProbability, 1 - kMinProbability].
  double PriorWeight() const;

  // log2(m / u) of level `level` of comparison `comparison`, m and u clamped to at least
  // kMinProbability; 0 for the null level 0. Requires comparison < comparisons.size() and
  // level < its level_count() (asserted: levels come from code, see CheckShape for files).
  double LevelWeight(size_t comparison, Level level) const;

  // Term-frequency adjusted weight (Winkler, "Using the EM Algorithm for Weight Computation in the
  // Fellegi-Sunter Model of Record Linkage", 1988, and "Frequency-based matching in
  // Fellegi-Sunter model of record linkage", US Census Bureau RR 2000/06; as in Splink's "term
  // frequency adjustments"). When the pair agrees exactly on a value v whose relative frequency
  // among the records is f = value_frequency, two non-matching records agree on v with
  // probability about f^2 and two matching ones with about m * f, so the Bayes factor is
  // m * f / f^2 = m / f: u of the level is replaced by f and
  //
  //   TfAdjustedLevelWeight = max(log2(m / max(f, kMinProbability)),
  //                               LevelWeight(comparison, l) for 1 <= l < level)
  //                                                               when tf_adjust[level]
  //                         = LevelWeight(comparison, level)       otherwise.
  //
  // A common name (王伟) thus weighs less than a rare one (欧阳娜娜), but never less than the
  // weight of any less similar level of the comparison (levels 1..level-1): agreeing exactly is
  // at least as good a sign as agreeing by homophone. f is clamped to at most 1;
  // f <= 0 or NaN (kNoFrequency) means the frequency is unknown and gives LevelWeight. Same
  // requirements as LevelWeight.
  double TfAdjustedLevelWeight(size_t comparison, Level level, double value_frequency) const;

  // PriorWeight() plus the LevelWeight of every comparison, added in comparison order. Requires
  // levels.size() == comparisons.size() and every level in range (asserted).
  double Weight(std::span<const Level> levels) const;

  // Like Weight(levels), with TfAdjustedLevelWeight for comparison c using value_frequencies[c].
  // value_frequencies is empty (no adjustment) or has one entry per comparison (kNoFrequency
  // where there is none).
  double Weight(std::span<const Level> levels, std::span<const double> value_frequencies) const;

  // 1 / (1 + 2^-weight): the posterior match probability of a weight; 0 and 1 at the extremes.
  static double Probability(double weight);

  // The weight of a pair as the prior term plus one term per comparison, with the same
  // arguments and requirements as Weight(levels, value_frequencies) and a total weight bit for
  // bit equal to it.
  Explanation Explain(std::span<const Level> levels,
                      std::span<const double> value_frequencies = {}) const;

  // OK when the model is well formed: lambda in (0, 1); at least one comparison; names non-empty
  // and distinct; per comparison 2 to 256 levels with as many labels, m, u and tf_adjust entries;
  // m and u in [0, 1] on levels >= 1 (not NaN); tf_adjust[0] false.
  // Otherwise kInvalidArgument naming the field, e.g. "comparisons[1].m[2]: 1.5 is not a
  // probability in [0, 1]".
  Status Validate() const;

  // OK when the model has exactly level_counts.size() comparisons and comparison c has
  // level_counts[c] levels (the null level included), as the comparison code that produces the
  // level vectors expects; otherwise kInvalidArgument naming the first comparison that differs.
  // Call it before scoring with a model read from a file.
  Status CheckShape(std::span<const size_t> level_counts) const;
};

// The model as a JSON document (pretty-printed, doubles written so that they read back exactly):
//
//   {"format": "popreg-link-model", "version": 1, "lambda": 0.0001,
//    "comparisons": [{"name": "surname", "levels": [
//        {"label": "null"},
//        {"label": "exact", "m": 0.95, "u": 0.01, "tf_adjust": true},
//        {"label": "else", "m": 0.05, "u": 0.99}]}]}
//
// The null level (levels[0]) has only a label. "tf_adjust" defaults to false (and is written only
// when true). Requires a valid model (Validate); an invalid one is written as it is.
std::string ModelToJson(const Model& model);

// Parses a model written by ModelToJson (or by hand). `source` names the document in error
// messages (a path, or "<string>"). Fails with kInvalidArgument naming the source and the field
// ("model.json: comparisons[0].levels[2].m: 1.5 is not a probability in [0, 1]") when the text is
// not JSON, a field is missing or has the wrong type, an unknown field is present (a typo would
// otherwise be ignored), "format" or "version" (both optional) are not the ones above, the null
// level has m, u or tf_adjust, or the model does not pass Model::Validate.
Result<Model> ModelFromJson(std::string_view json, std::string_view source = "<string>");

// Validates the model and writes ModelToJson(model) to `path` atomically
// (Env::WriteFileAtomic: the file holds the old model or the new one, never a mix).
Status SaveModel(const Model& model, const std::string& path);

// Reads and parses the model file at `path`: kNotFound when there is no such file, kIoError when
// it cannot be read, kInvalidArgument as for ModelFromJson with the path as source.
Result<Model> LoadModel(const std::string& path);

}  // namespace popreg::link
