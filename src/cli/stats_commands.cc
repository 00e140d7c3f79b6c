// `popreg stats`: the statistics comparison (src/report/stats.h).
#include <cstdio>
#include <memory>
#include <string>

#include "cli/commands.h"
#include "recon/policy.h"
#include "report/stats.h"
#include "store/store.h"

namespace popreg::cli {
namespace {

struct StatsArgs {
  std::string db, user, as_of, since, level = "community", area, format, layout = "table", out;
};

// The format a path asks for: its extension when csv, xlsx or pdf, else csv.
std::string FormatOf(const std::string& out) {
  for (const char* ext : {"xlsx", "pdf", "csv"}) {
    if (out.ends_with(std::string(".") + ext)) return ext;
  }
  return "csv";
}

// `name` padded to 16 columns of a terminal, where a Chinese character takes two.
std::string Padded(const std::string& name) {
  int width = 0;
  for (char ch : name) {
    const auto c = static_cast<unsigned char>(ch);
    if ((c & 0xC0) != 0x80) width += c >= 0xE0 ? 2 : 1;  // lead bytes of 3 or 4: wide
  }
  return name + std::string(width < 16 ? 16 - width : 0, ' ');
}

void PrintRow(const report::StatsRow& r) {
  std::printf("%-14s %s %9lld %7lld %7lld %9lld %7lld %7lld\n",
              r.code.empty() ? "-" : r.code.c_str(), Padded(r.name).c_str(),
              static_cast<long long>(r.reg.total), static_cast<long long>(r.reg.births),
              static_cast<long long>(r.reg.deaths), static_cast<long long>(r.departments.total),
              static_cast<long long>(r.departments.births),
              static_cast<long long>(r.departments.deaths));
}

Status RunStats(const StatsArgs& a) {
  if (a.db.empty()) return InvalidArgument("--db is required");
  if (a.as_of.empty()) return InvalidArgument("--as-of is required");
  if (a.layout != "table" && a.layout != "manual") {
    return InvalidArgument("--layout: '" + a.layout + "' is not table or manual");
  }
  report::StatsOptions options;
  ASSIGN_OR_RETURN(options.as_of, ParseDateArg("--as-of", a.as_of));
  if (!a.since.empty()) {
    ASSIGN_OR_RETURN(Date since, ParseDateArg("--since", a.since));
    options.since = since;
  }
  options.level = a.level;
  options.area = a.area;
  const std::string format = a.format.empty() ? FormatOf(a.out) : a.format;
  ASSIGN_OR_RETURN(auto store, store::OpenStore(a.db));
  RETURN_IF_ERROR(recon::Authorize(*store, a.user, recon::Action::kRead, a.area).status());
  ASSIGN_OR_RETURN(report::Statistics s, report::ComputeStatistics(*store, options));
  if (a.out.empty()) {
    std::printf("Comparison %lld: as of %s, births and deaths from %s\n",
                static_cast<long long>(s.comparison_id), s.as_of.Iso().c_str(),
                s.since.Iso().c_str());
    std::printf("%-14s %-16s %9s %7s %7s %9s %7s %7s\n", "", "", "register", "births", "deaths",
                "depts", "births", "deaths");
    for (const report::StatsRow& r : s.rows) PrintRow(r);
    if (s.level != "district") PrintRow(s.total);
    return Status::Ok();
  }
  if (a.layout == "manual") {
    RETURN_IF_ERROR(report::WriteManualLayout(s, format, a.out));
    std::printf(
        "Wrote the register's figures of %zu communities in the manual report's layout "
        "to %s\n",
        s.levels["community"].size(), a.out.c_str());
    return Status::Ok();
  }
  RETURN_IF_ERROR(report::WriteStatistics(s, format, a.out));
  std::printf("Wrote the statistics of %zu %s rows (comparison %lld) to %s\n", s.rows.size(),
              s.level.c_str(), static_cast<long long>(s.comparison_id), a.out.c_str());
  return Status::Ok();
}

}  // namespace

void RegisterStats(CLI::App& app) {
  auto st = std::make_shared<StatsArgs>();
  CLI::App* c = app.add_subcommand(
      "stats",
      "The statistics comparison: population, births and deaths per area as the register, "
      "each department and the manual report have them, and after the review (docs/reports.md)");
  c->add_option("--db", st->db, "The store (a SQLite file path or a postgresql:// URL)");
  c->add_option("--user", st->user, "Who reads")->envname("POPREG_USER");
  c->add_option("--as-of", st->as_of,
                "The reference date YYYY-MM-DD of the comparison to report (popreg compare)");
  c->add_option("--since", st->since, "The window's start YYYY-MM-DD (default: that comparison's)");
  c->add_option("--level", st->level, "community, township or district")->default_str("community");
  c->add_option("--area", st->area, "Only this area (a township or community code, or a prefix)");
  c->add_option("--format", st->format, "csv, xlsx or pdf (default: from --out, else csv)");
  c->add_option("--layout", st->layout,
                "table (the whole comparison) or manual (the register's figures per community "
                "in the manual report's columns, csv or xlsx)")
      ->default_str("table");
  c->add_option("--out", st->out, "The file to write (default: print the main figures)");
  c->callback([st] {
    Status s = RunStats(*st);
    if (!s.ok()) Fail(s);
  });
}

}  // namespace popreg::cli
