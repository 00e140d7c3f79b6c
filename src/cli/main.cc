// popreg: keeps a population register true. Each subcommand parses its arguments, calls one
// layer and prints; no business rules live here.
#include <CLI/CLI.hpp>
#include <cstdio>
#include <exception>
#include <string>
#include <string_view>

#include "base/memory.h"
#include "cli/commands.h"

#ifndef POPREG_VERSION
#define POPREG_VERSION "0.0.0"
#endif

int main(int argc, char** argv) {
  popreg::cli::TuneProcessForServe(argc, argv);
  // The batch commands (compare, link, dedupe, ...) run phase after phase on different threads:
  // one allocator arena per core keeps their peak down (base/memory.h). The server keeps
  // glibc's default, more arenas for its request threads.
  if (argc < 2 || std::string_view(argv[1]) != "serve") popreg::OneAllocatorArenaPerCore();
  CLI::App app{
      "popreg keeps a district's population register true: it compares the register with the\n"
      "departments' lists and reports every discrepancy of the city's exchange format.",
      "popreg"};
  app.set_version_flag("--version", std::string("popreg ") + POPREG_VERSION);
  app.require_subcommand(1);
  app.fallthrough(false);
  popreg::cli::RegisterGen(app);
  popreg::cli::RegisterNormalize(app);
  popreg::cli::RegisterLink(app);
  popreg::cli::RegisterStore(app);
  popreg::cli::RegisterUsers(app);
  popreg::cli::RegisterReview(app);
  popreg::cli::RegisterCompare(app);
  popreg::cli::RegisterCampaign(app);
  popreg::cli::RegisterStats(app);
  popreg::cli::RegisterBulletin(app);
  popreg::cli::RegisterPrint(app);
  popreg::cli::RegisterServe(app);
  popreg::cli::RegisterBackup(app);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  }
  return popreg::cli::ExitCode();
}
