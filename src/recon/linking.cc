#include "recon/linking.h"

#include <algorithm>
#include <cassert>
#include <nlohmann/json.hpp>
#include <string_view>
#include <utility>

#include "link/cluster.h"
#include "link/model.h"
#include "link/record_set.h"
#include "norm/address.h"

namespace popreg::recon {
namespace {

using link::Normalizer;

// Every job links on some of these fields; the register's records are normalised once with all
// of them, and each source's records carry the same fields (empty where it has none), because
// the engine compares field i of one side with field i of the other.
constexpr int kFieldCount = 8;
const link::FieldSpec kFields[kFieldCount] = {
    {"name", Normalizer::kNameZh},        {"sex", Normalizer::kSex},
    {"birth_date", Normalizer::kDate},    {"id_number", Normalizer::kIdNumber},
    {"mother_id", Normalizer::kIdNumber},  // the mother's ID number
    {"dwelling", Normalizer::kText},       // community code | building/unit/room
    {"community", Normalizer::kText},      // community code
    {"township", Normalizer::kText}};      // the first 9 digits of the community code

// A source's raw values by field name; fields not named are empty.
using SourceFields = std::vector<std::pair<std::string_view, std::vector<std::string>>>;

Result<link::RecordSet> BuildSource(size_t n, SourceFields given, const Date& as_of) {
  std::vector<std::vector<std::string>> raw(kFieldCount);
  for (int f = 0; f < kFieldCount; ++f) {
    for (auto& [name, values] : given) {
      if (name == kFields[f].name) raw[f] = std::move(values);
    }
    raw[f].resize(n);
  }
  std::vector<std::string> ids(n);
  for (size_t i = 0; i < n; ++i) ids[i] = std::to_string(i);
  return link::BuildRecordSet(std::move(ids), kFields, raw, as_of.Iso());
}

// A job's rules in the engine's terms.
struct JobRules {
  std::vector<link::ComparisonConfig> comparisons;
  std::vector<link::RuleConfig> blocking;
  std::vector<link::RuleConfig> deterministic;
  double deterministic_recall = 0.9;
  std::vector<link::RuleConfig> em_rules;
  double threshold = 0.5;
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
  spec.deterministic = rules.deterministic;
  spec.deterministic_recall = rules.deterministic_recall;
  spec.em_rules = rules.em_rules;
  spec.threshold = rules.threshold;
  spec.threads = ctx.threads;
  spec.u_pairs = 1'000'000;
  spec.seed = 1;
  return spec;
}

// The terms of a pair's weight as JSON: [{"field", "level", "weight"}...] with the prior first.
std::string ExplainPair(const link::LinkResult& r, const link::RecordSet& left, link::RecordIndex l,
                        const link::RecordSet& right, link::RecordIndex k) {
  const std::vector<link::Level> levels = link::PairLevels(r.comparisons, left, l, right, k);
  std::vector<double> freq(r.comparisons.size(), link::kNoFrequency);
  for (size_t c = 0; c < r.comparisons.size(); ++c) {
    if (r.comparisons[c].tf) freq[c] = left.fields[r.comparisons[c].field].frequency[l];
  }
  const link::Explanation e = r.model.Explain(levels, freq);
  nlohmann::json terms = nlohmann::json::array();
  for (const link::ExplanationTerm& t : e.terms) {
    terms.push_back({{"field", t.name}, {"level", t.label}, {"weight", t.weight}});
  }
  nlohmann::json j = {{"weight", e.weight}, {"probability", e.probability}, {"terms", terms}};
  return j.dump();
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
  std::erase_if(rules.deterministic, uses_empty);
  std::erase_if(rules.em_rules, uses_empty);
  if (rules.deterministic.empty() && !rules.blocking.empty()) {
    rules.deterministic.push_back(rules.blocking.front());
  }
  if (rules.em_rules.empty()) rules.em_rules = rules.blocking;
  return rules;
}

// Runs a one-to-one job of register persons (`left`, whose record i is register person
// register_index[i]) against a source (`right`), returning the links per source record.
Result<Links> OneToOne(const std::string& name, const LinkContext& ctx, link::RecordSet* left,
                       const std::vector<uint32_t>& register_index, link::RecordSet* right,
                       const JobRules& rules) {
  const size_t source_size = right->size();
  Links out;
  out.to_register.assign(source_size, kUnlinked);
  out.probability.assign(source_size, 0.0);
  out.explanation.assign(source_size, "");
  out.summary.name = name;
  out.summary.left = static_cast<int64_t>(left->size());
  out.summary.right = static_cast<int64_t>(source_size);
  const JobRules usable = ForData(rules, *left, *right);
  if (left->size() == 0 || source_size == 0 || usable.blocking.empty() ||
      usable.comparisons.empty()) {
    return out;
  }
  const link::LinkSpec spec = MakeSpec(name, ctx, usable);
  ASSIGN_OR_RETURN(link::LinkResult r, link::RunLink(spec, left, right, Named(name, ctx.progress)));
  out.summary.candidate_pairs = r.candidate_pairs;
  out.summary.lambda = r.model.lambda;
  for (const link::ScoredPair& p : r.accepted) {
    out.to_register[p.right] = static_cast<int32_t>(register_index[p.left]);
    out.probability[p.right] = p.probability;
    out.explanation[p.right] = ExplainPair(r, *left, p.left, *right, p.right);
  }
  out.summary.links = static_cast<int64_t>(r.accepted.size());
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

// A person on both sides: ID number, name, birth date and sex, found by the ID, the name and
// birth date, the pinyin and birth year, or the ID's birth digits and the surname; trained on
// the pairs of one ID and of one name and birth date.
JobRules PersonRules() {
  JobRules rules;
  rules.comparisons = {IdComparison("id_number"), NameComparison(), BirthComparison(),
                       SexComparison()};
  rules.blocking = {{"id_number"},
                    {"name", "birth_date"},
                    {"name.pinyin", "birth_date.year"},
                    {"id_number.id_birth", "name.surname"}};
  rules.deterministic = {{"id_number"}, {"name", "birth_date", "sex"}};
  rules.em_rules = {{"id_number"}, {"name", "birth_date"}};
  return rules;
}

// The dwelling of an address: its building/unit/room, empty when none is found.
std::string Dwelling(std::string_view address) {
  const norm::AddressParts parts = norm::ParseAddress(address);
  return parts.empty() ? std::string() : parts.Key();
}

// Each register person's dwelling: community code and building/unit/room, from the card's
// columns or its address text; empty when unknown.
std::vector<std::string> RegisterDwellings(const store::RegisterColumns& reg) {
  std::vector<std::string> out;
  out.reserve(reg.size());
  for (size_t i = 0; i < reg.size(); ++i) {
    std::string key = reg.building[i] + "/" + reg.unit[i] + "/" + reg.room[i];
    if (key == "//") key = Dwelling(reg.address[i]);
    out.push_back(key.empty() ? key : reg.community_code[i] + "|" + key);
  }
  return out;
}

// A source's dwellings from its address text and each record's community code.
std::vector<std::string> SourceDwellings(const SourceTable& source,
                                         const std::vector<std::string>& community) {
  std::vector<std::string> out(source.size());
  for (size_t i = 0; i < source.size(); ++i) {
    const std::string key = Dwelling(source.value("address", i));
    if (!key.empty() && !community[i].empty()) out[i] = community[i] + "|" + key;
  }
  return out;
}

}  // namespace

namespace {

Result<link::RecordSet> BuildRegisterRows(const store::RegisterColumns& reg,
                                          const RegisterRecords& r, std::span<const uint32_t> rows,
                                          const Date& as_of) {
  const std::vector<std::string>* raw[kFieldCount] = {
      &reg.name,  &reg.sex,     &reg.birth_date,     &reg.id_number,
      &r.mothers, &r.dwellings, &reg.community_code, &r.townships};
  std::vector<std::string> ids(rows.size());
  for (size_t i = 0; i < rows.size(); ++i) ids[i] = std::to_string(rows[i]);
  return link::BuildRecordSet(std::move(ids), kFields, raw, rows, as_of.Iso());
}

}  // namespace

Result<RegisterRecords> BuildAliveRecords(const store::RegisterColumns& reg,
                                          std::vector<std::string> mothers, const Date& as_of) {
  RegisterRecords out;
  out.mothers = std::move(mothers);
  out.dwellings = RegisterDwellings(reg);
  out.townships.resize(reg.size());
  for (size_t i = 0; i < reg.size(); ++i) out.townships[i] = reg.community_code[i].substr(0, 9);
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
                         const std::vector<std::string>& source_community) {
  ASSIGN_OR_RETURN(link::RecordSet right,
                   BuildSource(police.size(),
                               {{"name", police.column("name")},
                                {"sex", police.column("sex")},
                                {"birth_date", police.column("birth_date")},
                                {"id_number", police.column("id_number")},
                                // A newborn's card often has no name or ID yet: its mother and
                                // dwelling still say who it is.
                                {"mother_id", police.column("mother_id_number")},
                                {"dwelling", SourceDwellings(police, source_community)}},
                               ctx.as_of));
  JobRules rules = PersonRules();
  rules.comparisons.push_back({"mother_id", {"exact"}, false});
  rules.comparisons.push_back({"dwelling", {"exact"}, false});
  rules.blocking.push_back({"mother_id", "birth_date"});
  rules.blocking.push_back({"dwelling", "birth_date"});
  rules.threshold = 0.5;
  assert(ctx.records->set.size() == ctx.records->alive);
  return OneToOne("police_population -> register", ctx, &ctx.records->set, ctx.records->index,
                  &right, rules);
}

Result<Links> LinkDeaths(const LinkContext& ctx, const SourceTable& deaths,
                         const std::vector<std::string>& source_community) {
  ASSIGN_OR_RETURN(link::RecordSet right,
                   BuildSource(deaths.size(),
                               {{"name", deaths.column("name")},
                                {"sex", deaths.column("sex")},
                                {"birth_date", deaths.column("birth_date")},
                                {"id_number", deaths.column("id_number")},
                                {"dwelling", SourceDwellings(deaths, source_community)},
                                {"community", source_community}},
                               ctx.as_of));
  JobRules rules = PersonRules();
  rules.comparisons.push_back({"community", {"exact"}, false});
  rules.comparisons.push_back({"dwelling", {"exact"}, false});
  rules.blocking.push_back({"name", "community"});
  rules.blocking.push_back({"name.pinyin", "community"});
  // A card whose name was mistyped and a record without an ID still share a dwelling or a
  // community, a birth date and a sex.
  rules.blocking.push_back({"dwelling", "birth_date"});
  rules.blocking.push_back({"community", "birth_date", "sex"});
  rules.em_rules.push_back({"name", "community"});
  // Telling an office that a living person died is the worst mistake a comparison can make.
  rules.threshold = 0.9;
  RETURN_IF_ERROR(ExtendToAllPersons(ctx.reg, ctx.as_of, ctx.records));
  return OneToOne(std::string(deaths.kind_name()) + " -> register", ctx, &ctx.records->set,
                  ctx.records->index, &right, rules);
}

Result<Links> LinkBirths(const LinkContext& ctx, const SourceTable& births,
                         const std::vector<std::string>& source_community) {
  const bool police = births.kind() == io::Kind::kPoliceBirths;
  SourceFields given = {{"mother_id", births.column("mother_id_number")},
                        {"birth_date", births.column("birth_date")},
                        {"sex", births.column("sex")},
                        {"name", births.column(police ? "name" : "child_name")},
                        {"dwelling", SourceDwellings(births, source_community)}};
  // A registered newborn has its own ID: the strongest key when the register has it too.
  if (police) given.emplace_back("id_number", births.column("id_number"));
  ASSIGN_OR_RETURN(link::RecordSet right, BuildSource(births.size(), std::move(given), ctx.as_of));
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
  }
  rules.threshold = 0.5;
  RETURN_IF_ERROR(ExtendToAllPersons(ctx.reg, ctx.as_of, ctx.records));
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
                       {"township", {"exact"}, false}};
  rules.blocking = {
      {"id_number"}, {"township", "birth_date"}, {"township", "name.pinyin", "birth_date.year"}};
  rules.deterministic = {{"id_number", "name"}};
  rules.deterministic_recall = 0.7;
  rules.em_rules = {{"township", "birth_date"}, {"id_number"}};
  rules.threshold = 0.9;
  link::RecordSet& set = ctx.records->set;
  const JobRules usable = ForData(rules, set, set);
  if (usable.blocking.empty() || usable.comparisons.empty()) return out;
  const link::LinkSpec spec = MakeSpec(out.summary.name, ctx, usable);
  ASSIGN_OR_RETURN(link::LinkResult r,
                   link::RunLink(spec, &set, nullptr, Named(out.summary.name, ctx.progress)));
  out.summary.candidate_pairs = r.candidate_pairs;
  out.summary.lambda = r.model.lambda;
  for (size_t i = 0; i < alive.size(); ++i) out.cluster[alive[i]] = alive[r.clusters[i]];
  for (const link::ScoredPair& p : r.scored) {
    if (p.probability < rules.threshold || r.clusters[p.left] != r.clusters[p.right]) continue;
    out.pairs.push_back(
        {alive[p.left], alive[p.right], p.probability, ExplainPair(r, set, p.left, set, p.right)});
  }
  out.summary.links = static_cast<int64_t>(out.pairs.size());
  return out;
}

}  // namespace popreg::recon
