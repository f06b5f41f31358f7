// Device management: counting, choosing and describing devices, whole-device
// synchronisation and reset, and versions.
#include <cuda_runtime_api.h>

#include <cstring>

#include "api.h"
#include "context.h"
#include "error_map.h"

namespace cudasim::rt {
namespace {

constexpr int kRuntimeVersion = 13000;

// Fields of cudaDeviceProp read straight from one driver attribute. `required`
// ones fail the query when the driver cannot answer; the rest stay 0, as for a
// device without that feature.
struct IntField {
  int cudaDeviceProp::*field;
  CUdevice_attribute attribute;
  bool required;
};

struct SizeField {
  size_t cudaDeviceProp::*field;
  CUdevice_attribute attribute;
};

constexpr IntField kIntFields[] = {
    {&cudaDeviceProp::major, CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR, true},
    {&cudaDeviceProp::minor, CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR, true},
    {&cudaDeviceProp::multiProcessorCount, CU_DEVICE_ATTRIBUTE_MULTIPROCESSOR_COUNT, true},
    {&cudaDeviceProp::pciBusID, CU_DEVICE_ATTRIBUTE_PCI_BUS_ID, true},
    {&cudaDeviceProp::pciDeviceID, CU_DEVICE_ATTRIBUTE_PCI_DEVICE_ID, true},
    {&cudaDeviceProp::pciDomainID, CU_DEVICE_ATTRIBUTE_PCI_DOMAIN_ID, true},
    {&cudaDeviceProp::regsPerBlock, CU_DEVICE_ATTRIBUTE_MAX_REGISTERS_PER_BLOCK, false},
    {&cudaDeviceProp::warpSize, CU_DEVICE_ATTRIBUTE_WARP_SIZE, false},
    {&cudaDeviceProp::maxThreadsPerBlock, CU_DEVICE_ATTRIBUTE_MAX_THREADS_PER_BLOCK, false},
    {&cudaDeviceProp::integrated, CU_DEVICE_ATTRIBUTE_INTEGRATED, false},
    {&cudaDeviceProp::canMapHostMemory, CU_DEVICE_ATTRIBUTE_CAN_MAP_HOST_MEMORY, false},
    {&cudaDeviceProp::concurrentKernels, CU_DEVICE_ATTRIBUTE_CONCURRENT_KERNELS, false},
    {&cudaDeviceProp::ECCEnabled, CU_DEVICE_ATTRIBUTE_ECC_ENABLED, false},
    {&cudaDeviceProp::tccDriver, CU_DEVICE_ATTRIBUTE_TCC_DRIVER, false},
    {&cudaDeviceProp::asyncEngineCount, CU_DEVICE_ATTRIBUTE_ASYNC_ENGINE_COUNT, false},
    {&cudaDeviceProp::unifiedAddressing, CU_DEVICE_ATTRIBUTE_UNIFIED_ADDRESSING, false},
    {&cudaDeviceProp::memoryBusWidth, CU_DEVICE_ATTRIBUTE_GLOBAL_MEMORY_BUS_WIDTH, false},
    {&cudaDeviceProp::l2CacheSize, CU_DEVICE_ATTRIBUTE_L2_CACHE_SIZE, false},
    {&cudaDeviceProp::maxThreadsPerMultiProcessor,
     CU_DEVICE_ATTRIBUTE_MAX_THREADS_PER_MULTIPROCESSOR, false},
    {&cudaDeviceProp::streamPrioritiesSupported, CU_DEVICE_ATTRIBUTE_STREAM_PRIORITIES_SUPPORTED,
     false},
    {&cudaDeviceProp::regsPerMultiprocessor, CU_DEVICE_ATTRIBUTE_MAX_REGISTERS_PER_MULTIPROCESSOR,
     false},
    {&cudaDeviceProp::managedMemory, CU_DEVICE_ATTRIBUTE_MANAGED_MEMORY, false},
    {&cudaDeviceProp::isMultiGpuBoard, CU_DEVICE_ATTRIBUTE_MULTI_GPU_BOARD, false},
    {&cudaDeviceProp::concurrentManagedAccess, CU_DEVICE_ATTRIBUTE_CONCURRENT_MANAGED_ACCESS,
     false},
    {&cudaDeviceProp::computePreemptionSupported, CU_DEVICE_ATTRIBUTE_COMPUTE_PREEMPTION_SUPPORTED,
     false},
    {&cudaDeviceProp::cooperativeLaunch, CU_DEVICE_ATTRIBUTE_COOPERATIVE_LAUNCH, false},
    {&cudaDeviceProp::maxBlocksPerMultiProcessor, CU_DEVICE_ATTRIBUTE_MAX_BLOCKS_PER_MULTIPROCESSOR,
     false},
    {&cudaDeviceProp::memoryPoolsSupported, CU_DEVICE_ATTRIBUTE_MEMORY_POOLS_SUPPORTED, false},
    {&cudaDeviceProp::hostNumaId, CU_DEVICE_ATTRIBUTE_HOST_NUMA_ID, false},
};

constexpr SizeField kSizeFields[] = {
    {&cudaDeviceProp::sharedMemPerBlock, CU_DEVICE_ATTRIBUTE_MAX_SHARED_MEMORY_PER_BLOCK},
    {&cudaDeviceProp::memPitch, CU_DEVICE_ATTRIBUTE_MAX_PITCH},
    {&cudaDeviceProp::totalConstMem, CU_DEVICE_ATTRIBUTE_TOTAL_CONSTANT_MEMORY},
    {&cudaDeviceProp::textureAlignment, CU_DEVICE_ATTRIBUTE_TEXTURE_ALIGNMENT},
    {&cudaDeviceProp::texturePitchAlignment, CU_DEVICE_ATTRIBUTE_TEXTURE_PITCH_ALIGNMENT},
    {&cudaDeviceProp::surfaceAlignment, CU_DEVICE_ATTRIBUTE_SURFACE_ALIGNMENT},
    {&cudaDeviceProp::sharedMemPerMultiprocessor,
     CU_DEVICE_ATTRIBUTE_MAX_SHARED_MEMORY_PER_MULTIPROCESSOR},
    {&cudaDeviceProp::sharedMemPerBlockOptin,
     CU_DEVICE_ATTRIBUTE_MAX_SHARED_MEMORY_PER_BLOCK_OPTIN},
    {&cudaDeviceProp::reservedSharedMemPerBlock,
     CU_DEVICE_ATTRIBUTE_RESERVED_SHARED_MEMORY_PER_BLOCK},
};

constexpr CUdevice_attribute kBlockDims[] = {CU_DEVICE_ATTRIBUTE_MAX_BLOCK_DIM_X,
                                             CU_DEVICE_ATTRIBUTE_MAX_BLOCK_DIM_Y,
                                             CU_DEVICE_ATTRIBUTE_MAX_BLOCK_DIM_Z};
constexpr CUdevice_attribute kGridDims[] = {CU_DEVICE_ATTRIBUTE_MAX_GRID_DIM_X,
                                            CU_DEVICE_ATTRIBUTE_MAX_GRID_DIM_Y,
                                            CU_DEVICE_ATTRIBUTE_MAX_GRID_DIM_Z};

cudaError_t get_properties(cudaDeviceProp* prop, int ordinal) {
  if (prop == nullptr) return cudaErrorInvalidValue;
  CUdevice device = 0;
  if (const cudaError_t e = device_handle(ordinal, &device); e != cudaSuccess) return e;
  const DriverApi* api = nullptr;
  initialized_driver(&api);
  cudaDeviceProp out;
  std::memset(&out, 0, sizeof(out));
  if (const CUresult r = api->cuDeviceGetName(out.name, sizeof(out.name), device); r) {
    return to_cuda_error(r);
  }
  CUuuid uuid{};
  if (const CUresult r = api->cuDeviceGetUuid(&uuid, device); r) return to_cuda_error(r);
  static_assert(sizeof(uuid.bytes) == sizeof(out.uuid.bytes));
  std::memcpy(out.uuid.bytes, uuid.bytes, sizeof(uuid.bytes));
  if (const CUresult r = api->cuDeviceTotalMem(&out.totalGlobalMem, device); r) {
    return to_cuda_error(r);
  }
  for (const IntField& f : kIntFields) {
    int value = 0;
    const CUresult r = api->cuDeviceGetAttribute(&value, f.attribute, device);
    if (r != CUDA_SUCCESS && f.required) return to_cuda_error(r);
    out.*f.field = r == CUDA_SUCCESS ? value : 0;
  }
  for (const SizeField& f : kSizeFields) {
    int value = 0;
    const CUresult r = api->cuDeviceGetAttribute(&value, f.attribute, device);
    out.*f.field = r == CUDA_SUCCESS && value > 0 ? static_cast<size_t>(value) : 0;
  }
  for (int i = 0; i < 3; ++i) {
    if (api->cuDeviceGetAttribute(&out.maxThreadsDim[i], kBlockDims[i], device)) {
      out.maxThreadsDim[i] = 0;
    }
    if (api->cuDeviceGetAttribute(&out.maxGridSize[i], kGridDims[i], device)) {
      out.maxGridSize[i] = 0;
    }
  }
  *prop = out;
  return cudaSuccess;
}

}  // namespace
}  // namespace cudasim::rt

