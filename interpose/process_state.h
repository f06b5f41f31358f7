// Process life-cycle facts the hooks must respect: once exit has begun the
// shim makes no CUDA call of its own (the driver may already be tearing
// down), and in a child forked after the driver was initialised the CUDA
// state it inherited is unusable, so the child passes everything through.
#pragma once

#include <atomic>

namespace gpuswap::interpose {

class ProcessState {
 public:
  bool exiting() const noexcept { return exiting_.load(std::memory_order_acquire); }
  bool forked() const noexcept { return forked_.load(std::memory_order_acquire); }

  void mark_exiting() noexcept { exiting_.store(true, std::memory_order_release); }
  void mark_forked() noexcept { forked_.store(true, std::memory_order_release); }

 private:
  std::atomic<bool> exiting_{false};
  std::atomic<bool> forked_{false};
};

// Registers the atexit and pthread_atfork handlers on first use (not at load
// time: the shim has no global constructors).
ProcessState& process_state() noexcept;

}  // namespace gpuswap::interpose
