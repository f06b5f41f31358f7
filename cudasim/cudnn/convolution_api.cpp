// Convolutions: algorithm queries, workspace sizes, and the forward, data
// gradient and filter gradient passes.
//
// Implemented algorithms: the "implicit" ones compute directly and need no
// workspace; the GEMM ones lower the input to columns in the caller's
// workspace (and really use it). The rest report CUDNN_STATUS_NOT_SUPPORTED
// in the algorithm lists, ranked after the implemented ones.
#include <cudnn.h>

#include <algorithm>
#include <cstddef>

#include "api_support.h"
#include "conv_math.h"
#include "export.h"

namespace {

namespace dnn = cudasim::dnn;

enum class Impl { kDirect, kGemm, kNone };

Impl forward_impl(cudnnConvolutionFwdAlgo_t algo) {
  switch (algo) {
    case CUDNN_CONVOLUTION_FWD_ALGO_IMPLICIT_GEMM:
      return Impl::kDirect;
    case CUDNN_CONVOLUTION_FWD_ALGO_IMPLICIT_PRECOMP_GEMM:
    case CUDNN_CONVOLUTION_FWD_ALGO_GEMM:
      return Impl::kGemm;
    default:
      return Impl::kNone;
  }
}

Impl backward_data_impl(cudnnConvolutionBwdDataAlgo_t algo) {
  switch (algo) {
    case CUDNN_CONVOLUTION_BWD_DATA_ALGO_0:
      return Impl::kDirect;
    case CUDNN_CONVOLUTION_BWD_DATA_ALGO_1:
      return Impl::kGemm;
    default:
      return Impl::kNone;
  }
}

Impl backward_filter_impl(cudnnConvolutionBwdFilterAlgo_t algo) {
  switch (algo) {
    case CUDNN_CONVOLUTION_BWD_FILTER_ALGO_0:
      return Impl::kDirect;
    case CUDNN_CONVOLUTION_BWD_FILTER_ALGO_1:
      return Impl::kGemm;
    default:
      return Impl::kNone;
  }
}

// Ranked as the algorithm lists report them: implemented ones first.
constexpr cudnnConvolutionFwdAlgo_t kForwardRanking[] = {
    CUDNN_CONVOLUTION_FWD_ALGO_IMPLICIT_PRECOMP_GEMM,
    CUDNN_CONVOLUTION_FWD_ALGO_IMPLICIT_GEMM,
    CUDNN_CONVOLUTION_FWD_ALGO_GEMM,
    CUDNN_CONVOLUTION_FWD_ALGO_DIRECT,
    CUDNN_CONVOLUTION_FWD_ALGO_FFT,
    CUDNN_CONVOLUTION_FWD_ALGO_FFT_TILING,
    CUDNN_CONVOLUTION_FWD_ALGO_WINOGRAD,
    CUDNN_CONVOLUTION_FWD_ALGO_WINOGRAD_NONFUSED};
constexpr cudnnConvolutionBwdDataAlgo_t kBackwardDataRanking[] = {
    CUDNN_CONVOLUTION_BWD_DATA_ALGO_1,        CUDNN_CONVOLUTION_BWD_DATA_ALGO_0,
    CUDNN_CONVOLUTION_BWD_DATA_ALGO_FFT,      CUDNN_CONVOLUTION_BWD_DATA_ALGO_FFT_TILING,
    CUDNN_CONVOLUTION_BWD_DATA_ALGO_WINOGRAD, CUDNN_CONVOLUTION_BWD_DATA_ALGO_WINOGRAD_NONFUSED};
constexpr cudnnConvolutionBwdFilterAlgo_t kBackwardFilterRanking[] = {
    CUDNN_CONVOLUTION_BWD_FILTER_ALGO_1,
    CUDNN_CONVOLUTION_BWD_FILTER_ALGO_0,
    CUDNN_CONVOLUTION_BWD_FILTER_ALGO_FFT,
    CUDNN_CONVOLUTION_BWD_FILTER_ALGO_3,
    CUDNN_CONVOLUTION_BWD_FILTER_ALGO_WINOGRAD,
    CUDNN_CONVOLUTION_BWD_FILTER_ALGO_WINOGRAD_NONFUSED,
    CUDNN_CONVOLUTION_BWD_FILTER_ALGO_FFT_TILING};

// x, w, y agree with the convolution (for the gradients: dx, w, dy and x, dw,
// dy). BAD_PARAM for missing descriptors or mismatched shapes.
cudnnStatus_t check_geometry(const cudnnTensorStruct* x, const cudnnFilterStruct* w,
                             const cudnnConvolutionStruct* conv, const cudnnTensorStruct* y) {
  if (conv == nullptr || !conv->set) return CUDNN_STATUS_BAD_PARAM;
  if (const cudnnStatus_t st = dnn::check_all_fp32(x, y); st != CUDNN_STATUS_SUCCESS) return st;
  if (const cudnnStatus_t st = dnn::check_fp32(w); st != CUDNN_STATUS_SUCCESS) return st;
  if (conv->group_count != 1) return CUDNN_STATUS_NOT_SUPPORTED;
  if (!dnn::conv_shapes_valid(x->shape, w->shape, conv->params, y->shape)) {
    return CUDNN_STATUS_BAD_PARAM;
  }
  return CUDNN_STATUS_SUCCESS;
}

std::size_t bytes(std::size_t floats) {
  return floats * sizeof(float);
}

std::size_t forward_workspace(Impl impl, const cudnnTensorStruct* x, const cudnnFilterStruct* w,
                              const cudnnTensorStruct* y) {
  return impl == Impl::kGemm ? bytes(dnn::conv_forward_gemm_workspace(x->shape, w->shape, y->shape))
                             : 0;
}

std::size_t backward_data_workspace(Impl impl, const cudnnTensorStruct* dx,
                                    const cudnnFilterStruct* w, const cudnnTensorStruct* dy) {
  return impl == Impl::kGemm
             ? bytes(dnn::conv_backward_data_gemm_workspace(dx->shape, w->shape, dy->shape))
             : 0;
}

std::size_t backward_filter_workspace(Impl impl, const cudnnTensorStruct* x,
                                      const cudnnFilterStruct* dw, const cudnnTensorStruct* dy) {
  return impl == Impl::kGemm
             ? bytes(dnn::conv_backward_filter_gemm_workspace(x->shape, dw->shape, dy->shape))
             : 0;
}

// Fills a perf list in ranking order. Times are a fixed model (rank order),
// not measurements, so every run picks the same algorithm.
template <typename Perf, typename Algo, std::size_t N, typename ImplOf, typename WorkspaceOf>
cudnnStatus_t fill_perf(const Algo (&ranking)[N], ImplOf impl_of, WorkspaceOf workspace_of,
                        cudnnMathType_t math_type, int requested, int* returned, Perf* results) {
  if (requested <= 0 || returned == nullptr || results == nullptr) return CUDNN_STATUS_BAD_PARAM;
  const int count = std::min(requested, static_cast<int>(N));
  for (int i = 0; i < count; ++i) {
    Perf& p = results[i];
    p = Perf{};
    p.algo = ranking[i];
    const Impl impl = impl_of(ranking[i]);
    const bool available = impl != Impl::kNone;
    p.status = available ? CUDNN_STATUS_SUCCESS : CUDNN_STATUS_NOT_SUPPORTED;
    p.time = available ? 1.0f + static_cast<float>(i) : -1.0f;
    p.memory = available ? workspace_of(impl) : 0;
    p.determinism = CUDNN_DETERMINISTIC;
    p.mathType = math_type;
  }
  *returned = count;
  return CUDNN_STATUS_SUCCESS;
}

// The caller's workspace must hold what the algorithm asked for.
cudnnStatus_t check_workspace(std::size_t needed, const void* workspace, std::size_t size) {
  if (needed == 0) return CUDNN_STATUS_SUCCESS;
  return workspace != nullptr && size >= needed ? CUDNN_STATUS_SUCCESS : CUDNN_STATUS_BAD_PARAM;
}

cudnnStatus_t forward_algorithms(cudnnHandle_t handle, const cudnnTensorDescriptor_t x,
                                 const cudnnFilterDescriptor_t w,
                                 const cudnnConvolutionDescriptor_t conv,
                                 const cudnnTensorDescriptor_t y, int requested, int* returned,
                                 cudnnConvolutionFwdAlgoPerf_t* results) {
  if (handle == nullptr) return CUDNN_STATUS_BAD_PARAM;
  if (const cudnnStatus_t st = check_geometry(x, w, conv, y); st != CUDNN_STATUS_SUCCESS) {
    return st;
  }
  return fill_perf(
      kForwardRanking, forward_impl, [&](Impl impl) { return forward_workspace(impl, x, w, y); },
      conv->math_type, requested, returned, results);
}

cudnnStatus_t backward_data_algorithms(cudnnHandle_t handle, const cudnnFilterDescriptor_t w,
                                       const cudnnTensorDescriptor_t dy,
                                       const cudnnConvolutionDescriptor_t conv,
                                       const cudnnTensorDescriptor_t dx, int requested,
                                       int* returned, cudnnConvolutionBwdDataAlgoPerf_t* results) {
  if (handle == nullptr) return CUDNN_STATUS_BAD_PARAM;
  if (const cudnnStatus_t st = check_geometry(dx, w, conv, dy); st != CUDNN_STATUS_SUCCESS) {
    return st;
  }
  return fill_perf(
      kBackwardDataRanking, backward_data_impl,
      [&](Impl impl) { return backward_data_workspace(impl, dx, w, dy); }, conv->math_type,
      requested, returned, results);
}

cudnnStatus_t backward_filter_algorithms(cudnnHandle_t handle, const cudnnTensorDescriptor_t x,
                                         const cudnnTensorDescriptor_t dy,
                                         const cudnnConvolutionDescriptor_t conv,
                                         const cudnnFilterDescriptor_t dw, int requested,
                                         int* returned,
                                         cudnnConvolutionBwdFilterAlgoPerf_t* results) {
  if (handle == nullptr) return CUDNN_STATUS_BAD_PARAM;
  if (const cudnnStatus_t st = check_geometry(x, dw, conv, dy); st != CUDNN_STATUS_SUCCESS) {
    return st;
  }
  return fill_perf(
      kBackwardFilterRanking, backward_filter_impl,
      [&](Impl impl) { return backward_filter_workspace(impl, x, dw, dy); }, conv->math_type,
      requested, returned, results);
}

}  // namespace

