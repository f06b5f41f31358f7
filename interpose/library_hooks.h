// The body of every cuDNN and cuBLAS hook: describe the call's operands for
// the runtime seam, then call the next definition (the real library, found
// lazily: the program may load it long after its first driver call).
#pragma once

#include "cuda_api.h"
#include "cudnn_variant_packs.h"
#include "hook_id.h"
#include "library_operands.h"
#include "process_state.h"
#include "real_functions.h"
#include "runtime_seam.h"

namespace gpuswap::interpose {

template <typename Status>
struct LibraryStatus;

template <>
struct LibraryStatus<cudnnStatus_t> {
  static constexpr cudnnStatus_t kMissing = CUDNN_STATUS_NOT_INITIALIZED;
  static constexpr cudnnStatus_t kFailed = CUDNN_STATUS_INTERNAL_ERROR;
  // Device memory ran short (CUDNN_STATUS_ALLOC_FAILED is the host-memory status in cuDNN 9).
  static constexpr cudnnStatus_t kOutOfMemory =
      CUDNN_STATUS_INTERNAL_ERROR_DEVICE_ALLOCATION_FAILED;
  static constexpr cudnnStatus_t kNotIssued = CUDNN_STATUS_EXECUTION_FAILED;
};

template <>
struct LibraryStatus<cublasStatus_t> {
  static constexpr cublasStatus_t kMissing = CUBLAS_STATUS_NOT_INITIALIZED;
  static constexpr cublasStatus_t kFailed = CUBLAS_STATUS_INTERNAL_ERROR;
  static constexpr cublasStatus_t kOutOfMemory = CUBLAS_STATUS_ALLOC_FAILED;
  static constexpr cublasStatus_t kNotIssued = CUBLAS_STATUS_EXECUTION_FAILED;
};

// The stream a library handle issues its work on (null when it cannot be
// told: the legacy default stream).
inline CUstream library_stream(cudnnHandle_t handle) noexcept {
  cudaStream_t stream = nullptr;
  const auto get = real::cudnn_extras().cudnnGetStream;
  if (get == nullptr || get(handle, &stream) != CUDNN_STATUS_SUCCESS) return nullptr;
  return stream;
}
inline CUstream library_stream(cublasHandle_t handle) noexcept {
  cudaStream_t stream = nullptr;
  const auto get = real::cublas_extras().cublasGetStream_v2;
  if (get == nullptr || get(handle, &stream) != CUBLAS_STATUS_SUCCESS) return nullptr;
  return stream;
}

template <typename Handle, typename... Rest>
CUstream stream_of_call(Handle handle, Rest...) noexcept {
  return library_stream(handle);
}

template <HookId id, typename Fn>
struct LibraryHook;

template <HookId id, typename Status, typename... Args>
struct LibraryHook<id, Status(Args...)> {
  static Status call(Args... args) noexcept {
    const auto real = reinterpret_cast<Status (*)(Args...)>(real::function(id));
    if (real == nullptr) return LibraryStatus<Status>::kMissing;
    RuntimeSeam* seam = active_seam();
    if (seam == nullptr) return real(args...);
    // The operands stay resident and pinned until the call has been issued
    // (its own kernel launches pass through the launch hook, find them so
    // and go on without waiting).
    LibraryPreparation prepared;
    try {
      prepared = seam->library_call(id, describe_operands<id>(args...), stream_of_call(args...));
    } catch (...) {
      return LibraryStatus<Status>::kFailed;
    }
    if (prepared.result == CUDA_ERROR_OUT_OF_MEMORY) return LibraryStatus<Status>::kOutOfMemory;
    if (prepared.result != CUDA_SUCCESS) return LibraryStatus<Status>::kNotIssued;
    return real(args...);
  }
};

// cudnnBackendSetAttribute and cudnnBackendDestroyDescriptor touch no device
// memory: their hooks issue the real call with the application's arguments,
// return its status, and keep the record of variant packs that
// cudnnBackendExecute's decoding reads (cuDNN does not read a pack's data
// pointers back). Once exit has begun, or in a forked child, nothing is
// decoded any more, so nothing is recorded: the child may have inherited the
// record's lock held.
inline CudnnVariantPacks* variant_packs_to_record() noexcept {
  if (process_state().ended()) return nullptr;
  return recorded_variant_packs();
}

template <>
struct LibraryHook<HookId::cudnnBackendSetAttribute, decltype(::cudnnBackendSetAttribute)> {
  static cudnnStatus_t call(cudnnBackendDescriptor_t descriptor, cudnnBackendAttributeName_t name,
                            cudnnBackendAttributeType_t type, int64_t count,
                            const void* elements) noexcept {
    const auto real = reinterpret_cast<CudnnVariantPacks::SetAttribute>(
        real::function(HookId::cudnnBackendSetAttribute));
    if (real == nullptr) return LibraryStatus<cudnnStatus_t>::kMissing;
    CudnnVariantPacks* packs = variant_packs_to_record();
    if (packs == nullptr) return real(descriptor, name, type, count, elements);
    return packs->set_attribute(real, descriptor, name, type, count, elements);
  }
};

template <>
struct LibraryHook<HookId::cudnnBackendDestroyDescriptor,
                   decltype(::cudnnBackendDestroyDescriptor)> {
  static cudnnStatus_t call(cudnnBackendDescriptor_t descriptor) noexcept {
    const auto real = reinterpret_cast<CudnnVariantPacks::DestroyDescriptor>(
        real::function(HookId::cudnnBackendDestroyDescriptor));
    if (real == nullptr) return LibraryStatus<cudnnStatus_t>::kMissing;
    CudnnVariantPacks* packs = variant_packs_to_record();
    if (packs == nullptr) return real(descriptor);
    return packs->destroy(real, descriptor);
  }
};

}  // namespace gpuswap::interpose
