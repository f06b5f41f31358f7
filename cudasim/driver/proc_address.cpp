// cuGetProcAddress: the versioned function the real driver would answer for a
// base name, a CUDA version and the default-stream flavour.
#include <cstring>

#include "cuda_api.h"
#include "entry_points.h"

namespace {

struct Entry {
  const char* name;
  int version;
  void* function;
  void* per_thread;
};

#define CUDASIM_ENTRY(name, version, function, per_thread) \
  {name, version, reinterpret_cast<void*>(&function), reinterpret_cast<void*>(&per_thread)},
const Entry kEntries[] = {CUDASIM_ENTRY_POINTS(CUDASIM_ENTRY)};
#undef CUDASIM_ENTRY

CUresult lookup(const char* symbol, void** pfn, int cudaVersion, cuuint64_t flags,
                CUdriverProcAddressQueryResult* status) {
  if (pfn == nullptr) return CUDA_ERROR_INVALID_VALUE;
  if (flags > (CU_GET_PROC_ADDRESS_LEGACY_STREAM | CU_GET_PROC_ADDRESS_PER_THREAD_DEFAULT_STREAM)) {
    return CUDA_ERROR_INVALID_VALUE;
  }
  *pfn = nullptr;
  const Entry* best = nullptr;
  bool known = false;
  if (symbol != nullptr && *symbol != '\0') {
    for (const Entry& e : kEntries) {
      if (std::strcmp(e.name, symbol) != 0) continue;
      known = true;
      if (e.version <= cudaVersion && (best == nullptr || e.version > best->version)) best = &e;
    }
  }
  if (best == nullptr) {
    if (status != nullptr) {
      *status =
          known ? CU_GET_PROC_ADDRESS_VERSION_NOT_SUFFICIENT : CU_GET_PROC_ADDRESS_SYMBOL_NOT_FOUND;
    }
    return CUDA_ERROR_NOT_FOUND;
  }
  const bool per_thread = (flags & CU_GET_PROC_ADDRESS_PER_THREAD_DEFAULT_STREAM) != 0;
  *pfn = per_thread ? best->per_thread : best->function;
  if (status != nullptr) *status = CU_GET_PROC_ADDRESS_SUCCESS;
  return CUDA_SUCCESS;
}

}  // namespace

CUDASIM_API CUresult cuGetProcAddress_v2(const char* symbol, void** pfn, int cudaVersion,
                                         cuuint64_t flags,
                                         CUdriverProcAddressQueryResult* symbolStatus) {
  return lookup(symbol, pfn, cudaVersion, flags, symbolStatus);
}

CUDASIM_API CUresult cuGetProcAddress(const char* symbol, void** pfn, int cudaVersion,
                                      cuuint64_t flags) {
  return lookup(symbol, pfn, cudaVersion, flags, nullptr);
}
