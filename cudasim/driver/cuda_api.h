// How every file of the driver sees cuda.h: as NVIDIA's driver is built, with
// __CUDA_API_VERSION_INTERNAL, so that all ABI versions of each entry point
// (cuMemAlloc_v2, cuMemcpyHtoD_v2_ptds, cuLaunchKernel_ptsz, ...) are declared
// under their real names, and with default visibility for those declarations
// so that their definitions here are exported from libcuda.so.1.
#pragma once

#define __CUDA_API_VERSION_INTERNAL 1
#define __CUDA_API_PUSH_VISIBILITY_DEFAULT 1
#include <cuda.h>

// Marks an exported C entry point (the pragma above already exports what
// cuda.h declares; the attribute makes it explicit where it is defined).
#define CUDASIM_EXPORT __attribute__((visibility("default")))
#define CUDASIM_API extern "C" CUDASIM_EXPORT

// The CUDA 13.0 per-thread batch copies, which the driver exports and
// cuda.h names only through its per-thread macros.
extern "C" {
CUresult CUDAAPI cuMemcpyBatchAsync_v2_ptsz(CUdeviceptr* dsts, CUdeviceptr* srcs, size_t* sizes,
                                            size_t count, CUmemcpyAttributes* attrs,
                                            size_t* attrsIdxs, size_t numAttrs, CUstream hStream);
CUresult CUDAAPI cuMemcpy3DBatchAsync_v2_ptsz(size_t numOps, CUDA_MEMCPY3D_BATCH_OP* opList,
                                              unsigned long long flags, CUstream hStream);
}

#ifdef __cplusplus
#include <cstring>

// The integer a caller passed for an enum-typed argument or field. Callers
// may pass any value, and reading one that names no enumerator as the enum
// type is undefined behaviour, so enums are read as integers before checking.
template <typename E>
inline int enum_value(const E& e) {
  static_assert(sizeof(E) == sizeof(int));
  int v;
  std::memcpy(&v, &e, sizeof v);
  return v;
}
#endif