CUDASIM_CUDNN_EXPORT cudnnStatus_t cudnnGetConvolutionForwardAlgorithmMaxCount(cudnnHandle_t handle,
                                                                               int* count) {
  if (handle == nullptr || count == nullptr) return CUDNN_STATUS_BAD_PARAM;
  *count = static_cast<int>(std::size(kForwardRanking));
  return CUDNN_STATUS_SUCCESS;
}

CUDASIM_CUDNN_EXPORT cudnnStatus_t
cudnnGetConvolutionBackwardDataAlgorithmMaxCount(cudnnHandle_t handle, int* count) {
  if (handle == nullptr || count == nullptr) return CUDNN_STATUS_BAD_PARAM;
  *count = static_cast<int>(std::size(kBackwardDataRanking));
  return CUDNN_STATUS_SUCCESS;
}

CUDASIM_CUDNN_EXPORT cudnnStatus_t
cudnnGetConvolutionBackwardFilterAlgorithmMaxCount(cudnnHandle_t handle, int* count) {
  if (handle == nullptr || count == nullptr) return CUDNN_STATUS_BAD_PARAM;
  *count = static_cast<int>(std::size(kBackwardFilterRanking));
  return CUDNN_STATUS_SUCCESS;
}

CUDASIM_CUDNN_EXPORT cudnnStatus_t cudnnGetConvolutionForwardAlgorithm_v7(
    cudnnHandle_t handle, const cudnnTensorDescriptor_t srcDesc,
    const cudnnFilterDescriptor_t filterDesc, const cudnnConvolutionDescriptor_t convDesc,
    const cudnnTensorDescriptor_t destDesc, const int requestedAlgoCount, int* returnedAlgoCount,
    cudnnConvolutionFwdAlgoPerf_t* perfResults) {
  return forward_algorithms(handle, srcDesc, filterDesc, convDesc, destDesc, requestedAlgoCount,
                            returnedAlgoCount, perfResults);
}

