// The context a library handle binds to when it is created.
#pragma once

#include <cuda.h>

#include <map>
#include <memory>
#include <mutex>

#include "driver_api.h"

namespace cudasim {

// NVIDIA's libraries work in the calling thread's current context and, through
// the runtime, make the primary context of device 0 current when there is
// none; cudasim's cuBLAS and cuDNN do the same through the driver.
inline CUresult library_context(const DriverApi& api, CUcontext* ctx) {
  CUresult rc = api.cuInit(0);
  if (rc != CUDA_SUCCESS) return rc;
  rc = api.cuCtxGetCurrent(ctx);
  if (rc != CUDA_SUCCESS || *ctx != nullptr) return rc;
  CUdevice device = 0;
  rc = api.cuDeviceGet(&device, 0);
  if (rc == CUDA_SUCCESS) rc = api.cuDevicePrimaryCtxRetain(ctx, device);
  if (rc == CUDA_SUCCESS) rc = api.cuCtxSetCurrent(*ctx);
  return rc;
}

// Fills a library handle's api, context and kernels for the calling thread's
// context; `kernels_for(api, ctx)` finds the library's kernels there. False
// when any of them is missing.
template <typename Handle, typename KernelsFor>
bool bind_library_handle(Handle* h, KernelsFor kernels_for) {
  h->api = driver_api();
  if (h->api == nullptr || library_context(*h->api, &h->context) != CUDA_SUCCESS) return false;
  h->kernels = kernels_for(*h->api, h->context);
  return h->kernels != nullptr;
}

// A library's kernels as loaded into `ctx`: `load(api, &kernels)` runs once
// per context (modules belong to a context) and its result is kept for the
// life of the process, since handles may be used until exit. Null when
// loading failed.
template <typename Kernels, typename Load>
const Kernels* kernels_in_context(const DriverApi& api, CUcontext ctx, Load load) {
  static auto* mutex = new std::mutex;
  static auto* loaded = new std::map<CUcontext, std::unique_ptr<Kernels>>;
  std::lock_guard lock(*mutex);
  auto it = loaded->find(ctx);
  if (it != loaded->end()) return it->second.get();
  auto kernels = std::make_unique<Kernels>();
  if (!load(api, kernels.get())) return nullptr;
  return loaded->emplace(ctx, std::move(kernels)).first->second.get();
}

}  // namespace cudasim
