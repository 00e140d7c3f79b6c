#include "link/job.h"

#include <toml++/toml.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <limits>
#include <map>
#include <optional>

#include "base/chunks.h"
#include "base/log.h"
#include "base/thread_pool.h"
#include "link/assign.h"
#include "link/cluster.h"
#include "link/disjoint_sets.h"
#include "link/divide.h"

namespace popreg::link {

// -- Configuration --

namespace {

class TomlReader {
 public:
  TomlReader(const toml::table& t, std::string file) : t_(t), file_(std::move(file)) {}

  Status Error(std::string_view key, std::string_view what) const {
    return InvalidArgument(file_ + ": " + std::string(key) + ": " + std::string(what));
  }

  template <typename T>
  Status Get(std::string_view path, T* out, bool required = false) const {
    const toml::node_view<const toml::node> node = t_.at_path(path);
    if (!node) return required ? Error(path, "missing") : Status::Ok();
    if constexpr (std::is_same_v<T, std::string>) {
      if (!node.is_string()) return Error(path, "must be a string");
      *out = *node.value<std::string>();
    } else if constexpr (std::is_same_v<T, bool>) {
      if (!node.is_boolean()) return Error(path, "must be true or false");
      *out = *node.value<bool>();
    } else if constexpr (std::is_floating_point_v<T>) {
      if (!node.is_number()) return Error(path, "must be a number");
      *out = *node.value<double>();
    } else {
      if (!node.is_integer()) return Error(path, "must be an integer");
      *out = static_cast<T>(*node.value<int64_t>());
    }
    return Status::Ok();
  }

  // An array of arrays of strings, e.g. rules = [["a", "b.first3"], ["c"]].
  Status Rules(std::string_view path, std::vector<RuleConfig>* out) const {
    const auto node = t_.at_path(path);
    if (!node) return Status::Ok();
    const toml::array* rules = node.as_array();
    if (rules == nullptr) return Error(path, "must be a list of lists of keys");
    for (const toml::node& rule : *rules) {
      RuleConfig r;
      RETURN_IF_ERROR(Keys(path, rule.as_array(), "each rule must be a list of keys", &r));
      out->push_back(std::move(r));
    }
    return Status::Ok();
  }

  // One rule, an array of strings, e.g. settled_by = ["id_number", "name"].
  Status Rule(std::string_view path, RuleConfig* out) const {
    const auto node = t_.at_path(path);
    if (!node) return Status::Ok();
    return Keys(path, node.as_array(), "must be a list of keys", out);
  }

 private:
  Status Keys(std::string_view path, const toml::array* keys, std::string_view not_keys,
              RuleConfig* out) const {
    if (keys == nullptr || keys->empty()) return Error(path, not_keys);
    for (const toml::node& k : *keys) {
      if (!k.is_string()) return Error(path, "keys must be strings");
      out->push_back(*k.value<std::string>());
    }
    return Status::Ok();
  }

