// The pre-3.2 ABI (32-bit device pointers and sizes) under the plain names
// libcuda still exports (cuMemAlloc, cuMemcpyHtoD, ...). Inputs are widened
// and forwarded to the current ABI. Device addresses here never fit in 32
// bits, so a call that would return one fails with CUDA_ERROR_NOT_SUPPORTED,
// and one that takes one names no allocation (CUDA_ERROR_INVALID_VALUE), as
// such a program would fail on a 64-bit GPU driver.
#include <algorithm>
#include <climits>

#include "cuda_api.h"

namespace {

unsigned int clamp32(size_t v) {
  return static_cast<unsigned int>(std::min<size_t>(v, UINT_MAX));
}

}  // namespace

CUDASIM_API CUresult cuDeviceTotalMem(unsigned int* bytes, CUdevice dev) {
  if (bytes == nullptr) return CUDA_ERROR_INVALID_VALUE;
  size_t b = 0;
  const CUresult rc = cuDeviceTotalMem_v2(&b, dev);
  if (rc == CUDA_SUCCESS) *bytes = clamp32(b);
  return rc;
}

CUDASIM_API CUresult cuMemGetInfo(unsigned int* free, unsigned int* total) {
  if (free == nullptr || total == nullptr) return CUDA_ERROR_INVALID_VALUE;
  size_t f = 0, t = 0;
  const CUresult rc = cuMemGetInfo_v2(&f, &t);
  if (rc == CUDA_SUCCESS) {
    *free = clamp32(f);
    *total = clamp32(t);
  }
  return rc;
}

CUDASIM_API CUresult cuMemAlloc(CUdeviceptr_v1* dptr, unsigned int bytesize) {
  if (dptr == nullptr) return CUDA_ERROR_INVALID_VALUE;
  CUdeviceptr p = 0;
  const CUresult rc = cuMemAlloc_v2(&p, bytesize);
  if (rc != CUDA_SUCCESS) return rc;
  if (p > UINT_MAX) {
    cuMemFree_v2(p);
    return CUDA_ERROR_NOT_SUPPORTED;
  }
  *dptr = static_cast<CUdeviceptr_v1>(p);
  return CUDA_SUCCESS;
}

CUDASIM_API CUresult cuMemAllocPitch(CUdeviceptr_v1* dptr, unsigned int* pPitch,
                                     unsigned int WidthInBytes, unsigned int Height,
                                     unsigned int ElementSizeBytes) {
  if (dptr == nullptr || pPitch == nullptr) return CUDA_ERROR_INVALID_VALUE;
  CUdeviceptr p = 0;
  size_t pitch = 0;
  const CUresult rc = cuMemAllocPitch_v2(&p, &pitch, WidthInBytes, Height, ElementSizeBytes);
  if (rc != CUDA_SUCCESS) return rc;
  if (p > UINT_MAX) {
    cuMemFree_v2(p);
    return CUDA_ERROR_NOT_SUPPORTED;
  }
  *dptr = static_cast<CUdeviceptr_v1>(p);
  *pPitch = static_cast<unsigned int>(pitch);
  return CUDA_SUCCESS;
}

CUDASIM_API CUresult cuMemFree(CUdeviceptr_v1 dptr) {
  return cuMemFree_v2(dptr);
}

CUDASIM_API CUresult cuMemGetAddressRange(CUdeviceptr_v1* pbase, unsigned int* psize,
                                          CUdeviceptr_v1 dptr) {
  CUdeviceptr base = 0;
  size_t size = 0;
  const CUresult rc = cuMemGetAddressRange_v2(&base, &size, dptr);
  if (rc != CUDA_SUCCESS) return rc;
  if (pbase != nullptr) *pbase = static_cast<CUdeviceptr_v1>(base);
  if (psize != nullptr) *psize = clamp32(size);
  return CUDA_SUCCESS;
}

CUDASIM_API CUresult cuMemAllocHost(void** pp, unsigned int bytesize) {
  return cuMemAllocHost_v2(pp, bytesize);
}

CUDASIM_API CUresult cuMemHostGetDevicePointer(CUdeviceptr_v1* pdptr, void* p, unsigned int Flags) {
  if (pdptr == nullptr) return CUDA_ERROR_INVALID_VALUE;
  CUdeviceptr d = 0;
  const CUresult rc = cuMemHostGetDevicePointer_v2(&d, p, Flags);
  if (rc != CUDA_SUCCESS) return rc;
  if (d > UINT_MAX) return CUDA_ERROR_NOT_SUPPORTED;
  *pdptr = static_cast<CUdeviceptr_v1>(d);
  return CUDA_SUCCESS;
}

CUDASIM_API CUresult cuMemcpyHtoD(CUdeviceptr_v1 dst, const void* src, unsigned int n) {
  return cuMemcpyHtoD_v2(dst, src, n);
}
CUDASIM_API CUresult cuMemcpyDtoH(void* dst, CUdeviceptr_v1 src, unsigned int n) {
  return cuMemcpyDtoH_v2(dst, src, n);
}
CUDASIM_API CUresult cuMemcpyDtoD(CUdeviceptr_v1 dst, CUdeviceptr_v1 src, unsigned int n) {
  return cuMemcpyDtoD_v2(dst, src, n);
}
CUDASIM_API CUresult cuMemcpyHtoDAsync(CUdeviceptr_v1 dst, const void* src, unsigned int n,
                                       CUstream h) {
  return cuMemcpyHtoDAsync_v2(dst, src, n, h);
}
CUDASIM_API CUresult cuMemcpyDtoHAsync(void* dst, CUdeviceptr_v1 src, unsigned int n, CUstream h) {
  return cuMemcpyDtoHAsync_v2(dst, src, n, h);
}
CUDASIM_API CUresult cuMemcpyDtoDAsync(CUdeviceptr_v1 dst, CUdeviceptr_v1 src, unsigned int n,
                                       CUstream h) {
  return cuMemcpyDtoDAsync_v2(dst, src, n, h);
}
CUDASIM_API CUresult cuMemsetD8(CUdeviceptr_v1 dst, unsigned char v, unsigned int n) {
  return cuMemsetD8_v2(dst, v, n);
}
CUDASIM_API CUresult cuMemsetD16(CUdeviceptr_v1 dst, unsigned short v, unsigned int n) {
  return cuMemsetD16_v2(dst, v, n);
}
CUDASIM_API CUresult cuMemsetD32(CUdeviceptr_v1 dst, unsigned int v, unsigned int n) {
  return cuMemsetD32_v2(dst, v, n);
}
CUDASIM_API CUresult cuMemsetD2D8(CUdeviceptr_v1 dst, unsigned int pitch, unsigned char v,
                                  unsigned int w, unsigned int h) {
  return cuMemsetD2D8_v2(dst, pitch, v, w, h);
}
CUDASIM_API CUresult cuMemsetD2D16(CUdeviceptr_v1 dst, unsigned int pitch, unsigned short v,
                                   unsigned int w, unsigned int h) {
  return cuMemsetD2D16_v2(dst, pitch, v, w, h);
}
CUDASIM_API CUresult cuMemsetD2D32(CUdeviceptr_v1 dst, unsigned int pitch, unsigned int v,
                                   unsigned int w, unsigned int h) {
  return cuMemsetD2D32_v2(dst, pitch, v, w, h);
}