CUDASIM_CUDNN_EXPORT cudnnStatus_t cudnnFindConvolutionForwardAlgorithm(
    cudnnHandle_t handle, const cudnnTensorDescriptor_t xDesc, const cudnnFilterDescriptor_t wDesc,
    const cudnnConvolutionDescriptor_t convDesc, const cudnnTensorDescriptor_t yDesc,
    const int requestedAlgoCount, int* returnedAlgoCount,
    cudnnConvolutionFwdAlgoPerf_t* perfResults) {
  return forward_algorithms(handle, xDesc, wDesc, convDesc, yDesc, requestedAlgoCount,
                            returnedAlgoCount, perfResults);
}

CUDASIM_CUDNN_EXPORT cudnnStatus_t cudnnGetConvolutionBackwardDataAlgorithm_v7(
    cudnnHandle_t handle, const cudnnFilterDescriptor_t filterDesc,
    const cudnnTensorDescriptor_t diffDesc, const cudnnConvolutionDescriptor_t convDesc,
    const cudnnTensorDescriptor_t gradDesc, const int requestedAlgoCount, int* returnedAlgoCount,
    cudnnConvolutionBwdDataAlgoPerf_t* perfResults) {
  return backward_data_algorithms(handle, filterDesc, diffDesc, convDesc, gradDesc,
                                  requestedAlgoCount, returnedAlgoCount, perfResults);
}

