// `popreg link` and `popreg dedupe`: the general record linker (src/link/) on two files or one.
#include <cstdio>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <tuple>
#include <vector>

#include "base/log.h"
#include "cli/commands.h"
#include "cli/ranks.h"
#include "io/csv.h"
#include "io/schema.h"
#include "io/table.h"
#include "link/assign.h"
#include "link/job.h"
#include "link/wire.h"

namespace popreg::cli {
namespace {

constexpr std::string_view kRowColumn = "@row";

struct LinkArgs {
  std::string config;
  std::string out;
  bool all_pairs = false;
  std::string left_id, right_id;      // explain
  std::string left_file, right_file;  // override input.left and input.right
  std::string dist = "none";
};

// The configuration with the command line's overrides.
Result<link::LinkSpec> Spec(const LinkArgs& a) {
  ASSIGN_OR_RETURN(link::LinkSpec spec, link::ParseLinkSpec(a.config));
  if (!a.left_file.empty()) spec.left = a.left_file;
  if (!a.right_file.empty()) spec.right = a.right_file;
  return spec;
}

// The data rows of `path` (its records after the header).
Result<size_t> CountRows(const std::string& path) {
  ASSIGN_OR_RETURN(auto reader, io::TableReader::Open(path));
  io::CsvRecord rec;
  size_t n = 0;
  for (;;) {
    ASSIGN_OR_RETURN(bool more, reader->Next(&rec));
    if (!more) break;
    ++n;
  }
  return n == 0 ? 0 : n - 1;
}

// Reads `path` (CSV, xlsx or xls) and returns the id column and one raw column per field, of
// the data rows [begin, end) (all of them by default). With `show`, a progress bar (or, not on a
// terminal, a log line) says how it went.
Status ReadInput(const std::string& path, const link::LinkSpec& spec, bool show,
                 std::vector<std::string>* ids, std::vector<std::vector<std::string>>* raw,
                 size_t begin = 0, size_t end = SIZE_MAX) {
  ASSIGN_OR_RETURN(auto reader, io::TableReader::Open(path));
  io::CsvRecord rec;
  ASSIGN_OR_RETURN(bool any, reader->Next(&rec));
  if (!any) return InvalidArgument(path + ": the file is empty");
  std::map<std::string, int> header;
  for (size_t i = 0; i < rec.fields.size(); ++i) {
    header.emplace(io::NormalizeHeaderCell(rec.fields[i]), static_cast<int>(i));
  }
  // A column by its name, or, for a column of the exchange spec, by its Chinese alias; "@row" is
  // the record's source row (1-based).
  auto column = [&](const std::string& name) -> Result<int> {
    if (name == kRowColumn) return -1;
    auto it = header.find(io::NormalizeHeaderCell(name));
    if (it != header.end()) return it->second;
    for (io::Kind kind : io::AllKinds()) {
      for (const io::ColumnSpec& c : io::Columns(kind)) {
        if (c.name != name) continue;
        it = header.find(io::NormalizeHeaderCell(c.alias));
        if (it != header.end()) return it->second;
      }
    }
    return InvalidArgument(path + ": no column '" + name + "'");
  };
  std::vector<int> id_cols;
  for (const std::string& c : spec.id_columns) {
    ASSIGN_OR_RETURN(int col, column(c));
    id_cols.push_back(col);
  }
  std::vector<int> cols;
  for (const link::FieldConfig& f : spec.fields) {
    ASSIGN_OR_RETURN(int c, column(f.column));
    cols.push_back(c);
  }
  raw->assign(cols.size(), {});
  std::optional<ProgressBar> bar;
  if (show) bar.emplace("read " + path, -1);
  for (size_t row = 0; row < end; ++row) {
    ASSIGN_OR_RETURN(bool more, reader->Next(&rec));
    if (!more) break;
    if (row < begin) continue;
    auto cell = [&](int c) {
      if (c < 0) return std::to_string(rec.record);
      return c < static_cast<int>(rec.fields.size()) ? rec.fields[c] : std::string();
    };
    std::string id;
    for (size_t k = 0; k < id_cols.size(); ++k) {
      const std::string part = cell(id_cols[k]);
      if (part.empty()) {
        return InvalidArgument(path + ": row " + std::to_string(rec.record) + ", column " +
                               spec.id_columns[k] + ": the id is empty");
      }
      id += (k == 0 ? "" : "/") + part;
    }
    ids->push_back(std::move(id));
    for (size_t f = 0; f < cols.size(); ++f) (*raw)[f].push_back(cell(cols[f]));
    if (bar) bar->Add(1);
  }
  return Status::Ok();
}

// The records of `path`; with `ranks` of --dist mpi, this rank's share of them (link::ShareOf of
// its data rows: rank 0 the first ones).
Result<link::RecordSet> Load(const std::string& path, const link::LinkSpec& spec, bool show = true,
                             link::Partition* ranks = nullptr) {
  std::vector<std::string> ids;
  std::vector<std::vector<std::string>> raw;
  size_t begin = 0, end = SIZE_MAX;
  if (ranks != nullptr) {
    ASSIGN_OR_RETURN(const size_t n, CountRows(path));
    std::tie(begin, end) = link::ShareOf(ranks, n);
    LogInfo("rank {} of {} reads rows {}-{} of the {} of {}", ranks->rank(), ranks->size(),
            begin + 1, end, n, path);
  }
  RETURN_IF_ERROR(ReadInput(path, spec, show, &ids, &raw, begin, end));
  std::vector<link::FieldSpec> fields;
  for (const link::FieldConfig& f : spec.fields) fields.push_back({f.name, f.normalizer});
  return link::BuildRecordSet(std::move(ids), fields, raw, spec.as_of);
}

// Every rank's `ids`, in rank order, on rank 0 (the input's ids, in its rows' order); empty on
// the other ranks (collective).
std::vector<std::string> IdsOnRankZero(link::Partition& ranks, std::vector<std::string> ids) {
  std::vector<std::string> to(static_cast<size_t>(ranks.size()));
  for (const std::string& id : ids) {
    link::PutOne<uint32_t>(to[0], static_cast<uint32_t>(id.size()));
    to[0] += id;
  }
  ids.clear();
  for (const std::string& from : ranks.Exchange(std::move(to))) {
    link::WireReader in(from);
    while (!in.done()) {
      std::string id(in.One<uint32_t>(), '\0');
      in.Many(id.data(), id.size());
      ids.push_back(std::move(id));
    }
  }
  return ids;
}

void WriteSummary(const link::LinkResult& r) {
  std::fprintf(stderr, "blocking: %lld candidate pairs\n",
               static_cast<long long>(r.candidate_pairs));
  for (const auto& rule : r.blocking.rules) {
    std::fprintf(stderr, "  %-40s %12lld pairs\n", rule.name.c_str(),
                 static_cast<long long>(rule.pairs));
  }
  for (const std::string& w : r.blocking.warnings)
    std::fprintf(stderr, "  warning: %s\n", w.c_str());
  std::fprintf(stderr, "model: lambda %.3g\n", r.model.lambda);
  if (!r.records_held.empty()) {
    std::fprintf(stderr, "records held (the records of each rank's blocks):");
    for (const int64_t n : r.records_held) std::fprintf(stderr, " %lld", static_cast<long long>(n));
    std::fprintf(stderr, "\n");
  }
}

Status RunLink(const LinkArgs& a, bool dedupe, const Ranks& ranks) {
  ASSIGN_OR_RETURN(link::LinkSpec spec, Spec(a));
  if (dedupe != spec.dedupe()) {
    return InvalidArgument(a.config + (dedupe ? ": input.right is set; use popreg link"
                                              : ": input.right is missing; use popreg dedupe"));
  }
  if (a.out.empty()) return InvalidArgument("--out is required");
  // Each rank of --dist mpi reads and normalises its share of each file's rows; the engine sends
  // the records where they are compared (link/divide.h).
  ASSIGN_OR_RETURN(link::RecordSet left, Load(spec.left, spec, ranks.writer(), ranks.partition()));
  std::unique_ptr<link::RecordSet> right;
  if (!dedupe) {
    ASSIGN_OR_RETURN(link::RecordSet r, Load(spec.right, spec, ranks.writer(), ranks.partition()));
    right = std::make_unique<link::RecordSet>(std::move(r));
  }
  spec.partition = ranks.partition();
  spec.divided = true;
  // Only what is written is kept: the links (or clusters), or with --all-pairs every pair.
  spec.keep_all_scored = a.all_pairs;
  std::map<std::string, std::unique_ptr<ProgressBar>> bars;
  ASSIGN_OR_RETURN(
      link::LinkResult result,
      link::RunLink(spec, &left, right.get(), ranks.writer() ? MakeProgress(&bars) : nullptr));
  bars.clear();
  // Every rank has the result; rank 0 writes it, with every rank's ids.
  if (ranks.partition() != nullptr) {
    left.ids = IdsOnRankZero(*ranks.partition(), std::move(left.ids));
    if (right) right->ids = IdsOnRankZero(*ranks.partition(), std::move(right->ids));
  }
  if (!ranks.writer()) return Status::Ok();
  WriteSummary(result);
  ASSIGN_OR_RETURN(auto out, io::CsvWriter::Create(a.out));
  char buf[64];
  if (dedupe) {
    RETURN_IF_ERROR(out->Write(std::vector<std::string>{"id", "cluster"}));
    for (size_t i = 0; i < result.clusters.size(); ++i) {  // every rank's records
      RETURN_IF_ERROR(
          out->Write(std::vector<std::string>{left.ids[i], std::to_string(result.clusters[i])}));
    }
  } else {
    RETURN_IF_ERROR(out->Write(
        std::vector<std::string>{"left_id", "right_id", "match_weight", "match_probability"}));
    const auto& rows = a.all_pairs ? result.scored : result.accepted;
    for (const link::ScoredPair& p : rows) {
      std::snprintf(buf, sizeof buf, "%.4f", p.weight);
      std::string w = buf;
      std::snprintf(buf, sizeof buf, "%.6f", p.probability);
      RETURN_IF_ERROR(
          out->Write(std::vector<std::string>{left.ids[p.left], right->ids[p.right], w, buf}));
    }
    std::fprintf(stderr, "links: %zu written to %s\n", rows.size(), a.out.c_str());
  }
  return out->Close();
}

Status RunExplain(const LinkArgs& a) {
  ASSIGN_OR_RETURN(link::LinkSpec spec, Spec(a));
  ASSIGN_OR_RETURN(link::RecordSet left, Load(spec.left, spec));
  link::RecordSet right_set;
  if (!spec.dedupe()) {
    ASSIGN_OR_RETURN(right_set, Load(spec.right, spec));
  }
  link::RecordSet& right = spec.dedupe() ? left : right_set;
  auto find = [](const link::RecordSet& s, const std::string& id) -> int64_t {
    for (size_t i = 0; i < s.size(); ++i) {
      if (s.ids[i] == id) return static_cast<int64_t>(i);
    }
    return -1;
  };
  const int64_t l = find(left, a.left_id);
  if (l < 0) return NotFound("no left record with id '" + a.left_id + "'");
  int64_t r = -1;
  if (!a.right_id.empty()) {
    r = find(right, a.right_id);
    if (r < 0) return NotFound("no right record with id '" + a.right_id + "'");
  } else if (spec.dedupe()) {
    return InvalidArgument("link explain: --right is required to explain a deduplication pair");
  }
  link::LinkSpec train = spec;
  ASSIGN_OR_RETURN(link::LinkResult result,
                   link::RunLink(train, &left, spec.dedupe() ? nullptr : &right_set, {}));
  if (r < 0) {
    // No --right: the left record's link, or its best candidate and why it fell short.
    const link::Shortfall s = link::ExplainShortfall(
        result.scored, result.accepted, static_cast<link::RecordIndex>(l), spec.threshold);
    if (s.reason == link::Shortfall::Reason::kNoCandidate) {
      std::printf("%s: %s\n", a.left_id.c_str(), s.Describe(spec.threshold).c_str());
      return Status::Ok();
    }
    r = s.best.right;
    std::string verdict = "linked to " + right.ids[r];
    if (s.reason != link::Shortfall::Reason::kLinked) {
      verdict = "not linked; best candidate " + right.ids[r] + ": " + s.Describe(spec.threshold);
      if (s.reason == link::Shortfall::Reason::kOtherSideTaken) {
        verdict += " (" + left.ids[s.rival.left] + ")";
      }
    }
    std::printf("%s: %s\n", a.left_id.c_str(), verdict.c_str());
  }
  const auto levels = link::PairLevels(result.comparisons, left, static_cast<link::RecordIndex>(l),
                                       right, static_cast<link::RecordIndex>(r));
  std::vector<double> freq;
  for (const link::Comparison& c : result.comparisons) {
    freq.push_back(left.fields[c.field].frequency_of(static_cast<link::RecordIndex>(l)));
  }
  const link::Explanation e = result.model.Explain(levels, freq);
  std::printf("%s  <->  %s\n", a.left_id.c_str(), right.ids[r].c_str());
  for (const link::ExplanationTerm& t : e.terms) {
    std::printf("  %-24s %-28s %+9.3f\n", t.name.c_str(), t.label.c_str(), t.weight);
  }
  std::printf("  %-24s %-28s %+9.3f\n  match probability %.6f\n", "match weight", "", e.weight,
              e.probability);
  return Status::Ok();
}

}  // namespace

link::Progress MakeProgress(std::map<std::string, std::unique_ptr<ProgressBar>>* bars) {
  // Called from the engine's worker threads too (scoring adds per chunk of pairs).
  auto mu = std::make_shared<std::mutex>();
  auto current = std::make_shared<std::string>();
  return [bars, mu, current](std::string_view stage, int64_t add, int64_t total) {
    std::lock_guard<std::mutex> lock(*mu);
    if (*current != stage) {
      // The engine's stages follow one another: a stage's bar ends when the next one starts,
      // so that its line says how long it took (not how long until the command ended).
      if (auto it = bars->find(*current); it != bars->end()) {
        it->second->Done();
        bars->erase(it);
      }
      *current = std::string(stage);
    }
    auto& bar = (*bars)[std::string(stage)];
    if (!bar) bar = std::make_unique<ProgressBar>(std::string(stage), total);
    if (add > 0) bar->Add(add);
  };
}

void RegisterLink(CLI::App& app) {
  auto args = std::make_shared<LinkArgs>();
  CLI::App* link = app.add_subcommand("link", "Link two files of person records (see --config)");
  link->add_option("--config", args->config, "The linkage configuration (TOML)")->required();
  link->add_option("--out", args->out,
                   "PAIRS.csv: left_id,right_id,match_weight,match_probability");
  link->add_flag("--all-pairs", args->all_pairs,
                 "Write every scored candidate pair, not only links");
  link->add_option("--left-file", args->left_file, "Use this file instead of input.left");
  link->add_option("--right-file", args->right_file, "Use this file instead of input.right");
  AddDistOption(link, &args->dist);
  link->require_subcommand(0, 1);
  CLI::App* explain =
      link->add_subcommand("explain",
                           "Explain the score of one pair, field by field (trains the model "
                           "first unless training.model names a saved one); without --right, "
                           "the left record's link, or its best candidate and why it fell short");
  explain->fallthrough();  // --config and the file options belong to `link`
  explain->add_option("--left", args->left_id, "Left record id")->required();
  explain->add_option("--right", args->right_id,
                      "Right record id (default: the left record's link or best candidate)");
  explain->callback([args] {
    Status s = RunExplain(*args);
    if (!s.ok()) Fail(s);
  });
  link->callback([args, explain] {
    if (explain->parsed()) return;
    RunRanked(args->dist, [&](const Ranks& ranks) { return RunLink(*args, false, ranks); });
  });

  auto dargs = std::make_shared<LinkArgs>();
  CLI::App* dedupe = app.add_subcommand("dedupe", "Find records of one file that are one person");
  dedupe->add_option("--config", dargs->config, "The linkage configuration (TOML)")->required();
  dedupe->add_option("--out", dargs->out, "CLUSTERS.csv: id,cluster");
  dedupe->add_option("--file", dargs->left_file, "Use this file instead of input.left");
  AddDistOption(dedupe, &dargs->dist);
  dedupe->callback([dargs] {
    RunRanked(dargs->dist, [&](const Ranks& ranks) { return RunLink(*dargs, true, ranks); });
  });
}

}  // namespace popreg::cli
