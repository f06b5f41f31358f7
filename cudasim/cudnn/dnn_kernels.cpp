#include "dnn_kernels.h"

#include "activation_math.h"
#include "conv_math.h"
#include "kernel_binding.h"
#include "library_context.h"
#include "pooling_math.h"
#include "softmax_math.h"
#include "tensor_math.h"

namespace cudasim::dnn {
namespace kernels {

void conv_forward_direct(Tensor4d x, const float* xd, Filter4d w, const float* wd, ConvParams p,
                         Blend b, Tensor4d y, float* yd) {
  dnn::conv_forward_direct(x, xd, w, wd, p, b.alpha, b.beta, y, yd);
}

void conv_forward_gemm(Tensor4d x, const float* xd, Filter4d w, const float* wd, ConvParams p,
                       Blend b, Tensor4d y, float* yd, float* workspace) {
  dnn::conv_forward_gemm(x, xd, w, wd, p, b.alpha, b.beta, y, yd, workspace);
}

void conv_backward_data_direct(Filter4d w, const float* wd, Tensor4d dy, const float* dyd,
                               ConvParams p, Blend b, Tensor4d dx, float* dxd) {
  dnn::conv_backward_data_direct(w, wd, dy, dyd, p, b.alpha, b.beta, dx, dxd);
}

void conv_backward_data_gemm(Filter4d w, const float* wd, Tensor4d dy, const float* dyd,
                             ConvParams p, Blend b, Tensor4d dx, float* dxd, float* workspace) {
  dnn::conv_backward_data_gemm(w, wd, dy, dyd, p, b.alpha, b.beta, dx, dxd, workspace);
}

void conv_backward_filter_direct(Tensor4d x, const float* xd, Tensor4d dy, const float* dyd,
                                 ConvParams p, Blend b, Filter4d dw, float* dwd) {
  dnn::conv_backward_filter_direct(x, xd, dy, dyd, p, b.alpha, b.beta, dw, dwd);
}

void conv_backward_filter_gemm(Tensor4d x, const float* xd, Tensor4d dy, const float* dyd,
                               ConvParams p, Blend b, Filter4d dw, float* dwd, float* workspace) {
  dnn::conv_backward_filter_gemm(x, xd, dy, dyd, p, b.alpha, b.beta, dw, dwd, workspace);
}

void conv_backward_bias(Blend b, Tensor4d dy, const float* dyd, Tensor4d db, float* dbd) {
  dnn::bias_gradient(b.alpha, dy, dyd, b.beta, db, dbd);
}

void activation_forward(ActivationParams p, Blend b, Tensor4d x, const float* xd, Tensor4d y,
                        float* yd) {
  dnn::activation_forward(p, x, xd, b.alpha, b.beta, y, yd);
}

void activation_backward(ActivationParams p, Blend b, Tensor4d y, const float* yd, Tensor4d dy,
                         const float* dyd, Tensor4d x, const float* xd, Tensor4d dx, float* dxd) {
  dnn::activation_backward(p, y, yd, dy, dyd, x, xd, b.alpha, b.beta, dx, dxd);
}

void pool_forward(PoolParams p, Blend b, Tensor4d x, const float* xd, Tensor4d y, float* yd) {
  dnn::pool_forward(x, xd, p, b.alpha, b.beta, y, yd);
}

void pool_backward(PoolParams p, Blend b, Tensor4d x, const float* xd, Tensor4d dy,
                   const float* dyd, Tensor4d dx, float* dxd) {
  dnn::pool_backward(x, xd, dy, dyd, p, b.alpha, b.beta, dx, dxd);
}

void add_tensor(Blend b, Tensor4d a, const float* ad, Tensor4d c, float* cd) {
  dnn::add_tensor(b.alpha, a, ad, b.beta, c, cd);
}

void softmax_forward(SoftmaxParams p, Blend b, Tensor4d x, const float* xd, Tensor4d y, float* yd) {
  dnn::softmax_forward(p, x, xd, b.alpha, b.beta, y, yd);
}

void softmax_backward(SoftmaxParams p, Blend b, Tensor4d y, const float* yd, Tensor4d dy,
                      const float* dyd, Tensor4d dx, float* dxd) {
  dnn::softmax_backward(p, y, yd, dy, dyd, b.alpha, b.beta, dx, dxd);
}

}  // namespace kernels

namespace {

constexpr const char* kModule = "cudasim.cudnn";

bool register_kernels(const DriverApi& api) {
  bool ok = true;
#define CUDASIM_DNN_REGISTER(name) \
  ok = ok && KernelBinding<&kernels::name>::register_with(api, kModule, #name) == CUDA_SUCCESS;
  CUDASIM_DNN_KERNELS(CUDASIM_DNN_REGISTER)
#undef CUDASIM_DNN_REGISTER
  return ok;
}

bool load(const DriverApi& api, DnnKernels* out) {
  CUmodule module = nullptr;
  if (api.cuModuleLoadData(&module, api.moduleImage(kModule)) != CUDA_SUCCESS) return false;
  bool ok = true;
#define CUDASIM_DNN_LOAD(name) \
  ok = ok && api.cuModuleGetFunction(&out->name, module, #name) == CUDA_SUCCESS;
  CUDASIM_DNN_KERNELS(CUDASIM_DNN_LOAD)
#undef CUDASIM_DNN_LOAD
  return ok;
}

}  // namespace

const DnnKernels* dnn_kernels(const DriverApi& api, CUcontext ctx) {
  static const bool registered = register_kernels(api);
  if (!registered) return nullptr;
  return kernels_in_context<DnnKernels>(api, ctx, load);
}

}  // namespace cudasim::dnn
