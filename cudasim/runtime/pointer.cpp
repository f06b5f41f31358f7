#include "pointer.h"

#include <cstring>

#include "error_map.h"

namespace cudasim::rt {
namespace {

CUdeviceptr as_device(const void* ptr) {
  return reinterpret_cast<CUdeviceptr>(ptr);
}

// The driver's answer for an address it has never seen (CUDA_ERROR_INVALID_VALUE)
// means "unregistered host memory" here, not a failure.
cudaError_t memory_type(const DriverApi& api, const void* ptr, unsigned int* type) {
  *type = 0;
  const CUresult r =
      api.cuPointerGetAttribute(type, CU_POINTER_ATTRIBUTE_MEMORY_TYPE, as_device(ptr));
  if (r == CUDA_ERROR_INVALID_VALUE) {
    *type = 0;
    return cudaSuccess;
  }
  return to_cuda_error(r);
}

}  // namespace

cudaError_t is_device_pointer(const DriverApi& api, const void* ptr, bool* device) {
  unsigned int type = 0;
  const cudaError_t e = memory_type(api, ptr, &type);
  *device = type == CU_MEMORYTYPE_DEVICE || type == CU_MEMORYTYPE_UNIFIED;
  return e;
}

cudaError_t pointer_attributes(const DriverApi& api, int current_device, const void* ptr,
                               cudaPointerAttributes* out) {
  cudaPointerAttributes attributes;
  std::memset(&attributes, 0, sizeof(attributes));
  unsigned int type = 0;
  if (const cudaError_t e = memory_type(api, ptr, &type); e != cudaSuccess) return e;
  if (type == 0) {
    // What NVIDIA's runtime reports for plain host memory since CUDA 11.
    attributes.type = cudaMemoryTypeUnregistered;
    attributes.device = -2;
    attributes.hostPointer = const_cast<void*>(ptr);
    *out = attributes;
    return cudaSuccess;
  }
  attributes.type = type == CU_MEMORYTYPE_DEVICE    ? cudaMemoryTypeDevice
                    : type == CU_MEMORYTYPE_UNIFIED ? cudaMemoryTypeManaged
                                                    : cudaMemoryTypeHost;
  int ordinal = current_device;
  if (api.cuPointerGetAttribute(&ordinal, CU_POINTER_ATTRIBUTE_DEVICE_ORDINAL, as_device(ptr)) !=
      CUDA_SUCCESS) {
    ordinal = current_device;
  }
  attributes.device = ordinal;
  CUdeviceptr device_pointer = 0;
  if (api.cuPointerGetAttribute(&device_pointer, CU_POINTER_ATTRIBUTE_DEVICE_POINTER,
                                as_device(ptr)) == CUDA_SUCCESS) {
    attributes.devicePointer = reinterpret_cast<void*>(device_pointer);
  } else if (attributes.type != cudaMemoryTypeHost) {
    attributes.devicePointer = const_cast<void*>(ptr);
  }
  void* host_pointer = nullptr;
  if (api.cuPointerGetAttribute(&host_pointer, CU_POINTER_ATTRIBUTE_HOST_POINTER, as_device(ptr)) ==
      CUDA_SUCCESS) {
    attributes.hostPointer = host_pointer;
  } else if (attributes.type != cudaMemoryTypeDevice) {
    attributes.hostPointer = const_cast<void*>(ptr);
  }
  *out = attributes;
  return cudaSuccess;
}

}  // namespace cudasim::rt
