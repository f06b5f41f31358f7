// A minimal libcuda.so.1 that answers cuGetProcAddress the way NVIDIA's
// driver does: with its own functions' addresses, bound inside the library
// (-Bsymbolic-functions), which a preloaded library cannot interpose. Only
// the shim's own routing can turn these answers into hooks. Unlike cudasim's
// driver it can be told to be old, device-less or without VMM, which is what
// the pass-through tests need.
//
// Only what the routing and pass-through tests and the shim's mode check
// call is here. Until cuInit it reports itself uninitialised (so the shim's
// mode stays undecided); what it reports after is set by the environment:
// SYMBOLIC_DRIVER_VERSION (default 13000), SYMBOLIC_DRIVER_DEVICES (default
// 1) and SYMBOLIC_DRIVER_VMM (default 1: devices support virtual memory
// management).
#include <cuda.h>

#include <atomic>
#include <cstdlib>
#include <cstring>

#undef cuGetProcAddress

#define EXPORT extern "C" __attribute__((visibility("default")))

namespace {

std::atomic<bool> g_initialised{false};

int setting(const char* name, int fallback) {
  const char* value = std::getenv(name);
  return value != nullptr ? std::atoi(value) : fallback;
}

}  // namespace

EXPORT CUresult cuInit(unsigned int) {
  g_initialised = true;
  return CUDA_SUCCESS;
}
EXPORT CUresult cuDriverGetVersion(int* version) {
  *version = setting("SYMBOLIC_DRIVER_VERSION", 13000);
  return CUDA_SUCCESS;
}
EXPORT CUresult cuDeviceGetCount(int* count) {
  if (!g_initialised) return CUDA_ERROR_NOT_INITIALIZED;
  *count = setting("SYMBOLIC_DRIVER_DEVICES", 1);
  return CUDA_SUCCESS;
}
EXPORT CUresult cuDeviceGet(CUdevice* device, int ordinal) {
  if (!g_initialised) return CUDA_ERROR_NOT_INITIALIZED;
  if (ordinal < 0 || ordinal >= setting("SYMBOLIC_DRIVER_DEVICES", 1)) {
    return CUDA_ERROR_INVALID_DEVICE;
  }
  *device = ordinal;
  return CUDA_SUCCESS;
}
EXPORT CUresult cuDeviceGetAttribute(int* value, CUdevice_attribute attribute, CUdevice) {
  if (!g_initialised) return CUDA_ERROR_NOT_INITIALIZED;
  if (attribute != CU_DEVICE_ATTRIBUTE_VIRTUAL_MEMORY_MANAGEMENT_SUPPORTED) {
    return CUDA_ERROR_INVALID_VALUE;
  }
  *value = setting("SYMBOLIC_DRIVER_VMM", 1);
  return CUDA_SUCCESS;
}
EXPORT CUresult cuDeviceGetName(char*, int, CUdevice) {
  return CUDA_ERROR_NOT_INITIALIZED;
}
EXPORT CUresult cuFuncGetParamInfo(CUfunction, size_t, size_t*, size_t*) {
  return CUDA_ERROR_NOT_INITIALIZED;
}
EXPORT CUresult cuMemAlloc_v2(CUdeviceptr*, size_t) {
  return CUDA_ERROR_NOT_INITIALIZED;
}
EXPORT CUresult cuMemFree_v2(CUdeviceptr) {
  return CUDA_ERROR_NOT_INITIALIZED;
}
EXPORT CUresult cuMemcpyHtoD_v2(CUdeviceptr, const void*, size_t) {
  return CUDA_ERROR_NOT_INITIALIZED;
}
EXPORT CUresult cuMemcpyHtoD_v2_ptds(CUdeviceptr, const void*, size_t) {
  return CUDA_ERROR_NOT_INITIALIZED;
}
EXPORT CUresult cuLaunchKernel(CUfunction, unsigned, unsigned, unsigned, unsigned, unsigned,
                               unsigned, unsigned, CUstream, void**, void**) {
  return CUDA_ERROR_NOT_INITIALIZED;
}
EXPORT CUresult cuLaunchKernel_ptsz(CUfunction, unsigned, unsigned, unsigned, unsigned, unsigned,
                                    unsigned, unsigned, CUstream, void**, void**) {
  return CUDA_ERROR_NOT_INITIALIZED;
}
EXPORT CUresult cuStreamSynchronize(CUstream) {
  return CUDA_ERROR_NOT_INITIALIZED;
}
EXPORT CUresult cuStreamSynchronize_ptsz(CUstream) {
  return CUDA_ERROR_NOT_INITIALIZED;
}
EXPORT CUresult cuGetProcAddress_v2(const char* symbol, void** pfn, int version, cuuint64_t flags,
                                    CUdriverProcAddressQueryResult* status);
EXPORT CUresult cuGetProcAddress(const char* symbol, void** pfn, int version, cuuint64_t flags) {
  return cuGetProcAddress_v2(symbol, pfn, version, flags, nullptr);
}

namespace {

struct Entry {
  const char* name;
  int version;
  void* legacy;
  void* per_thread;
};

template <typename F>
void* address(F* f) {
  return reinterpret_cast<void*>(f);
}

const Entry kEntries[] = {
    {"cuInit", 2000, address(cuInit), address(cuInit)},
    {"cuDeviceGetName", 2000, address(cuDeviceGetName), address(cuDeviceGetName)},
    {"cuMemAlloc", 3020, address(cuMemAlloc_v2), address(cuMemAlloc_v2)},
    {"cuMemFree", 3020, address(cuMemFree_v2), address(cuMemFree_v2)},
    {"cuMemcpyHtoD", 3020, address(cuMemcpyHtoD_v2), address(cuMemcpyHtoD_v2_ptds)},
    {"cuLaunchKernel", 4000, address(cuLaunchKernel), address(cuLaunchKernel_ptsz)},
    {"cuStreamSynchronize", 2000, address(cuStreamSynchronize), address(cuStreamSynchronize_ptsz)},
    {"cuGetProcAddress", 11030, address(cuGetProcAddress), address(cuGetProcAddress)},
    {"cuGetProcAddress", 12000, address(cuGetProcAddress_v2), address(cuGetProcAddress_v2)},
};

}  // namespace

EXPORT CUresult cuGetProcAddress_v2(const char* symbol, void** pfn, int version, cuuint64_t flags,
                                    CUdriverProcAddressQueryResult* status) {
  const Entry* best = nullptr;
  for (const Entry& e : kEntries) {
    if (std::strcmp(e.name, symbol) == 0 && e.version <= version &&
        (best == nullptr || e.version > best->version)) {
      best = &e;
    }
  }
  if (best == nullptr) {
    if (status != nullptr) *status = CU_GET_PROC_ADDRESS_SYMBOL_NOT_FOUND;
    return CUDA_ERROR_NOT_FOUND;
  }
  *pfn = (flags & CU_GET_PROC_ADDRESS_PER_THREAD_DEFAULT_STREAM) != 0 ? best->per_thread
                                                                      : best->legacy;
  if (status != nullptr) *status = CU_GET_PROC_ADDRESS_SUCCESS;
  return CUDA_SUCCESS;
}
