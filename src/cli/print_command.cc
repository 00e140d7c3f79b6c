// `popreg print`: the household-card books of the register as PDFs (src/report/books.h).
#include <cstdio>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "base/log.h"
#include "cli/commands.h"
#include "recon/policy.h"
#include "report/books.h"
#include "store/store.h"

namespace popreg::cli {
namespace {

struct PrintArgs {
  std::string db, user, community, out = "out/books", as_of;
};

Status RunPrint(const PrintArgs& a) {
  if (a.db.empty()) return InvalidArgument("--db is required");
  if (a.out.empty()) return InvalidArgument("--out: give the directory the books go into");
  report::BookOptions o;
  o.area = a.community;
  o.out_dir = a.out;
  ASSIGN_OR_RETURN(o.printed, ParseDateArg("--as-of", a.as_of, /*today_if_empty=*/true));
  ASSIGN_OR_RETURN(auto store, store::OpenStore(a.db));
  RETURN_IF_ERROR(recon::Authorize(*store, a.user, recon::Action::kExport, a.community).status());
  std::unique_ptr<ProgressBar> bar;
  int64_t drawn = 0;
  o.progress = [&](int64_t done, int64_t total) {
    if (!bar) bar = std::make_unique<ProgressBar>("printing households", total);
    bar->Add(done - drawn);
    drawn = done;
  };
  ASSIGN_OR_RETURN(const std::vector<report::BookFile> books, report::PrintBooks(*store, o));
  bar.reset();
  // A line per community, then where they went.
  std::map<std::string, std::vector<const report::BookFile*>> by_community;
  int64_t pages = 0, households = 0;
  for (const report::BookFile& b : books) {
    by_community[b.community_code].push_back(&b);
    pages += b.pages;
    households += b.households;
  }
  for (const auto& [code, list] : by_community) {
    int64_t h = 0;
    for (const report::BookFile* b : list) h += b->households;
    std::printf("%s %s: %zu book%s, %lld households (%s .. %s)\n", code.c_str(),
                list.front()->community_name.c_str(), list.size(), list.size() == 1 ? "" : "s",
                static_cast<long long>(h), list.front()->path.c_str(), list.back()->path.c_str());
  }
  std::printf("Printed %zu books of %zu communities (%lld households, %lld pages) to %s\n",
              books.size(), by_community.size(), static_cast<long long>(households),
              static_cast<long long>(pages), a.out.c_str());
  return Status::Ok();
}

}  // namespace

void RegisterPrint(CLI::App& app) {
  auto a = std::make_shared<PrintArgs>();
  CLI::App* cmd = app.add_subcommand(
      "print",
      "Print the household-card books: per community, its households in the order of their "
      "dwellings, 100 to a book, each book a PDF with a cover, a catalogue, the cards and their "
      "back labels (docs/reports.md)");
  cmd->add_option("--db", a->db, "The store: a SQLite file or a postgresql:// URL");
  cmd->add_option("--user", a->user, "Who prints (default: $POPREG_USER)")->envname("POPREG_USER");
  cmd->add_option("--community", a->community,
                  "Only this community, or the communities of an area (a code prefix such as a "
                  "township's); default: every community");
  cmd->add_option("--out", a->out, "The directory the books go into, one file <book code>.pdf each")
      ->capture_default_str();
  cmd->add_option("--as-of", a->as_of, "The date printed on the covers (default: today)");
  cmd->callback([a] {
    Status s = RunPrint(*a);
    if (!s.ok()) Fail(s);
  });
}

}  // namespace popreg::cli
