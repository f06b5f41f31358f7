// Turns a SIGSEGV/SIGBUS on device memory into an error of the operation that
// caused it, the way a GPU reports an illegal address instead of crashing the
// host program. Only faults inside the device address range, taken while a
// guarded call runs on the faulting thread, are caught; every other fault goes
// to the handler that was installed before (or kills the process as usual).
#pragma once

#include <cstdint>
#include <type_traits>

namespace cudasim {

// Installs the handlers once; [base, base + size) is the device range.
void install_fault_guard(std::uintptr_t base, std::uintptr_t size);

// Runs fn(arg). Returns true when it completed; false when it touched device
// memory that is not accessible, with the faulting address in *fault_addr.
// Calls nest: a fault goes to the innermost guard.
bool guarded_call(void (*fn)(void*), void* arg, std::uintptr_t* fault_addr);

// Re-raises a fault caught by an inner guard in the enclosing guard (after the
// inner code released what it held). Returns only when no guard encloses it.
void propagate_fault(std::uintptr_t fault_addr);

template <typename F>
bool guarded(F&& f, std::uintptr_t* fault_addr) {
  using Fn = std::remove_reference_t<F>;
  return guarded_call([](void* p) { (*static_cast<Fn*>(p))(); }, &f, fault_addr);
}

}  // namespace cudasim
