#include "report/stats.h"

#include <algorithm>
#include <filesystem>
#include <set>
#include <string_view>

#include "recon/counts.h"
#include "recon/effects.h"
#include "recon/rules.h"
#include "report/stats_table.h"
#include "store/comparisons.h"
#include "store/record_values.h"

namespace popreg::report {
namespace {

constexpr std::string_view kUnknownName = "未能归属";
constexpr std::string_view kLevels[] = {"community", "township", "district"};

// The areas the rows are made of: each community's township, each township's district.
class AreaTree {
 public:
  explicit AreaTree(const std::vector<store::Area>& areas) {
    for (const store::Area& a : areas) {
      parent_[a.code] = a.parent_code;
      name_[a.code] = a.name;
      if (a.level == "community") communities_.push_back(a.code);
      if (a.level == "township") townships_.push_back(a.code);
      if (a.level == "district" && district_.empty()) district_ = a.code;
    }
  }

  bool IsCommunity(const std::string& code) const {
    return std::binary_search(communities_.begin(), communities_.end(), code);
  }
  const std::vector<std::string>& communities() const { return communities_; }
  const std::vector<std::string>& townships() const { return townships_; }
  const std::string& district() const { return district_; }
  std::string Parent(const std::string& code) const {
    auto it = parent_.find(code);
    return it == parent_.end() ? "" : it->second;
  }
  std::string Name(const std::string& code) const {
    auto it = name_.find(code);
    return it == name_.end() ? "" : it->second;
  }
  // True when `code` lies in `area`: the area itself, one of its descendants, or (for a code
  // prefix that names no area) a code that starts with it.
  bool Covers(const std::string& area, const std::string& code) const {
    if (area.empty() || code == area) return true;
    if (!parent_.contains(area)) return code.starts_with(area);
    for (std::string c = Parent(code); !c.empty(); c = Parent(c)) {
      if (c == area) return true;
    }
    return false;
  }

