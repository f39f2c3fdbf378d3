#include "core/worker_pool.hpp"

#include <algorithm>

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

}  // namespace fwscan
