#include "process_state.h"

#include <pthread.h>

#include <cstdlib>

namespace gpuswap::interpose {

constinit ProcessState detail::g_process_state{};

namespace {

constinit pthread_once_t g_once = PTHREAD_ONCE_INIT;

void on_exit() {
  detail::g_process_state.mark_exiting();
}
void in_child() {
  detail::g_process_state.mark_forked();
}

void register_handlers() {
  std::atexit(on_exit);
  pthread_atfork(nullptr, nullptr, in_child);
}

}  // namespace

ProcessState& process_state() noexcept {
  pthread_once(&g_once, register_handlers);
  return detail::g_process_state;
}

}  // namespace gpuswap::interpose
