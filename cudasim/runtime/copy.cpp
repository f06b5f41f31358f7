// cudaMemcpy and friends: every cudaMemcpyKind mapped onto the driver's
// directed copies, in the caller's stream order.
#include <cuda_runtime_api.h>

#include <cstring>
#include <memory>

#include "api.h"
#include "context.h"
#include "error_map.h"
#include "pointer.h"

namespace cudasim::rt {
namespace {

enum class Direction { kHostToHost, kHostToDevice, kDeviceToHost, kDeviceToDevice };

CUdeviceptr as_device(const void* ptr) {
  return reinterpret_cast<CUdeviceptr>(ptr);
}

cudaError_t resolve(const DriverApi& api, void* dst, const void* src, cudaMemcpyKind kind,
                    Direction* direction) {
  switch (kind) {
    case cudaMemcpyHostToHost:
      *direction = Direction::kHostToHost;
      return cudaSuccess;
    case cudaMemcpyHostToDevice:
      *direction = Direction::kHostToDevice;
      return cudaSuccess;
    case cudaMemcpyDeviceToHost:
      *direction = Direction::kDeviceToHost;
      return cudaSuccess;
    case cudaMemcpyDeviceToDevice:
      *direction = Direction::kDeviceToDevice;
      return cudaSuccess;
    case cudaMemcpyDefault:
      break;
    default:
      return cudaErrorInvalidMemcpyDirection;
  }
  bool dst_device = false;
  bool src_device = false;
  if (const cudaError_t e = is_device_pointer(api, dst, &dst_device); e != cudaSuccess) return e;
  if (const cudaError_t e = is_device_pointer(api, src, &src_device); e != cudaSuccess) return e;
  *direction = src_device ? (dst_device ? Direction::kDeviceToDevice : Direction::kDeviceToHost)
                          : (dst_device ? Direction::kHostToDevice : Direction::kHostToHost);
  return cudaSuccess;
}

struct HostCopy {
  void* dst;
  const void* src;
  size_t count;
};

void run_host_copy(void* data) {
  std::unique_ptr<HostCopy> copy(static_cast<HostCopy*>(data));
  std::memmove(copy->dst, copy->src, copy->count);
}

// A host-to-host copy still takes its place in the stream: the asynchronous
// form runs on the stream as a host function, the synchronous form after the
// legacy stream has drained.
cudaError_t host_to_host(const DriverApi& api, void* dst, const void* src, size_t count, bool async,
                         CUstream stream) {
  if (dst == nullptr || src == nullptr) return cudaErrorInvalidValue;
  if (!async) {
    if (const CUresult r = api.cuStreamSynchronize(nullptr); r != CUDA_SUCCESS) {
      return to_cuda_error(r);
    }
    std::memmove(dst, src, count);
    return cudaSuccess;
  }
  auto copy = std::make_unique<HostCopy>(HostCopy{dst, src, count});
  const CUresult r = api.cuLaunchHostFunc(stream, run_host_copy, copy.get());
  if (r == CUDA_SUCCESS) copy.release();  // the host function owns it now
  return to_cuda_error(r);
}

cudaError_t copy(const DriverApi& api, void* dst, const void* src, size_t count,
                 Direction direction, bool async, CUstream stream) {
  switch (direction) {
    case Direction::kHostToHost:
      return host_to_host(api, dst, src, count, async, stream);
    case Direction::kHostToDevice:
      return to_cuda_error(async ? api.cuMemcpyHtoDAsync(as_device(dst), src, count, stream)
                                 : api.cuMemcpyHtoD(as_device(dst), src, count));
    case Direction::kDeviceToHost:
      return to_cuda_error(async ? api.cuMemcpyDtoHAsync(dst, as_device(src), count, stream)
                                 : api.cuMemcpyDtoH(dst, as_device(src), count));
    case Direction::kDeviceToDevice:
      return to_cuda_error(
          async ? api.cuMemcpyDtoDAsync(as_device(dst), as_device(src), count, stream)
                : api.cuMemcpyDtoD(as_device(dst), as_device(src), count));
  }
  return cudaErrorInvalidMemcpyDirection;
}

cudaError_t memcpy_1d(void* dst, const void* src, size_t count, cudaMemcpyKind kind, bool async,
                      cudaStream_t stream) {
  Bound bound;
  if (const cudaError_t e = bind(&bound); e != cudaSuccess) return e;
  Direction direction{};
  if (const cudaError_t e = resolve(*bound.api, dst, src, kind, &direction); e != cudaSuccess) {
    return e;
  }
  if (count == 0) return cudaSuccess;
  return copy(*bound.api, dst, src, count, direction, async, stream);
}

// Row by row unless both sides are contiguous.
cudaError_t memcpy_2d(void* dst, size_t dpitch, const void* src, size_t spitch, size_t width,
                      size_t height, cudaMemcpyKind kind, bool async, cudaStream_t stream) {
  Bound bound;
  if (const cudaError_t e = bind(&bound); e != cudaSuccess) return e;
  if (dpitch < width || spitch < width) return cudaErrorInvalidPitchValue;
  Direction direction{};
  if (const cudaError_t e = resolve(*bound.api, dst, src, kind, &direction); e != cudaSuccess) {
    return e;
  }
  if (width == 0 || height == 0) return cudaSuccess;
  if (dpitch == width && spitch == width) {
    return copy(*bound.api, dst, src, width * height, direction, async, stream);
  }
  for (size_t row = 0; row < height; ++row) {
    void* to = static_cast<char*>(dst) + row * dpitch;
    const void* from = static_cast<const char*>(src) + row * spitch;
    if (const cudaError_t e = copy(*bound.api, to, from, width, direction, async, stream);
        e != cudaSuccess) {
      return e;
    }
  }
  return cudaSuccess;
}

}  // namespace
}  // namespace cudasim::rt

using namespace cudasim::rt;

CUDASIM_RUNTIME_EXPORT cudaError_t cudaMemcpy(void* dst, const void* src, size_t count,
                                              cudaMemcpyKind kind) {
  return api_call([&] { return memcpy_1d(dst, src, count, kind, false, nullptr); });
}

CUDASIM_RUNTIME_EXPORT cudaError_t cudaMemcpyAsync(void* dst, const void* src, size_t count,
                                                   cudaMemcpyKind kind, cudaStream_t stream) {
  return api_call([&] { return memcpy_1d(dst, src, count, kind, true, stream); });
}

CUDASIM_RUNTIME_EXPORT cudaError_t cudaMemcpy2D(void* dst, size_t dpitch, const void* src,
                                                size_t spitch, size_t width, size_t height,
                                                cudaMemcpyKind kind) {
  return api_call(
      [&] { return memcpy_2d(dst, dpitch, src, spitch, width, height, kind, false, nullptr); });
}

CUDASIM_RUNTIME_EXPORT cudaError_t cudaMemcpy2DAsync(void* dst, size_t dpitch, const void* src,
                                                     size_t spitch, size_t width, size_t height,
                                                     cudaMemcpyKind kind, cudaStream_t stream) {
  return api_call(
      [&] { return memcpy_2d(dst, dpitch, src, spitch, width, height, kind, true, stream); });
}
