#include "allocation_counter.h"

#include <cstdlib>
#include <new>

namespace {
thread_local bool t_counting = false;
thread_local long t_allocations = 0;
}  // namespace

// Replacements of the global allocation functions for this test binary, in a
// file of their own so that no call site sees both halves inlined.
void* operator new(std::size_t size) {
  if (t_counting) ++t_allocations;
  if (void* p = std::malloc(size == 0 ? 1 : size)) return p;
  throw std::bad_alloc();
}
void operator delete(void* p) noexcept {
  std::free(p);
}
void operator delete(void* p, std::size_t) noexcept {
  std::free(p);
}

namespace gpuswap::runtime::testing {

void start_counting_allocations() {
  t_allocations = 0;
  t_counting = true;
}

long stop_counting_allocations() {
  t_counting = false;
  return t_allocations;
}

}  // namespace gpuswap::runtime::testing
