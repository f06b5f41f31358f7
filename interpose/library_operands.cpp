#include "library_operands.h"

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

}  // namespace

const CudnnDescriptors& real_cudnn_descriptors() noexcept {
  return g_cudnn;
}
const CublasPointerModes& real_cublas_pointer_modes() noexcept {
  return g_cublas;
}

}  // namespace gpuswap::interpose
