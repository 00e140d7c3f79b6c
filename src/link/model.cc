#include "link/model.h"

#include <fmt/format.h>

#include <algorithm>
#include <cassert>
#include <cmath>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <utility>

#include "base/env.h"

namespace popreg::link {
namespace {

using nlohmann::json;

constexpr std::string_view kFormatName = "popreg-link-model";
constexpr int kFormatVersion = 1;
constexpr size_t kMaxLevels = 256;  // Level is a uint8_t

double ClampProbability(double p) { return std::max(p, kMinProbability); }

bool IsProbability(double p) { return p >= 0.0 && p <= 1.0; }  // false for NaN

// A frequency that adjusts the weight: known (> 0, not NaN).
bool KnownFrequency(double f) { return f > 0.0; }

std::string ProbabilityError(const std::string& field, double value) {
  return fmt::format("{}: {} is not a probability in [0, 1]", field, value);
}

}  // namespace

double Model::PriorWeight() const {
  const double l = std::clamp(lambda, kMinProbability, 1.0 - kMinProbability);
  return std::log2(l / (1.0 - l));
}

double Model::LevelWeight(size_t comparison, Level level) const {
  assert(comparison < comparisons.size());
  const ComparisonModel& c = comparisons[comparison];
  assert(level < c.m.size() && level < c.u.size());
  if (level == 0) return 0.0;
  return std::log2(ClampProbability(c.m[level]) / ClampProbability(c.u[level]));
}

double Model::TfAdjustedLevelWeight(size_t comparison, Level level, double value_frequency) const {
  assert(comparison < comparisons.size());
  const ComparisonModel& c = comparisons[comparison];
  assert(level < c.m.size());
  if (level == 0 || level >= c.tf_adjust.size() || !c.tf_adjust[level] ||
      !KnownFrequency(value_frequency)) {
    return LevelWeight(comparison, level);
  }
  const double f = std::min(ClampProbability(value_frequency), 1.0);
  double w = std::log2(ClampProbability(c.m[level]) / f);
  // Agreeing exactly on a common value still says at least as much as a less similar level
  // would: without this, a frequent name agreeing exactly could weigh less than a homophone.
  for (Level l = 1; l < level; ++l) w = std::max(w, LevelWeight(comparison, l));
  return w;
}

double Model::Weight(std::span<const Level> levels) const { return Weight(levels, {}); }

double Model::Weight(std::span<const Level> levels,
                     std::span<const double> value_frequencies) const {
  assert(levels.size() == comparisons.size());
  assert(value_frequencies.empty() || value_frequencies.size() == comparisons.size());
  // The same additions in the same order as Explain, so that both give the same bits.
  double total = PriorWeight();
  for (size_t c = 0; c < levels.size(); ++c) {
    total += value_frequencies.empty() ? LevelWeight(c, levels[c])
                                       : TfAdjustedLevelWeight(c, levels[c], value_frequencies[c]);
  }
  return total;
}

double Model::Probability(double weight) { return 1.0 / (1.0 + std::exp2(-weight)); }

Explanation Model::Explain(std::span<const Level> levels,
                           std::span<const double> value_frequencies) const {
  assert(levels.size() == comparisons.size());
  assert(value_frequencies.empty() || value_frequencies.size() == comparisons.size());
  Explanation e;
  e.terms.reserve(levels.size() + 1);
  ExplanationTerm prior;
  prior.name = "prior";
  prior.label = fmt::format("lambda = {:.6g}", lambda);
  prior.weight = PriorWeight();
  e.weight = prior.weight;
  e.terms.push_back(std::move(prior));
  for (size_t c = 0; c < levels.size(); ++c) {
    const ComparisonModel& cm = comparisons[c];
    ExplanationTerm t;
    t.name = cm.name;
    t.level = levels[c];
    assert(t.level < cm.level_labels.size());
    t.label = cm.level_labels[t.level];
    if (value_frequencies.empty()) {
      t.weight = LevelWeight(c, t.level);
    } else {
      const double f = value_frequencies[c];
      t.weight = TfAdjustedLevelWeight(c, t.level, f);
      t.tf_adjusted = t.level != 0 && t.level < cm.tf_adjust.size() && cm.tf_adjust[t.level] &&
                      KnownFrequency(f);
      if (t.tf_adjusted) t.value_frequency = f;
    }
    // The same additions in the same order as Weight.
    e.weight += t.weight;
    e.terms.push_back(std::move(t));
  }
  e.probability = Probability(e.weight);
  return e;
}

Status Model::Validate() const {
  if (!(lambda > 0.0 && lambda < 1.0)) {
    return InvalidArgument(fmt::format("lambda: {} is not a probability in (0, 1)", lambda));
  }
  if (comparisons.empty()) return InvalidArgument("comparisons: the model has no comparison");
  std::set<std::string, std::less<>> names;
  for (size_t i = 0; i < comparisons.size(); ++i) {
    const ComparisonModel& c = comparisons[i];
    const std::string where = fmt::format("comparisons[{}]", i);
    if (c.name.empty()) return InvalidArgument(where + ".name: empty");
    if (!names.insert(c.name).second) {
      return InvalidArgument(fmt::format("{}.name: '{}' is used twice", where, c.name));
    }
    const size_t n = c.level_labels.size();
    if (n < 2 || n > kMaxLevels) {
      return InvalidArgument(fmt::format(
          "{}.level_labels: '{}' has {} levels; a comparison has 2 to {} (the null level 0 and "
          "at least one more)",
          where, c.name, n, kMaxLevels));
    }
    auto count_error = [&](std::string_view field, size_t got) {
      return InvalidArgument(
          fmt::format("{}.{}: '{}' has {} entries for {} levels", where, field, c.name, got, n));
    };
    if (c.m.size() != n) return count_error("m", c.m.size());
    if (c.u.size() != n) return count_error("u", c.u.size());
    if (c.tf_adjust.size() != n) return count_error("tf_adjust", c.tf_adjust.size());
    if (c.tf_adjust[0]) {
      return InvalidArgument(where + ".tf_adjust[0]: the null level cannot be adjusted");
    }
    for (size_t l = 1; l < n; ++l) {
      if (!IsProbability(c.m[l])) {
        return InvalidArgument(ProbabilityError(fmt::format("{}.m[{}]", where, l), c.m[l]));
      }
      if (!IsProbability(c.u[l])) {
        return InvalidArgument(ProbabilityError(fmt::format("{}.u[{}]", where, l), c.u[l]));
      }
    }
  }
  return Status::Ok();
}

Status Model::CheckShape(std::span<const size_t> level_counts) const {
  if (level_counts.size() != comparisons.size()) {
    return InvalidArgument(fmt::format("the model has {} comparisons, the configuration {}",
                                       comparisons.size(), level_counts.size()));
  }
  for (size_t i = 0; i < comparisons.size(); ++i) {
    const ComparisonModel& c = comparisons[i];
    if (c.level_labels.size() != level_counts[i] || c.m.size() != level_counts[i] ||
        c.u.size() != level_counts[i] || c.tf_adjust.size() != level_counts[i]) {
      return InvalidArgument(
          fmt::format("comparisons[{}] ('{}'): the model has {} levels, the configuration {}", i,
                      c.name, c.level_labels.size(), level_counts[i]));
    }
  }
  return Status::Ok();
}

std::string ModelToJson(const Model& model) {
  json comparisons = json::array();
  for (const ComparisonModel& c : model.comparisons) {
    json levels = json::array();
    for (size_t l = 0; l < c.level_labels.size(); ++l) {
      json level = {{"label", c.level_labels[l]}};
      if (l > 0) {
        if (l < c.m.size()) level["m"] = c.m[l];
        if (l < c.u.size()) level["u"] = c.u[l];
        if (l < c.tf_adjust.size() && c.tf_adjust[l]) level["tf_adjust"] = true;
      }
      levels.push_back(std::move(level));
    }
    comparisons.push_back({{"name", c.name}, {"levels", std::move(levels)}});
  }
  json doc = {{"format", kFormatName},
              {"version", kFormatVersion},
              {"lambda", model.lambda},
              {"comparisons", std::move(comparisons)}};
  // Replace invalid UTF-8 in names and labels rather than throw.
  return doc.dump(2, ' ', false, json::error_handler_t::replace) + "\n";
}

namespace {

// Reads the fields of one JSON document, naming the source and the field in every error.
class ModelReader {
 public:
  explicit ModelReader(std::string_view source) : source_(source) {}

