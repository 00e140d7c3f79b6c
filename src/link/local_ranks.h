// The ranks of a spread run as threads of one process: a Partition whose collective calls meet
// in shared memory. For the engine's tests (a run over 2 or 4 ranks checked against one process
// without mpirun) and for trying a spread run's logic where no MPI is installed; the commands
// use src/dist/'s MPI ranks.
#pragma once

#include <functional>

#include "link/partition.h"

namespace popreg::link {

// Runs `body` once per rank of `ranks`, each on its own thread with its own Partition, and
// returns when all have returned. An exception thrown by a rank is rethrown here (the first
// one); the other ranks must then not wait for it in a collective call, so a body should only
// throw where every rank does.
void RunLocalRanks(int ranks, const std::function<void(Partition&)>& body);

}  // namespace popreg::link