CUDASIM_CUDNN_EXPORT cudnnStatus_t cudnnFindConvolutionBackwardDataAlgorithm(
    cudnnHandle_t handle, const cudnnFilterDescriptor_t wDesc, const cudnnTensorDescriptor_t dyDesc,
    const cudnnConvolutionDescriptor_t convDesc, const cudnnTensorDescriptor_t dxDesc,
    const int requestedAlgoCount, int* returnedAlgoCount,
    cudnnConvolutionBwdDataAlgoPerf_t* perfResults) {
  return backward_data_algorithms(handle, wDesc, dyDesc, convDesc, dxDesc, requestedAlgoCount,
                                  returnedAlgoCount, perfResults);
}

CUDASIM_CUDNN_EXPORT cudnnStatus_t cudnnGetConvolutionBackwardFilterAlgorithm_v7(
    cudnnHandle_t handle, const cudnnTensorDescriptor_t srcDesc,
    const cudnnTensorDescriptor_t diffDesc, const cudnnConvolutionDescriptor_t convDesc,
    const cudnnFilterDescriptor_t gradDesc, const int requestedAlgoCount, int* returnedAlgoCount,
    cudnnConvolutionBwdFilterAlgoPerf_t* perfResults) {
  return backward_filter_algorithms(handle, srcDesc, diffDesc, convDesc, gradDesc,
                                    requestedAlgoCount, returnedAlgoCount, perfResults);
}

CUDASIM_CUDNN_EXPORT cudnnStatus_t cudnnFindConvolutionBackwardFilterAlgorithm(
    cudnnHandle_t handle, const cudnnTensorDescriptor_t xDesc, const cudnnTensorDescriptor_t dyDesc,
    const cudnnConvolutionDescriptor_t convDesc, const cudnnFilterDescriptor_t dwDesc,
    const int requestedAlgoCount, int* returnedAlgoCount,
    cudnnConvolutionBwdFilterAlgoPerf_t* perfResults) {
  return backward_filter_algorithms(handle, xDesc, dyDesc, convDesc, dwDesc, requestedAlgoCount,
                                    returnedAlgoCount, perfResults);
}

CUDASIM_CUDNN_EXPORT cudnnStatus_t cudnnGetConvolutionForwardWorkspaceSize(
    cudnnHandle_t handle, const cudnnTensorDescriptor_t xDesc, const cudnnFilterDescriptor_t wDesc,
    const cudnnConvolutionDescriptor_t convDesc, const cudnnTensorDescriptor_t yDesc,
    cudnnConvolutionFwdAlgo_t algo, size_t* sizeInBytes) {
  if (handle == nullptr || sizeInBytes == nullptr) return CUDNN_STATUS_BAD_PARAM;
  if (const cudnnStatus_t st = check_geometry(xDesc, wDesc, convDesc, yDesc);
      st != CUDNN_STATUS_SUCCESS) {
    return st;
  }
  const Impl impl = forward_impl(algo);
  if (impl == Impl::kNone) return CUDNN_STATUS_NOT_SUPPORTED;
  *sizeInBytes = forward_workspace(impl, xDesc, wDesc, yDesc);
  return CUDNN_STATUS_SUCCESS;
}

