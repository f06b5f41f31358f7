#include "fault_guard.h"

#include <setjmp.h>
#include <signal.h>

#include <atomic>
#include <cstring>
#include <mutex>

namespace cudasim {
namespace {

struct Guard {
  sigjmp_buf env;
  Guard* outer;
  std::uintptr_t fault_addr;
};

thread_local Guard* t_guard = nullptr;

std::atomic<std::uintptr_t> g_base{0};
std::atomic<std::uintptr_t> g_size{0};
struct sigaction g_previous_segv;
struct sigaction g_previous_bus;

void chain(int sig, siginfo_t* info, void* uctx) {
  const struct sigaction& prev = sig == SIGBUS ? g_previous_bus : g_previous_segv;
  if (prev.sa_flags & SA_SIGINFO) {
    if (prev.sa_sigaction != nullptr) {
      prev.sa_sigaction(sig, info, uctx);
      return;
    }
  } else if (prev.sa_handler != SIG_DFL && prev.sa_handler != SIG_IGN) {
    prev.sa_handler(sig);
    return;
  }
  // Default action: restore it and return, so the faulting instruction runs
  // again and the process dies with the signal as it would without us.
  struct sigaction dfl;
  std::memset(&dfl, 0, sizeof dfl);
  dfl.sa_handler = SIG_DFL;
  sigemptyset(&dfl.sa_mask);
  sigaction(sig, &dfl, nullptr);
}

void on_fault(int sig, siginfo_t* info, void* uctx) {
  const auto addr = reinterpret_cast<std::uintptr_t>(info->si_addr);
  const std::uintptr_t base = g_base.load(std::memory_order_relaxed);
  const std::uintptr_t size = g_size.load(std::memory_order_relaxed);
  Guard* g = t_guard;
  if (g != nullptr && addr >= base && addr - base < size) {
    g->fault_addr = addr;
    siglongjmp(g->env, 1);
  }
  chain(sig, info, uctx);
}

}  // namespace

void install_fault_guard(std::uintptr_t base, std::uintptr_t size) {
  static std::once_flag once;
  g_base.store(base);
  g_size.store(size);
  std::call_once(once, [] {
    struct sigaction sa;
    std::memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = on_fault;
    sa.sa_flags = SA_SIGINFO | SA_NODEFER;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGSEGV, &sa, &g_previous_segv);
    sigaction(SIGBUS, &sa, &g_previous_bus);
  });
}

bool guarded_call(void (*fn)(void*), void* arg, std::uintptr_t* fault_addr) {
  // volatile: the guard must be read back intact after siglongjmp.
  Guard guard;
  guard.outer = t_guard;
  guard.fault_addr = 0;
  Guard* volatile self = &guard;
  if (sigsetjmp(guard.env, 1) != 0) {
    t_guard = self->outer;
    if (fault_addr != nullptr) *fault_addr = self->fault_addr;
    return false;
  }
  t_guard = &guard;
  fn(arg);
  t_guard = guard.outer;
  return true;
}

void propagate_fault(std::uintptr_t fault_addr) {
  Guard* g = t_guard;
  if (g == nullptr) return;
  g->fault_addr = fault_addr;
  siglongjmp(g->env, 1);
}

}  // namespace cudasim
