#include "core/worker_pool.hpp"

#include <algorithm>
#include <queue>

namespace fwscan {
namespace {
thread_local bool t_inside_task = false;
}  // namespace

WorkerPool::WorkerPool(unsigned jobs) {
  jobs = std::clamp(jobs, 1U, kMaxJobs);
  threads_.reserve(jobs - 1);
  for (unsigned w = 1; w < jobs; ++w) threads_.emplace_back([this, w] { worker_loop(w); });
}

WorkerPool::~WorkerPool() {
  {
    std::lock_guard lock(mu_);
    stop_ = true;
  }
  wake_.notify_all();
  for (auto& t : threads_) t.join();
}

unsigned WorkerPool::default_jobs() {
  return std::clamp(std::thread::hardware_concurrency(), 1U, kMaxJobs);
}

void WorkerPool::drain(unsigned worker) {
  // Called with mu_ held; takes indices one at a time (tasks are whole nodes: coarse enough).
  std::unique_lock lock(mu_, std::adopt_lock);
  while (next_ < n_) {
    const std::size_t i = next_++;
    lock.unlock();
    try {
      t_inside_task = true;
      (*task_)(i, worker);
      t_inside_task = false;
    } catch (...) {
      t_inside_task = false;
      lock.lock();
      if (!error_) error_ = std::current_exception();
      continue;
    }
    lock.lock();
  }
  lock.release();
}

void WorkerPool::worker_loop(unsigned worker) {
  std::unique_lock lock(mu_);
  std::size_t seen = generation_;
  for (;;) {
    wake_.wait(lock, [&] { return stop_ || generation_ != seen; });
    if (stop_) return;
    seen = generation_;
    ++busy_;
    drain(worker);
    if (--busy_ == 0) done_.notify_all();
  }
}

void WorkerPool::run(std::size_t n, const std::function<void(std::size_t, unsigned)>& task) {
  if (n == 0) return;
  if (threads_.empty() || n == 1 || t_inside_task) {
    for (std::size_t i = 0; i < n; ++i) task(i, 0);
    return;
  }
  std::unique_lock lock(mu_);
  task_ = &task;
  n_ = n;
  next_ = 0;
  error_ = nullptr;
  ++generation_;
  wake_.notify_all();
  ++busy_;
  lock.release();
  drain(0);
  lock = std::unique_lock(mu_, std::adopt_lock);
  --busy_;
  // Every index is taken; wait for the workers still running theirs.
  done_.wait(lock, [&] { return busy_ == 0; });
  task_ = nullptr;
  n_ = 0;
  if (error_) {
    auto e = error_;
    error_ = nullptr;
    std::rethrow_exception(e);
  }
}

void run_dynamic(WorkerPool& pool, const std::vector<std::pair<std::uint64_t, std::uint64_t>>& ready,
                 const std::function<void(std::uint64_t id, unsigned worker, const AddTask& add)>& task) {
  // (cost, id), the costliest first, then the lowest id.
  auto before = [](const std::pair<std::uint64_t, std::uint64_t>& a, const std::pair<std::uint64_t, std::uint64_t>& b) {
    return a.first != b.first ? a.first < b.first : a.second > b.second;
  };
  std::priority_queue<std::pair<std::uint64_t, std::uint64_t>, std::vector<std::pair<std::uint64_t, std::uint64_t>>, decltype(before)>
      queue(before);
  for (const auto& [id, cost] : ready) queue.emplace(cost, id);
  std::mutex mu;
  std::condition_variable changed;
  unsigned running = 0;
  std::exception_ptr error;
  pool.run(pool.jobs(), [&](std::size_t, unsigned worker) {
    std::unique_lock lock(mu);
    for (;;) {
      changed.wait(lock, [&] { return !queue.empty() || running == 0; });
      if (queue.empty()) return;  // nothing ready and nothing running: no task can come
      const std::uint64_t id = queue.top().second;
      queue.pop();
      ++running;
      lock.unlock();
      std::vector<std::pair<std::uint64_t, std::uint64_t>> added;
      try {
        task(id, worker, [&](std::uint64_t new_id, std::uint64_t cost) { added.emplace_back(new_id, cost); });
      } catch (...) {
        std::lock_guard guard(mu);
        if (!error) error = std::current_exception();
      }
      lock.lock();
      for (const auto& [new_id, cost] : added) queue.emplace(cost, new_id);
      --running;
      changed.notify_all();
    }
  });
  if (error) std::rethrow_exception(error);
}

}  // namespace fwscan