CUDASIM_CUDNN_EXPORT cudnnStatus_t cudnnGetConvolutionBackwardDataWorkspaceSize(
    cudnnHandle_t handle, const cudnnFilterDescriptor_t wDesc, const cudnnTensorDescriptor_t dyDesc,
    const cudnnConvolutionDescriptor_t convDesc, const cudnnTensorDescriptor_t dxDesc,
    cudnnConvolutionBwdDataAlgo_t algo, size_t* sizeInBytes) {
  if (handle == nullptr || sizeInBytes == nullptr) return CUDNN_STATUS_BAD_PARAM;
  if (const cudnnStatus_t st = check_geometry(dxDesc, wDesc, convDesc, dyDesc);
      st != CUDNN_STATUS_SUCCESS) {
    return st;
  }
  const Impl impl = backward_data_impl(algo);
  if (impl == Impl::kNone) return CUDNN_STATUS_NOT_SUPPORTED;
  *sizeInBytes = backward_data_workspace(impl, dxDesc, wDesc, dyDesc);
  return CUDNN_STATUS_SUCCESS;
}

CUDASIM_CUDNN_EXPORT cudnnStatus_t cudnnGetConvolutionBackwardFilterWorkspaceSize(
    cudnnHandle_t handle, const cudnnTensorDescriptor_t xDesc, const cudnnTensorDescriptor_t dyDesc,
    const cudnnConvolutionDescriptor_t convDesc, const cudnnFilterDescriptor_t gradDesc,
    cudnnConvolutionBwdFilterAlgo_t algo, size_t* sizeInBytes) {
  if (handle == nullptr || sizeInBytes == nullptr) return CUDNN_STATUS_BAD_PARAM;
  if (const cudnnStatus_t st = check_geometry(xDesc, gradDesc, convDesc, dyDesc);
      st != CUDNN_STATUS_SUCCESS) {
    return st;
  }
  const Impl impl = backward_filter_impl(algo);
  if (impl == Impl::kNone) return CUDNN_STATUS_NOT_SUPPORTED;
  *sizeInBytes = backward_filter_workspace(impl, xDesc, gradDesc, dyDesc);
  return CUDNN_STATUS_SUCCESS;
}

CUDASIM_CUDNN_EXPORT cudnnStatus_t cudnnConvolutionForward(
    cudnnHandle_t handle, const void* alpha, const cudnnTensorDescriptor_t xDesc, const void* x,
    const cudnnFilterDescriptor_t wDesc, const void* w, const cudnnConvolutionDescriptor_t convDesc,
    cudnnConvolutionFwdAlgo_t algo, void* workSpace, size_t workSpaceSizeInBytes, const void* beta,
    const cudnnTensorDescriptor_t yDesc, void* y) {
  if (handle == nullptr || alpha == nullptr || beta == nullptr) return CUDNN_STATUS_BAD_PARAM;
  if (const cudnnStatus_t st = check_geometry(xDesc, wDesc, convDesc, yDesc);
      st != CUDNN_STATUS_SUCCESS) {
    return st;
  }
  const Impl impl = forward_impl(algo);
  if (impl == Impl::kNone) return CUDNN_STATUS_NOT_SUPPORTED;
  if (const cudnnStatus_t st = check_workspace(forward_workspace(impl, xDesc, wDesc, yDesc),
                                               workSpace, workSpaceSizeInBytes);
      st != CUDNN_STATUS_SUCCESS) {
    return st;
  }
  const auto* xd = static_cast<const float*>(x);
  const auto* wd = static_cast<const float*>(w);
  auto* yd = static_cast<float*>(y);
  const dnn::Blend b = dnn::blend_of(alpha, beta);
  const dnn::DnnKernels& k = *handle->kernels;
  const CUresult rc =
      impl == Impl::kGemm
          ? cudasim::launch_kernel(*handle->api, k.conv_forward_gemm, handle->stream, xDesc->shape,
                                   xd, wDesc->shape, wd, convDesc->params, b, yDesc->shape, yd,
                                   static_cast<float*>(workSpace))
          : cudasim::launch_kernel(*handle->api, k.conv_forward_direct, handle->stream,
                                   xDesc->shape, xd, wDesc->shape, wd, convDesc->params, b,
                                   yDesc->shape, yd);
  return dnn::launch_status(rc);
}