 private:
  std::map<std::string, std::string> parent_, name_;
  std::vector<std::string> communities_, townships_;  // sorted: areas come by code
  std::string district_;
};

void Add(StatsRow* to, const StatsRow& from) {
  to->reg += from.reg;
  to->after_approved += from.after_approved;
  to->after_all += from.after_all;
  for (const auto& [k, f] : from.source) to->source[k] += f;
  for (const auto& [k, f] : from.linked) to->linked[k] += f;
  to->departments += from.departments;
  if (from.manual) {
    if (!to->manual) to->manual = Figures{};
    *to->manual += *from.manual;
  }
  to->assumed += from.assumed;
}

// The latest manual_report import's figures by community (rows of one community added up).
Result<std::map<std::string, Figures>> ManualReport(store::Store& store) {
  std::map<std::string, Figures> out;
  ASSIGN_OR_RETURN(std::vector<store::ImportRecord> imports, store.ListImports());
  const store::ImportRecord* latest = nullptr;
  for (const store::ImportRecord& r : imports) {
    if (r.info.kind == io::Kind::kManualReport) latest = &r;  // oldest first
  }
  if (latest == nullptr) return out;
  RETURN_IF_ERROR(store.ForEachSourceRecord(
      latest->id, store::Store::RecordTexts::kNormalized, [&](const store::SourceRecord& r) {
        static constexpr std::string_view kNames[] = {"community_code", "total_population",
                                                      "births", "deaths"};
        std::string v[std::size(kNames)];
        if (!store::ReadNormalizedValues(r.normalized_json, kNames, v)) {
          return DataLoss("store " + store.location() + ": manual_report import " +
                          std::to_string(latest->id) + " row " + std::to_string(r.source_row) +
                          ": the normalised values are not a JSON object");
        }
        auto number = [](const std::string& text) -> int64_t {
          return std::strtoll(text.c_str(), nullptr, 10);
        };
        Figures& f = out[v[0]];
        f.total += number(v[1]);
        f.births += number(v[2]);
        f.deaths += number(v[3]);
        return Status::Ok();
      }));
  return out;
}

Status NoComparison(store::Store& store, const StatsOptions& o) {
  ASSIGN_OR_RETURN(std::vector<store::ComparisonRecord> all, store::ListComparisons(store));
  std::string have;
  for (auto it = all.rbegin(); it != all.rend() && it - all.rbegin() < 3; ++it) {
    have += std::string(have.empty() ? "" : ", ") + std::to_string(it->id) + " (as of " +
            it->info.as_of + ", since " + it->info.since + ")";
  }
  const std::string since = o.since ? " --since " + o.since->Iso() : "";
  return FailedPrecondition(
      "store " + store.location() + " has no comparison as of " + o.as_of.Iso() +
      (o.since ? " with the window from " + o.since->Iso() : "") + ": run `popreg compare --db " +
      store.location() + " --as-of " + o.as_of.Iso() + since + "` first" +
      (have.empty() ? "" : " (its latest comparisons: " + have + ")"));
}

}  // namespace

Result<Statistics> ComputeStatistics(store::Store& store, const StatsOptions& options) {
  if (!options.as_of.Valid()) return InvalidArgument("stats: --as-of must be a date");
  if (std::find(std::begin(kLevels), std::end(kLevels), options.level) == std::end(kLevels)) {
    return InvalidArgument("--level: '" + options.level +
                           "' is not community, township or district");
  }
  ASSIGN_OR_RETURN(
      std::optional<store::ComparisonRecord> cmp,
      store::FindComparison(store, options.as_of.Iso(), options.since ? options.since->Iso() : ""));
  if (!cmp) return NoComparison(store, options);
  ASSIGN_OR_RETURN(std::optional<recon::SourceCounts> counts,
                   recon::CountsFromSummary(cmp->info.summary_json));
  if (!counts) {
    return FailedPrecondition("comparison " + std::to_string(cmp->id) + " (as of " +
                              cmp->info.as_of +
                              ") was made before popreg counted the "
                              "departments' figures: run `popreg compare --db " +
                              store.location() + " --as-of " + cmp->info.as_of + " --since " +
                              cmp->info.since + "` again");
  }
  Statistics s;
  s.as_of = counts->as_of;
  s.since = counts->since;
  s.comparison_id = cmp->id;
  s.level = options.level;
  s.kinds = counts->kinds;
  const recon::Window window{s.since, s.as_of};

  ASSIGN_OR_RETURN(std::vector<store::Area> areas, store.ListAreas());
  const AreaTree tree(areas);
  // Every figure by community; a code no community of the areas has is 未能归属 ("").
  std::map<std::string, StatsRow> by;
  auto row = [&](std::string_view code) -> StatsRow& {
    return by[tree.IsCommunity(std::string(code)) ? std::string(code) : std::string()];
  };

  ASSIGN_OR_RETURN(store::RegisterColumns reg, store.LoadRegisterColumns());
  for (size_t i = 0; i < reg.size(); ++i) {
    Figures f;
    f.total = reg.status[i] == "alive" ? 1 : 0;
    f.births = window.Contains(reg.birth_date[i]) ? 1 : 0;
    f.deaths = reg.status[i] == "deceased" && window.Contains(reg.death_date[i]) ? 1 : 0;
    row(reg.community_code[i]).reg += f;
  }
  // The projections: each item's effect on the register as it is now.
  const recon::RegisterFacts facts(reg);
  store::DiscrepancyFilter all_open;  // every status but resolved
  ASSIGN_OR_RETURN(std::vector<store::Discrepancy> items, store.ListDiscrepancies(all_open));
  for (const store::Discrepancy& d : items) {
    const bool approved = d.status == "approved";
    if (!approved && d.status != "open" && d.status != "verified" && d.status != "disputed") {
      continue;
    }
    const recon::ItemEffect e = recon::CountEffect(d, facts, window);
    for (const recon::CountDelta& delta : e.deltas) {
      const Figures f{delta.total, delta.births, delta.deaths};
      StatsRow& r = row(delta.community);
      r.after_all += f;
      if (approved) r.after_approved += f;
    }
    if (e.assumed) ++row(d.community_code).assumed;
  }
  for (const auto& [code, c] : counts->communities) {
    StatsRow& r = row(code);
    for (const auto& [kind, f] : c.sources) {
      r.source[kind] += Figures{f.persons, f.births, f.deaths};
      r.linked[kind] += Figures{f.linked, f.linked_births, f.linked_deaths};
    }
    r.departments += Figures{c.departments.total, c.departments.births, c.departments.deaths};
  }
  ASSIGN_OR_RETURN(auto manual, ManualReport(store));
  for (const auto& [code, f] : manual) {
    StatsRow& r = row(code);
    if (!r.manual) r.manual = Figures{};
    *r.manual += f;
  }
  for (auto& [code, r] : by) {
    r.after_approved += r.reg;
    r.after_all += r.reg;
  }

  // The rows of each level within the area: communities, their townships' sums, the total.
  const bool whole = options.area.empty();
  std::vector<StatsRow>& communities = s.levels["community"];
  std::map<std::string, StatsRow> townships;
  for (const std::string& code : tree.communities()) {
    if (!tree.Covers(options.area, code)) continue;
    StatsRow r = by.contains(code) ? by[code] : StatsRow{};
    r.code = code;
    r.name = tree.Name(code);
    r.level = "community";
    const std::string township = tree.Parent(code);
    StatsRow& t = townships[township];
    t.code = township;
    t.name = tree.Name(township);
    t.level = "township";
    Add(&t, r);
    communities.push_back(std::move(r));
  }
  std::vector<StatsRow>& township_rows = s.levels["township"];
  for (auto& [code, t] : townships) township_rows.push_back(std::move(t));
  if (whole && by.contains("")) {
    StatsRow unknown = by[""];
    unknown.name = std::string(kUnknownName);
    for (std::string_view level : {"community", "township"}) {
      unknown.level = std::string(level);
      s.levels[std::string(level)].push_back(unknown);
    }
  }
  s.total.level = whole ? "district" : "total";
  s.total.code = whole ? tree.district() : options.area;
  s.total.name = tree.Name(s.total.code);
  for (const StatsRow& t : township_rows) Add(&s.total, t);
  s.area_name = s.total.name;
  s.levels["district"] = {s.total};
  s.rows = s.levels[options.level];
  return s;
}

Status WriteStatistics(const Statistics& s, const std::string& format, const std::string& path) {
  Status st;
  if (format == "csv") {
    st = WriteStatsCsv(s, path);
  } else if (format == "xlsx") {
    st = WriteStatsXlsx(s, path);
  } else if (format == "pdf") {
    st = WriteStatsPdf(s, path);
  } else {
    return InvalidArgument("--format: '" + format + "' is not csv, xlsx or pdf");
  }
  if (!st.ok()) std::filesystem::remove(path);
  return st;
}

}  // namespace popreg::report
