#include "server/jobs.h"

#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <utility>

#include "base/log.h"

namespace popreg::server {

constexpr int kJobNice = 5;

void JobContext::Progress(std::string_view stage, int64_t done, int64_t total) {
  std::lock_guard lock(mu_);
  if (stage != stage_) {
    stage_ = stage;
    stage_started_ = std::chrono::steady_clock::now();
  }
  done_ = done;
  total_ = total;
}

Jobs::Jobs(std::function<std::string()> now_iso) : now_iso_(std::move(now_iso)) {}

Jobs::~Jobs() { Shutdown(); }

JobSnapshot Jobs::SnapshotOf(Job& job) {
  JobSnapshot s = job.snap;
  std::lock_guard lock(job.ctx.mu_);
  s.stage = job.ctx.stage_;
  s.done = job.ctx.done_;
  s.total = job.ctx.total_;
  s.cancel_requested = job.ctx.cancel_.load();
  if (s.state == "running" && s.total > 0 && s.done > 0 && s.done < s.total) {
    // The stage's own pace so far; stages differ too much for one pace over the whole job.
    const double elapsed =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - job.ctx.stage_started_)
            .count();
    s.eta_seconds = elapsed * static_cast<double>(s.total - s.done) / static_cast<double>(s.done);
  }
  return s;
}

Result<int64_t> Jobs::Start(std::string kind, std::string login, std::string exclusive, Work work) {
  std::unique_lock lock(mu_);
  if (shut_down_) return FailedPrecondition("the server is stopping; no new job starts");
  if (!exclusive.empty()) {
    for (auto& [id, job] : jobs_) {
      if (job->exclusive == exclusive && job->snap.state == "running") {
        return Conflict("job " + std::to_string(id) + " (" + job->snap.kind + ", started by " +
                        job->snap.login + ") is running; one " + exclusive + " at a time");
      }
    }
  }
  const int64_t id = next_id_++;
  auto job = std::make_unique<Job>();
  job->snap.id = id;
  job->snap.kind = std::move(kind);
  job->snap.login = std::move(login);
  job->snap.state = "running";
  job->snap.started_at = now_iso_();
  job->exclusive = std::move(exclusive);
  job->ctx.stage_ = "starting";
  job->ctx.stage_started_ = std::chrono::steady_clock::now();
  Job* raw = job.get();
  jobs_[id] = std::move(job);
  raw->thread = std::thread([this, raw, work = std::move(work)] {
    // Long work is background work: at nice 5 (Linux's nice is per thread, and the threads it
    // starts, the linkage's workers among them, inherit it) a worklist page asked for while a
    // comparison runs takes the cores first, and the job still runs at full speed when no one
    // asks for anything. Not nicer: at 10 the job was preempted holding locks the requests then
    // waited on (p99 860 ms against 121 ms at 5; bench/RESULTS.md, the server under load).
    setpriority(PRIO_PROCESS, static_cast<id_t>(gettid()), kJobNice);
    Result<nlohmann::json> r = [&]() -> Result<nlohmann::json> {
      try {
        return work(raw->ctx);
      } catch (const std::exception& e) {  // a third-party library's, turned into a Status
        return Internal(std::string("job failed: ") + e.what());
      }
    }();
    std::lock_guard done_lock(mu_);
    raw->snap.finished_at = now_iso_();
    if (r.ok()) {
      raw->snap.state = "succeeded";
      raw->snap.result = std::move(r).value();
    } else {
      raw->snap.error = r.status();
      raw->snap.state = r.status().code() == ErrorCode::kCancelled ? "cancelled" : "failed";
      LogInfo("job {} ({}) {}: {}", raw->snap.id, raw->snap.kind, raw->snap.state,
              r.status().ToString());
    }
    finished_.notify_all();
  });
  return id;
}

std::optional<JobSnapshot> Jobs::Get(int64_t id) {
  std::lock_guard lock(mu_);
  auto it = jobs_.find(id);
  if (it == jobs_.end()) return std::nullopt;
  return SnapshotOf(*it->second);
}

std::vector<JobSnapshot> Jobs::List() {
  std::lock_guard lock(mu_);
  std::vector<JobSnapshot> out;
  for (auto it = jobs_.rbegin(); it != jobs_.rend(); ++it) out.push_back(SnapshotOf(*it->second));
  return out;
}

Status Jobs::Cancel(int64_t id) {
  std::lock_guard lock(mu_);
  auto it = jobs_.find(id);
  if (it == jobs_.end()) return NotFound("job " + std::to_string(id));
  if (it->second->snap.state != "running") {
    return FailedPrecondition("job " + std::to_string(id) + " has finished (" +
                              it->second->snap.state + ")");
  }
  it->second->ctx.cancel_ = true;
  return Status::Ok();
}

bool Jobs::Wait(int64_t id, std::chrono::milliseconds timeout) {
  std::unique_lock lock(mu_);
  return finished_.wait_for(lock, timeout, [&] {
    auto it = jobs_.find(id);
    return it == jobs_.end() || it->second->snap.state != "running";
  });
}

void Jobs::Shutdown() {
  std::vector<std::thread> threads;
  {
    std::lock_guard lock(mu_);
    shut_down_ = true;
    for (auto& [id, job] : jobs_) {
      if (job->snap.state == "running") job->ctx.cancel_ = true;
      if (job->thread.joinable()) threads.push_back(std::move(job->thread));
    }
  }
  for (std::thread& t : threads) t.join();
}

}  // namespace popreg::server