  const toml::table& t_;
  std::string file_;
};

// What is wrong with a spec's residual blocking, as `error(key, what)`, or Ok.
template <typename Error>
Status CheckResidual(const LinkSpec& s, const Error& error) {
  if (s.residual_sides != "both" && s.residual_sides != "left" && s.residual_sides != "right") {
    return error("residual_sides", "must be \"both\", \"left\" or \"right\"");
  }
  if (!s.residual_blocking.empty() && s.settled_by.empty()) {
    return error("settled_by", "residual rules need the keys that settle a record");
  }
  if (s.residual_blocking.empty() && !s.settled_by.empty()) {
    return error("residual_rules", "settled_by is given but no residual rule uses it");
  }
  return Status::Ok();
}

std::string Resolve(const std::string& config, const std::string& path) {
  if (path.empty() || std::filesystem::path(path).is_absolute()) return path;
  return (std::filesystem::path(config).parent_path() / path).lexically_normal().string();
}

}  // namespace

Result<LinkSpec> ParseLinkSpec(const std::string& path) {
  toml::table table;
  try {
    table = toml::parse_file(path);
  } catch (const toml::parse_error& e) {
    const auto& where = e.source().begin;
    return InvalidArgument(path + ": line " + std::to_string(where.line) + ": " +
                           std::string(e.description()));
  } catch (const std::exception& e) {
    return InvalidArgument(path + ": " + e.what());
  }
  LinkSpec s;
  s.config_path = path;
  TomlReader r(table, path);
  RETURN_IF_ERROR(r.Get("input.left", &s.left, true));
  RETURN_IF_ERROR(r.Get("input.right", &s.right));
  if (const toml::array* ids = table.at_path("input.id").as_array()) {
    for (const toml::node& id : *ids) {
      if (!id.is_string()) return r.Error("input.id", "column names must be strings");
      s.id_columns.push_back(*id.value<std::string>());
    }
  } else {
    std::string id;
    RETURN_IF_ERROR(r.Get("input.id", &id, true));
    s.id_columns.push_back(id);
  }
  if (s.id_columns.empty()) return r.Error("input.id", "at least one column");
  RETURN_IF_ERROR(r.Get("input.as_of", &s.as_of));
  s.left = Resolve(path, s.left);
  s.right = Resolve(path, s.right);

  const toml::array* fields = table["field"].as_array();
  if (fields == nullptr || fields->empty()) return r.Error("field", "at least one [[field]]");
  for (size_t i = 0; i < fields->size(); ++i) {
    const toml::table* f = (*fields)[i].as_table();
    const std::string where = "field[" + std::to_string(i) + "]";
    if (f == nullptr) return r.Error(where, "must be a table");
    TomlReader fr(*f, path + ": " + where);
    FieldConfig fc;
    std::string normalize = "text";
    RETURN_IF_ERROR(fr.Get("name", &fc.name, true));
    RETURN_IF_ERROR(fr.Get("column", &fc.column));
    RETURN_IF_ERROR(fr.Get("normalize", &normalize));
    if (fc.column.empty()) fc.column = fc.name;
    auto n = ParseNormalizer(normalize);
    if (!n.ok()) return fr.Error("normalize", n.status().message());
    fc.normalizer = *n;
    s.fields.push_back(std::move(fc));
  }
  const toml::array* comparisons = table["comparison"].as_array();
  if (comparisons == nullptr || comparisons->empty()) {
    return r.Error("comparison", "at least one [[comparison]]");
  }
  for (size_t i = 0; i < comparisons->size(); ++i) {
    const toml::table* c = (*comparisons)[i].as_table();
    const std::string where = "comparison[" + std::to_string(i) + "]";
    if (c == nullptr) return r.Error(where, "must be a table");
    TomlReader cr(*c, path + ": " + where);
    ComparisonConfig cc;
    RETURN_IF_ERROR(cr.Get("field", &cc.field, true));
    RETURN_IF_ERROR(cr.Get("tf", &cc.tf));
    RETURN_IF_ERROR(cr.Get("agree_only", &cc.agree_only));
    const toml::array* levels = (*c)["levels"].as_array();
    if (levels == nullptr || levels->empty()) return cr.Error("levels", "a list of levels");
    for (const toml::node& l : *levels) {
      if (!l.is_string()) return cr.Error("levels", "levels must be strings");
      auto cond = ParseCondition(*l.value<std::string>());
      if (!cond.ok()) return cr.Error("levels", cond.status().message());
      cc.levels.push_back(*l.value<std::string>());
    }
    s.comparisons.push_back(std::move(cc));
  }
  RETURN_IF_ERROR(r.Rules("blocking.rules", &s.blocking));
  if (s.blocking.empty()) return r.Error("blocking.rules", "at least one blocking rule");
  RETURN_IF_ERROR(r.Rules("blocking.residual_rules", &s.residual_blocking));
  RETURN_IF_ERROR(r.Rule("blocking.settled_by", &s.settled_by));
  RETURN_IF_ERROR(r.Get("blocking.residual_sides", &s.residual_sides));
  RETURN_IF_ERROR(CheckResidual(s, [&](std::string_view key, std::string_view what) {
    return r.Error(std::string("blocking.") + std::string(key), what);
  }));
  RETURN_IF_ERROR(r.Get("blocking.max_block_pairs", &s.max_block_pairs));
  RETURN_IF_ERROR(r.Get("blocking.max_total_pairs", &s.max_total_pairs));
  RETURN_IF_ERROR(r.Get("training.seed", &s.seed));
  RETURN_IF_ERROR(r.Get("training.u_pairs", &s.u_pairs));
  RETURN_IF_ERROR(r.Get("training.u_min_count", &s.u_min_count));
  if (s.u_pairs < 1) return r.Error("training.u_pairs", "must be at least 1");
  if (s.u_min_count < 0) return r.Error("training.u_min_count", "must be at least 0");
  RETURN_IF_ERROR(r.Get("training.m_pseudo_count", &s.m_pseudo_count));
  if (!(s.m_pseudo_count >= 0)) return r.Error("training.m_pseudo_count", "must be at least 0");
  RETURN_IF_ERROR(r.Rules("training.deterministic", &s.deterministic));
  RETURN_IF_ERROR(r.Get("training.deterministic_recall", &s.deterministic_recall));
  RETURN_IF_ERROR(r.Rules("training.em_rules", &s.em_rules));
  RETURN_IF_ERROR(r.Get("training.max_iterations", &s.max_iterations));
  RETURN_IF_ERROR(r.Get("training.model", &s.model_in));
  RETURN_IF_ERROR(r.Get("training.model_out", &s.model_out));
  s.model_in = Resolve(path, s.model_in);
  s.model_out = Resolve(path, s.model_out);
  RETURN_IF_ERROR(r.Get("output.threshold", &s.threshold));
  RETURN_IF_ERROR(r.Get("output.one_to_one", &s.one_to_one));
  RETURN_IF_ERROR(r.Get("output.threads", &s.threads));
  if (!(s.threshold >= 0 && s.threshold <= 1)) {
    return r.Error("output.threshold", "must be a probability in [0, 1]");
  }
  if (!(s.deterministic_recall > 0 && s.deterministic_recall <= 1)) {
    return r.Error("training.deterministic_recall", "must be in (0, 1]");
  }
  if (s.model_in.empty() && s.deterministic.empty()) {
    return r.Error("training.deterministic", "needed to estimate the prior (or give a model)");
  }
  return s;
}

Result<std::vector<Comparison>> BindComparisons(const LinkSpec& spec, const RecordSet& set) {
  std::vector<Comparison> out;
  for (const ComparisonConfig& cc : spec.comparisons) {
    Comparison c;
    c.name = cc.field;
    c.field = set.FieldIndex(cc.field);
    if (c.field < 0) {
      return InvalidArgument(spec.config_path + ": comparison of unknown field '" + cc.field + "'");
    }
    c.tf = cc.tf;
    c.agree_only = cc.agree_only;
    for (const std::string& l : cc.levels) {
      ASSIGN_OR_RETURN(Condition cond, ParseCondition(l));
      c.conditions.push_back(std::move(cond));
    }
    if (c.levels() > 16)
      return InvalidArgument(spec.config_path + ": too many levels for " + c.name);
    out.push_back(std::move(c));
  }
  return out;
}

std::vector<Level> PairLevels(const std::vector<Comparison>& comparisons, const RecordSet& left,
                              RecordIndex l, const RecordSet& right, RecordIndex r) {
  std::vector<Level> levels(comparisons.size());
  for (size_t c = 0; c < comparisons.size(); ++c) {
    levels[c] = comparisons[c].Compare(left, l, right, r);
  }
  return levels;
}

// -- The run --

namespace {

constexpr int64_t kChunk = 1 << 14;
constexpr uint64_t kMaxRecordIndex = std::numeric_limits<RecordIndex>::max();

Result<std::vector<std::vector<KeyPart>>> BindRules(const std::vector<RuleConfig>& rules,
                                                    const RecordSet& set) {
  std::vector<std::vector<KeyPart>> out;
  for (const RuleConfig& rule : rules) {
    std::vector<KeyPart> parts;
    for (const std::string& key : rule) {
      ASSIGN_OR_RETURN(KeyPart p, ParseKeyPart(key, set));
      parts.push_back(p);
    }
    out.push_back(std::move(parts));
  }
  return out;
}

std::string RuleName(const RuleConfig& rule) {
  std::string name;
  for (const std::string& k : rule) name += (name.empty() ? "" : " & ") + k;
  return name;
}

std::vector<uint64_t> Keys(const RecordSet& set, const std::vector<KeyPart>& parts,
                           ThreadPool& pool) {
  std::vector<uint64_t> keys(set.size());
  pool.ParallelFor(static_cast<int64_t>(set.size()), kChunk, [&](int64_t b, int64_t e) {
    for (int64_t r = b; r < e; ++r) keys[r] = BlockingKey(set, static_cast<RecordIndex>(r), parts);
  });
  return keys;
}

// The blocking keys of a job's rules, each computed once: the deterministic rules, the EM
// sessions and the final blocking share rules (the ID number's keys of a million records were
// computed three times). The sets must not change while the cache is used.
class KeyCache {
 public:
  // The keys of rule `name` (bound to `parts`) over `set`, side 0 (left) or 1 (right); with
  // `take` they are moved out of the cache (the last use).
  std::vector<uint64_t> Get(const std::string& name, int side, const RecordSet& set,
                            const std::vector<KeyPart>& parts, ThreadPool& pool, bool take) {
    auto it = keys_.find({name, side});
    if (it == keys_.end()) {
      if (take) return Keys(set, parts, pool);
      it = keys_.emplace(std::make_pair(name, side), Keys(set, parts, pool)).first;
    }
    if (!take) return it->second;
    std::vector<uint64_t> out = std::move(it->second);
    keys_.erase(it);
    return out;
  }
  // Forgets every rule's keys.
  void Clear() { keys_.clear(); }

