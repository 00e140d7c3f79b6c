#include "cli/ranks.h"

#include <cstdio>

#include "base/log.h"
#include "cli/commands.h"

namespace popreg::cli {

void AddDistOption(CLI::App* command, std::string* mode) {
  command
      ->add_option("--dist", *mode,
                   "none: one process; mpi: the ranks of mpirun or srun share the pairs, rank 0 "
                   "writes (the output is the one process's)")
      ->check(CLI::IsMember({"none", "mpi"}))
      ->default_val("none");
}

void RunRanked(const std::string& mode, const std::function<Status(const Ranks&)>& command) {
  Ranks ranks;
  if (mode == "mpi") {
    auto mpi = dist::StartMpi();
    if (!mpi.ok()) return Fail(mpi.status());
    ranks.mpi_ = std::move(*mpi);
    // Rank 0 tells how the run goes; the others, which do the same, only warn and fail.
    if (!ranks.writer()) (void)InitLogging("warn", true);
  }
  const Status s = command(ranks);
  if (s.ok()) {
    if (ranks.mpi_) {
      const std::string usage = ranks.mpi_->UsageByRank();
      if (ranks.writer()) std::fputs(usage.c_str(), stderr);
    }
    return;
  }
  if (ranks.mpi_ && ranks.mpi_->partition().size() > 1) {
    std::fprintf(stderr, "popreg (rank %d of %d): %s\n", ranks.mpi_->partition().rank(),
                 ranks.mpi_->partition().size(), s.message().c_str());
    ranks.mpi_->Abort(FailureExitCode(s));
  }
  Fail(s);
}

}  // namespace popreg::cli