using namespace cudasim::rt;

CUDASIM_RUNTIME_EXPORT cudaError_t cudaGetDeviceCount(int* count) {
  return api_call([&] {
    if (count == nullptr) return cudaErrorInvalidValue;
    return device_count(count);  // 0 devices whenever the driver is missing or failed
  });
}

CUDASIM_RUNTIME_EXPORT cudaError_t cudaSetDevice(int device) {
  return api_call([&] { return set_device(device); });
}

CUDASIM_RUNTIME_EXPORT cudaError_t cudaGetDevice(int* device) {
  return api_call([&] {
    if (device == nullptr) return cudaErrorInvalidValue;
    return get_device(device);
  });
}

CUDASIM_RUNTIME_EXPORT cudaError_t cudaGetDeviceProperties(cudaDeviceProp* prop, int device) {
  return api_call([&] { return get_properties(prop, device); });
}

CUDASIM_RUNTIME_EXPORT cudaError_t cudaDeviceGetAttribute(int* value, cudaDeviceAttr attr,
                                                          int device) {
  return api_call([&] {
    if (value == nullptr) return cudaErrorInvalidValue;
    CUdevice handle = 0;
    if (const cudaError_t e = device_handle(device, &handle); e != cudaSuccess) return e;
    const cudasim::DriverApi* api = nullptr;
    initialized_driver(&api);
    // cudaDeviceAttr numbers its attributes exactly as CUdevice_attribute does.
    return to_cuda_error(
        api->cuDeviceGetAttribute(value, static_cast<CUdevice_attribute>(attr), handle));
  });
}

