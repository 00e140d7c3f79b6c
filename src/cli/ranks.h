// --dist: a command run by one process or by the ranks of mpirun / srun (src/dist/).
#pragma once

#include <CLI/CLI.hpp>
#include <functional>
#include <memory>
#include <string>

#include "base/status.h"
#include "dist/session.h"
#include "link/partition.h"

namespace popreg::cli {

// The processes running one command.
class Ranks {
 public:
  // The partition the engine shares its work through; null for one process.
  link::Partition* partition() const { return mpi_ ? &mpi_->partition() : nullptr; }
  // Whether this process writes the output and prints (rank 0, or the only process).
  bool writer() const { return !mpi_ || mpi_->partition().rank() == 0; }

 private:
  friend void RunRanked(const std::string&, const std::function<Status(const Ranks&)>&);
  std::unique_ptr<dist::MpiSession> mpi_;
};

// Adds --dist to a command that links.
void AddDistOption(CLI::App* command, std::string* mode);

// Runs `command` under --dist `mode` ("none" or "mpi") and reports its failure: Fail for one
// process; for one of several ranks the error, prefixed with the rank, and the end of the whole
// job (the other ranks may be waiting for this one).
void RunRanked(const std::string& mode, const std::function<Status(const Ranks&)>& command);

}  // namespace popreg::cli
