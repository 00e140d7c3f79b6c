// link::Partition over MPI (OpenMPI from Debian): sums by MPI_Allreduce, exchanges by a
// non-blocking send and receive per pair of ranks, gathers by one broadcast per rank, all in
// pieces of at most 1 GiB (MPI counts are ints; a rank's scored pairs at ten million records pass
// 2 GiB).
#include <fmt/format.h>
#include <mpi.h>
#include <sys/resource.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>

#include "dist/session.h"

namespace popreg::dist {
namespace {

constexpr int64_t kPiece = int64_t{1} << 30;

class MpiPartition final : public link::Partition {
 public:
  explicit MpiPartition(MPI_Comm comm) : comm_(comm) {
    MPI_Comm_rank(comm_, &rank_);
    MPI_Comm_size(comm_, &size_);
  }
  int rank() const override { return rank_; }
  int size() const override { return size_; }

  void Sum(std::span<int64_t> values) override {
    for (size_t at = 0; at < values.size();) {
      const auto n = static_cast<int>(std::min<size_t>(values.size() - at, kPiece / 8));
      MPI_Allreduce(MPI_IN_PLACE, values.data() + at, n, MPI_INT64_T, MPI_SUM, comm_);
      at += static_cast<size_t>(n);
      sent_ += 8 * n;
      received_ += 8 * n;
    }
  }

  std::vector<std::string> Gather(std::string_view bytes) override {
    std::vector<int64_t> sizes(static_cast<size_t>(size_));
    const auto mine = static_cast<int64_t>(bytes.size());
    MPI_Allgather(&mine, 1, MPI_INT64_T, sizes.data(), 1, MPI_INT64_T, comm_);
    std::vector<std::string> out(static_cast<size_t>(size_));
    for (int root = 0; root < size_; ++root) {
      std::string& s = out[static_cast<size_t>(root)];
      if (root == rank_) {
        s.assign(bytes);
      } else {
        s.resize(static_cast<size_t>(sizes[static_cast<size_t>(root)]));
      }
      for (int64_t at = 0; at < sizes[static_cast<size_t>(root)]; at += kPiece) {
        const auto n = static_cast<int>(std::min(kPiece, sizes[static_cast<size_t>(root)] - at));
        MPI_Bcast(s.data() + at, n, MPI_BYTE, root, comm_);
        (root == rank_ ? sent_ : received_) += n;
      }
    }
    return out;
  }

  std::vector<std::string> Exchange(std::vector<std::string> to) override {
    const auto k = static_cast<size_t>(size_);
    std::vector<int64_t> send_sizes(k), receive_sizes(k);
    for (size_t r = 0; r < k; ++r) send_sizes[r] = static_cast<int64_t>(to[r].size());
    MPI_Alltoall(send_sizes.data(), 1, MPI_INT64_T, receive_sizes.data(), 1, MPI_INT64_T, comm_);
    std::vector<std::string> from(k);
    from[static_cast<size_t>(rank_)] = std::move(to[static_cast<size_t>(rank_)]);
    // Round d: to rank + d, from rank - d, so every round pairs each rank with one receiver and
    // one sender; each message in pieces of at most kPiece bytes (MPI counts are ints), as many
    // as its size makes on both ends.
    std::vector<MPI_Request> requests;
    for (int d = 1; d < size_; ++d) {
      const auto dest = static_cast<size_t>((rank_ + d) % size_);
      const auto source = static_cast<size_t>((rank_ - d + size_) % size_);
      std::string& in = from[source];
      in.resize(static_cast<size_t>(receive_sizes[source]));
      requests.clear();
      for (int64_t at = 0; at < receive_sizes[source]; at += kPiece) {
        const auto n = static_cast<int>(std::min(kPiece, receive_sizes[source] - at));
        MPI_Irecv(in.data() + at, n, MPI_BYTE, static_cast<int>(source), 0, comm_,
                  &requests.emplace_back());
        received_ += n;
      }
      std::string& out = to[dest];
      for (int64_t at = 0; at < send_sizes[dest]; at += kPiece) {
        const auto n = static_cast<int>(std::min(kPiece, send_sizes[dest] - at));
        MPI_Isend(out.data() + at, n, MPI_BYTE, static_cast<int>(dest), 0, comm_,
                  &requests.emplace_back());
        sent_ += n;
      }
      MPI_Waitall(static_cast<int>(requests.size()), requests.data(), MPI_STATUSES_IGNORE);
      std::string().swap(out);
    }
    return from;
  }

  // The payload this rank contributed and got (a broadcast's fan-out is MPI's business).
  int64_t sent() const { return sent_; }
  int64_t received() const { return received_; }

 private:
  MPI_Comm comm_;
  int rank_ = 0;
  int size_ = 1;
  int64_t sent_ = 0, received_ = 0;
};

class Session final : public MpiSession {
 public:
  explicit Session(bool finalize) : finalize_(finalize), partition_(MPI_COMM_WORLD) {}
  ~Session() override {
    if (finalize_) MPI_Finalize();
  }
  link::Partition& partition() override { return partition_; }

  std::string UsageByRank() override {
    rusage u{};
    getrusage(RUSAGE_SELF, &u);
    const double cpu = static_cast<double>(u.ru_utime.tv_sec + u.ru_stime.tv_sec) +
                       static_cast<double>(u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
    // Measured before this call's own traffic, so every rank reports the command's.
    const double mine[4] = {static_cast<double>(u.ru_maxrss) / 1024.0, cpu,
                            static_cast<double>(partition_.sent()) / 1e6,
                            static_cast<double>(partition_.received()) / 1e6};
    std::vector<double> all(4 * static_cast<size_t>(partition_.size()));
    MPI_Allgather(mine, 4, MPI_DOUBLE, all.data(), 4, MPI_DOUBLE, MPI_COMM_WORLD);
    std::string out;
    for (int r = 0; r < partition_.size(); ++r) {
      const double* v = &all[4 * static_cast<size_t>(r)];
      out += fmt::format(
          "rank {} of {}: peak {:.0f} MiB, CPU {:.1f} s, sent {:.1f} MB, received "
          "{:.1f} MB\n",
          r, partition_.size(), v[0], v[1], v[2], v[3]);
    }
    return out;
  }
  [[noreturn]] void Abort(int code) override {
    std::fflush(stderr);
    std::fflush(stdout);
    MPI_Abort(MPI_COMM_WORLD, code);
    std::_Exit(code);  // MPI_Abort does not return; this is for the compiler
  }

 private:
  bool finalize_;
  MpiPartition partition_;
};

}  // namespace

Result<std::unique_ptr<MpiSession>> StartMpi() {
  int initialized = 0;
  MPI_Initialized(&initialized);
  if (initialized == 0) {
    // Only the thread that started MPI calls it (the engine's worker threads never do).
    int provided = 0;
    if (MPI_Init_thread(nullptr, nullptr, MPI_THREAD_FUNNELED, &provided) != MPI_SUCCESS) {
      return FailedPrecondition("--dist mpi: MPI_Init_thread failed");
    }
  }
  return std::unique_ptr<MpiSession>(std::make_unique<Session>(initialized == 0));
}

}  // namespace popreg::dist
