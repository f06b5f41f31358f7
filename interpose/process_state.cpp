#include "process_state.h"

#include <pthread.h>

#include <cstdlib>

namespace gpuswap::interpose {
namespace {

constinit ProcessState g_state{};
constinit pthread_once_t g_once = PTHREAD_ONCE_INIT;

void on_exit() {
  g_state.mark_exiting();
}
void in_child() {
  g_state.mark_forked();
}

void register_handlers() {
  std::atexit(on_exit);
  pthread_atfork(nullptr, nullptr, in_child);
}

}  // namespace

ProcessState& process_state() noexcept {
  pthread_once(&g_once, register_handlers);
  return g_state;
}

}  // namespace gpuswap::interpose