CUDASIM_CUDNN_EXPORT cudnnStatus_t cudnnConvolutionBackwardData(
    cudnnHandle_t handle, const void* alpha, const cudnnFilterDescriptor_t wDesc, const void* w,
    const cudnnTensorDescriptor_t dyDesc, const void* dy,
    const cudnnConvolutionDescriptor_t convDesc, cudnnConvolutionBwdDataAlgo_t algo,
    void* workSpace, size_t workSpaceSizeInBytes, const void* beta,
    const cudnnTensorDescriptor_t dxDesc, void* dx) {
  if (handle == nullptr || alpha == nullptr || beta == nullptr) return CUDNN_STATUS_BAD_PARAM;
  if (const cudnnStatus_t st = check_geometry(dxDesc, wDesc, convDesc, dyDesc);
      st != CUDNN_STATUS_SUCCESS) {
    return st;
  }
  const Impl impl = backward_data_impl(algo);
  if (impl == Impl::kNone) return CUDNN_STATUS_NOT_SUPPORTED;
  if (const cudnnStatus_t st = check_workspace(backward_data_workspace(impl, dxDesc, wDesc, dyDesc),
                                               workSpace, workSpaceSizeInBytes);
      st != CUDNN_STATUS_SUCCESS) {
    return st;
  }
  const auto* wd = static_cast<const float*>(w);
  const auto* dyd = static_cast<const float*>(dy);
  auto* dxd = static_cast<float*>(dx);
  const dnn::Blend b = dnn::blend_of(alpha, beta);
  const dnn::DnnKernels& k = *handle->kernels;
  const CUresult rc =
      impl == Impl::kGemm
          ? cudasim::launch_kernel(*handle->api, k.conv_backward_data_gemm, handle->stream,
                                   wDesc->shape, wd, dyDesc->shape, dyd, convDesc->params, b,
                                   dxDesc->shape, dxd, static_cast<float*>(workSpace))
          : cudasim::launch_kernel(*handle->api, k.conv_backward_data_direct, handle->stream,
                                   wDesc->shape, wd, dyDesc->shape, dyd, convDesc->params, b,
                                   dxDesc->shape, dxd);
  return dnn::launch_status(rc);
}

CUDASIM_CUDNN_EXPORT cudnnStatus_t cudnnConvolutionBackwardFilter(
    cudnnHandle_t handle, const void* alpha, const cudnnTensorDescriptor_t xDesc, const void* x,
    const cudnnTensorDescriptor_t dyDesc, const void* dy,
    const cudnnConvolutionDescriptor_t convDesc, cudnnConvolutionBwdFilterAlgo_t algo,
    void* workSpace, size_t workSpaceSizeInBytes, const void* beta,
    const cudnnFilterDescriptor_t dwDesc, void* dw) {
  if (handle == nullptr || alpha == nullptr || beta == nullptr) return CUDNN_STATUS_BAD_PARAM;
  if (const cudnnStatus_t st = check_geometry(xDesc, dwDesc, convDesc, dyDesc);
      st != CUDNN_STATUS_SUCCESS) {
    return st;
  }
  const Impl impl = backward_filter_impl(algo);
  if (impl == Impl::kNone) return CUDNN_STATUS_NOT_SUPPORTED;
  if (const cudnnStatus_t st = check_workspace(
          backward_filter_workspace(impl, xDesc, dwDesc, dyDesc), workSpace, workSpaceSizeInBytes);
      st != CUDNN_STATUS_SUCCESS) {
    return st;
  }
  const auto* xd = static_cast<const float*>(x);
  const auto* dyd = static_cast<const float*>(dy);
  auto* dwd = static_cast<float*>(dw);
  const dnn::Blend b = dnn::blend_of(alpha, beta);
  const dnn::DnnKernels& k = *handle->kernels;
  const CUresult rc =
      impl == Impl::kGemm
          ? cudasim::launch_kernel(*handle->api, k.conv_backward_filter_gemm, handle->stream,
                                   xDesc->shape, xd, dyDesc->shape, dyd, convDesc->params, b,
                                   dwDesc->shape, dwd, static_cast<float*>(workSpace))
          : cudasim::launch_kernel(*handle->api, k.conv_backward_filter_direct, handle->stream,
                                   xDesc->shape, xd, dyDesc->shape, dyd, convDesc->params, b,
                                   dwDesc->shape, dwd);
  return dnn::launch_status(rc);
}
