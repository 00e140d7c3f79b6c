// The build without MPI (CMake found none): --dist mpi is an error that says so.
#include "dist/session.h"

namespace popreg::dist {

Result<std::unique_ptr<MpiSession>> StartMpi() {
  return FailedPrecondition(
      "--dist mpi: this popreg was built without MPI (install libopenmpi-dev and build again)");
}

}  // namespace popreg::dist
