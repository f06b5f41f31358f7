// A small in-process stand-in for the driver's virtual-memory and pinned-host
// calls, strict about what the real driver checks (granularity, double
// mappings, unknown handles), so the pools can be tested without a device.
#pragma once

#include <cuda.h>

#include <cstdint>
#include <map>
#include <set>
#include <string>

#include "gpuswap/runtime/driver_table.h"

namespace gpuswap::runtime::testing {

struct FakeDriverState {
  std::size_t granularity = std::size_t{2} << 20;
  std::uint64_t device_bytes = std::uint64_t{1} << 30;           // what cuMemCreate may hand out
  std::uint64_t host_bytes = std::uint64_t{1} << 30;             // what cuMemHostAlloc may pin
  std::map<CUmemGenericAllocationHandle, std::size_t> handles;   // live handle -> bytes
  std::map<CUdeviceptr, CUmemGenericAllocationHandle> mappings;  // mapped address -> handle
  std::set<CUdeviceptr> accessible;                              // granules with RW access
  std::map<void*, std::size_t> host;                             // pinned blocks
  std::map<CUdeviceptr, std::size_t> reservations;
  int creates = 0;
  int host_allocs = 0;
  unsigned last_host_flags = 0;
};

// The one fake driver of this test binary; reset() before each test.
FakeDriverState& fake_driver();
void reset_fake_driver();

// Resolves the names the fake implements; `missing`, when set, is treated as
// absent.
void* resolve_fake(const char* versioned_name, void* missing);

// A table filled from the fake.
DriverTable fake_driver_table();

std::uint64_t live_device_bytes();

}  // namespace gpuswap::runtime::testing
