#include "gpuswap/runtime/launch_reporter.h"

#include <pthread.h>

#include <utility>

namespace gpuswap::runtime {

LaunchReporter::LaunchReporter(std::function<void()> replay) : replay_(std::move(replay)) {}

LaunchReporter::~LaunchReporter() {
  stop();
}

bool LaunchReporter::start() noexcept {
  if (thread_ != nullptr) return true;
  try {
    thread_ = std::make_unique<std::thread>([this] { run(); });
  } catch (...) {
    return false;
  }
  return true;
}

void LaunchReporter::nudge() noexcept {
  {
    std::lock_guard lock(mu_);
    if (nudged_) return;  // one is on its way
    nudged_ = true;
  }
  wake_.notify_one();
}

void LaunchReporter::stop() noexcept {
  if (thread_ == nullptr) return;
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  wake_.notify_one();
  if (thread_->joinable()) thread_->join();
  thread_.reset();
}

void LaunchReporter::abandon_after_fork() noexcept {
  // Destroying a joinable std::thread terminates the process, and joining
  // one this process does not have never returns.
  static_cast<void>(thread_.release());
}

void LaunchReporter::run() {
  // Named, so that a user listing the job's threads sees whose it is.
  pthread_setname_np(pthread_self(), "gpuswap-report");
  std::unique_lock lock(mu_);
  for (;;) {
    wake_.wait(lock, [this] { return nudged_ || stopping_; });
    if (stopping_) return;
    nudged_ = false;
    lock.unlock();
    replay_();
    lock.lock();
  }
}

}  // namespace gpuswap::runtime
