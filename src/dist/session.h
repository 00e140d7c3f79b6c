// Running one popreg command as several processes ("ranks") started by mpirun or Slurm's srun:
// `popreg compare|link|dedupe ... --dist mpi`. The ranks share the linkage's work through a
// link::Partition (link/partition.h) over MPI; rank 0 writes the output.
//
// This folder is the only one that includes <mpi.h> (mpi_session.cc). A build without MPI
// compiles no_mpi_session.cc instead, whose StartMpi says so, and every command runs
// single-process.
#pragma once

#include <memory>
#include <string>

#include "base/status.h"
#include "link/partition.h"

namespace popreg::dist {

// The MPI library of this process, for one command: MPI_Init when started (unless the process
// already did), MPI_Finalize when destroyed (likewise).
class MpiSession {
 public:
  virtual ~MpiSession() = default;
  // All the ranks of the job (MPI_COMM_WORLD).
  virtual link::Partition& partition() = 0;
  // What each rank used so far, gathered on every rank (collective), one line per rank for rank
  // 0 to print: its peak resident memory, its CPU time and the bytes it sent and received
  // through partition().
  virtual std::string UsageByRank() = 0;
  // Ends the whole job with `code`: one rank's error while the others wait for it in a
  // collective call would otherwise hang them.
  [[noreturn]] virtual void Abort(int code) = 0;
};

// Starts MPI. FailedPrecondition when the build has no MPI.
Result<std::unique_ptr<MpiSession>> StartMpi();

}  // namespace popreg::dist
