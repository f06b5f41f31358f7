#include "stream.h"

#include <sys/prctl.h>

#include <atomic>

#include "context.h"
#include "fault_guard.h"

namespace cudasim {

Stream::Stream(Context* ctx, Kind kind, unsigned flags, int priority)
    : ctx_(ctx), kind_(kind), flags_(flags), priority_(priority) {
  static std::atomic<std::uint64_t> next_id{1};
  id_ = next_id.fetch_add(1);
  worker_ = std::thread([this] { run(); });
}

Stream::~Stream() {
  retire();
  join();
}

std::uint64_t Stream::push(Op op) {
  std::uint64_t seq = 0;
  bool wake = false;
  {
    std::lock_guard lock(mu_);
    seq = ++pushed_;
    queue_.emplace_back(seq, std::move(op));
    wake = sleeping_;
  }
  if (wake) work_cv_.notify_one();
  return seq;
}

void Stream::await_work(std::unique_lock<std::mutex>& lock) {
  // push() wakes the worker only while it sleeps here: a launch onto a busy
  // stream costs no system call, as on a GPU.
  sleeping_ = true;
  work_cv_.wait(lock, [&] { return !queue_.empty() || retiring_; });
  sleeping_ = false;
}

std::uint64_t Stream::last() const {
  std::lock_guard lock(mu_);
  return pushed_;
}

bool Stream::done(std::uint64_t seq) const {
  return completed_.load(std::memory_order_acquire) >= seq;
}

void Stream::wait(std::uint64_t seq) const {
  if (done(seq)) return;
  std::unique_lock lock(mu_);
  // The worker notifies only while someone waits; the count is raised
  // before the completed sequence is checked (both sequentially consistent),
  // so the worker either sees the waiter or the waiter sees the completion.
  waiters_.fetch_add(1, std::memory_order_seq_cst);
  done_cv_.wait(lock, [&] { return completed_.load(std::memory_order_seq_cst) >= seq; });
  waiters_.fetch_sub(1, std::memory_order_relaxed);
}

void Stream::retire() {
  {
    std::lock_guard lock(mu_);
    retiring_ = true;
  }
  work_cv_.notify_all();  // the worker may be about to sleep: always wake it
}

void Stream::join() {
  if (!worker_.joinable()) return;
  if (worker_.get_id() == std::this_thread::get_id()) {
    worker_.detach();
  } else {
    worker_.join();
  }
}

void Stream::run() {
  // Link-time sleeps are short (a 1 MiB chunk at 12 GB/s is 87 us): without
  // this, the default 50 us timer slack would stretch every one of them.
  prctl(PR_SET_TIMERSLACK, 1UL, 0UL, 0UL, 0UL);
  std::deque<std::pair<std::uint64_t, Op>> batch;
  for (;;) {
    {
      // Everything queued is taken at once: the launching thread and the
      // worker then meet on the mutex once per batch, not once per operation.
      std::unique_lock lock(mu_);
      await_work(lock);
      if (queue_.empty()) return;
      batch.swap(queue_);
    }
    while (!batch.empty()) {
      const std::uint64_t seq = batch.front().first;
      run_one(batch.front().second);
      batch.pop_front();
      completed_.store(seq, std::memory_order_seq_cst);
      if (waiters_.load(std::memory_order_seq_cst) != 0) {
        { std::lock_guard lock(mu_); }  // a waiter between its check and its sleep
        done_cv_.notify_all();
      }
    }
  }
}

void Stream::run_one(Op& op) {
  for (const StreamPoint& p : op.after) {
    if (p.stream.get() != this) p.stream->wait(p.seq);
  }
  op.after.clear();
  const CUresult status = ctx_->sticky_error();
  if (op.host) {
    op.host(status);
  } else if (op.work && status == CUDA_SUCCESS) {
    std::uintptr_t addr = 0;
    if (!guarded(op.work, &addr)) ctx_->report_fault(addr, op.label, *this);
  }
}

}  // namespace cudasim
