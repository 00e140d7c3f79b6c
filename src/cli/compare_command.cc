// `popreg compare` and `popreg discrepancies`: the register against every department
// (src/recon/), and the items it found in the spec's file, a workbook or JSON (src/report/).
#include <cstdio>
#include <map>
#include <memory>
#include <string>

#include "base/date.h"
#include "cli/commands.h"
#include "cli/ranks.h"
#include "recon/compare.h"
#include "recon/policy.h"
#include "report/discrepancies.h"
#include "store/store.h"

namespace popreg::cli {
namespace {

struct CompareArgs {
  std::string db, as_of, since, area, user;
  int threads = 0;
  bool learn = false;
  std::string dist = "none";
};

void PrintSummary(const recon::RunResult& r) {
  std::printf(
      "Comparison %lld: %zu discrepancies (%lld new, %lld still open or decided, %lld "
      "resolved since the last run)\n",
      static_cast<long long>(r.saved.comparison_id), r.compare.items.size(),
      static_cast<long long>(r.saved.new_items), static_cast<long long>(r.saved.carried_items),
      static_cast<long long>(r.saved.resolved_items));
  std::printf("\n  %-24s %8s\n", "type", "items");
  for (std::string_view t : store::kDiscrepancyTypes) {
    auto it = r.compare.by_type.find(std::string(t));
    std::printf("  %-24s %8lld\n", std::string(t).c_str(),
                static_cast<long long>(it == r.compare.by_type.end() ? 0 : it->second));
  }
  std::printf("\n  %-14s", "community");
  const char* abbrev[] = {"missing", "absent", "mismatch", "birth",
                          "death",   "dup",    "bad_id",   "incompl"};
  for (const char* a : abbrev) std::printf(" %8s", a);
  std::printf("\n");
  for (const auto& [community, counts] : r.compare.by_community) {
    std::printf("  %-14s", community.empty() ? "(unknown)" : community.c_str());
    for (std::string_view t : store::kDiscrepancyTypes) {
      auto it = counts.find(std::string(t));
      std::printf(" %8lld", static_cast<long long>(it == counts.end() ? 0 : it->second));
    }
    std::printf("\n");
  }
  std::printf("\n  %-40s %10s %10s %12s %8s\n", "linkage", "left", "right", "pairs", "links");
  for (const recon::LinkSummary& l : r.compare.links) {
    std::printf("  %-40s %10lld %10lld %12lld %8lld\n", l.name.c_str(),
                static_cast<long long>(l.left), static_cast<long long>(l.right),
                static_cast<long long>(l.candidate_pairs), static_cast<long long>(l.links));
  }
  bool learning = false;
  for (const recon::LinkSummary& l : r.compare.links) {
    learning = learning || l.learned || l.labels_skipped > 0;
  }
  if (!learning) return;
  std::printf("\n  %-40s %8s %12s %8s %10s\n", "learnt from reviews", "matches", "non-matches",
              "skipped", "threshold");
  for (const recon::LinkSummary& l : r.compare.links) {
    if (!l.learned && l.labels_skipped == 0) continue;
    std::printf("  %-40s %8lld %12lld %8lld %4.3g->%-5.3g\n", l.name.c_str(),
                static_cast<long long>(l.label_matches),
                static_cast<long long>(l.label_non_matches),
                static_cast<long long>(l.labels_skipped), l.threshold_before, l.threshold);
  }
}

Status RunCompare(const CompareArgs& a, const Ranks& ranks) {
  if (a.db.empty()) return InvalidArgument("--db is required");
  if (a.as_of.empty()) return InvalidArgument("--as-of is required");
  recon::CompareOptions options;
  ASSIGN_OR_RETURN(options.as_of, ParseDateArg("--as-of", a.as_of));
  if (a.since.empty()) {
    // The spec's window by default: the year up to as_of.
    options.since = options.as_of.AddYears(-1).AddDays(1);
  } else {
    ASSIGN_OR_RETURN(options.since, ParseDateArg("--since", a.since));
  }
  options.area = a.area;
  options.threads = a.threads;
  options.learn = a.learn;
  options.partition = ranks.partition();
  std::map<std::string, std::unique_ptr<ProgressBar>> bars;
  if (ranks.writer()) options.progress = MakeProgress(&bars);
  ASSIGN_OR_RETURN(auto store, store::OpenStore(a.db));
  ASSIGN_OR_RETURN(store::User user, recon::Authorize(*store, a.user, recon::Action::kCompare));
  ASSIGN_OR_RETURN(recon::RunResult r, recon::RunComparison(*store, options, user.login));
  bars.clear();
  if (ranks.writer()) PrintSummary(r);
  return Status::Ok();
}

struct ListArgs {
  std::string db, type, community, status, format, out;
  int64_t comparison = 0;
};

Status RunDiscrepancies(const ListArgs& a) {
  if (a.db.empty()) return InvalidArgument("--db is required");
  if (a.out.empty()) return InvalidArgument("--out is required");
  std::string format = a.format;
  if (format.empty()) {
    const size_t dot = a.out.rfind('.');
    format = dot == std::string::npos ? "csv" : a.out.substr(dot + 1);
    if (format != "xlsx" && format != "json") format = "csv";
  }
  ASSIGN_OR_RETURN(report::DiscrepancyFormat f, report::ParseDiscrepancyFormat(format));
  if (!a.type.empty()) {
    bool known = false;
    for (std::string_view t : store::kDiscrepancyTypes) known = known || t == a.type;
    if (!known) return InvalidArgument("--type: '" + a.type + "' is not a discrepancy type");
  }
  if (!a.status.empty()) {
    bool known = false;
    for (std::string_view s : store::kDiscrepancyStatuses) known = known || s == a.status;
    if (!known) return InvalidArgument("--status: '" + a.status + "' is not a status");
  }
  ASSIGN_OR_RETURN(auto store, store::OpenStore(a.db));
  store::DiscrepancyFilter filter;
  filter.type = a.type;
  filter.community_code = a.community;
  filter.status = a.status;
  filter.comparison_id = a.comparison;
  ASSIGN_OR_RETURN(std::vector<store::Discrepancy> items, store->ListDiscrepancies(filter));
  RETURN_IF_ERROR(report::WriteDiscrepancies(items, f, a.out));
  std::printf("Wrote %zu discrepancies to %s\n", items.size(), a.out.c_str());
  return Status::Ok();
}

}  // namespace

void RegisterCompare(CLI::App& app) {
  auto cmp = std::make_shared<CompareArgs>();
  CLI::App* c = app.add_subcommand(
      "compare", "Compare the register with the latest import of every department");
  c->add_option("--db", cmp->db, "The store (a SQLite file path or a postgresql:// URL)");
  c->add_option("--as-of", cmp->as_of, "The reference date YYYY-MM-DD");
  c->add_option("--since", cmp->since,
                "The start of the window YYYY-MM-DD (default: a year before --as-of, plus a day)");
  c->add_option("--area", cmp->area,
                "Keep only discrepancies of this area (a community or township code prefix)");
  c->add_option("--user", cmp->user, "Who runs the comparison (a clerk of the store)")
      ->envname("POPREG_USER");
  c->add_option("--threads", cmp->threads, "Worker threads (0 = all cores)")->default_val(0);
  AddDistOption(c, &cmp->dist);
  c->add_flag("--learn", cmp->learn,
              "Refine each linkage model (m and threshold) with the reviewers' decisions: "
              "approved or applied items are matches, rejected ones non-matches");
  c->callback(
      [cmp] { RunRanked(cmp->dist, [&](const Ranks& ranks) { return RunCompare(*cmp, ranks); }); });

  auto list = std::make_shared<ListArgs>();
  CLI::App* d = app.add_subcommand("discrepancies", "Write the discrepancies the store holds");
  d->add_option("--db", list->db, "The store (a SQLite file path or a postgresql:// URL)");
  d->add_option("--type", list->type, "Only this type (e.g. unrecorded_birth)");
  d->add_option("--community", list->community, "Only this community (or area code prefix)");
  d->add_option(
      "--status", list->status,
      "Only this status (open, verified, disputed, approved, rejected, applied, resolved; "
      "default: all but resolved)");
  d->add_option("--comparison", list->comparison,
                "Only items found by this comparison (default: any)");
  d->add_option("--format", list->format,
                "csv (the spec's discrepancy file), xlsx (for people) or json (default: from the "
                "--out file's extension, else csv)");
  d->add_option("--out", list->out, "The file to write");
  d->callback([list] {
    Status s = RunDiscrepancies(*list);
    if (!s.ok()) Fail(s);
  });
}

}  // namespace popreg::cli