  Status Error(const std::string& field, std::string_view what) const {
    return InvalidArgument(fmt::format("{}: {}: {}", source_, field, what));
  }

  // Fails when `object` has a key not in `allowed`.
  Status OnlyKeys(const json& object, const std::string& where,
                  std::initializer_list<std::string_view> allowed) const {
    for (const auto& [key, value] : object.items()) {
      if (std::find(allowed.begin(), allowed.end(), key) == allowed.end()) {
        return Error(where.empty() ? key : where + "." + key, "unknown field");
      }
    }
    return Status::Ok();
  }

  // The member `key` of `object`, which must be present and of the given type.
  Result<const json*> Member(const json& object, const std::string& where, const char* key,
                             json::value_t type, std::string_view type_name) const {
    const std::string field = where.empty() ? key : where + "." + key;
    auto it = object.find(key);
    if (it == object.end()) return Error(field, "missing");
    const bool number_ok =
        type == json::value_t::number_float && it->is_number();  // 1 is a fine probability
    if (it->type() != type && !number_ok) {
      return Error(field, fmt::format("expected {}, found {}", type_name, it->type_name()));
    }
    return &*it;
  }

  Result<double> Probability(const json& object, const std::string& where, const char* key) const {
    ASSIGN_OR_RETURN(const json* v,
                     Member(object, where, key, json::value_t::number_float, "a number"));
    const double p = v->get<double>();
    if (!IsProbability(p)) {
      return Error(where + "." + key, fmt::format("{} is not a probability in [0, 1]", p));
    }
    return p;
  }