 private:
  std::map<std::pair<std::string, int>, std::vector<uint64_t>> keys_;
};

// Which records of `keys` have a key (not kNoKey) that some record of `other` has: 1 for those,
// 0 for the others.
std::vector<char> SharedKeys(const std::vector<uint64_t>& keys, std::vector<uint64_t> other,
                             ThreadPool& pool) {
  std::erase(other, kNoKey);
  std::sort(other.begin(), other.end());
  other.erase(std::unique(other.begin(), other.end()), other.end());
  std::vector<char> shared(keys.size(), 0);
  pool.ParallelFor(static_cast<int64_t>(keys.size()), kChunk, [&](int64_t b, int64_t e) {
    for (int64_t i = b; i < e; ++i) {
      shared[i] = keys[i] != kNoKey && std::binary_search(other.begin(), other.end(), keys[i]);
    }
  });
  return shared;
}

// Forgets, in both sides' settled flags, those of a side residual_sides does not mask: what is
// left says whose keys a residual rule drops.
void KeepMaskedSides(const LinkSpec& spec, std::vector<char> (&settled)[2]) {
  if (spec.residual_sides == "right") std::fill(settled[0].begin(), settled[0].end(), 0);
  if (spec.residual_sides == "left") std::fill(settled[1].begin(), settled[1].end(), 0);
}

// A residual rule's keys with those of the `settled` records (KeepMaskedSides') dropped.
void DropSettled(std::vector<uint64_t>& keys, const std::vector<char>& settled) {
  for (size_t i = 0; i < keys.size(); ++i) {
    if (settled[i]) keys[i] = kNoKey;
  }
}

// A run on divided records (LinkSpec::divided): the records this rank works on, received from
// the ranks that read them, and where the inputs' rows are.
struct Spread {
  Partition* partition = nullptr;
  const RecordSet* left_share = nullptr;
  const RecordSet* right_share = nullptr;
  Shares left_shares, right_shares;
  DecodedRows left, right;  // their flags: settled (residual rules leave them out)
};

// The rules whose blocks a rank must hold every record of: the blocking rules, and when the
// model is trained the deterministic rules and the EM sessions'.
std::vector<RuleConfig> RoutedRules(const LinkSpec& spec) {
  std::vector<RuleConfig> rules = spec.blocking;
  if (!spec.model && spec.model_in.empty()) {
    rules.insert(rules.end(), spec.deterministic.begin(), spec.deterministic.end());
    const std::vector<RuleConfig>& sessions = spec.em_rules.empty() ? spec.blocking : spec.em_rules;
    rules.insert(rules.end(), sessions.begin(), sessions.end());
  }
  std::sort(rules.begin(), rules.end());
  rules.erase(std::unique(rules.begin(), rules.end()), rules.end());
  return rules;
}

// Sends the records of this rank's shares to the ranks owning their blocks (divide.h).
Result<Spread> Divide(const LinkSpec& spec, const RecordSet& left, const RecordSet* right,
                      ThreadPool& pool) {
  Partition& p = *spec.partition;
  Spread out;
  out.partition = &p;
  out.left_share = &left;
  out.right_share = right;
  out.left_shares = GatherShares(p, left.size());
  if (right != nullptr) out.right_shares = GatherShares(p, right->size());
  if (out.left_shares.total() > kMaxRecordIndex ||
      (right != nullptr && out.right_shares.total() > kMaxRecordIndex)) {
    return InvalidArgument("more than " + std::to_string(kMaxRecordIndex) + " records in a set");
  }
  const std::vector<RuleConfig> rules = RoutedRules(spec);
  ASSIGN_OR_RETURN(auto bound, BindRules(rules, left));
  std::vector<std::vector<uint64_t>> keys[2];
  const RecordSet* sides[2] = {&left, right};
  for (int s = 0; s < 2; ++s) {
    if (sides[s] == nullptr) continue;
    for (const auto& parts : bound) keys[s].push_back(Keys(*sides[s], parts, pool));
  }
  // Residual rules: only the unsettled records of the sides they mask are in their blocks.
  std::vector<char> settled[2];
  if (right != nullptr && !spec.residual_blocking.empty()) {
    ASSIGN_OR_RETURN(auto settle, BindRules({spec.settled_by}, left));
    const std::vector<uint64_t> l = Keys(left, settle[0], pool);
    const std::vector<uint64_t> r = Keys(*right, settle[0], pool);
    auto [ls, rs] = SpreadSharedKeys(p, l, r);
    settled[0] = std::move(ls);
    settled[1] = std::move(rs);
    KeepMaskedSides(spec, settled);
    ASSIGN_OR_RETURN(auto residual, BindRules(spec.residual_blocking, left));
    for (int s = 0; s < 2; ++s) {
      for (const auto& parts : residual) {
        keys[s].push_back(Keys(*sides[s], parts, pool));
        DropSettled(keys[s].back(), settled[s]);
      }
    }
  }
  out.left = Route(p, left, out.left_shares, keys[0], settled[0]);
  keys[0] = {};
  settled[0] = {};
  if (right != nullptr) out.right = Route(p, *right, out.right_shares, keys[1], settled[1]);
  return out;
}

// Adds the spec's residual rules to `keys`: each rule's keys with those of the settled records
// (LinkSpec::settled_by, on the sides residual_sides names) replaced by kNoKey. The keys of
// settled_by and of the rules are taken from `cache` when a training rule computed them.
Status AddResidualRules(const RecordSet& left, const RecordSet& right, const LinkSpec& spec,
                        const Spread* spread, ThreadPool& pool, KeyCache& cache,
                        std::vector<BlockingRuleKeys>* keys) {
  std::vector<char> settled[2];
  if (spread != nullptr) {
    // Decided by the settled_by keys' owners and sent with the records, masked as asked.
    settled[0] = spread->left.flags;
    settled[1] = spread->right.flags;
  } else {
    ASSIGN_OR_RETURN(auto settle, BindRules({spec.settled_by}, left));
    const std::string settle_name = RuleName(spec.settled_by);
    const std::vector<uint64_t> left_keys = cache.Get(settle_name, 0, left, settle[0], pool, true);
    const std::vector<uint64_t> right_keys =
        cache.Get(settle_name, 1, right, settle[0], pool, true);
    settled[0] = SharedKeys(left_keys, right_keys, pool);
    settled[1] = SharedKeys(right_keys, left_keys, pool);
    KeepMaskedSides(spec, settled);
  }
  ASSIGN_OR_RETURN(auto bound, BindRules(spec.residual_blocking, left));
  for (size_t i = 0; i < bound.size(); ++i) {
    BlockingRuleKeys k;
    const std::string name = RuleName(spec.residual_blocking[i]);
    k.name = name + " (unsettled)";
    k.left = cache.Get(name, 0, left, bound[i], pool, true);
    k.right = cache.Get(name, 1, right, bound[i], pool, true);
    DropSettled(k.left, settled[0]);
    DropSettled(k.right, settled[1]);
    keys->push_back(std::move(k));
  }
  return Status::Ok();
}

// Streams the candidate pairs of `rules` (each pair once) to `sink`, and with `residual` those of
// the spec's residual rules after them. `cache` keeps the keys for a later Block of the same
// rules, unless `last`.
Status Block(const std::vector<RuleConfig>& rules, const RecordSet& left, const RecordSet* right,
             const LinkSpec& spec, const Spread* spread, ThreadPool& pool, BlockingReport* report,
             KeyCache& cache, bool last, bool residual, PairSink& sink) {
  ASSIGN_OR_RETURN(auto bound, BindRules(rules, left));
  std::vector<BlockingRuleKeys> keys;
  for (size_t i = 0; i < bound.size(); ++i) {
    BlockingRuleKeys k;
    k.name = RuleName(rules[i]);
    k.left = cache.Get(k.name, 0, left, bound[i], pool, last);
    if (right != nullptr) k.right = cache.Get(k.name, 1, *right, bound[i], pool, last);
    keys.push_back(std::move(k));
  }
  if (residual && !spec.residual_blocking.empty()) {
    // RunLink refuses residual rules when deduplicating.
    assert(right != nullptr);
    RETURN_IF_ERROR(AddResidualRules(left, *right, spec, spread, pool, cache, &keys));
  }
  if (last) cache.Clear();
  BlockingOptions options;
  options.max_block_pairs = spec.max_block_pairs;
  options.max_total_pairs = spec.max_total_pairs;
  options.threads = spec.threads;
  options.partition = spec.partition;
  return StreamPairs(keys, right == nullptr, options, report, sink);
}

// Drops the pairs: for their number only (the report has it).
class DropPairs : public PairSink {
 public:
  void Start(size_t) override {}
  void Take(size_t, std::span<const Pair>) override {}
};

// The level vectors of `pairs`, aggregated; only the comparisons `active` names (all when it is
// null) are compared, the others get level 0 (null).
PatternCounter CountChunk(std::span<const Pair> pairs, const std::vector<Comparison>& comps,
                          const Model& model, const RecordSet& left, const RecordSet& right,
                          const std::vector<bool>* active) {
  PatternCounter counter = PatternCounter::ForModel(model);
  // Field by field over the chunk, so each pass touches one column's values only.
  const size_t n = pairs.size();
  std::vector<Level> levels(n * comps.size(), 0);
  for (size_t c = 0; c < comps.size(); ++c) {
    if (active != nullptr && !(*active)[c]) continue;
    for (size_t i = 0; i < n; ++i) {
      levels[i * comps.size() + c] = comps[c].Compare(left, pairs[i].left, right, pairs[i].right);
    }
  }
  for (size_t i = 0; i < n; ++i) {
    counter.Add(std::span<const Level>(levels.data() + i * comps.size(), comps.size()));
  }
  return counter;
}

// CountChunk of every chunk of `pairs`, summed (integer counts: the same whatever the chunks).
PatternCounts CountPatterns(std::span<const Pair> pairs, const std::vector<Comparison>& comps,
                            const Model& model, const RecordSet& left, const RecordSet& right,
                            ThreadPool& pool, const std::vector<bool>* active = nullptr) {
  const auto chunks = pool.ParallelChunks<PatternCounter>(
      static_cast<int64_t>(pairs.size()), kChunk, [&](int64_t b, int64_t e) {
        return CountChunk(pairs.subspan(static_cast<size_t>(b), static_cast<size_t>(e - b)), comps,
                          model, left, right, active);
      });
  PatternCounter total = PatternCounter::ForModel(model);
  for (const PatternCounter& c : chunks) total.Merge(c);
  return total.Counts();
}

// CountPatterns of streamed pairs: each chunk counted as it comes, the counts summed at the end.
class CountPairs : public PairSink {
 public:
  CountPairs(const std::vector<Comparison>& comps, const Model& model, const RecordSet& left,
             const RecordSet& right)
      : comps_(comps), model_(model), left_(left), right_(right) {}
  void Start(size_t chunks) override { chunks_.resize(chunks); }
  void Take(size_t index, std::span<const Pair> pairs) override {
    chunks_[index] = CountChunk(pairs, comps_, model_, left_, right_, nullptr);
  }
  PatternCounts Total() const {
    PatternCounter total = PatternCounter::ForModel(model_);
    for (const PatternCounter& c : chunks_) total.Merge(c);
    return total.Counts();
  }

