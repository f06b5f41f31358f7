// Process life-cycle facts the hooks must respect: once exit has begun the
// shim makes no CUDA call of its own (the driver may already be tearing
// down), and in a child forked after the driver was initialised the CUDA
// state it inherited is unusable, so the child passes everything through.
#pragma once

#include <atomic>

namespace gpuswap::interpose {

class ProcessState {
 public:
  bool exiting() const noexcept { return (flags_.load(std::memory_order_acquire) & kExiting) != 0; }
  bool forked() const noexcept { return (flags_.load(std::memory_order_acquire) & kForked) != 0; }
  // Either: the one check of every hooked call (a single load).
  bool ended() const noexcept { return flags_.load(std::memory_order_acquire) != 0; }

  void mark_exiting() noexcept { flags_.fetch_or(kExiting, std::memory_order_release); }
  void mark_forked() noexcept { flags_.fetch_or(kForked, std::memory_order_release); }

 private:
  static constexpr unsigned kExiting = 1;
  static constexpr unsigned kForked = 2;
  std::atomic<unsigned> flags_{0};
};

// Registers the atexit and pthread_atfork handlers on first use (not at load
// time: the shim has no global constructors).
ProcessState& process_state() noexcept;

namespace detail {
extern constinit ProcessState g_process_state;
}  // namespace detail

// The state without the registration check, for a caller that knows
// process_state() has been called before (the runtime is created only after
// it): the launch hook's path, where a call into libc per launch shows.
inline const ProcessState& registered_process_state() noexcept {
  return detail::g_process_state;
}

}  // namespace gpuswap::interpose
