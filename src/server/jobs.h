// Long work as jobs: an import, a comparison, applying items, printing books. Starting one
// returns its id at once; the work runs on its own thread and reports progress (stage, done,
// total), from which an ETA is estimated; the result or the error is kept until the server
// stops, so that a page reloaded mid-way finds its job again. Jobs of one exclusive key (the
// comparison of a store) run one at a time. Cancelling sets the job's flag, which the work
// polls between its steps (base/cancel.h); since each long operation writes in one
// transaction, a cancelled job leaves the store as it was. Thread-safe.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "base/cancel.h"
#include "base/status.h"
#include "base/thread_annotations.h"

namespace popreg::server {

struct JobSnapshot {
  int64_t id = 0;
  std::string kind;                     // "import", "compare", "apply", "print", ...
  std::string login;                    // who started it
  std::string state;                    // "running", "succeeded", "failed", "cancelled"
  std::string stage;                    // what it is doing now, in the work's words
  int64_t done = 0, total = 0;          // of the stage; total 0 = unknown
  std::optional<double> eta_seconds;    // of the stage, once it can be estimated
  std::string started_at, finished_at;  // ISO 8601 UTC
  nlohmann::json result;                // the work's result when succeeded
  Status error;                         // when failed or cancelled
  bool cancel_requested = false;
};

class JobContext {
 public:
  // Reports the stage and its progress (any thread).
  void Progress(std::string_view stage, int64_t done, int64_t total);
  // The flag to hand to the work (base/cancel.h).
  const CancelFlag* cancel() const { return &cancel_; }

 private:
  friend class Jobs;
  CancelFlag cancel_{false};
  std::mutex mu_;
  std::string stage_;
  int64_t done_ = 0, total_ = 0;
  std::chrono::steady_clock::time_point stage_started_;
};

class Jobs {
 public:
  using Work = std::function<Result<nlohmann::json>(JobContext&)>;
  // `now_iso` gives the time stamps (the store's clock, so POPREG_NOW holds for jobs too).
  explicit Jobs(std::function<std::string()> now_iso);
  ~Jobs();  // Shutdown()

  // Starts `work` on its own thread. With a non-empty `exclusive`, Conflict (naming the running
  // job) while another job of that key runs. FailedPrecondition after Shutdown.
  Result<int64_t> Start(std::string kind, std::string login, std::string exclusive, Work work);
  // The job, or nullopt.
  std::optional<JobSnapshot> Get(int64_t id);
  // Every job, newest first.
  std::vector<JobSnapshot> List();
  // Asks a running job to stop. NotFound for an unknown id; FailedPrecondition when finished.
  Status Cancel(int64_t id);
  // Cancels every running job and waits for all of them to end (rolled back). Idempotent.
  void Shutdown();
  // Blocks until job `id` has finished or `timeout` passed; true when finished.
  bool Wait(int64_t id, std::chrono::milliseconds timeout);

 private:
  struct Job {
    JobSnapshot snap;
    std::string exclusive;
    JobContext ctx;
    std::thread thread;
  };
  JobSnapshot SnapshotOf(Job& job);

  std::function<std::string()> now_iso_;
  std::mutex mu_;
  std::condition_variable finished_;
  bool shut_down_ POPREG_GUARDED_BY(mu_) = false;
  int64_t next_id_ POPREG_GUARDED_BY(mu_) = 1;
  std::map<int64_t, std::unique_ptr<Job>> jobs_ POPREG_GUARDED_BY(mu_);
};

}  // namespace popreg::server