 private:
  const std::vector<Comparison>& comps_;
  const Model& model_;
  const RecordSet& left_;
  const RecordSet& right_;
  std::vector<PatternCounter> chunks_;
};

// Scores streamed pairs and keeps, in GeneratePairs' order: every pair; or (`threshold`) only
// those whose probability is at or above it; or (`component`) only pairs of two records with the
// same component, the others not even scored.
class ScorePairs : public PairSink {
 public:
  ScorePairs(const std::vector<Comparison>& comps, const Model& model, const RecordSet& left,
             const RecordSet& right, const Progress& progress)
      : comps_(comps), model_(model), left_(left), right_(right), progress_(progress) {}
  std::optional<double> threshold;
  const std::vector<RecordIndex>* component = nullptr;
  std::string_view stage = "scoring";  // for the progress

  void Start(size_t chunks) override {
    chunks_.resize(chunks);
    if (progress_) progress_(stage, 0, static_cast<int64_t>(chunks));
  }
  void Take(size_t index, std::span<const Pair> pairs) override {
    std::vector<ScoredPair>& out = chunks_[index];
    // Keeping every pair: exactly as many, so that the chunks hold no spare capacity.
    if (!threshold && component == nullptr) out.reserve(pairs.size());
    std::vector<Level> levels(comps_.size());
    for (const Pair& p : pairs) {
      if (component != nullptr && (*component)[p.left] != (*component)[p.right]) continue;
      double w = model_.PriorWeight();
      for (size_t c = 0; c < comps_.size(); ++c) {
        levels[c] = comps_[c].Compare(left_, p.left, right_, p.right);
        w += model_.comparisons[c].tf_adjust[levels[c]]
                 ? model_.TfAdjustedLevelWeight(c, levels[c],
                                                left_.fields[comps_[c].field].frequency_of(p.left))
                 : model_.LevelWeight(c, levels[c]);
      }
      const ScoredPair scored{p.left, p.right, w, model_.Probability(w)};
      if (threshold && !(scored.probability >= *threshold)) continue;
      out.push_back(scored);
    }
    if (progress_) progress_(stage, 1, static_cast<int64_t>(chunks_.size()));
  }
  std::vector<ScoredPair> Join() { return JoinChunks(chunks_); }