CUDASIM_RUNTIME_EXPORT cudaError_t cudaDeviceGetStreamPriorityRange(int* leastPriority,
                                                                    int* greatestPriority) {
  return api_call([&] {
    Bound bound;
    if (const cudaError_t e = bind(&bound); e != cudaSuccess) return e;
    // cudasim schedules every stream alike: one priority level.
    if (leastPriority != nullptr) *leastPriority = 0;
    if (greatestPriority != nullptr) *greatestPriority = 0;
    return cudaSuccess;
  });
}

CUDASIM_RUNTIME_EXPORT cudaError_t cudaDeviceSynchronize() {
  return api_call([&] {
    Bound bound;
    if (const cudaError_t e = bind(&bound); e != cudaSuccess) return e;
    return to_cuda_error(bound.api->cuCtxSynchronize_v2(bound.context));
  });
}

CUDASIM_RUNTIME_EXPORT cudaError_t cudaDeviceReset() {
  return api_call([&] {
    // Kernels were loaded as libraries, which outlive any context: the
    // device's next context uses the same CUkernel handles.
    CUcontext destroyed = nullptr;
    return reset_device(&destroyed);
  });
}

CUDASIM_RUNTIME_EXPORT cudaError_t cudaDriverGetVersion(int* driverVersion) {
  return api_call([&] {
    if (driverVersion == nullptr) return cudaErrorInvalidValue;
    // Without a driver the version is 0, and that is not an error.
    const cudasim::DriverApi* api = cudasim::driver_api();
    *driverVersion = 0;
    if (api == nullptr) return cudaSuccess;
    return to_cuda_error(api->cuDriverGetVersion(driverVersion));
  });
}

CUDASIM_RUNTIME_EXPORT cudaError_t cudaRuntimeGetVersion(int* runtimeVersion) {
  return api_call([&] {
    if (runtimeVersion == nullptr) return cudaErrorInvalidValue;
    *runtimeVersion = kRuntimeVersion;
    return cudaSuccess;
  });
}