  Result<Model> Read(const json& doc) const {
    if (!doc.is_object()) {
      return InvalidArgument(fmt::format("{}: the model is not a JSON object", source_));
    }
    RETURN_IF_ERROR(OnlyKeys(doc, "", {"format", "version", "lambda", "comparisons"}));
    if (auto it = doc.find("format"); it != doc.end()) {
      if (!it->is_string() || it->get<std::string>() != kFormatName) {
        return Error("format", fmt::format("expected \"{}\"", kFormatName));
      }
    }
    if (auto it = doc.find("version"); it != doc.end()) {
      if (!it->is_number_integer() || it->get<int64_t>() != kFormatVersion) {
        return Error("version", fmt::format("this build reads version {} only, found {}",
                                            kFormatVersion, it->dump()));
      }
    }
    Model model;
    ASSIGN_OR_RETURN(const json* lambda,
                     Member(doc, "", "lambda", json::value_t::number_float, "a number"));
    model.lambda = lambda->get<double>();
    if (!(model.lambda > 0.0 && model.lambda < 1.0)) {
      return Error("lambda", fmt::format("{} is not a probability in (0, 1)", model.lambda));
    }
    ASSIGN_OR_RETURN(const json* comparisons,
                     Member(doc, "", "comparisons", json::value_t::array, "an array"));
    for (size_t i = 0; i < comparisons->size(); ++i) {
      ASSIGN_OR_RETURN(ComparisonModel c, ReadComparison((*comparisons)[i], i));
      model.comparisons.push_back(std::move(c));
    }
    if (Status s = model.Validate(); !s.ok()) {
      return InvalidArgument(fmt::format("{}: {}", source_, s.message()));
    }
    return model;
  }

 private:
  Result<ComparisonModel> ReadComparison(const json& j, size_t index) const {
    const std::string where = fmt::format("comparisons[{}]", index);
    if (!j.is_object()) return Error(where, "expected an object");
    RETURN_IF_ERROR(OnlyKeys(j, where, {"name", "levels"}));
    ComparisonModel c;
    ASSIGN_OR_RETURN(const json* name, Member(j, where, "name", json::value_t::string, "a string"));
    c.name = name->get<std::string>();
    ASSIGN_OR_RETURN(const json* levels,
                     Member(j, where, "levels", json::value_t::array, "an array"));
    if (levels->size() < 2 || levels->size() > kMaxLevels) {
      return Error(where + ".levels",
                   fmt::format("'{}' has {} levels; a comparison has 2 to {} (the null level "
                               "first, then at least one more)",
                               c.name, levels->size(), kMaxLevels));
    }
    for (size_t l = 0; l < levels->size(); ++l) {
      const json& level = (*levels)[l];
      const std::string lw = fmt::format("{}.levels[{}]", where, l);
      if (!level.is_object()) return Error(lw, "expected an object");
      ASSIGN_OR_RETURN(const json* label,
                       Member(level, lw, "label", json::value_t::string, "a string"));
      c.level_labels.push_back(label->get<std::string>());
      if (l == 0) {
        for (const char* key : {"m", "u", "tf_adjust"}) {
          if (level.contains(key)) {
            return Error(lw + "." + key, "the null level (levels[0]) carries no evidence");
          }
        }
        RETURN_IF_ERROR(OnlyKeys(level, lw, {"label"}));
        c.m.push_back(0.0);
        c.u.push_back(0.0);
        c.tf_adjust.push_back(false);
        continue;
      }
      RETURN_IF_ERROR(OnlyKeys(level, lw, {"label", "m", "u", "tf_adjust"}));
      ASSIGN_OR_RETURN(double m, Probability(level, lw, "m"));
      ASSIGN_OR_RETURN(double u, Probability(level, lw, "u"));
      c.m.push_back(m);
      c.u.push_back(u);
      bool tf = false;
      if (level.contains("tf_adjust")) {
        ASSIGN_OR_RETURN(const json* t,
                         Member(level, lw, "tf_adjust", json::value_t::boolean, "true or false"));
        tf = t->get<bool>();
      }
      c.tf_adjust.push_back(tf);
    }
    return c;
  }

  std::string_view source_;
};

}  // namespace

Result<Model> ModelFromJson(std::string_view text, std::string_view source) {
  json doc;
  try {
    doc = json::parse(text);
  } catch (const json::exception& e) {
    // nlohmann's messages say where: "[json.exception.parse_error.101] parse error at line 3,
    // column 5: ...".
    return InvalidArgument(fmt::format("{}: not valid JSON: {}", source, e.what()));
  }
  return ModelReader(source).Read(doc);
}

Status SaveModel(const Model& model, const std::string& path) {
  if (Status s = model.Validate(); !s.ok()) {
    return InvalidArgument(fmt::format("not saving the model to '{}': {}", path, s.message()));
  }
  return Env::Default().WriteFileAtomic(path, ModelToJson(model));
}

Result<Model> LoadModel(const std::string& path) {
  ASSIGN_OR_RETURN(std::string text, Env::Default().ReadFile(path));
  return ModelFromJson(text, path);
}

}  // namespace popreg::link