 private:
  const std::vector<Comparison>& comps_;
  const Model& model_;
  const RecordSet& left_;
  const RecordSet& right_;
  const Progress& progress_;
  std::vector<std::vector<ScoredPair>> chunks_;
};

// The sorted distinct values of `side` (Pair::left or Pair::right) of `pairs`.
std::vector<uint64_t> Indices(std::span<const Pair> pairs, RecordIndex Pair::*side,
                              RecordIndex Pair::*also = nullptr) {
  std::vector<uint64_t> out;
  out.reserve(pairs.size() * (also ? 2 : 1));
  for (const Pair& p : pairs) {
    out.push_back(p.*side);
    if (also) out.push_back(p.*also);
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

RecordIndex Position(const std::vector<uint64_t>& sorted, RecordIndex global) {
  return static_cast<RecordIndex>(std::lower_bound(sorted.begin(), sorted.end(), global) -
                                  sorted.begin());
}

// CountPatterns of every rank's share of `pairs` (which every rank has), summed: all of them.
// On divided records (`spread`) the pairs are the inputs' rows, fetched from their ranks first.
PatternCounts CountShare(Partition* partition, const Spread* spread, std::span<const Pair> pairs,
                         const std::vector<Comparison>& comps, const Model& model,
                         const RecordSet& left, const RecordSet& right, ThreadPool& pool,
                         const std::vector<bool>* active = nullptr) {
  const auto [begin, end] = ShareOf(partition, pairs.size());
  const std::span<const Pair> mine = pairs.subspan(begin, end - begin);
  if (spread == nullptr) {
    return SumPatterns(partition, CountPatterns(mine, comps, model, left, right, pool, active));
  }
  // Deduplicating, both records of a pair come from the one input: fetched together.
  Partition& p = *spread->partition;
  const bool one = spread->right_share == nullptr;
  const std::vector<uint64_t> wanted_left =
      one ? Indices(mine, &Pair::left, &Pair::right) : Indices(mine, &Pair::left);
  const std::vector<uint64_t> wanted_right = one ? wanted_left : Indices(mine, &Pair::right);
  const RecordSet l = Fetch(p, *spread->left_share, spread->left_shares, wanted_left);
  const RecordSet r =
      one ? RecordSet() : Fetch(p, *spread->right_share, spread->right_shares, wanted_right);
  std::vector<Pair> local(mine.begin(), mine.end());
  for (Pair& q : local) q = {Position(wanted_left, q.left), Position(wanted_right, q.right)};
  return SumPatterns(partition, CountPatterns(local, comps, model, l, one ? l : r, pool, active));
}

// The random pairs u is estimated from, as level vectors: every pair's full level vector for
// the pairs all comparisons compared, and for the pairs only some compared, their levels with
// the others null (level 0, which EstimateU leaves out), so that each comparison's non-null
// counts are those of exactly the pairs it compared.
struct USample {
  PatternCounts counts;
  std::vector<int64_t> pairs;  // per comparison, the pairs it compared
};

// Orders random pairs by tiles of 65,536 left records by 65,536 right records (and within a tile
// by record): the pairs of one tile read the columns of a few hundred kilobytes of records, which
// stay in the cache, where pairs in the order drawn each read two records anywhere in the sets.
// Their counts are sums, the same in any order; a million pairs of the register and a death list
// are counted in half the time (bench/RESULTS.md).
void SortByTile(std::vector<Pair>& pairs) {
  auto tile = [](const Pair& p) { return (uint64_t{p.left >> 16} << 32) | (p.right >> 16); };
  std::sort(pairs.begin(), pairs.end(), [&](const Pair& a, const Pair& b) {
    const uint64_t ta = tile(a), tb = tile(b);
    return ta != tb ? ta < tb : a < b;
  });
}

// Draws the sample for u as LinkSpec::u_pairs says: all pairs when there are at most u_pairs,
// otherwise rounds of a RandomPairStream, a comparison dropping out once each of its non-null
// levels has u_min_count observations. The rounds and who drops out depend only on counts, so
// the sample is the same for a seed whatever the thread count.
USample SampleForU(const LinkSpec& spec, const Spread* spread, size_t left_n, size_t right_n,
                   const std::vector<Comparison>& comps, const Model& model, const RecordSet& left,
                   const RecordSet& other, bool dedupe, ThreadPool& pool) {
  RandomPairStream stream(left_n, right_n, dedupe, spec.seed);
  const uint64_t cap = std::min<uint64_t>(static_cast<uint64_t>(spec.u_pairs), stream.possible());
  USample out;
  out.pairs.assign(comps.size(), 0);
  if (cap == stream.possible()) {
    // A small job: every pair, exactly.
    const std::vector<Pair> all = RandomPairs(left_n, right_n, dedupe, cap, spec.seed);
    out.counts = CountShare(spec.partition, spread, all, comps, model, left, other, pool);
    out.pairs.assign(comps.size(), static_cast<int64_t>(all.size()));
    return out;
  }
  std::vector<bool> active(comps.size(), true);
  PatternCounter total = PatternCounter::ForModel(model);
  std::vector<std::vector<double>> seen(comps.size());  // per comparison and level
  for (size_t c = 0; c < comps.size(); ++c) seen[c].assign(comps[c].levels(), 0.0);
  size_t active_count = comps.size();
  uint64_t round = std::min<uint64_t>(cap, kFirstURound);
  while (active_count > 0 && stream.drawn() < cap) {
    std::vector<Pair> pairs = stream.Next(static_cast<size_t>(round));
    SortByTile(pairs);
    const PatternCounts counts =
        CountShare(spec.partition, spread, pairs, comps, model, left, other, pool, &active);
    for (size_t i = 0; i < counts.size(); ++i) {
      const std::span<const Level> p = counts.Pattern(i);
      total.Add(p, counts.counts[i]);
      for (size_t c = 0; c < p.size(); ++c) seen[c][p[c]] += counts.counts[i];
    }
    for (size_t c = 0; c < comps.size(); ++c) {
      if (!active[c]) continue;
      out.pairs[c] += static_cast<int64_t>(pairs.size());
      bool enough = spec.u_min_count > 0;
      for (size_t l = 1; l < seen[c].size(); ++l) {
        enough = enough && seen[c][l] >= static_cast<double>(spec.u_min_count);
      }
      if (enough) {
        active[c] = false;
        --active_count;
      }
    }
    round = std::min(stream.drawn(), cap - stream.drawn());  // doubling
  }
  out.counts = total.Counts();
  return out;
}

Model InitialModel(const std::vector<Comparison>& comps) {
  Model m;
  m.lambda = 1e-4;
  for (const Comparison& c : comps) {
    ComparisonModel cm;
    cm.name = c.name;
    cm.level_labels = c.LevelLabels();
    const int n = c.levels();
    cm.m.assign(n, 0.0);
    cm.u.assign(n, 0.0);
    cm.tf_adjust.assign(n, false);
    // m rises with similarity, u falls: a neutral start for EM.
    double msum = 0, usum = 0;
    for (int l = 1; l < n; ++l) {
      cm.m[l] = std::pow(4.0, l - 1);
      cm.u[l] = std::pow(4.0, n - 1 - l);
      msum += cm.m[l];
      usum += cm.u[l];
    }
    for (int l = 1; l < n; ++l) {
      cm.m[l] /= msum;
      cm.u[l] /= usum;
    }
    if (c.tf && !c.conditions.empty() && c.conditions[0].kind == Condition::Kind::kExact) {
      cm.tf_adjust[n - 1] = true;
    }
    m.comparisons.push_back(std::move(cm));
  }
  return m;
}

// Fields a rule blocks on: their comparisons learn nothing in that rule's EM session.
std::vector<bool> BlockedComparisons(const RuleConfig& rule, const std::vector<Comparison>& comps,
                                     const RecordSet& set) {
  std::vector<bool> blocked(comps.size(), false);
  for (const std::string& key : rule) {
    const int field = set.FieldIndex(key.substr(0, key.find('.')));
    for (size_t c = 0; c < comps.size(); ++c) blocked[c] = blocked[c] || comps[c].field == field;
  }
  return blocked;
}

Status Train(const LinkSpec& spec, const Spread* spread, size_t left_n, size_t right_n,
             const std::vector<Comparison>& comps, const RecordSet& left, const RecordSet* right,
             ThreadPool& pool, const Progress& progress, KeyCache& cache, LinkResult* result) {
  const RecordSet& other = right != nullptr ? *right : left;
  Model model = InitialModel(comps);
  // u: level frequencies among random pairs, nearly all non-matches.
  if (progress) progress("u from random pairs", 0, 0);
  USample random =
      SampleForU(spec, spread, left_n, right_n, comps, model, left, other, right == nullptr, pool);
  result->u_pairs = std::move(random.pairs);
  ASSIGN_OR_RETURN(model, EstimateU(random.counts, model));
  // lambda: pairs the deterministic rules find, over their recall, over all pairs.
  // Only their number (all ranks') is needed: the report has it, the pairs go at once.
  BlockingReport det_report;
  DropPairs drop;
  RETURN_IF_ERROR(Block(spec.deterministic, left, right, spec, spread, pool, &det_report, cache,
                        false, false, drop));
  const double n_left = static_cast<double>(left_n);
  const double space =
      right != nullptr ? n_left * static_cast<double>(right_n) : n_left * (n_left - 1) / 2;
  // No deterministic match at all (a register with a handful of duplicates, none of them
  // carded twice with the same ID and name) is taken as one: a job is run on data expected to
  // hold matches, and a lambda of 0 (clamped to 1e-12, 40 bits against every pair) would let no
  // evidence link anything. With one or more the estimate is as it was.
  const int64_t det_matches = std::max<int64_t>(det_report.total_pairs, 1);
  model.lambda = std::clamp(
      EstimateLambda(det_matches, static_cast<int64_t>(space), spec.deterministic_recall), 1e-12,
      0.5);
  // m: one EM session per rule, each learning the comparisons its rule does not block on.
  std::vector<RuleConfig> sessions = spec.em_rules.empty() ? spec.blocking : spec.em_rules;
  std::vector<std::vector<double>> m_sum(comps.size());
  std::vector<int> m_n(comps.size(), 0);
  std::vector<bool> trainable(comps.size(), false);  // some session does not block on it
  for (size_t c = 0; c < comps.size(); ++c) m_sum[c].assign(comps[c].levels(), 0.0);
  for (size_t s = 0; s < sessions.size(); ++s) {
    if (progress) progress("EM sessions", s == 0 ? 0 : 1, static_cast<int64_t>(sessions.size()));
    BlockingReport report;
    CountPairs count(comps, model, left, other);
    RETURN_IF_ERROR(
        Block({sessions[s]}, left, right, spec, spread, pool, &report, cache, false, false, count));
    const std::vector<bool> blocked = BlockedComparisons(sessions[s], comps, left);
    for (size_t c = 0; c < comps.size(); ++c) trainable[c] = trainable[c] || !blocked[c];
    if (report.total_pairs == 0) continue;  // all ranks' pairs (this rank may have none)
    EmOptions options;
    options.max_iterations = spec.max_iterations;
    options.fix_u = true;
    options.m_pseudo_count = spec.m_pseudo_count;
    for (size_t c = 0; c < comps.size(); ++c) {
      if (blocked[c]) options.ignored_comparisons.push_back(c);
    }
    EmReport em;
    const PatternCounts counts = SumPatterns(spec.partition, count.Total());
    ASSIGN_OR_RETURN(Model trained, TrainEm(counts, model, options, &em));
    em.session = RuleName(sessions[s]);
    result->em.push_back(em);
    for (size_t c = 0; c < comps.size(); ++c) {
      if (blocked[c]) continue;
      for (size_t l = 0; l < m_sum[c].size(); ++l) m_sum[c][l] += trained.comparisons[c].m[l];
      ++m_n[c];
    }
  }
  for (size_t c = 0; c < comps.size(); ++c) {
    if (!trainable[c]) {
      return FailedPrecondition(spec.config_path + ": no EM session trains comparison '" +
                                comps[c].name +
                                "': add a training.em_rules rule that does not "
                                "block on it");
    }
    // The sessions that could train it found no candidate pairs (a register whose duplicates
    // were all merged): nothing to learn from, so m keeps its starting values, which is harmless
    // because there is nothing for it to score either.
    if (m_n[c] == 0) continue;
    for (size_t l = 0; l < m_sum[c].size(); ++l) {
      model.comparisons[c].m[l] = m_sum[c][l] / m_n[c];
    }
  }
  // u again, with the matches among the random pairs taken out by their posterior under the
  // trained m and the prior: in a small job they are a large share of the exact agreements on
  // an ID number (see EstimateUWithoutMatches).
  ASSIGN_OR_RETURN(model, EstimateUWithoutMatches(random.counts, std::move(model), 5));
  result->model = std::move(model);
  return Status::Ok();
}

}  // namespace

Result<LinkResult> RunLink(const LinkSpec& spec, RecordSet* left, RecordSet* right,
                           const Progress& progress) {
  RETURN_IF_ERROR(CheckResidual(spec, [&](std::string_view key, std::string_view what) {
    return InvalidArgument(spec.config_path + ": blocking." + std::string(key) + ": " +
                           std::string(what));
  }));
  if (!spec.residual_blocking.empty() && right == nullptr) {
    return InvalidArgument(spec.config_path +
                           ": blocking.residual_rules: for linking two sets only (a settled "
                           "record of a cluster may still have fuzzier duplicates)");
  }
  LinkResult result;
  ThreadPool pool(spec.threads);
  ASSIGN_OR_RETURN(result.comparisons, BindComparisons(spec, *left));
  const std::vector<Comparison>& comps = result.comparisons;
  std::vector<int> tf_fields;
  for (const Comparison& c : comps) {
    if (c.tf) tf_fields.push_back(c.field);
  }
  // Divided records: term frequencies from every rank's share, then each rank works on the
  // records of its blocks (the inputs' rows are global indices from here on).
  std::optional<Spread> spread;
  const size_t left_n = left->size(), right_n = right != nullptr ? right->size() : 0;
  if (spec.divided && spec.partition != nullptr && spec.partition->size() > 1) {
    if (progress) progress("dividing the records", 0, 0);
    SpreadTermFrequencies(*spec.partition, left, right, tf_fields);
    ASSIGN_OR_RETURN(spread, Divide(spec, *left, right, pool));
  } else {
    ComputeTermFrequencies(left, right, tf_fields, &pool);
  }
  const Spread* spread_ptr = spread ? &*spread : nullptr;
  const size_t all_left = spread ? spread->left_shares.total() : left_n;
  const size_t all_right = spread && right != nullptr ? spread->right_shares.total() : right_n;
  RecordSet* const shares[2] = {left, right};
  if (spread) {
    left = &spread->left.set;
    if (right != nullptr) right = &spread->right.set;
    result.records_held.assign(static_cast<size_t>(spec.partition->size()), 0);
    result.records_held[static_cast<size_t>(spec.partition->rank())] =
        static_cast<int64_t>(left->size() + (right != nullptr ? right->size() : 0));
    spec.partition->Sum(result.records_held);
  }
  const RecordSet& other = right != nullptr ? *right : *left;
  // A pair of the sets worked on as the inputs' rows.
  auto to_global = [&](std::vector<ScoredPair> pairs) {
    if (spread) {
      const std::vector<uint64_t>& l = spread->left.index;
      const std::vector<uint64_t>& r = right != nullptr ? spread->right.index : l;
      for (ScoredPair& p : pairs) {
        p.left = static_cast<RecordIndex>(l[p.left]);
        p.right = static_cast<RecordIndex>(r[p.right]);
      }
    }
    return pairs;
  };
  KeyCache cache;
  if (spec.model) {
    result.model = *spec.model;
    std::vector<size_t> level_counts;
    for (const Comparison& c : comps) level_counts.push_back(static_cast<size_t>(c.levels()));
    RETURN_IF_ERROR(result.model.CheckShape(level_counts));
  } else if (!spec.model_in.empty()) {
    ASSIGN_OR_RETURN(result.model, LoadModel(spec.model_in));
    if (result.model.comparisons.size() != comps.size()) {
      return InvalidArgument(spec.model_in + ": the model has " +
                             std::to_string(result.model.comparisons.size()) +
                             " comparisons, the configuration " + std::to_string(comps.size()));
    }
  } else {
    RETURN_IF_ERROR(Train(spec, spread_ptr, all_left, all_right, comps, *left, right, pool,
                          progress, cache, &result));
    if (!spec.model_out.empty()) RETURN_IF_ERROR(SaveModel(result.model, spec.model_out));
  }
  // The shares' fields, once the random pairs of u no longer fetch from them.
  for (RecordSet* share : shares) {
    if (spread && share != nullptr) std::vector<FieldColumn>().swap(share->fields);
  }
  if (progress) progress("blocking", 0, 0);
  // Blocked, scored and kept chunk by chunk: no list of every candidate pair is made.
  // Clustering weighs the pairs inside a component of the links as well as the links: without
  // every scored pair, those are found by blocking a second time (with the keys kept).
  const bool block_again = right == nullptr && !spec.keep_all_scored;
  ScorePairs score(comps, result.model, *left, other, progress);
  if (!spec.keep_all_scored) score.threshold = spec.threshold;
  RETURN_IF_ERROR(Block(spec.blocking, *left, right, spec, spread_ptr, pool, &result.blocking,
                        cache, /*last=*/!block_again, /*residual=*/true, score));
  result.candidate_pairs = result.blocking.total_pairs;  // all ranks'
  result.scored = GatherScored(spec.partition, to_global(score.Join()));
  // No links: no component holds two records, and no pair would be kept (every rank has the
  // same gathered links, so all skip alike).
  if (block_again && !result.scored.empty()) {
    DisjointSets components(all_left);
    for (const ScoredPair& p : result.scored) components.Union(p.left, p.right);
    // The component of each record worked on.
    std::vector<RecordIndex> root(left->size());
    for (size_t i = 0; i < root.size(); ++i) {
      root[i] = components.Find(spread ? static_cast<RecordIndex>(spread->left.index[i])
                                       : static_cast<RecordIndex>(i));
    }
    ScorePairs within(comps, result.model, *left, other, progress);
    within.component = &root;
    within.stage = "scoring the clusters' pairs";
    BlockingReport again;
    RETURN_IF_ERROR(Block(spec.blocking, *left, right, spec, spread_ptr, pool, &again, cache, true,
                          false, within));
    result.scored = GatherScored(spec.partition, to_global(within.Join()));
  }
  if (right != nullptr) {
    result.accepted =
        spec.one_to_one ? AssignOneToOne(result.scored, spec.threshold) : std::vector<ScoredPair>{};
    if (!spec.one_to_one) {
      for (const ScoredPair& p : result.scored) {
        if (p.probability >= spec.threshold) result.accepted.push_back(p);
      }
    }
  } else {
    ClusterOptions options;
    options.threshold = spec.threshold;
    result.clusters = Cluster(all_left, result.scored, options);
  }
  return result;
}

}  // namespace popreg::link
