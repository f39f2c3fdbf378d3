#pragma once
// A fixed pool of worker threads for data-parallel steps (docs/architecture.md, "Parallel
// steps"). The caller runs tasks too, so a pool of `jobs` uses `jobs` threads in all, and a
// pool of 1 runs every task in order on the caller's thread. Determinism is the caller's: a
// task writes only its own slot of an output vector, and the caller merges the slots in index
// order, so the result never depends on which thread ran what.
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <exception>
#include <functional>
#include <mutex>
#include <thread>
#include <utility>
#include <vector>

namespace fwscan {

class WorkerPool {
 public:
  // `jobs` threads in all (clamped to [1, kMaxJobs]); jobs - 1 are started here.
  explicit WorkerPool(unsigned jobs);
  ~WorkerPool();
  WorkerPool(const WorkerPool&) = delete;
  WorkerPool& operator=(const WorkerPool&) = delete;

  static constexpr unsigned kMaxJobs = 64;
  // The machine's hardware threads, at least 1 and at most kMaxJobs.
  static unsigned default_jobs();

  unsigned jobs() const { return static_cast<unsigned>(threads_.size()) + 1; }

  // Runs task(i, worker) for every i in [0, n) and returns when all have finished; `worker`
  // is in [0, jobs()) and names the thread, for per-thread state (a YARA scanner). A task
  // that throws does not stop the others; the first exception is rethrown here. Called from
  // inside a task, run() executes the nested tasks in order on that thread.
  void run(std::size_t n, const std::function<void(std::size_t, unsigned)>& task);

 private:
  void worker_loop(unsigned worker);
  void drain(unsigned worker);

  std::vector<std::thread> threads_;
  std::mutex mu_;
  std::condition_variable wake_, done_;
  const std::function<void(std::size_t, unsigned)>* task_ = nullptr;
  std::size_t n_ = 0, next_ = 0;
  unsigned busy_ = 0;            // workers inside the current batch
  std::size_t generation_ = 0;   // bumped for every batch
  bool stop_ = false;
  std::exception_ptr error_;
};

// Tasks that make more tasks as they run (an ELF's load plans the pieces of its sweep): every
// thread of the pool takes the costliest ready task (the lowest id among equals) until none is
// ready and none is running. task(id, worker, add) runs task `id`; add(id, cost) makes another
// one ready. Determinism is still the caller's: each task writes its own slots. The first
// exception a task throws is rethrown once every task has ended.
using AddTask = std::function<void(std::uint64_t id, std::uint64_t cost)>;
void run_dynamic(WorkerPool& pool, const std::vector<std::pair<std::uint64_t, std::uint64_t>>& ready,
                 const std::function<void(std::uint64_t id, unsigned worker, const AddTask& add)>& task);

}  // namespace fwscan
