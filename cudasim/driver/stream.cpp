#include "stream.h"

#include <sys/prctl.h>

#include <atomic>
#include <chrono>

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

namespace {

// How long an idle worker polls for new work before it sleeps. A GPU picks
// up a launch without the host making a system call; waking a sleeping
// thread costs the launching thread a futex call instead, which would make
// every launch that finds its stream idle look several times dearer than
// one that finds it busy.
constexpr auto kSpin = std::chrono::microseconds(30);

void cpu_relax() {
#if defined(__x86_64__) || defined(__i386__)
  __builtin_ia32_pause();
#endif
}

}  // namespace

std::uint64_t Stream::push(Op op) {
  std::uint64_t seq = 0;
  bool wake = false;
  {
    std::lock_guard lock(mu_);
    seq = ++pushed_;
    queue_.emplace_back(seq, std::move(op));
    pushed_seen_.store(seq, std::memory_order_release);
    wake = sleeping_;
  }
  if (wake) work_cv_.notify_one();
  return seq;
}

void Stream::await_work(std::unique_lock<std::mutex>& lock) {
  if (!queue_.empty() || retiring_) return;
  const std::uint64_t seen = pushed_;
  lock.unlock();
  const auto until = std::chrono::steady_clock::now() + kSpin;
  for (unsigned i = 1; pushed_seen_.load(std::memory_order_acquire) == seen; ++i) {
    cpu_relax();
    if (i % 64 == 0 && std::chrono::steady_clock::now() >= until) break;
  }
  lock.lock();
  sleeping_ = true;
  work_cv_.wait(lock, [&] { return !queue_.empty() || retiring_; });
  sleeping_ = false;
}

std::uint64_t Stream::last() const {
  std::lock_guard lock(mu_);
  return pushed_;
}

bool Stream::done(std::uint64_t seq) const {
  std::lock_guard lock(mu_);
  return completed_ >= seq;
}

void Stream::wait(std::uint64_t seq) const {
  std::unique_lock lock(mu_);
  done_cv_.wait(lock, [&] { return completed_ >= seq; });
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
  for (;;) {
    std::uint64_t seq = 0;
    Op op;
    {
      std::unique_lock lock(mu_);
      await_work(lock);
      if (queue_.empty()) return;
      seq = queue_.front().first;
      op = std::move(queue_.front().second);
      queue_.pop_front();
    }
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
    {
      std::lock_guard lock(mu_);
      completed_ = seq;
    }
    done_cv_.notify_all();
  }
}

}  // namespace cudasim
