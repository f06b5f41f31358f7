#include "conv_block.h"

#include <cmath>
#include <string>

#include "param_init.h"

namespace train_cnn {
namespace {

constexpr float kOne = 1.0f;
constexpr float kZero = 0.0f;

std::size_t floats(int n, int c, int h, int w) {
  return static_cast<std::size_t>(n) * c * h * w * sizeof(float);
}

// The first algorithm cuDNN ranks as usable and deterministic: two runs must
// print the same losses, so atomics-based variants are out.
template <typename Perf>
bool pick(const Perf* results, int count, decltype(Perf::algo)& algo) {
  for (int i = 0; i < count; ++i) {
    if (results[i].status == CUDNN_STATUS_SUCCESS &&
        results[i].determinism == CUDNN_DETERMINISTIC) {
      algo = results[i].algo;
      return true;
    }
  }
  return false;
}

}  // namespace

ConvBlock::ConvBlock(const CudaContext& ctx, DeviceAllocator& allocator, ConvShape shape, Lcg& rng)
    : ctx_(ctx), allocator_(allocator), shape_(shape) {
  const int n = shape.batch;
  const int s = shape.size;
  x_desc_ = make_tensor_desc(n, shape.in_channels, s, s);
  conv_desc_out_ = make_tensor_desc(n, shape.out_channels, s, s);
  pool_desc_out_ = make_tensor_desc(n, shape.out_channels, s / 2, s / 2);
  bias_desc_ = make_tensor_desc(1, shape.out_channels, 1, 1);

  cudnnFilterDescriptor_t filter = nullptr;
  check_cudnn(cudnnCreateFilterDescriptor(&filter), "cudnnCreateFilterDescriptor");
  filter_desc_.reset(filter);
  check_cudnn(cudnnSetFilter4dDescriptor(filter, CUDNN_DATA_FLOAT, CUDNN_TENSOR_NCHW,
                                         shape.out_channels, shape.in_channels, 3, 3),
              "cudnnSetFilter4dDescriptor");

  cudnnConvolutionDescriptor_t conv = nullptr;
  check_cudnn(cudnnCreateConvolutionDescriptor(&conv), "cudnnCreateConvolutionDescriptor");
  conv_desc_.reset(conv);
  check_cudnn(cudnnSetConvolution2dDescriptor(conv, 1, 1, 1, 1, 1, 1, CUDNN_CROSS_CORRELATION,
                                              CUDNN_DATA_FLOAT),
              "cudnnSetConvolution2dDescriptor");

  cudnnActivationDescriptor_t relu = nullptr;
  check_cudnn(cudnnCreateActivationDescriptor(&relu), "cudnnCreateActivationDescriptor");
  relu_desc_.reset(relu);
  check_cudnn(
      cudnnSetActivationDescriptor(relu, CUDNN_ACTIVATION_RELU, CUDNN_NOT_PROPAGATE_NAN, 0.0),
      "cudnnSetActivationDescriptor");

  cudnnPoolingDescriptor_t pool = nullptr;
  check_cudnn(cudnnCreatePoolingDescriptor(&pool), "cudnnCreatePoolingDescriptor");
  pool_desc_.reset(pool);
  check_cudnn(cudnnSetPooling2dDescriptor(pool, CUDNN_POOLING_MAX, CUDNN_NOT_PROPAGATE_NAN, 2, 2, 0,
                                          0, 2, 2),
              "cudnnSetPooling2dDescriptor");

  choose_algorithms();

  const int weights = shape.out_channels * shape.in_channels * 9;
  weight_ = DeviceBuffer(allocator, weights * sizeof(float));
  bias_ = DeviceBuffer(allocator, shape.out_channels * sizeof(float));
  weight_grad_ = DeviceBuffer(allocator, weights * sizeof(float));
  bias_grad_ = DeviceBuffer(allocator, shape.out_channels * sizeof(float));
  // He-uniform: keeps the activations' scale through ReLU layers.
  upload_uniform(weight_.f32(), weights, std::sqrt(6.0f / (shape.in_channels * 9.0f)), rng);
  upload_constant(bias_.f32(), shape.out_channels, 0.0f);
}

void ConvBlock::choose_algorithms() {
  const cudnnHandle_t h = ctx_.cudnn.get();
  int count = 0;

  cudnnConvolutionFwdAlgoPerf_t fwd[CUDNN_CONVOLUTION_FWD_ALGO_COUNT];
  check_cudnn(cudnnGetConvolutionForwardAlgorithm_v7(h, x_desc_.get(), filter_desc_.get(),
                                                     conv_desc_.get(), conv_desc_out_.get(),
                                                     CUDNN_CONVOLUTION_FWD_ALGO_COUNT, &count, fwd),
              "cudnnGetConvolutionForwardAlgorithm_v7");
  if (!pick(fwd, count, fwd_algo_)) {
    check_cudnn(CUDNN_STATUS_NOT_SUPPORTED, "cudnnGetConvolutionForwardAlgorithm_v7");
  }
  check_cudnn(cudnnGetConvolutionForwardWorkspaceSize(h, x_desc_.get(), filter_desc_.get(),
                                                      conv_desc_.get(), conv_desc_out_.get(),
                                                      fwd_algo_, &fwd_workspace_),
              "cudnnGetConvolutionForwardWorkspaceSize");

  cudnnConvolutionBwdDataAlgoPerf_t bwd_data[CUDNN_CONVOLUTION_BWD_DATA_ALGO_COUNT];
  check_cudnn(cudnnGetConvolutionBackwardDataAlgorithm_v7(
                  h, filter_desc_.get(), conv_desc_out_.get(), conv_desc_.get(), x_desc_.get(),
                  CUDNN_CONVOLUTION_BWD_DATA_ALGO_COUNT, &count, bwd_data),
              "cudnnGetConvolutionBackwardDataAlgorithm_v7");
  if (!pick(bwd_data, count, bwd_data_algo_)) {
    check_cudnn(CUDNN_STATUS_NOT_SUPPORTED, "cudnnGetConvolutionBackwardDataAlgorithm_v7");
  }
  check_cudnn(cudnnGetConvolutionBackwardDataWorkspaceSize(
                  h, filter_desc_.get(), conv_desc_out_.get(), conv_desc_.get(), x_desc_.get(),
                  bwd_data_algo_, &bwd_data_workspace_),
              "cudnnGetConvolutionBackwardDataWorkspaceSize");

  cudnnConvolutionBwdFilterAlgoPerf_t bwd_filter[CUDNN_CONVOLUTION_BWD_FILTER_ALGO_COUNT];
  check_cudnn(cudnnGetConvolutionBackwardFilterAlgorithm_v7(
                  h, x_desc_.get(), conv_desc_out_.get(), conv_desc_.get(), filter_desc_.get(),
                  CUDNN_CONVOLUTION_BWD_FILTER_ALGO_COUNT, &count, bwd_filter),
              "cudnnGetConvolutionBackwardFilterAlgorithm_v7");
  if (!pick(bwd_filter, count, bwd_filter_algo_)) {
    check_cudnn(CUDNN_STATUS_NOT_SUPPORTED, "cudnnGetConvolutionBackwardFilterAlgorithm_v7");
  }
  check_cudnn(cudnnGetConvolutionBackwardFilterWorkspaceSize(
                  h, x_desc_.get(), conv_desc_out_.get(), conv_desc_.get(), filter_desc_.get(),
                  bwd_filter_algo_, &bwd_filter_workspace_),
              "cudnnGetConvolutionBackwardFilterWorkspaceSize");
}

float* ConvBlock::scratch(std::size_t bytes) {
  step_tensors_.emplace_back(allocator_, bytes);
  return step_tensors_.back().f32();
}

const float* ConvBlock::forward(const float* x) {
  const cudnnHandle_t h = ctx_.cudnn.get();
  const int n = shape_.batch;
  const int c = shape_.out_channels;
  const int s = shape_.size;
  x_ = x;

  conv_out_ = DeviceBuffer(allocator_, floats(n, c, s, s));
  float* workspace = scratch(fwd_workspace_);
  check_cudnn(cudnnConvolutionForward(h, &kOne, x_desc_.get(), x, filter_desc_.get(), weight_.f32(),
                                      conv_desc_.get(), fwd_algo_, workspace, fwd_workspace_,
                                      &kZero, conv_desc_out_.get(), conv_out_.f32()),
              "cudnnConvolutionForward");
  check_cudnn(cudnnAddTensor(h, &kOne, bias_desc_.get(), bias_.f32(), &kOne, conv_desc_out_.get(),
                             conv_out_.f32()),
              "cudnnAddTensor");

  relu_out_ = DeviceBuffer(allocator_, floats(n, c, s, s));
  check_cudnn(
      cudnnActivationForward(h, relu_desc_.get(), &kOne, conv_desc_out_.get(), conv_out_.f32(),
                             &kZero, conv_desc_out_.get(), relu_out_.f32()),
      "cudnnActivationForward");

  pool_out_ = DeviceBuffer(allocator_, floats(n, c, s / 2, s / 2));
  check_cudnn(cudnnPoolingForward(h, pool_desc_.get(), &kOne, conv_desc_out_.get(), relu_out_.f32(),
                                  &kZero, pool_desc_out_.get(), pool_out_.f32()),
              "cudnnPoolingForward");
  return pool_out_.f32();
}

const float* ConvBlock::backward(const float* dy, bool want_dx) {
  const cudnnHandle_t h = ctx_.cudnn.get();
  const int n = shape_.batch;
  const int c = shape_.out_channels;
  const int s = shape_.size;

  float* d_relu = scratch(floats(n, c, s, s));
  check_cudnn(cudnnPoolingBackward(h, pool_desc_.get(), &kOne, pool_desc_out_.get(),
                                   pool_out_.f32(), pool_desc_out_.get(), dy, conv_desc_out_.get(),
                                   relu_out_.f32(), &kZero, conv_desc_out_.get(), d_relu),
              "cudnnPoolingBackward");

  float* d_conv = scratch(floats(n, c, s, s));
  check_cudnn(
      cudnnActivationBackward(h, relu_desc_.get(), &kOne, conv_desc_out_.get(), relu_out_.f32(),
                              conv_desc_out_.get(), d_relu, conv_desc_out_.get(), conv_out_.f32(),
                              &kZero, conv_desc_out_.get(), d_conv),
      "cudnnActivationBackward");

  check_cudnn(cudnnConvolutionBackwardBias(h, &kOne, conv_desc_out_.get(), d_conv, &kZero,
                                           bias_desc_.get(), bias_grad_.f32()),
              "cudnnConvolutionBackwardBias");

  float* filter_ws = scratch(bwd_filter_workspace_);
  check_cudnn(cudnnConvolutionBackwardFilter(h, &kOne, x_desc_.get(), x_, conv_desc_out_.get(),
                                             d_conv, conv_desc_.get(), bwd_filter_algo_, filter_ws,
                                             bwd_filter_workspace_, &kZero, filter_desc_.get(),
                                             weight_grad_.f32()),
              "cudnnConvolutionBackwardFilter");
  if (!want_dx) return nullptr;

  float* dx = scratch(floats(n, shape_.in_channels, s, s));
  float* data_ws = scratch(bwd_data_workspace_);
  check_cudnn(
      cudnnConvolutionBackwardData(h, &kOne, filter_desc_.get(), weight_.f32(),
                                   conv_desc_out_.get(), d_conv, conv_desc_.get(), bwd_data_algo_,
                                   data_ws, bwd_data_workspace_, &kZero, x_desc_.get(), dx),
      "cudnnConvolutionBackwardData");
  return dx;
}

void ConvBlock::end_step() {
  step_tensors_.clear();
  pool_out_ = DeviceBuffer();
  relu_out_ = DeviceBuffer();
  conv_out_ = DeviceBuffer();
  x_ = nullptr;
}

std::vector<Parameter> ConvBlock::parameters() {
  const int weights = shape_.out_channels * shape_.in_channels * 9;
  return {{weight_.f32(), weight_grad_.f32(), weights},
          {bias_.f32(), bias_grad_.f32(), shape_.out_channels}};
}

}  // namespace train_cnn
