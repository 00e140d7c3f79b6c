#include "link/em.h"

#include <fmt/format.h>

#include <algorithm>
#include <bit>
#include <cassert>
#include <cmath>
#include <numeric>
#include <utility>

namespace popreg::link {
namespace {

// OK when `counts` can be read with `model`: same number of comparisons, every level in range,
// counts finite and non-negative.
Status CheckCounts(const PatternCounts& counts, const Model& model, std::string_view what) {
  RETURN_IF_ERROR(model.Validate());
  if (counts.comparisons != model.comparisons.size()) {
    return InvalidArgument(fmt::format("{}: patterns of {} comparisons for a model of {}", what,
                                       counts.comparisons, model.comparisons.size()));
  }
  if (counts.levels.size() != counts.counts.size() * counts.comparisons) {
    return InvalidArgument(fmt::format("{}: {} levels for {} patterns of {} comparisons", what,
                                       counts.levels.size(), counts.counts.size(),
                                       counts.comparisons));
  }
  for (size_t i = 0; i < counts.size(); ++i) {
    if (!(counts.counts[i] >= 0.0) || !std::isfinite(counts.counts[i])) {
      return InvalidArgument(fmt::format("{}: pattern {} has count {}", what, i, counts.counts[i]));
    }
    const std::span<const Level> p = counts.Pattern(i);
    for (size_t c = 0; c < p.size(); ++c) {
      if (p[c] >= model.comparisons[c].level_count()) {
        return InvalidArgument(
            fmt::format("{}: pattern {} has level {} on comparison '{}', which has {} levels", what,
                        i, p[c], model.comparisons[c].name, model.comparisons[c].level_count()));
      }
    }
  }
  return Status::Ok();
}

// Per comparison and level, the summed counts of the patterns at that level.
std::vector<std::vector<double>> LevelTotals(const PatternCounts& counts, const Model& model) {
  std::vector<std::vector<double>> totals(model.comparisons.size());
  for (size_t c = 0; c < totals.size(); ++c)
    totals[c].assign(model.comparisons[c].level_count(), 0);
  for (size_t i = 0; i < counts.size(); ++i) {
    const std::span<const Level> p = counts.Pattern(i);
    for (size_t c = 0; c < p.size(); ++c) totals[c][p[c]] += counts.counts[i];
  }
  return totals;
}

// Sets m (or u) of every comparison to the smoothed level frequencies of `counts` (see EstimateU).
Result<Model> EstimateFromFrequencies(const PatternCounts& counts, Model model, bool set_m,
                                      std::string_view what) {
  RETURN_IF_ERROR(CheckCounts(counts, model, what));
  const std::vector<std::vector<double>> totals = LevelTotals(counts, model);
  for (size_t c = 0; c < model.comparisons.size(); ++c) {
    ComparisonModel& cm = model.comparisons[c];
    const std::vector<double>& t = totals[c];
    const double non_null = std::accumulate(t.begin() + 1, t.end(), 0.0);
    // No random pair at a non-null level is what a rarely agreeing comparison gives in a large
    // job (an agree-only home among ten million people: no two of a million random pairs share
    // one): the smoothing below then gives every level the same u. m needs its matches.
    if (!(non_null > 0) && set_m) {
      return InvalidArgument(fmt::format(
          "{}: no pair has a non-null level on comparison '{}'; nothing to estimate from", what,
          cm.name));
    }
    const double levels = static_cast<double>(t.size() - 1);
    std::vector<double>& p = set_m ? cm.m : cm.u;
    p[0] = 0.0;
    for (size_t l = 1; l < t.size(); ++l) p[l] = (t[l] + 1.0) / (non_null + levels);
  }
  return model;
}

// Raises every p[l], l >= 1, below `floor` to it and scales the others so that p[1..] still sums
// to 1. Requires floor * (p.size() - 1) < 1 and p[1..] summing to 1.
void ApplyFloor(std::vector<double>& p, double floor) {
  std::vector<bool> fixed(p.size(), false);
  for (bool changed = true; changed;) {
    changed = false;
    double fixed_mass = 0, free_mass = 0;
    for (size_t l = 1; l < p.size(); ++l) {
      if (!fixed[l] && p[l] < floor) {
        fixed[l] = true;
        changed = true;
      }
      if (fixed[l]) {
        fixed_mass += floor;
      } else {
        free_mass += p[l];
      }
    }
    if (!changed) break;
    const double scale = free_mass > 0 ? (1.0 - fixed_mass) / free_mass : 0.0;
    for (size_t l = 1; l < p.size(); ++l) p[l] = fixed[l] ? floor : p[l] * scale;
  }
}

// ln of a probability, clamped as the model's weights are.
double LogP(double p) { return std::log(std::max(p, kMinProbability)); }

// The E-step: for every pattern the posterior match probability g[i]; returns the
// log-likelihood of the counts.
double ExpectationStep(const PatternCounts& counts, const Model& model,
                       const std::vector<bool>& used, std::vector<double>& g) {
  std::vector<std::vector<double>> log_m(model.comparisons.size());
  std::vector<std::vector<double>> log_u(model.comparisons.size());
  for (size_t c = 0; c < model.comparisons.size(); ++c) {
    const ComparisonModel& cm = model.comparisons[c];
    for (size_t l = 0; l < cm.level_count(); ++l) {
      log_m[c].push_back(LogP(cm.m[l]));
      log_u[c].push_back(LogP(cm.u[l]));
    }
  }
  const double log_lambda = LogP(model.lambda);
  const double log_not_lambda = LogP(1.0 - model.lambda);
  g.assign(counts.size(), 0.0);
  double log_likelihood = 0;
  for (size_t i = 0; i < counts.size(); ++i) {
    const std::span<const Level> p = counts.Pattern(i);
    double a = log_lambda, b = log_not_lambda;  // ln(lambda P(p|M)), ln((1-lambda) P(p|U))
    for (size_t c = 0; c < p.size(); ++c) {
      if (p[c] == 0 || !used[c]) continue;
      a += log_m[c][p[c]];
      b += log_u[c][p[c]];
    }
    const double hi = std::max(a, b);
    const double log_total = hi + std::log(std::exp(a - hi) + std::exp(b - hi));
    g[i] = std::exp(a - log_total);
    log_likelihood += counts.counts[i] * log_total;
  }
  return log_likelihood;
}

}  // namespace

double PatternCounts::Total() const { return std::accumulate(counts.begin(), counts.end(), 0.0); }

PatternCounter::PatternCounter(size_t comparisons)
    : PatternCounter(ForLevelCounts(std::vector<size_t>(comparisons, 256))) {}

PatternCounter PatternCounter::ForLevelCounts(std::vector<size_t> level_counts) {
  PatternCounter counter;
  counter.level_counts_ = std::move(level_counts);
  counter.shifts_.assign(counter.level_counts_.size(), 0);
  unsigned bits = 0;
  for (size_t c = counter.level_counts_.size(); c-- > 0;) {
    assert(counter.level_counts_[c] >= 1 && counter.level_counts_[c] <= 256);
    counter.shifts_[c] = bits;
    bits += static_cast<unsigned>(std::bit_width(counter.level_counts_[c] - 1));
    if (bits > 64) counter.packed_ = false;
  }
  return counter;
}

PatternCounter PatternCounter::ForModel(const Model& model) {
  std::vector<size_t> level_counts;
  for (const ComparisonModel& c : model.comparisons) level_counts.push_back(c.level_count());
  return ForLevelCounts(std::move(level_counts));
}

uint64_t PatternCounter::Pack(std::span<const Level> levels) const {
  uint64_t key = 0;
  for (size_t c = 0; c < levels.size(); ++c) key |= uint64_t{levels[c]} << shifts_[c];
  return key;
}

void PatternCounter::Add(std::span<const Level> levels, double count) {
  assert(levels.size() == level_counts_.size());
#ifndef NDEBUG
  for (size_t c = 0; c < levels.size(); ++c) assert(levels[c] < level_counts_[c]);
#endif
  total_ += count;
  if (packed_) {
    packed_counts_[Pack(levels)] += count;
  } else {
    wide_counts_[std::string(levels.begin(), levels.end())] += count;
  }
}

void PatternCounter::Merge(const PatternCounter& other) {
  if (level_counts_.empty() && distinct() == 0 && total_ == 0) {
    level_counts_ = other.level_counts_;
    shifts_ = other.shifts_;
    packed_ = other.packed_;
  }
  assert(other.level_counts_ == level_counts_);
  total_ += other.total_;
  for (const auto& [key, count] : other.packed_counts_) packed_counts_[key] += count;
  for (const auto& [key, count] : other.wide_counts_) wide_counts_[key] += count;
}

size_t PatternCounter::distinct() const {
  return packed_ ? packed_counts_.size() : wide_counts_.size();
}

PatternCounts PatternCounter::Counts() const {
  const size_t n = level_counts_.size();
  std::vector<std::pair<std::vector<Level>, double>> rows;
  rows.reserve(distinct());
  for (const auto& [key, count] : packed_counts_) {
    std::vector<Level> levels(n);
    for (size_t c = 0; c < n; ++c) {
      const uint64_t mask = (uint64_t{1} << std::bit_width(level_counts_[c] - 1)) - 1;
      levels[c] = static_cast<Level>((key >> shifts_[c]) & mask);
    }
    rows.emplace_back(std::move(levels), count);
  }
  for (const auto& [key, count] : wide_counts_) {
    rows.emplace_back(std::vector<Level>(key.begin(), key.end()), count);
  }
  // std::lexicographical_compare spelled out: g++ 12 at -O3 warns falsely (stringop-overread) on
  // the memcmp it generates for vector<uint8_t>::operator<.
  std::sort(rows.begin(), rows.end(), [](const auto& a, const auto& b) {
    for (size_t c = 0; c < a.first.size() && c < b.first.size(); ++c) {
      if (a.first[c] != b.first[c]) return a.first[c] < b.first[c];
    }
    return a.first.size() < b.first.size();
  });
  PatternCounts out;
  out.comparisons = n;
  out.levels.reserve(rows.size() * n);
  out.counts.reserve(rows.size());
  for (const auto& [levels, count] : rows) {
    out.levels.insert(out.levels.end(), levels.begin(), levels.end());
    out.counts.push_back(count);
  }
  return out;
}

Result<Model> EstimateU(const PatternCounts& random_pairs, Model model) {
  return EstimateFromFrequencies(random_pairs, std::move(model), /*set_m=*/false,
                                 "estimating u from random pairs");
}

Result<Model> EstimateMFromLabels(const PatternCounts& matching_pairs, Model model) {
  return EstimateFromFrequencies(matching_pairs, std::move(model), /*set_m=*/true,
                                 "estimating m from labelled matches");
}

Result<Model> EstimateUWithoutMatches(const PatternCounts& random_pairs, Model model, int rounds) {
  constexpr std::string_view kWhat = "estimating u without the matches among random pairs";
  RETURN_IF_ERROR(CheckCounts(random_pairs, model, kWhat));
  if (rounds < 1) return InvalidArgument(fmt::format("{}: rounds {} < 1", kWhat, rounds));
  const std::vector<bool> used(model.comparisons.size(), true);
  std::vector<double> g;
  PatternCounts non_matches = random_pairs;
  for (int round = 0; round < rounds; ++round) {
    ExpectationStep(random_pairs, model, used, g);
    for (size_t i = 0; i < random_pairs.size(); ++i) {
      non_matches.counts[i] = random_pairs.counts[i] * (1.0 - g[i]);
    }
    // A comparison whose every random pair is taken for a match gets the same u for every
    // level (as in EstimateU). Should the weighted counts not pass the check (posteriors that are
    // not numbers), the u of the round before stands.
    Result<Model> next = EstimateFromFrequencies(non_matches, model, /*set_m=*/false, kWhat);
    if (!next.ok()) break;
    model = *std::move(next);
  }
  return model;
}

Result<Model> TrainEm(const PatternCounts& candidate_pairs, Model init, const EmOptions& options,
                      EmReport* report) {
  constexpr std::string_view kWhat = "EM training";
  RETURN_IF_ERROR(CheckCounts(candidate_pairs, init, kWhat));
  if (!(options.m_pseudo_count >= 0)) {
    return InvalidArgument(
        fmt::format("{}: m_pseudo_count {} must be >= 0", kWhat, options.m_pseudo_count));
  }
  if (options.max_iterations < 0 || !(options.tolerance >= 0)) {
    return InvalidArgument(fmt::format("{}: max_iterations ({}) and tolerance ({}) must be >= 0",
                                       kWhat, options.max_iterations, options.tolerance));
  }
  size_t max_levels = 0;
  for (const ComparisonModel& c : init.comparisons)
    max_levels = std::max(max_levels, c.level_count());
  if (!(options.min_probability > 0 &&
        options.min_probability * static_cast<double>(max_levels - 1) < 1.0)) {
    return InvalidArgument(fmt::format("{}: min_probability {} is not in (0, 1/{})", kWhat,
                                       options.min_probability, max_levels - 1));
  }
  std::vector<bool> used(init.comparisons.size(), true);
  for (size_t c : options.ignored_comparisons) {
    if (c >= used.size()) {
      return InvalidArgument(
          fmt::format("{}: ignored comparison {} of a model of {}", kWhat, c, used.size()));
    }
    used[c] = false;
  }
  const double total = candidate_pairs.Total();
  if (!(total > 0)) return InvalidArgument(fmt::format("{}: no pairs to train on", kWhat));

  Model model = std::move(init);
  EmReport r;
  std::vector<double> g;
  std::vector<std::vector<double>> match_mass(model.comparisons.size());
  std::vector<std::vector<double>> non_match_mass(model.comparisons.size());
  for (int iteration = 0; iteration < options.max_iterations; ++iteration) {
    r.log_likelihood_history.push_back(ExpectationStep(candidate_pairs, model, used, g));

    // M-step: expected counts of each level in each class.
    double matched = 0;
    for (size_t c = 0; c < model.comparisons.size(); ++c) {
      match_mass[c].assign(model.comparisons[c].level_count(), 0.0);
      non_match_mass[c].assign(model.comparisons[c].level_count(), 0.0);
    }
    for (size_t i = 0; i < candidate_pairs.size(); ++i) {
      const double n = candidate_pairs.counts[i];
      const double nm = n * g[i], nu = n * (1.0 - g[i]);
      matched += nm;
      const std::span<const Level> p = candidate_pairs.Pattern(i);
      for (size_t c = 0; c < p.size(); ++c) {
        match_mass[c][p[c]] += nm;
        non_match_mass[c][p[c]] += nu;
      }
    }
    double change = 0;
    // Replaces the distribution `p` by the normalised non-null `mass` (kept when it is all 0).
    // `pseudo` is added to the mass of every level above "else" first.
    auto update = [&](std::vector<double>& p, const std::vector<double>& mass, double pseudo) {
      const double sum = std::accumulate(mass.begin() + 1, mass.end(), 0.0);
      if (!(sum > 0)) return;
      const double smoothed = sum + pseudo * static_cast<double>(p.size() - 2);
      std::vector<double> next(p.size(), 0.0);
      for (size_t l = 1; l < p.size(); ++l) next[l] = (mass[l] + (l >= 2 ? pseudo : 0)) / smoothed;
      ApplyFloor(next, options.min_probability);
      for (size_t l = 1; l < p.size(); ++l) change = std::max(change, std::abs(next[l] - p[l]));
      next[0] = p[0];
      p = std::move(next);
    };
    for (size_t c = 0; c < model.comparisons.size(); ++c) {
      if (!used[c]) continue;
      update(model.comparisons[c].m, match_mass[c], options.m_pseudo_count);
      if (!options.fix_u) update(model.comparisons[c].u, non_match_mass[c], 0);
    }
    if (!options.fix_lambda) {
      const double next =
          std::clamp(matched / total, options.min_probability, 1.0 - options.min_probability);
      change = std::max(change, std::abs(next - model.lambda));
      model.lambda = next;
    }
    r.iterations = iteration + 1;
    r.max_change = change;
    if (change <= options.tolerance) {
      r.converged = true;
      break;
    }
  }
  r.log_likelihood = ExpectationStep(candidate_pairs, model, used, g);
  r.log_likelihood_history.push_back(r.log_likelihood);
  if (report != nullptr) *report = std::move(r);
  return model;
}

double EstimateLambda(int64_t deterministic_matches, int64_t total_comparisons_space,
                      double recall_of_rules) {
  assert(deterministic_matches >= 0);
  assert(total_comparisons_space > 0);
  assert(recall_of_rules > 0 && recall_of_rules <= 1);
  const double lambda = static_cast<double>(deterministic_matches) / recall_of_rules /
                        static_cast<double>(total_comparisons_space);
  return std::clamp(lambda, kMinProbability, 1.0 - kMinProbability);
}

}  // namespace popreg::link
