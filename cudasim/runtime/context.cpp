#include "context.h"

#include <atomic>
#include <memory>
#include <mutex>

#include "error_map.h"

namespace cudasim::rt {
namespace {

struct Device {
  CUdevice handle = 0;
  // Retained once by the runtime. Read without the lock on every call; set and
  // cleared under State::mutex.
  std::atomic<CUcontext> primary{nullptr};
  std::atomic<cudaError_t> sticky{cudaSuccess};
  LaunchLimits limits;
};

struct State {
  const DriverApi* api = nullptr;
  cudaError_t status = cudaErrorInsufficientDriver;
  int count = 0;
  std::unique_ptr<Device[]> devices;
  std::mutex mutex;
};

struct ThreadState {
  int device = 0;
  bool chosen = false;  // cudaSetDevice was called on this thread
};

thread_local ThreadState t_thread;

void read_limits(const DriverApi& api, CUdevice device, LaunchLimits* limits) {
  // An attribute the driver does not answer stays 0, which disables that check.
  auto get = [&](CUdevice_attribute attribute, int* value) {
    if (api.cuDeviceGetAttribute(value, attribute, device) != CUDA_SUCCESS) *value = 0;
  };
  get(CU_DEVICE_ATTRIBUTE_MAX_THREADS_PER_BLOCK, &limits->max_threads_per_block);
  get(CU_DEVICE_ATTRIBUTE_MAX_BLOCK_DIM_X, &limits->block[0]);
  get(CU_DEVICE_ATTRIBUTE_MAX_BLOCK_DIM_Y, &limits->block[1]);
  get(CU_DEVICE_ATTRIBUTE_MAX_BLOCK_DIM_Z, &limits->block[2]);
  get(CU_DEVICE_ATTRIBUTE_MAX_GRID_DIM_X, &limits->grid[0]);
  get(CU_DEVICE_ATTRIBUTE_MAX_GRID_DIM_Y, &limits->grid[1]);
  get(CU_DEVICE_ATTRIBUTE_MAX_GRID_DIM_Z, &limits->grid[2]);
}

State* make_state() {
  auto* state = new State();
  state->api = driver_api();
  if (state->api == nullptr) return state;  // cudaErrorInsufficientDriver, as without a driver
  state->status = to_cuda_error(state->api->cuInit(0));
  if (state->status != cudaSuccess) return state;
  int count = 0;
  state->status = to_cuda_error(state->api->cuDeviceGetCount(&count));
  if (state->status != cudaSuccess) return state;
  if (count <= 0) {
    state->status = cudaErrorNoDevice;
    return state;
  }
  state->devices = std::make_unique<Device[]>(static_cast<size_t>(count));
  for (int i = 0; i < count; ++i) {
    state->status = to_cuda_error(state->api->cuDeviceGet(&state->devices[i].handle, i));
    if (state->status != cudaSuccess) return state;
    read_limits(*state->api, state->devices[i].handle, &state->devices[i].limits);
  }
  state->count = count;
  return state;
}

// Never destroyed: callbacks and other libraries' destructors may still call
// the runtime while the process exits.
State& state() {
  static State* const instance = make_state();
  return *instance;
}

cudaError_t ready(State** out) {
  State& s = state();
  *out = &s;
  return s.status;
}

int ordinal_of(const State& s, CUdevice device) {
  for (int i = 0; i < s.count; ++i) {
    if (s.devices[i].handle == device) return i;
  }
  return -1;
}

// The device of a context the program made current itself, or -1.
int adopted_device(const State& s, CUcontext current) {
  if (t_thread.chosen || current == nullptr) return -1;
  CUdevice device = 0;
  if (s.api->cuCtxGetDevice_v2(&device, current) != CUDA_SUCCESS) return -1;
  return ordinal_of(s, device);
}

}  // namespace

cudaError_t initialized_driver(const DriverApi** api) {
  State* s = nullptr;
  const cudaError_t status = ready(&s);
  *api = s->api;
  return status;
}

cudaError_t device_count(int* count) {
  State* s = nullptr;
  const cudaError_t status = ready(&s);
  *count = s->count;
  return status;
}

cudaError_t device_handle(int ordinal, CUdevice* device) {
  State* s = nullptr;
  if (const cudaError_t status = ready(&s); status != cudaSuccess) return status;
  if (ordinal < 0 || ordinal >= s->count) return cudaErrorInvalidDevice;
  *device = s->devices[ordinal].handle;
  return cudaSuccess;
}

cudaError_t launch_limits(int ordinal, LaunchLimits* limits) {
  State* s = nullptr;
  if (const cudaError_t status = ready(&s); status != cudaSuccess) return status;
  if (ordinal < 0 || ordinal >= s->count) return cudaErrorInvalidDevice;
  *limits = s->devices[ordinal].limits;
  return cudaSuccess;
}

cudaError_t bind(Bound* bound) {
  State* s = nullptr;
  if (const cudaError_t status = ready(&s); status != cudaSuccess) return status;
  CUcontext current = nullptr;
  if (const cudaError_t e = to_cuda_error(s->api->cuCtxGetCurrent(&current)); e != cudaSuccess) {
    return e;
  }
  if (const int adopted = adopted_device(*s, current); adopted >= 0) {
    *bound = {s->api, current, adopted};
    return s->devices[adopted].sticky.load();
  }
  Device& device = s->devices[t_thread.device];
  if (const cudaError_t sticky = device.sticky.load(); sticky != cudaSuccess) return sticky;
  CUcontext primary = device.primary.load(std::memory_order_acquire);
  if (primary == nullptr) {
    std::lock_guard lock(s->mutex);
    primary = device.primary.load();
    if (primary == nullptr) {
      const CUresult r = s->api->cuDevicePrimaryCtxRetain(&primary, device.handle);
      if (r != CUDA_SUCCESS) return to_cuda_error(r);
      device.primary.store(primary, std::memory_order_release);
    }
  }
  if (current != primary) {
    if (const cudaError_t e = to_cuda_error(s->api->cuCtxSetCurrent(primary)); e != cudaSuccess) {
      return e;
    }
  }
  *bound = {s->api, primary, t_thread.device};
  return cudaSuccess;
}

cudaError_t set_device(int ordinal) {
  State* s = nullptr;
  if (const cudaError_t status = ready(&s); status != cudaSuccess) return status;
  if (ordinal < 0 || ordinal >= s->count) return cudaErrorInvalidDevice;
  t_thread.device = ordinal;
  t_thread.chosen = true;
  // Since CUDA 12 cudaSetDevice initialises the device's primary context at once.
  Bound bound;
  return bind(&bound);
}

cudaError_t get_device(int* ordinal) {
  State* s = nullptr;
  if (const cudaError_t status = ready(&s); status != cudaSuccess) return status;
  CUcontext current = nullptr;
  if (s->api->cuCtxGetCurrent(&current) == CUDA_SUCCESS) {
    if (const int adopted = adopted_device(*s, current); adopted >= 0) {
      *ordinal = adopted;
      return cudaSuccess;
    }
  }
  *ordinal = t_thread.device;
  return cudaSuccess;
}

cudaError_t reset_device(CUcontext* destroyed) {
  *destroyed = nullptr;
  State* s = nullptr;
  if (const cudaError_t status = ready(&s); status != cudaSuccess) return status;
  int ordinal = t_thread.device;
  get_device(&ordinal);
  Device& device = s->devices[ordinal];
  std::lock_guard lock(s->mutex);
  const CUresult r = s->api->cuDevicePrimaryCtxReset(device.handle);
  if (r != CUDA_SUCCESS) return to_cuda_error(r);
  CUcontext current = nullptr;
  if (s->api->cuCtxGetCurrent(&current) == CUDA_SUCCESS && current != nullptr &&
      current == device.primary.load()) {
    s->api->cuCtxSetCurrent(nullptr);  // the handle is dead; the next call binds afresh
  }
  *destroyed = device.primary.exchange(nullptr);  // retained again, fresh, on next use
  device.sticky.store(cudaSuccess);
  return cudaSuccess;
}

void mark_sticky(cudaError_t error) noexcept {
  State* s = nullptr;
  if (ready(&s) != cudaSuccess) return;
  int ordinal = t_thread.device;
  get_device(&ordinal);
  s->devices[ordinal].sticky.store(error);
}

cudaError_t sticky_error() noexcept {
  State* s = nullptr;
  if (ready(&s) != cudaSuccess) return cudaSuccess;
  int ordinal = t_thread.device;
  get_device(&ordinal);
  return s->devices[ordinal].sticky.load();
}

}  // namespace cudasim::rt
