// Counts global operator new calls made by the current thread while
// counting is on (the replacement lives in allocation_counter.cpp).
#pragma once

namespace gpuswap::runtime::testing {

void start_counting_allocations();
// Stops counting and returns how many allocations happened since start.
long stop_counting_allocations();

}  // namespace gpuswap::runtime::testing
