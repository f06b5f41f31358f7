// Page-locked host memory known to the driver (cuMemAllocHost, cuMemHostAlloc,
// cuMemHostRegister). Everything else on the host is pageable: async copies
// from it are staged, async copies into it complete before returning.
#pragma once

#include <cstdint>
#include <map>
#include <mutex>

#include "cuda_api.h"

namespace cudasim {

class Context;

struct HostRange {
  std::uintptr_t base = 0;
  std::uint64_t size = 0;
  unsigned flags = 0;
  bool allocated = false;  // by the driver (freed with cuMemFreeHost)
  Context* context = nullptr;
  std::uint64_t buffer_id = 0;
};

class HostMemory {
 public:
  CUresult allocate(std::uint64_t bytes, unsigned flags, Context* ctx, void** out);
  CUresult free(void* p);
  CUresult register_range(void* p, std::uint64_t bytes, unsigned flags, Context* ctx);
  CUresult unregister(void* p);
  // The pinned range holding [p, p + bytes); false if any byte is pageable.
  bool find(std::uintptr_t p, std::uint64_t bytes, HostRange* out);

 private:
  std::mutex mu_;
  std::map<std::uintptr_t, HostRange> ranges_;
  std::uint64_t next_buffer_id_ = 1ull << 40;
};

}  // namespace cudasim
