#include "library_operands.h"

#include <atomic>
#include <cstdint>
#include <new>

#include "gpuswap/runtime/log.h"
#include "real_functions.h"

namespace gpuswap::interpose {
namespace {

constexpr int kMaxDims = 8;  // CUDNN_DIM_MAX

class RealCudnnDescriptors final : public CudnnDescriptors {
 public:
  TensorExtent tensor(cudnnTensorDescriptor_t desc) const noexcept override {
    const auto get = real::cudnn_extras().cudnnGetTensorNdDescriptor;
    cudnnDataType_t type{};
    int nb = 0;
    int dims[kMaxDims] = {};
    int strides[kMaxDims] = {};
    if (desc == nullptr || get == nullptr ||
        get(desc, kMaxDims, &type, &nb, dims, strides) != CUDNN_STATUS_SUCCESS || nb > kMaxDims) {
      return {};
    }
    return tensor_extent(type, nb, dims, strides);
  }

  TensorExtent filter(cudnnFilterDescriptor_t desc) const noexcept override {
    const auto get = real::cudnn_extras().cudnnGetFilterNdDescriptor;
    cudnnDataType_t type{};
    cudnnTensorFormat_t format{};
    int nb = 0;
    int dims[kMaxDims] = {};
    if (desc == nullptr || get == nullptr ||
        get(desc, kMaxDims, &type, &format, &nb, dims) != CUDNN_STATUS_SUCCESS || nb > kMaxDims) {
      return {};
    }
    return filter_extent(type, nb, dims);
  }
};

// A variant pack as the application set it, recorded by the
// cudnnBackendSetAttribute hook: real cuDNN does not read a pack's data
// pointers back (CUDNN_STATUS_NOT_SUPPORTED). Only a pack that was not seen
// being built is asked of cudnnBackendGetAttribute.
class RealCudnnBackend final : public CudnnBackend {
 public:
  bool variant_pack(cudnnBackendDescriptor_t plan, cudnnBackendDescriptor_t pack,
                    VariantPackView* out) const noexcept override {
    const auto get = real::cudnn_extras().cudnnBackendGetAttribute;
    const CudnnVariantPacks* recorded = recorded_variant_packs();
    const CudnnVariantPacks::Lookup lookup =
        recorded != nullptr ? recorded->find(pack, out) : CudnnVariantPacks::Lookup::unknown;
    if (lookup == CudnnVariantPacks::Lookup::too_many) return too_many();
    if (lookup == CudnnVariantPacks::Lookup::unknown && !read_back(get, pack, out)) return false;
    // The size only narrows the span; the workspace's region is found by its
    // pointer alone when the plan does not say. Plans do answer it.
    std::int64_t one = 0;
    std::int64_t bytes = 0;
    if (get != nullptr &&
        get(plan, CUDNN_ATTR_EXECUTION_PLAN_WORKSPACE_SIZE, CUDNN_TYPE_INT64, 1, &one, &bytes) ==
            CUDNN_STATUS_SUCCESS &&
        bytes > 0) {
      out->workspace_bytes = static_cast<std::size_t>(bytes);
    }
    return true;
  }

 private:
  using GetAttribute = decltype(&::cudnnBackendGetAttribute);

  static bool read_back(GetAttribute get, cudnnBackendDescriptor_t pack,
                        VariantPackView* out) noexcept {
    if (get == nullptr) return failed("cuDNN lacks cudnnBackendGetAttribute");
    // One call with room for every pointer that fits: the count it reports
    // tells whether any were left out.
    std::int64_t count = 0;
    const cudnnStatus_t read =
        get(pack, CUDNN_ATTR_VARIANT_PACK_DATA_POINTERS, CUDNN_TYPE_VOID_PTR,
            static_cast<std::int64_t>(out->pointers.size()), &count, out->pointers.data());
    if (read != CUDNN_STATUS_SUCCESS || count < 0) {
      return failed("it was not seen being built and its data pointers could not be read", read);
    }
    if (static_cast<std::size_t>(count) > out->pointers.size()) return too_many();
    out->count = static_cast<std::size_t>(count);
    std::int64_t one = 0;
    if (get(pack, CUDNN_ATTR_VARIANT_PACK_WORKSPACE, CUDNN_TYPE_VOID_PTR, 1, &one,
            &out->workspace) != CUDNN_STATUS_SUCCESS) {
      return failed("its workspace could not be read");
    }
    return true;
  }

  static bool too_many() noexcept {
    return failed("it holds more data pointers than gpuswap tracks per call");
  }

  static bool failed(const char* why, cudnnStatus_t status = CUDNN_STATUS_SUCCESS) noexcept {
    static std::atomic<bool> logged{false};
    if (!logged.exchange(true)) {
      try {
        runtime::log::warn(runtime::log::Subsystem::interpose,
                           "a cudnnBackendExecute variant pack could not be decoded ({}, cuDNN "
                           "status {}); such calls pass through without making their memory "
                           "resident",
                           why, static_cast<int>(status));
      } catch (...) {
        // Logging must never fail the call it describes.
      }
    }
    return false;
  }
};

class RealCublasPointerModes final : public CublasPointerModes {
 public:
  bool device_scalars(cublasHandle_t handle) const noexcept override {
    const auto get = real::cublas_extras().cublasGetPointerMode_v2;
    cublasPointerMode_t mode = CUBLAS_POINTER_MODE_DEVICE;
    if (get == nullptr || get(handle, &mode) != CUBLAS_STATUS_SUCCESS) return true;
    return mode != CUBLAS_POINTER_MODE_HOST;
  }
};

constinit const RealCudnnDescriptors g_cudnn{};
constinit const RealCublasPointerModes g_cublas{};
constinit const RealCudnnBackend g_cudnn_backend{};

}  // namespace

const CudnnDescriptors& real_cudnn_descriptors() noexcept {
  return g_cudnn;
}
const CudnnBackend& real_cudnn_backend() noexcept {
  return g_cudnn_backend;
}
const CublasPointerModes& real_cublas_pointer_modes() noexcept {
  return g_cublas;
}

CudnnVariantPacks* recorded_variant_packs() noexcept {
  // Never freed: hooks may run during and after static destruction.
  static CudnnVariantPacks* const packs = new (std::nothrow) CudnnVariantPacks;
  return packs;
}

}  // namespace gpuswap::interpose
