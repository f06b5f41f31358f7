// A minimal libcuda.so.1 that answers cuGetProcAddress the way NVIDIA's
// driver does: with its own functions' addresses, bound inside the library
// (-Bsymbolic-functions), which a preloaded library cannot interpose.
// cudasim's driver takes its answers' addresses through the GOT, so a
// preloaded shim's definitions come back from it already routed; only a
// driver like this one shows that the shim routes by pointer itself.
//
// Only what the routing test and the shim's mode check call is here. The
// driver reports itself uninitialised, so the shim's mode stays undecided
// and routing stays on.
#include <cuda.h>

#include <cstring>

#undef cuGetProcAddress

#define EXPORT extern "C" __attribute__((visibility("default")))

EXPORT CUresult cuInit(unsigned int) {
  return CUDA_SUCCESS;
}
EXPORT CUresult cuDriverGetVersion(int* version) {
  *version = 13000;
  return CUDA_SUCCESS;
}
EXPORT CUresult cuDeviceGetCount(int*) {
  return CUDA_ERROR_NOT_INITIALIZED;
}
EXPORT CUresult cuDeviceGet(CUdevice*, int) {
  return CUDA_ERROR_NOT_INITIALIZED;
}
EXPORT CUresult cuDeviceGetAttribute(int*, CUdevice_attribute, CUdevice) {
  return CUDA_ERROR_NOT_INITIALIZED;
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
