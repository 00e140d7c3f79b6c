#include "recon/learn.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <tuple>
#include <unordered_map>

namespace popreg::recon {
namespace {

bool IsMatch(const std::string& status) { return status == "approved" || status == "applied"; }

std::unordered_map<std::string, uint32_t> RegisterIndex(const store::RegisterColumns& reg) {
  std::unordered_map<std::string, uint32_t> index;
  index.reserve(reg.size());
  for (size_t i = 0; i < reg.size(); ++i) {
    index.emplace(fmt::format("{}/{}", reg.card_no[i], reg.person_no[i]), static_cast<uint32_t>(i));
  }
  return index;
}

}  // namespace

std::vector<ReviewLabel> LabelsFromItems(const std::vector<store::Discrepancy>& items) {
  // By pair: (type, source kind, import, row, key, key 2).
  using Key =
      std::tuple<std::string, std::string, store::ImportId, int64_t, std::string, std::string>;
  std::map<Key, ReviewLabel> by_pair;
  std::map<Key, bool> conflict;
  for (const store::Discrepancy& d : items) {
    const bool match = IsMatch(d.status);
    if (!match && d.status != "rejected") continue;
    if (d.type != "field_mismatch" && d.type != "unrecorded_death" &&
        d.type != "duplicate_in_register") {
      continue;
    }
    if (d.type != "duplicate_in_register" && (d.source_import_id == 0 || d.source_row == 0)) {
      continue;
    }
    const Key key{d.type,       d.source_kind,  d.source_import_id,
                  d.source_row, d.register_key, d.register_key_2};
    auto [it, added] = by_pair.try_emplace(key);
    ReviewLabel& l = it->second;
    if (added) {
      l.type = d.type;
      l.source_kind = d.source_kind;
      l.import_id = d.source_import_id;
      l.source_row = d.source_row;
      l.register_key = d.register_key;
      l.register_key_2 = d.register_key_2;
      l.match = match;
    } else if (l.match != match) {
      conflict[key] = true;
    }
    if (!d.field.empty()) l.selected.push_back(d.field);
  }
  std::vector<ReviewLabel> out;
  for (auto& [key, label] : by_pair) {
    if (!conflict.count(key)) out.push_back(std::move(label));
  }
  return out;
}

JobLabels LabelsForSource(const std::vector<ReviewLabel>& labels, const store::RegisterColumns& reg,
                          const SourceTable& source) {
  JobLabels out;
  const std::string kind(source.kind_name());
  std::unordered_map<std::string, uint32_t> persons;
  std::unordered_map<int64_t, uint32_t> record_of_row;
  for (const ReviewLabel& l : labels) {
    if (l.source_kind != kind || l.type == "duplicate_in_register") continue;
    if (l.import_id != source.import_id) {
      ++out.old_import;
      continue;
    }
    if (persons.empty()) persons = RegisterIndex(reg);
    if (record_of_row.empty()) {
      for (size_t i = 0; i < source.size(); ++i) {
        record_of_row.emplace(source.rows[i], static_cast<uint32_t>(i));
      }
    }
    const auto p = persons.find(l.register_key);
    const auto r = record_of_row.find(l.source_row);
    if (p == persons.end()) {
      ++out.gone;
      continue;
    }
    if (r == record_of_row.end()) continue;  // not a record of the import (cannot happen)
    out.pairs.push_back({p->second, r->second, l.match, l.selected});
  }
  return out;
}

JobLabels LabelsForDuplicates(const std::vector<ReviewLabel>& labels,
                              const store::RegisterColumns& reg) {
  JobLabels out;
  std::unordered_map<std::string, uint32_t> persons;
  for (const ReviewLabel& l : labels) {
    if (l.type != "duplicate_in_register") continue;
    if (persons.empty()) persons = RegisterIndex(reg);
    const auto a = persons.find(l.register_key), b = persons.find(l.register_key_2);
    // An applied duplicate removed one of its two cards: the pair is gone with it.
    if (a == persons.end() || b == persons.end()) {
      ++out.gone;
      continue;
    }
    out.pairs.push_back({a->second, b->second, l.match, l.selected});
  }
  return out;
}

link::Model UpdateM(const link::Model& em, const std::vector<LabelledPair>& pairs, double k) {
  link::Model out = em;
  for (size_t c = 0; c < out.comparisons.size(); ++c) {
    link::ComparisonModel& cm = out.comparisons[c];
    std::vector<double> n(cm.level_count(), 0.0);
    double total = 0;
    for (const LabelledPair& p : pairs) {
      if (!p.match || c >= p.levels.size() || p.levels[c] == 0) continue;
      if (c < p.selected.size() && p.selected[c]) continue;
      n[p.levels[c]] += 1;
      total += 1;
    }
    if (total == 0) continue;
    // EM's m is a distribution over the non-null levels; so is the posterior mean below.
    for (size_t l = 1; l < cm.level_count(); ++l) cm.m[l] = (n[l] + k * cm.m[l]) / (total + k);
  }
  return out;
}

double ChooseThreshold(const std::vector<double>& probability, const std::vector<bool>& match,
                       double current, double lo, double hi) {
  const size_t n = probability.size();
  const int64_t matches = std::count(match.begin(), match.end(), true);
  const int64_t non_matches = static_cast<int64_t>(n) - matches;
  if (matches < kMinLabelsEach || non_matches < kMinLabelsEach) return current;
  // The candidates: the current threshold, and between each two neighbouring distinct
  // probabilities their midpoint (any threshold between two scores makes the same errors), and
  // just above the highest and at the lowest.
  std::vector<double> sorted = probability;
  std::sort(sorted.begin(), sorted.end());
  sorted.erase(std::unique(sorted.begin(), sorted.end()), sorted.end());
  std::vector<double> candidates = {current};
  for (size_t i = 0; i + 1 < sorted.size(); ++i) {
    candidates.push_back((sorted[i] + sorted[i + 1]) / 2);
  }
  if (!sorted.empty()) {
    candidates.push_back(sorted.front());
    candidates.push_back(std::nextafter(sorted.back(), 2.0));
  }
  auto errors = [&](double t) {
    int64_t e = 0;
    for (size_t i = 0; i < n; ++i) e += (probability[i] >= t) != match[i];
    return e;
  };
  double best = std::clamp(current, lo, hi);
  int64_t best_errors = errors(best);
  for (double t : candidates) {
    t = std::clamp(t, lo, hi);
    const int64_t e = errors(t);
    if (e < best_errors || (e == best_errors && std::abs(t - current) < std::abs(best - current))) {
      best = t;
      best_errors = e;
    }
  }
  return best;
}

Learned LearnFromLabels(const link::Model& em, double threshold,
                        const std::vector<LabelledPair>& pairs) {
  Learned out;
  out.threshold = threshold;
  for (const LabelledPair& p : pairs) ++(p.match ? out.matches : out.non_matches);
  out.model = UpdateM(em, pairs);
  std::vector<double> probability;
  std::vector<bool> match;
  for (const LabelledPair& p : pairs) {
    probability.push_back(link::Model::Probability(out.model.Weight(p.levels, p.frequency)));
    match.push_back(p.match);
  }
  out.threshold = ChooseThreshold(probability, match, threshold);
  return out;
}

}  // namespace popreg::recon
