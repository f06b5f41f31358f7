#include "driver_calls.h"

#include <algorithm>
#include <atomic>
#include <mutex>
#include <unordered_map>
#include <vector>

#include "gpuswap/runtime/log.h"
#include "real_functions.h"

namespace gpuswap::interpose {
namespace {

namespace log = runtime::log;
constexpr auto kInterpose = log::Subsystem::interpose;

// The mode one span grants its region: a full overwrite only when it covers
// every byte the application asked for, otherwise the old contents matter.
policy::AccessMode mode_for(const runtime::Region& region, const DeviceSpan& span) {
  if (span.mode != policy::AccessMode::overwrite) return span.mode;
  if (span.ptr == region.base() && span.bytes >= region.requested_size()) {
    return policy::AccessMode::overwrite;
  }
  return policy::AccessMode::write;
}

void add_touch(std::vector<runtime::Touch>& touches, runtime::Region* region,
               policy::AccessMode mode) {
  if (region == nullptr) return;
  touches.push_back({region, mode});
}

}  // namespace

CUresult prepare_spans(runtime::Runtime& rt, std::span<const DeviceSpan> spans, CUstream stream,
                       policy::OperationKind kind, std::uint64_t signature,
                       runtime::PinGuard* guard) noexcept {
  thread_local std::vector<runtime::Touch> touches;
  touches.clear();
  for (const DeviceSpan& span : spans) {
    runtime::Region* first = rt.region_at(span.ptr);
    if (first != nullptr) add_touch(touches, first, mode_for(*first, span));
    if (span.bytes > 1) {
      // A range that runs into the next region touches it too.
      runtime::Region* last = rt.region_at(span.ptr + span.bytes - 1);
      if (last != first && last != nullptr) {
        add_touch(touches, last,
                  span.mode == policy::AccessMode::read ? policy::AccessMode::read
                                                        : policy::AccessMode::write);
      }
    }
  }
  if (touches.empty()) return CUDA_SUCCESS;
  const runtime::Status status = rt.prepare(touches, stream, {kind, signature}, guard);
  return status.to_cuda();
}

CUresult prepare_launch(runtime::Runtime& rt, CUfunction function, void** params, void** extra,
                        CUstream stream, runtime::PinGuard* guard) noexcept {
  const std::uint64_t signature = reinterpret_cast<std::uintptr_t>(function);
  thread_local runtime::TouchedRegions touched;
  const runtime::Status decoded =
      rt.decode_launch(function, runtime::FunctionKind::kFunction, params, extra, &touched);
  if (!decoded) {
    // The driver will answer the bad launch itself; nothing is known to touch.
    // One line for each new reason, so that a second cause is not hidden.
    static std::atomic<int> logged{-1};
    const int reason = static_cast<int>(decoded.driver_result());
    if (logged.exchange(reason) != reason) {
      log::warn(kInterpose,
                "a launch of kernel {} could not be decoded ({}, driver result {}); it is issued "
                "as is, and an evicted buffer it uses will fault",
                rt.function_name(function), runtime::status_name(decoded.code()), reason);
    }
    return CUDA_SUCCESS;
  }
  if (touched.empty()) return CUDA_SUCCESS;
  return rt.prepare(touched, stream, {policy::OperationKind::kernel, signature}, guard).to_cuda();
}

CUresult alloc_call(runtime::Runtime& rt, CUdeviceptr* dptr, std::uint64_t bytes) noexcept {
  if (dptr == nullptr || bytes == 0) return CUDA_ERROR_INVALID_VALUE;
  return rt.mem_alloc(bytes, dptr).to_cuda();
}

CUresult free_call(runtime::Runtime& rt, CUresult (*real)(CUdeviceptr), CUdeviceptr dptr) noexcept {
  const runtime::Status status = rt.mem_free(dptr);
  if (status.code() != runtime::StatusCode::kNotFound) return status.to_cuda();
  // Not the runtime's: the driver's own from before the runtime started, or
  // nothing at all, which the driver answers.
  const CUresult result = real(dptr);
  if (result != CUDA_SUCCESS) {
    log::warn(kInterpose, "cuMemFree({:#x}): not an allocation of this process ({})", dptr,
              static_cast<int>(result));
  }
  return result;
}

namespace {

// Attributes a region answers itself: the driver may not know the address
// while the region is evicted (nothing is mapped there).
bool region_attribute(runtime::Runtime& rt, const runtime::Region& region,
                      CUpointer_attribute attribute, CUdeviceptr pointer, void* data) {
  switch (attribute) {
    case CU_POINTER_ATTRIBUTE_MEMORY_TYPE:
      *static_cast<unsigned*>(data) = CU_MEMORYTYPE_DEVICE;
      return true;
    case CU_POINTER_ATTRIBUTE_DEVICE_POINTER:
      *static_cast<CUdeviceptr*>(data) = pointer;
      return true;
    case CU_POINTER_ATTRIBUTE_HOST_POINTER:
      *static_cast<void**>(data) = nullptr;
      return true;
    case CU_POINTER_ATTRIBUTE_RANGE_START_ADDR:
      *static_cast<CUdeviceptr*>(data) = region.base();
      return true;
    case CU_POINTER_ATTRIBUTE_RANGE_SIZE:
      *static_cast<size_t*>(data) = region.requested_size();
      return true;
    case CU_POINTER_ATTRIBUTE_IS_MANAGED:
      *static_cast<int*>(data) = 0;
      return true;
    case CU_POINTER_ATTRIBUTE_MAPPED:
      *static_cast<int*>(data) = 1;
      return true;
    case CU_POINTER_ATTRIBUTE_BUFFER_ID:
      *static_cast<unsigned long long*>(data) = region.id();
      return true;
    case CU_POINTER_ATTRIBUTE_CONTEXT:
      *static_cast<CUcontext*>(data) = rt.context();
      return true;
    case CU_POINTER_ATTRIBUTE_DEVICE_ORDINAL:
      *static_cast<int*>(data) = rt.device();
      return true;
    default:
      return false;
  }
}

}  // namespace

CUresult pointer_attribute_call(runtime::Runtime& rt, decltype(&::cuPointerGetAttribute) real,
                                void* data, CUpointer_attribute attribute,
                                CUdeviceptr pointer) noexcept {
  const runtime::Region* region = rt.region_at(pointer);
  if (region == nullptr || data == nullptr) return real(data, attribute, pointer);
  if (region_attribute(rt, *region, attribute, pointer, data)) return CUDA_SUCCESS;
  return real(data, attribute, pointer);
}

CUresult pointer_attributes_call(runtime::Runtime& rt, decltype(&::cuPointerGetAttributes) real,
                                 unsigned count, CUpointer_attribute* attributes, void** data,
                                 CUdeviceptr pointer) noexcept {
  const runtime::Region* region = rt.region_at(pointer);
  if (region == nullptr || attributes == nullptr || data == nullptr) {
    return real(count, attributes, data, pointer);
  }
  for (unsigned i = 0; i < count; ++i) {
    if (data[i] == nullptr) continue;
    if (region_attribute(rt, *region, attributes[i], pointer, data[i])) continue;
    const CUresult result = real(1, &attributes[i], &data[i], pointer);
    if (result != CUDA_SUCCESS) return result;
  }
  return CUDA_SUCCESS;
}

}  // namespace gpuswap::interpose
