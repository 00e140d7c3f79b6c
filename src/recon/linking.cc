#include "recon/linking.h"

#include <fmt/format.h>

#include <algorithm>
#include <cassert>
#include <functional>
#include <nlohmann/json.hpp>
#include <string_view>
#include <unordered_map>
#include <utility>

#include "link/assign.h"
#include "link/cluster.h"
#include "link/model.h"
#include "link/record_set.h"
#include "norm/address.h"
#include "norm/id_number.h"

namespace popreg::recon {
namespace {

using link::Normalizer;

// Every job links on some of these fields; the register's records are normalised once with all
// of them, and each source's records carry the same fields (empty where it has none), because
// the engine compares field i of one side with field i of the other.
constexpr int kFieldCount = 9;
const link::FieldSpec kFields[kFieldCount] = {
    {"name", Normalizer::kNameZh},        {"sex", Normalizer::kSex},
    {"birth_date", Normalizer::kDate},    {"id_number", Normalizer::kIdNumber},
    {"mother_id", Normalizer::kIdNumber},  // the mother's ID number
    {"dwelling", Normalizer::kText},       // community code | building/unit/room
    {"community", Normalizer::kText},      // community code
    {"township", Normalizer::kText},       // the first 9 digits of the community code
    {"home", Normalizer::kText}};          // the address text without its prefix (HomeOf)

// A source's raw values by field name, read where they are (the source's columns are not
// copied: a million-record police list's columns are hundreds of megabytes); fields not named
// are empty.
using SourceFields = std::vector<std::pair<std::string_view, const TextColumn*>>;

Result<link::RecordSet> BuildSource(size_t n, const SourceFields& given, const Date& as_of) {
  std::vector<const TextColumn*> raw(kFieldCount, nullptr);  // null: all empty
  // A given column of another length, cut or padded (reserved: raw points into it).
  std::vector<TextColumn> resized;
  resized.reserve(given.size());
  for (int f = 0; f < kFieldCount; ++f) {
    for (const auto& [name, values] : given) {
      if (name != kFields[f].name) continue;
      raw[f] = values;
      if (values->size() != n) {
        resized.push_back(*values);
        resized.back().resize(n);
        raw[f] = &resized.back();
      }
    }
  }
  return link::BuildRecordSet(n, kFields, raw, {}, as_of.Iso());
}

// A job's rules in the engine's terms.
struct JobRules {
  std::vector<link::ComparisonConfig> comparisons;
  std::vector<link::RuleConfig> blocking;
  // Rules for the records `settled_by` leaves unsettled (link::LinkSpec::residual_blocking).
  std::vector<link::RuleConfig> residual;
  link::RuleConfig settled_by;
  std::string residual_sides = "both";
  std::vector<link::RuleConfig> deterministic;
  double deterministic_recall = 0.9;
  std::vector<link::RuleConfig> em_rules;
  double threshold = 0.5;
  // Pairs that cannot be a link whatever their score (register record, source record), with the
  // reason in words; empty when none is given. Asked for the pairs at or above the threshold.
  std::function<std::string(link::RecordIndex, link::RecordIndex)> veto;
  // Keep, for every record left unlinked on either side, its best candidate (Links::
  // source_candidate, register_candidate).
  bool explain_unlinked = false;
  // After one-to-one, link the records both left over that share a valid 18-digit ID number
  // (SameValidId), one pair per record.
  bool id_second_pass = false;
  // A source record whose best pair has a rival within this many bits, another register person
  // who is not the same one (VetoAmbiguous), is linked to neither; 0 turns the rule off.
  double ambiguity_bits = 0;
};

link::LinkSpec MakeSpec(const std::string& name, const LinkContext& ctx, const JobRules& rules) {
  link::LinkSpec spec;
  spec.config_path = name;  // names the job in the engine's messages
  spec.as_of = ctx.as_of.Iso();
  for (const link::FieldSpec& f : kFields) {
    spec.fields.push_back({std::string(f.name), std::string(f.name), f.normalizer});
  }
  spec.comparisons = rules.comparisons;
  spec.blocking = rules.blocking;
  spec.residual_blocking = rules.residual;
  spec.settled_by = rules.settled_by;
  spec.residual_sides = rules.residual_sides;
  spec.deterministic = rules.deterministic;
  spec.deterministic_recall = rules.deterministic_recall;
  spec.em_rules = rules.em_rules;
  spec.threshold = rules.threshold;
  spec.threads = ctx.threads;
  spec.partition = ctx.partition;
  spec.u_pairs = 1'000'000;
  spec.seed = 1;
  return spec;
}

// What a pair's weight is made of: its level per comparison and, per comparison whose weight
// uses it (tf), the frequency of the register record's value (kNoFrequency for the others).
struct PairTerms {
  std::vector<link::Level> levels;
  std::vector<double> frequency;
};

PairTerms TermsOf(const link::LinkResult& r, const link::RecordSet& left, link::RecordIndex l,
                  const link::RecordSet& right, link::RecordIndex k) {
  PairTerms t;
  t.levels = link::PairLevels(r.comparisons, left, l, right, k);
  t.frequency.assign(r.comparisons.size(), link::kNoFrequency);
  for (size_t c = 0; c < r.comparisons.size(); ++c) {
    if (r.comparisons[c].tf) t.frequency[c] = left.fields[r.comparisons[c].field].frequency_of(l);
  }
  return t;
}

// The terms of a pair's weight as JSON: [{"field", "level", "weight"}...] with the prior first,
// and `why` (a pair's shortfall, see Candidate) when it is not empty.
std::string ExplanationJson(const link::Model& model, std::span<const link::Level> levels,
                            std::span<const double> frequency, const std::string& why) {
  const link::Explanation e = model.Explain(levels, frequency);
  nlohmann::json terms = nlohmann::json::array();
  for (const link::ExplanationTerm& t : e.terms) {
    terms.push_back({{"field", t.name}, {"level", t.label}, {"weight", t.weight}});
  }
  nlohmann::json j = {{"weight", e.weight}, {"probability", e.probability}, {"terms", terms}};
  if (!why.empty()) j["why"] = why;
  return j.dump();
}

std::string ExplainPair(const link::LinkResult& r, const link::RecordSet& left, link::RecordIndex l,
                        const link::RecordSet& right, link::RecordIndex k,
                        const std::string& why = "") {
  const PairTerms t = TermsOf(r, left, l, right, k);
  return ExplanationJson(r.model, t.levels, t.frequency, why);
}

// The engine's progress stages under the job's name ("police_population -> register: scoring").
link::Progress Named(const std::string& name, const link::Progress& progress) {
  if (!progress) return {};
  return [name, progress](std::string_view stage, int64_t done, int64_t total) {
    progress(name + ": " + std::string(stage), done, total);
  };
}

// The rules of a job for the data at hand: a field with no value on one side (a department that
// leaves out an optional column, a register without mothers) can neither be compared nor
// blocked on, so its comparison and every rule that uses it are dropped. Without a
// deterministic rule left, the first blocking rule estimates the prior. Nothing is left to link
// when no blocking rule is.
JobRules ForData(JobRules rules, const link::RecordSet& left, const link::RecordSet& right) {
  auto has_values = [](const link::RecordSet& set, std::string_view field) {
    const int f = set.FieldIndex(field);
    if (f < 0) return false;
    for (size_t r = 0; r < set.size(); ++r) {
      if (!set.fields[f].null(static_cast<link::RecordIndex>(r))) return true;
    }
    return false;
  };
  std::vector<std::string> empty;
  for (const link::FieldSpec& f : kFields) {
    if (!has_values(left, f.name) || !has_values(right, f.name)) empty.push_back(f.name);
  }
  auto uses_empty = [&](const link::RuleConfig& rule) {
    for (const std::string& key : rule) {
      const std::string field = key.substr(0, key.find('.'));
      if (std::find(empty.begin(), empty.end(), field) != empty.end()) return true;
    }
    return false;
  };
  std::erase_if(rules.comparisons, [&](const link::ComparisonConfig& c) {
    return std::find(empty.begin(), empty.end(), c.field) != empty.end();
  });
  std::erase_if(rules.blocking, uses_empty);
  std::erase_if(rules.residual, uses_empty);
  // No record is settled by keys one side lacks: the residual rules are then ordinary ones.
  if (rules.residual.empty() || uses_empty(rules.settled_by)) {
    rules.blocking.insert(rules.blocking.end(), rules.residual.begin(), rules.residual.end());
    rules.residual.clear();
    rules.settled_by.clear();
  }
  std::erase_if(rules.deterministic, uses_empty);
  std::erase_if(rules.em_rules, uses_empty);
  if (rules.deterministic.empty() && !rules.blocking.empty()) {
    rules.deterministic.push_back(rules.blocking.front());
  }
  if (rules.em_rules.empty()) rules.em_rules = rules.blocking;
  return rules;
}

// Whether a pair both one-to-one left unlinked is still one person by its ID: the two ID numbers
// are the same valid 18-digit number (the check character holds, so a single mistyped digit
// cannot make it), the sexes do not disagree, and the name and the birth date do not both
// disagree outright (a mistyped character or a digit off is "similar", a level above "else").
// An exact valid ID is near-decisive: the weights of two mistyped fields, which EM can push to
// extremes on a district with few such typos, must not outweigh it.
bool SameValidId(const link::LinkResult& r, const link::RecordSet& left, link::RecordIndex l,
                 const link::RecordSet& right, link::RecordIndex k) {
  const int id = left.FieldIndex("id_number");
  if (id < 0 || left.fields[id].null(l) || right.fields[id].null(k)) return false;
  if (left.fields[id].length(l) != 18 || !left.fields[id].Same(l, right.fields[id], k)) {
    return false;
  }
  std::u32string buffer;
  const std::u32string_view a = left.fields[id].value(l, &buffer);
  std::string digits;
  for (char32_t c : a) {
    if (c > 0x7f) return false;
    digits.push_back(static_cast<char>(c));
  }
  if (digits.find_first_not_of("0123456789") < 17 || norm::IdCheckChar(digits) != digits[17]) {
    return false;
  }
  const std::vector<link::Level> levels = link::PairLevels(r.comparisons, left, l, right, k);
  link::Level name = 0, birth = 0;
  for (size_t c = 0; c < r.comparisons.size(); ++c) {
    const std::string& n = r.comparisons[c].name;
    if (n == "sex" && levels[c] == 1) return false;
    if (n == "name") name = levels[c];
    if (n == "birth_date") birth = levels[c];
  }
  return !(name == 1 && birth == 1);
}

// Whether the fields that tell one person from another (the ID number, the name, the birth date,
// the mother's ID) agree on a pair. A pair that agrees only on where and what (address,
// community, sex) fits every person of that sex in the home: a cremation record whose only name
// is missing on the register's card is no evidence of which one died, so such a pair is never a
// link, however high the address terms lift its score. And when only one of those fields is
// known on both sides, it must agree better than at its weakest level: a death record with a
// name alone, 李伟 at the address where 朱伟 is carded, is one character (here the surname) from
// him, which a record with an ID or a birth date beside the name may afford and a name alone
// may not. A field with one condition (exact) only needs to agree.
bool IdentityAgrees(const link::LinkResult& r, const link::RecordSet& left, link::RecordIndex l,
                    const link::RecordSet& right, link::RecordIndex k) {
  int known = 0, agree = 0;
  bool strong = false;
  for (const link::Comparison& c : r.comparisons) {
    const std::string& n = c.name;
    if (n != "id_number" && n != "name" && n != "birth_date" && n != "mother_id") continue;
    const link::Level level = c.Compare(left, l, right, k);
    if (level == 0) continue;
    ++known;
    if (level < 2) continue;
    ++agree;
    strong = strong || level >= 3 || c.conditions.size() == 1;
  }
  return agree > 0 && (known > 1 || strong);
}

// Adds to `vetoed` (indices into r.scored) every pair of a source record that fits two register
// persons alike: its best pair at or above the threshold has a rival within rules.ambiguity_bits
// with another register person whose birth date or ID number differs from the first one's (two
// people, not one person carded twice). A death record with only a name, a sex and an address
// fits a mother and her namesake daughter-in-law of one home equally: it says nothing of which.
void VetoAmbiguous(const link::LinkResult& r, const link::RecordSet& left, const JobRules& rules,
                   std::unordered_map<size_t, std::string>* vetoed) {
  std::unordered_map<link::RecordIndex, std::vector<size_t>> of_right;
  for (size_t i = 0; i < r.scored.size(); ++i) {
    if (r.scored[i].probability >= rules.threshold && !vetoed->count(i)) {
      of_right[r.scored[i].right].push_back(i);
    }
  }
  const int fields[] = {left.FieldIndex("birth_date"), left.FieldIndex("id_number")};
  auto distinct = [&](link::RecordIndex a, link::RecordIndex b) {
    for (int f : fields) {
      if (f >= 0 && !left.fields[f].null(a) && !left.fields[f].null(b) &&
          !left.fields[f].Same(a, left.fields[f], b)) {
        return true;
      }
    }
    return false;
  };
  for (auto& [right, pairs] : of_right) {
    if (pairs.size() < 2) continue;
    std::sort(pairs.begin(), pairs.end(),
              [&](size_t a, size_t b) { return r.scored[a].weight > r.scored[b].weight; });
    const link::ScoredPair& best = r.scored[pairs[0]];
    for (size_t k = 1; k < pairs.size(); ++k) {
      const link::ScoredPair& rival = r.scored[pairs[k]];
      if (best.weight - rival.weight >= rules.ambiguity_bits) break;
      if (!distinct(best.left, rival.left)) continue;
      const std::string why = fmt::format(
          "ambiguous: two register persons fit this record alike (weights {:.1f} and {:.1f}, "
          "less than {} bits apart)",
          best.weight, rival.weight, rules.ambiguity_bits);
      for (size_t i : pairs) vetoed->emplace(i, why);
      break;
    }
  }
}

// A labelled pair as the trained job sees it: its levels and term frequencies, and which
// comparisons its label left out of m's update (PairLabel::selected).
LabelledPair Labelled(const link::LinkResult& r, const link::RecordSet& left, link::RecordIndex l,
                      const link::RecordSet& right, link::RecordIndex k, const PairLabel& label) {
  PairTerms t = TermsOf(r, left, l, right, k);
  LabelledPair out;
  out.levels = std::move(t.levels);
  out.frequency = std::move(t.frequency);
  out.match = label.match;
  out.selected.assign(r.comparisons.size(), false);
  for (size_t c = 0; c < r.comparisons.size(); ++c) {
    out.selected[c] = std::find(label.selected.begin(), label.selected.end(),
                                r.comparisons[c].name) != label.selected.end();
  }
  return out;
}

// The job run again with its model and threshold refined by the labelled pairs (learn.h): the
// engine scores the same candidate pairs with the given model (no training). `r` is returned as
// it is when no label could be placed, so that --learn without labels changes nothing.
Result<link::LinkResult> Relearn(const std::string& name, const LinkContext& ctx,
                                 link::LinkSpec spec, const std::vector<LabelledPair>& pairs,
                                 const JobLabels& labels, link::RecordSet* left,
                                 link::RecordSet* right, double* threshold, LinkSummary* summary,
                                 link::LinkResult r) {
  summary->threshold_before = summary->threshold = *threshold;
  summary->labels_skipped =
      labels.gone + labels.old_import + static_cast<int64_t>(labels.pairs.size() - pairs.size());
  if (pairs.empty()) return r;
  const Learned learned = LearnFromLabels(r.model, *threshold, pairs);
  summary->learned = true;
  summary->label_matches = learned.matches;
  summary->label_non_matches = learned.non_matches;
  summary->threshold = learned.threshold;
  *threshold = learned.threshold;
  spec.model = learned.model;
  spec.threshold = learned.threshold;
  ASSIGN_OR_RETURN(link::LinkResult again,
                   link::RunLink(spec, left, right, Named(name + " (learnt)", ctx.progress)));
  again.em = std::move(r.em);
  again.u_pairs = std::move(r.u_pairs);
  return again;
}

// Runs a one-to-one job of register persons (`left`, whose record i is register person
// register_index[i]) against a source (`right`), returning the links per source record.
Result<Links> OneToOne(const std::string& name, const LinkContext& ctx, link::RecordSet* left,
                       const std::vector<uint32_t>& register_index, link::RecordSet* right,
                       const JobRules& rules, const JobLabels* labels = nullptr) {
  const size_t source_size = right->size();
  Links out;
  out.to_register.assign(source_size, kUnlinked);
  out.probability.assign(source_size, 0.0);
  if (rules.explain_unlinked) out.source_candidate.assign(source_size, Candidate{});
  out.summary.name = name;
  out.summary.left = static_cast<int64_t>(left->size());
  out.summary.right = static_cast<int64_t>(source_size);
  JobRules usable = ForData(rules, *left, *right);
  if (left->size() == 0 || source_size == 0 || usable.blocking.empty() ||
      usable.comparisons.empty()) {
    return out;
  }
  link::LinkSpec spec = MakeSpec(name, ctx, usable);
  spec.one_to_one = false;  // assigned below, after the vetoes
  ASSIGN_OR_RETURN(link::LinkResult r, link::RunLink(spec, left, right, Named(name, ctx.progress)));
  if (labels != nullptr) {
    std::vector<int32_t> record_of(ctx.reg.size(), -1);
    for (size_t i = 0; i < register_index.size(); ++i) {
      record_of[register_index[i]] = static_cast<int32_t>(i);
    }
    std::vector<LabelledPair> pairs;
    for (const PairLabel& p : labels->pairs) {
      if (p.reg >= record_of.size() || record_of[p.reg] < 0 || p.other >= source_size) continue;
      pairs.push_back(
          Labelled(r, *left, static_cast<link::RecordIndex>(record_of[p.reg]), *right, p.other, p));
    }
    ASSIGN_OR_RETURN(r, Relearn(name, ctx, spec, pairs, *labels, left, right, &usable.threshold,
                                &out.summary, std::move(r)));
  }
  out.summary.candidate_pairs = r.candidate_pairs;
  out.summary.lambda = r.model.lambda;
  r.accepted.clear();
  std::vector<bool> tf(r.comparisons.size());
  for (size_t c = 0; c < tf.size(); ++c) tf[c] = r.comparisons[c].tf;
  out.explanation.Reset(source_size, r.model, std::move(tf));
  // The pairs a veto rules out, with the reason (only pairs that could have been links); the
  // pairs are checked on every core, each chunk's vetoes kept in order.
  ThreadPool pool(ctx.threads);
  using Vetoes = std::vector<std::pair<size_t, std::string>>;
  std::unordered_map<size_t, std::string> vetoed;
  for (Vetoes& chunk : pool.ParallelChunks<Vetoes>(
           static_cast<int64_t>(r.scored.size()), 1 << 14, [&](int64_t begin, int64_t end) {
             Vetoes out;
             for (auto i = static_cast<size_t>(begin); i < static_cast<size_t>(end); ++i) {
               const link::ScoredPair& p = r.scored[i];
               if (p.probability < usable.threshold) continue;
               if (!IdentityAgrees(r, *left, p.left, *right, p.right)) {
                 out.emplace_back(i,
                                  "no field that identifies a person (ID number, name, birth "
                                  "date, mother's ID) agrees");
                 continue;
               }
               if (usable.veto) {
                 std::string why = usable.veto(p.left, p.right);
                 if (!why.empty()) out.emplace_back(i, std::move(why));
               }
             }
             return out;
           })) {
    for (auto& [i, why] : chunk) vetoed.emplace(i, std::move(why));
  }
  if (usable.ambiguity_bits > 0) VetoAmbiguous(r, *left, usable, &vetoed);
  // Only the pairs that can be links: the assignment drops the others first.
  std::vector<link::ScoredPair> allowed;
  for (size_t i = 0; i < r.scored.size(); ++i) {
    if (r.scored[i].probability >= usable.threshold && !vetoed.count(i)) {
      allowed.push_back(r.scored[i]);
    }
  }
  std::vector<link::ScoredPair> links = link::AssignOneToOne(std::move(allowed), usable.threshold);
  constexpr size_t kNone = static_cast<size_t>(-1);
  std::vector<size_t> link_of_right(source_size, kNone), link_of_left(left->size(), kNone);
  std::vector<PairTerms> terms(links.size());
  pool.ParallelFor(static_cast<int64_t>(links.size()), 1 << 12, [&](int64_t begin, int64_t end) {
    for (auto i = static_cast<size_t>(begin); i < static_cast<size_t>(end); ++i) {
      terms[i] = TermsOf(r, *left, links[i].left, *right, links[i].right);
    }
  });
  for (size_t i = 0; i < links.size(); ++i) {
    const link::ScoredPair& p = links[i];
    out.to_register[p.right] = static_cast<int32_t>(register_index[p.left]);
    out.probability[p.right] = p.probability;
    const PairTerms t = std::move(terms[i]);
    out.explanation.Keep(p.right, t.levels, t.frequency);
    link_of_right[p.right] = i;
    link_of_left[p.left] = i;
  }
  if (usable.id_second_pass) {
    // The pairs of records both left over that SameValidId holds for, linked where each record
    // has exactly one.
    std::vector<size_t> second;
    std::unordered_map<link::RecordIndex, int> per_left, per_right;
    for (size_t i = 0; i < r.scored.size(); ++i) {
      const link::ScoredPair& p = r.scored[i];
      if (link_of_left[p.left] != kNone || link_of_right[p.right] != kNone || vetoed.count(i) ||
          !SameValidId(r, *left, p.left, *right, p.right)) {
        continue;
      }
      second.push_back(i);
      ++per_left[p.left];
      ++per_right[p.right];
    }
    for (size_t i : second) {
      const link::ScoredPair& p = r.scored[i];
      if (per_left[p.left] != 1 || per_right[p.right] != 1) continue;
      out.to_register[p.right] = static_cast<int32_t>(register_index[p.left]);
      out.probability[p.right] = p.probability;
      const PairTerms t = TermsOf(r, *left, p.left, *right, p.right);
      out.explanation.Keep(
          p.right, t.levels, t.frequency,
          fmt::format("linked on the same valid ID number: the fields weigh only p = {:.4g}, "
                      "below the threshold {}, but neither record has another candidate with it",
                      p.probability, usable.threshold));
      link_of_right[p.right] = links.size();
      link_of_left[p.left] = links.size();
      links.push_back(p);
    }
  }
  out.summary.links = static_cast<int64_t>(links.size());
  if (!rules.explain_unlinked) return out;

  // The best candidate of each record left unlinked, on either side, and why it fell short.
  std::vector<size_t> best_of_left(left->size(), kNone), best_of_right(source_size, kNone);
  auto better = [&](size_t i, size_t best) {
    return best == kNone || r.scored[i].weight > r.scored[best].weight;
  };
  for (size_t i = 0; i < r.scored.size(); ++i) {
    const link::ScoredPair& p = r.scored[i];
    if (link_of_left[p.left] == kNone && better(i, best_of_left[p.left])) best_of_left[p.left] = i;
    if (link_of_right[p.right] == kNone && better(i, best_of_right[p.right])) {
      best_of_right[p.right] = i;
    }
  }
  auto why = [&](size_t i) -> std::string {
    if (auto v = vetoed.find(i); v != vetoed.end()) return v->second;
    link::Shortfall s;
    s.best = r.scored[i];
    s.reason = link::Shortfall::Reason::kBelowThreshold;
    if (s.best.probability >= usable.threshold) {
      // The record on the other side of the pair went to a heavier link.
      const size_t rival = link_of_right[s.best.right] != kNone ? link_of_right[s.best.right]
                                                                : link_of_left[s.best.left];
      s.reason = link::Shortfall::Reason::kOtherSideTaken;
      if (rival != kNone) s.rival = links[rival];
    }
    return s.Describe(usable.threshold);
  };
  auto candidate = [&](size_t i, int32_t other) {
    const link::ScoredPair& p = r.scored[i];
    return Candidate{other, p.probability, ExplainPair(r, *left, p.left, *right, p.right, why(i))};
  };
  for (size_t k = 0; k < source_size; ++k) {
    if (best_of_right[k] == kNone) continue;
    const link::ScoredPair& p = r.scored[best_of_right[k]];
    out.source_candidate[k] =
        candidate(best_of_right[k], static_cast<int32_t>(register_index[p.left]));
  }
  for (size_t l = 0; l < left->size(); ++l) {
    if (link_of_left[l] != kNone) continue;
    Candidate c;
    if (best_of_left[l] != kNone) {
      c = candidate(best_of_left[l], static_cast<int32_t>(r.scored[best_of_left[l]].right));
    }
    out.register_candidate.emplace(register_index[l], std::move(c));
  }
  return out;
}

// The levels shared by the person comparisons of every job.
link::ComparisonConfig IdComparison(const std::string& field) {
  return {field, {"exact", "id_typo"}, false};
}
link::ComparisonConfig NameComparison() {
  return {"name", {"exact", "pinyin", "lookalike", "levenshtein<=1"}, true};
}
link::ComparisonConfig BirthComparison() {
  return {"birth_date", {"exact", "date_swap", "date_typo", "same_year"}, false};
}
link::ComparisonConfig SexComparison() { return {"sex", {"exact"}, false}; }

// The address text (HomesOf): term-frequency adjusted, because sharing the address of a hamlet
// or of a block written without its flat says less than sharing one flat; agree-only.
link::ComparisonConfig HomeComparison() { return {"home", {"exact"}, true, true}; }

// A person on both sides: ID number, name, birth date and sex, found by the ID, the name and
// birth date, and, for the records no record of the other side shares its ID number and name
// with (the unsettled, a few in a hundred), the pinyin and birth year or the ID's birth digits
// and the surname. Those two rules' blocks span the whole register (everyone of one pinyin born
// in one year), so over a city their pairs grow with the square of its population: 238 million
// of them for ten million persons, where the unsettled records' are a few million. Trained on
// the pairs of one ID and of one name and birth date.
JobRules PersonRules() {
  JobRules rules;
  rules.comparisons = {IdComparison("id_number"), NameComparison(), BirthComparison(),
                       SexComparison()};
  rules.blocking = {{"id_number"}, {"name", "birth_date"}};
  rules.residual = {{"name.pinyin", "birth_date.year"}, {"id_number.id_birth", "name.surname"}};
  rules.settled_by = {"id_number", "name"};
  rules.deterministic = {{"id_number"}, {"name", "birth_date", "sex"}};
  rules.em_rules = {{"id_number"}, {"name", "birth_date"}};
  rules.id_second_pass = true;
  return rules;
}

// The dwelling of an address in a community: "community|building/unit/room" when ParseAddress
// finds them and the community is known (3/2/501 is in every community); empty otherwise.
std::string Dwelling(std::string_view community, std::string_view address) {
  const norm::AddressParts parts = norm::ParseAddress(address);
  if (parts.empty() || community.empty()) return std::string();
  return std::string(community) + "|" + parts.Key();
}

// The home of an address: its text without the administrative prefix (norm::AddressTail), which
// two records of one home share when both spell the address the same way, whatever its form (a
// street number, a hamlet, a compound ParseAddress cannot read, a community that is not found).
// Compared agree-only: two spellings of one address are not evidence of two homes.
TextColumn HomesOf(const TextColumn& address) {
  return ParallelColumn(address.size(), /*threads=*/0,
                        [&](size_t i) { return norm::AddressTail(address[i]); });
}

// A register person's dwelling: from the card's building/unit/room columns, else from its
// address text (Dwelling).
std::string RegisterDwelling(const store::RegisterColumns& reg, size_t i) {
  if (reg.building[i].empty() && reg.unit[i].empty() && reg.room[i].empty()) {
    return Dwelling(reg.community_code[i], reg.address[i]);
  }
  return fmt::format("{}|{}/{}/{}", reg.community_code[i], reg.building[i], reg.unit[i],
                     reg.room[i]);
}

// A source's dwellings from its address text and each record's community code.
TextColumn SourceDwellings(const SourceTable& source, const TextColumn& community) {
  const TextColumn& address = source.column("address");
  return ParallelColumn(source.size(), /*threads=*/0,
                        [&](size_t i) { return Dwelling(community[i], address[i]); });
}

// A column of `n` rows holding value(i) at the rows `rows` and nothing at the others.
template <typename F>
TextColumn AtRows(size_t n, std::span<const uint32_t> rows, F value) {
  std::vector<char> wanted(n, 0);
  for (uint32_t r : rows) {
    if (r < n) wanted[r] = 1;
  }
  return ParallelColumn(n, /*threads=*/0, [&](size_t i) {
    return wanted[i] ? std::string(value(static_cast<uint32_t>(i))) : std::string();
  });
}

}  // namespace

namespace {

// The records of the register persons `rows`. The fields derived from the address are derived
// for those rows only and not kept (the other entries stay empty), so that the register's raw
// text is held once, in RegisterColumns.
Result<link::RecordSet> BuildRegisterRows(const store::RegisterColumns& reg,
                                          const RegisterRecords& r, std::span<const uint32_t> rows,
                                          const Date& as_of) {
  // Rows past the register are left out here; BuildRecordSet reports them.
  const TextColumn dwellings =
      AtRows(reg.size(), rows, [&](uint32_t i) { return RegisterDwelling(reg, i); });
  const TextColumn townships =
      AtRows(reg.size(), rows, [&](uint32_t i) { return reg.community_code[i].substr(0, 9); });
  const TextColumn homes =
      AtRows(reg.size(), rows, [&](uint32_t i) { return norm::AddressTail(reg.address[i]); });
  const TextColumn* raw[kFieldCount] = {&reg.name,           &reg.sex,   &reg.birth_date,
                                        &reg.id_number,      &r.mothers, &dwellings,
                                        &reg.community_code, &townships, &homes};
  return link::BuildRecordSet(rows.size(), kFields, raw, rows, as_of.Iso());
}

// A source's records: `columns` read from the source as they are, and the dwelling (and with
// `home`, the home) derived from its address and `community` (each record's community code),
// dropped once normalised.
Result<link::RecordSet> SourceRecords(const SourceTable& source, const TextColumn& community,
                                      SourceFields columns, bool home, const Date& as_of) {
  const TextColumn dwellings = SourceDwellings(source, community);
  const TextColumn homes = home ? HomesOf(source.column("address")) : TextColumn();
  columns.emplace_back("dwelling", &dwellings);
  if (home) columns.emplace_back("home", &homes);
  return BuildSource(source.size(), columns, as_of);
}

}  // namespace

std::string LinkExplanations::operator[](size_t record) const {
  if (record >= slot_.size() || slot_[record] < 0) return "";
  const size_t slot = static_cast<size_t>(slot_[record]), n = tf_.size();
  std::vector<double> frequency(n, link::kNoFrequency);
  for (size_t c = 0, t = 0; c < n; ++c) {
    if (tf_[c]) frequency[c] = frequency_[slot * tf_count_ + t++];
  }
  const auto why = why_.find(static_cast<int32_t>(slot));
  return ExplanationJson(model_, std::span(levels_).subspan(slot * n, n), frequency,
                         why != why_.end() ? why->second : std::string());
}

void LinkExplanations::Reset(size_t records, link::Model model, std::vector<bool> tf) {
  model_ = std::move(model);
  tf_ = std::move(tf);
  tf_count_ = static_cast<size_t>(std::count(tf_.begin(), tf_.end(), true));
  kept_ = 0;
  slot_.assign(records, -1);
  levels_.clear();
  frequency_.clear();
  why_.clear();
}

void LinkExplanations::Keep(size_t record, std::span<const link::Level> levels,
                            std::span<const double> frequencies, std::string why) {
  assert(record < slot_.size() && slot_[record] < 0);
  assert(levels.size() == tf_.size() && frequencies.size() == tf_.size());
  const int32_t slot = kept_++;
  slot_[record] = slot;
  levels_.insert(levels_.end(), levels.begin(), levels.end());
  for (size_t c = 0; c < tf_.size(); ++c) {
    if (tf_[c]) frequency_.push_back(frequencies[c]);
  }
  if (!why.empty()) why_.emplace(slot, std::move(why));
}

Result<RegisterRecords> BuildAliveRecords(const store::RegisterColumns& reg, TextColumn mothers,
                                          const Date& as_of) {
  RegisterRecords out;
  out.mothers = std::move(mothers);
  for (size_t i = 0; i < reg.size(); ++i) {
    if (reg.status[i] == "alive") out.index.push_back(static_cast<uint32_t>(i));
  }
  out.alive = out.index.size();
  ASSIGN_OR_RETURN(out.set, BuildRegisterRows(reg, out, out.index, as_of));
  return out;
}

Status ExtendToAllPersons(const store::RegisterColumns& reg, const Date& as_of,
                          RegisterRecords* records) {
  if (records->index.size() != records->alive) return Status::Ok();  // extended already
  std::vector<uint32_t> closed;
  for (size_t i = 0; i < reg.size(); ++i) {
    if (reg.status[i] != "alive") closed.push_back(static_cast<uint32_t>(i));
  }
  ASSIGN_OR_RETURN(link::RecordSet more, BuildRegisterRows(reg, *records, closed, as_of));
  RETURN_IF_ERROR(link::Append(&records->set, std::move(more)));
  records->index.insert(records->index.end(), closed.begin(), closed.end());
  return Status::Ok();
}

Result<Links> LinkPolice(const LinkContext& ctx, const SourceTable& police,
                         const TextColumn& source_community) {
  ASSIGN_OR_RETURN(link::RecordSet right,
                   SourceRecords(police, source_community,
                                 {{"name", &police.column("name")},
                                  {"sex", &police.column("sex")},
                                  {"birth_date", &police.column("birth_date")},
                                  {"id_number", &police.column("id_number")},
                                  // A newborn's card often has no name or ID yet: its mother and
                                  // dwelling still say who it is.
                                  {"mother_id", &police.column("mother_id_number")}},
                                 /*home=*/true, ctx.as_of));
  JobRules rules = PersonRules();
  rules.comparisons.push_back({"mother_id", {"exact"}, false});
  rules.comparisons.push_back({"dwelling", {"exact"}, false});
  rules.comparisons.push_back(HomeComparison());
  rules.blocking.push_back({"mother_id", "birth_date"});
  rules.blocking.push_back({"dwelling", "birth_date"});
  rules.threshold = 0.5;
  rules.explain_unlinked = true;
  assert(ctx.records->set.size() == ctx.records->alive);
  JobLabels labels;
  if (ctx.labels != nullptr) labels = LabelsForSource(*ctx.labels, ctx.reg, police);
  return OneToOne("police_population -> register", ctx, &ctx.records->set, ctx.records->index,
                  &right, rules, ctx.labels != nullptr ? &labels : nullptr);
}

Result<Links> LinkDeaths(const LinkContext& ctx, const SourceTable& deaths,
                         const TextColumn& source_community) {
  ASSIGN_OR_RETURN(link::RecordSet right,
                   SourceRecords(deaths, source_community,
                                 {{"name", &deaths.column("name")},
                                  {"sex", &deaths.column("sex")},
                                  {"birth_date", &deaths.column("birth_date")},
                                  {"id_number", &deaths.column("id_number")},
                                  {"community", &source_community}},
                                 /*home=*/true, ctx.as_of));
  JobRules rules = PersonRules();
  rules.comparisons.push_back({"community", {"exact"}, false});
  rules.comparisons.push_back({"dwelling", {"exact"}, false});
  rules.comparisons.push_back(HomeComparison());
  rules.blocking.push_back({"name", "community"});
  rules.blocking.push_back({"name.pinyin", "community"});
  // A card whose name was mistyped and a record without an ID still share a dwelling or a
  // community, a birth date and a sex.
  rules.blocking.push_back({"dwelling", "birth_date"});
  rules.blocking.push_back({"community", "birth_date", "sex"});
  // A record with only a name, a sex and an address (no ID, no birth date, an address whose
  // community is not found) is still found by the name alone and by the home. Like the pinyin
  // and the ID's birth digits, they look only for the cards of the death records their ID
  // number and name do not settle (a city's register holds thousands of one common name); every
  // register person stays a candidate of those, so that a rival of one name can still veto a
  // link (ambiguity_bits).
  rules.residual.push_back({"name"});
  rules.residual.push_back({"home"});
  rules.residual_sides = "right";
  rules.em_rules.push_back({"name", "community"});
  // Telling an office that a living person died is the worst mistake a comparison can make.
  rules.threshold = 0.9;
  rules.ambiguity_bits = 3;
  RETURN_IF_ERROR(ExtendToAllPersons(ctx.reg, ctx.as_of, ctx.records));
  JobLabels labels;
  if (ctx.labels != nullptr) labels = LabelsForSource(*ctx.labels, ctx.reg, deaths);
  return OneToOne(std::string(deaths.kind_name()) + " -> register", ctx, &ctx.records->set,
                  ctx.records->index, &right, rules, ctx.labels != nullptr ? &labels : nullptr);
}

Result<Links> LinkBirths(const LinkContext& ctx, const SourceTable& births,
                         const TextColumn& source_community) {
  const bool police = births.kind() == io::Kind::kPoliceBirths;
  SourceFields given = {{"mother_id", &births.column("mother_id_number")},
                        {"birth_date", &births.column("birth_date")},
                        {"sex", &births.column("sex")},
                        {"name", &births.column(police ? "name" : "child_name")}};
  // A registered newborn has its own ID: the strongest key when the register has it too.
  if (police) given.emplace_back("id_number", &births.column("id_number"));
  ASSIGN_OR_RETURN(link::RecordSet right, SourceRecords(births, source_community, std::move(given),
                                                        /*home=*/false, ctx.as_of));
  JobRules rules;
  rules.comparisons = {
      IdComparison("mother_id"),
      {"birth_date", {"exact", "date_swap", "date_typo", "within_days<=31"}, false},
      SexComparison(),
      {"name", {"exact", "pinyin", "lookalike"}, false}};
  // The dwelling finds a card whose mother's number was mistyped (she is then one typo away).
  rules.blocking = {{"mother_id"}, {"name", "birth_date"}, {"dwelling", "birth_date"}};
  rules.deterministic = {{"mother_id", "birth_date", "sex"}};
  rules.em_rules = {{"mother_id"}, {"name", "birth_date"}};
  if (police) {
    rules.comparisons.push_back(IdComparison("id_number"));
    rules.blocking.push_back({"id_number"});
    rules.deterministic.push_back({"id_number"});
    rules.id_second_pass = true;
  }
  rules.threshold = 0.5;
  RETURN_IF_ERROR(ExtendToAllPersons(ctx.reg, ctx.as_of, ctx.records));
  // A source of newborns describes children born in the window: a register child born well
  // before it (more than the birth-date comparison's 31 days) is an older sibling with the same
  // mother and sex and a date one digit away, unless the child's own ID or an exact name says it
  // is this child (a card with a badly mistyped birth date).
  const link::RecordSet& reg = ctx.records->set;
  const int birth = reg.FieldIndex("birth_date"), id = reg.FieldIndex("id_number"),
            name = reg.FieldIndex("name");
  const double earliest = static_cast<double>(ctx.since.ToDays() - 31);
  rules.veto = [&reg, &right, birth, id, name, earliest, since = ctx.since](
                   link::RecordIndex l, link::RecordIndex r) -> std::string {
    const link::FieldColumn& b = reg.fields[birth];
    if (b.null(l) || b.number(l) >= earliest) return "";
    auto same = [&](int f) {
      return !reg.fields[f].null(l) && !right.fields[f].null(r) &&
             reg.fields[f].Same(l, right.fields[f], r);
    };
    if (same(id) || same(name)) return "";
    return "the register person was born on " +
           Date::FromDays(static_cast<int64_t>(b.number(l))).Iso() + ", before the window (" +
           since.Iso() + ") of the children this source describes: an older sibling";
  };
  return OneToOne(std::string(births.kind_name()) + " -> register", ctx, &ctx.records->set,
                  ctx.records->index, &right, rules);
}

Result<Duplicates> FindDuplicates(const LinkContext& ctx) {
  assert(ctx.records->set.size() == ctx.records->alive);
  const std::vector<uint32_t>& alive = ctx.records->index;
  Duplicates out;
  out.cluster.resize(ctx.reg.size());
  for (size_t i = 0; i < ctx.reg.size(); ++i) out.cluster[i] = static_cast<uint32_t>(i);
  out.summary.name = "register -> register (duplicates)";
  out.summary.left = out.summary.right = static_cast<int64_t>(alive.size());
  if (alive.size() < 2) return out;
  JobRules rules;
  // No Levenshtein level for names: twins share a surname, a birth date and often one character
  // of the given name, and must never look like one person carded twice.
  rules.comparisons = {IdComparison("id_number"),
                       {"name", {"exact", "pinyin", "lookalike"}, true},
                       {"birth_date", {"exact", "date_swap", "date_typo"}, false},
                       SexComparison(),
                       {"township", {"exact"}, false},
                       // One person carded twice is most often carded twice in one home; the
                       // same home is evidence, a different one is none (a move re-cards).
                       HomeComparison()};
  rules.blocking = {
      {"id_number"}, {"township", "birth_date"}, {"township", "name.pinyin", "birth_date.year"}};
  rules.deterministic = {{"id_number", "name"}};
  rules.deterministic_recall = 0.7;
  rules.em_rules = {{"township", "birth_date"}, {"id_number"}};
  rules.threshold = 0.9;
  link::RecordSet& set = ctx.records->set;
  JobRules usable = ForData(rules, set, set);
  if (usable.blocking.empty() || usable.comparisons.empty()) return out;
  const link::LinkSpec spec = MakeSpec(out.summary.name, ctx, usable);
  ASSIGN_OR_RETURN(link::LinkResult r,
                   link::RunLink(spec, &set, nullptr, Named(out.summary.name, ctx.progress)));
  if (ctx.labels != nullptr) {
    const JobLabels labels = LabelsForDuplicates(*ctx.labels, ctx.reg);
    std::vector<int32_t> record_of(ctx.reg.size(), -1);
    for (size_t i = 0; i < alive.size(); ++i) record_of[alive[i]] = static_cast<int32_t>(i);
    std::vector<LabelledPair> pairs;
    for (const PairLabel& p : labels.pairs) {
      // A card closed since (a person who died) is no longer in the job's records.
      if (record_of[p.reg] < 0 || record_of[p.other] < 0) continue;
      pairs.push_back(Labelled(r, set, static_cast<link::RecordIndex>(record_of[p.reg]), set,
                               static_cast<link::RecordIndex>(record_of[p.other]), p));
    }
    ASSIGN_OR_RETURN(r, Relearn(out.summary.name, ctx, spec, pairs, labels, &set, nullptr,
                                &usable.threshold, &out.summary, std::move(r)));
  }
  out.summary.candidate_pairs = r.candidate_pairs;
  out.summary.lambda = r.model.lambda;
  for (size_t i = 0; i < alive.size(); ++i) out.cluster[alive[i]] = alive[r.clusters[i]];
  for (const link::ScoredPair& p : r.scored) {
    if (p.probability < usable.threshold || r.clusters[p.left] != r.clusters[p.right]) continue;
    out.pairs.push_back(
        {alive[p.left], alive[p.right], p.probability, ExplainPair(r, set, p.left, set, p.right)});
  }
  out.summary.links = static_cast<int64_t>(out.pairs.size());
  return out;
}

}  // namespace popreg::recon
