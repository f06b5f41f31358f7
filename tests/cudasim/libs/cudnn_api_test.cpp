// cudasim's cuDNN through its API, on cudasim's driver: results equal the
// math functions bit for bit, algorithms and workspaces behave as cuDNN
// documents, work is asynchronous on the handle's stream, and bad arguments
// get cuDNN's status codes.
#include <cudnn.h>

#include <chrono>
#include <cmath>
#include <cstring>
#include <limits>
#include <thread>
#include <vector>

#include "activation_math.h"
#include "conv_math.h"
#include "cudnn_descriptors.h"
#include "device_session.h"
#include "pooling_math.h"
#include "softmax_math.h"
#include "tensor_math.h"
#include "tensor_test_util.h"

namespace cudasim::testing {
namespace {

constexpr float kNaN = std::numeric_limits<float>::quiet_NaN();

void expect_bitwise_equal(const std::vector<float>& got, const std::vector<float>& want) {
  ASSERT_EQ(got.size(), want.size());
  EXPECT_EQ(0, std::memcmp(got.data(), want.data(), got.size() * sizeof(float)));
}

class CudnnApi : public DeviceSession {
 protected:
  void SetUp() override {
    DeviceSession::SetUp();
    ASSERT_EQ(cudnnCreate(&handle_), CUDNN_STATUS_SUCCESS);
  }
  void TearDown() override {
    if (handle_ != nullptr) {
      EXPECT_EQ(cudnnDestroy(handle_), CUDNN_STATUS_SUCCESS);
    }
    DeviceSession::TearDown();
  }
  void sync() { ASSERT_EQ(api().cuStreamSynchronize(nullptr), CUDA_SUCCESS); }

  cudnnHandle_t handle_ = nullptr;
};

// A convolution problem with its host data and device copies.
struct ConvProblem {
  ConvProblem(bool nhwc, bool flip)
      : params{1, 2, 2, 1, 1, 2, flip},
        x(layout(nhwc, 2, 3, 7, 8)),
        w(nhwc ? CUDNN_TENSOR_NHWC : CUDNN_TENSOR_NCHW, 4, 3, 3, 2),
        conv(params),
        y(layout(nhwc, 2, 4, dnn::conv_output_size(7, 1, 3, 2, 1),
                 dnn::conv_output_size(8, 2, 2, 1, 2))) {}
  dnn::ConvParams params;
  TensorDesc x;
  FilterDesc w;
  ConvDesc conv;
  TensorDesc y;
};

TEST_F(CudnnApi, VersionAndErrorStrings) {
  EXPECT_EQ(cudnnGetVersion() / 10000, 9u);
  EXPECT_STREQ(cudnnGetErrorString(CUDNN_STATUS_BAD_PARAM), "CUDNN_STATUS_BAD_PARAM");
  EXPECT_STREQ(cudnnGetErrorString(CUDNN_STATUS_SUCCESS), "CUDNN_STATUS_SUCCESS");
  cudaStream_t stream = reinterpret_cast<cudaStream_t>(1);
  ASSERT_EQ(cudnnGetStream(handle_, &stream), CUDNN_STATUS_SUCCESS);
  EXPECT_EQ(stream, nullptr);
}

TEST_F(CudnnApi, DescriptorsReadBackAndGiveOutputShapes) {
  cudnnTensorDescriptor_t t = nullptr;
  ASSERT_EQ(cudnnCreateTensorDescriptor(&t), CUDNN_STATUS_SUCCESS);
  ASSERT_EQ(cudnnSetTensor4dDescriptor(t, CUDNN_TENSOR_NHWC, CUDNN_DATA_FLOAT, 2, 3, 5, 7),
            CUDNN_STATUS_SUCCESS);
  cudnnDataType_t type{};
  int d[4], s[4];
  ASSERT_EQ(
      cudnnGetTensor4dDescriptor(t, &type, &d[0], &d[1], &d[2], &d[3], &s[0], &s[1], &s[2], &s[3]),
      CUDNN_STATUS_SUCCESS);
  EXPECT_EQ(type, CUDNN_DATA_FLOAT);
  EXPECT_EQ(std::vector<int>(d, d + 4), (std::vector<int>{2, 3, 5, 7}));
  EXPECT_EQ(std::vector<int>(s, s + 4), (std::vector<int>{105, 1, 21, 3}));
  const int dims[4] = {1, 2, 3, 4}, strides[4] = {24, 12, 4, 1};
  ASSERT_EQ(cudnnSetTensorNdDescriptor(t, CUDNN_DATA_FLOAT, 4, dims, strides),
            CUDNN_STATUS_SUCCESS);
  int nb = 0;
  ASSERT_EQ(cudnnGetTensorNdDescriptor(t, 4, &type, &nb, d, s), CUDNN_STATUS_SUCCESS);
  EXPECT_EQ(nb, 4);
  EXPECT_EQ(std::vector<int>(s, s + 4), (std::vector<int>{24, 12, 4, 1}));
  EXPECT_EQ(cudnnSetTensor4dDescriptor(t, CUDNN_TENSOR_NCHW, CUDNN_DATA_FLOAT, 0, 3, 5, 7),
            CUDNN_STATUS_BAD_PARAM);

  // 9x8 input, 3x3 filter, pad 1, stride 2: (9 + 2 - 3) / 2 + 1 = 5, (8 + 2 - 3) / 2 + 1 = 4.
  TensorDesc x(dnn::packed_nchw(2, 3, 9, 8));
  FilterDesc w(CUDNN_TENSOR_NCHW, 4, 3, 3, 3);
  ConvDesc conv(dnn::ConvParams{1, 1, 2, 2, 1, 1, false});
  int n = 0, c = 0, h = 0, wd = 0;
  ASSERT_EQ(cudnnGetConvolution2dForwardOutputDim(conv, x, w, &n, &c, &h, &wd),
            CUDNN_STATUS_SUCCESS);
  EXPECT_EQ(std::vector<int>({n, c, h, wd}), (std::vector<int>{2, 4, 5, 4}));
  FilterDesc wrong_channels(CUDNN_TENSOR_NCHW, 4, 2, 3, 3);
  EXPECT_EQ(cudnnGetConvolution2dForwardOutputDim(conv, x, wrong_channels, &n, &c, &h, &wd),
            CUDNN_STATUS_BAD_PARAM);

  cudnnPoolingDescriptor_t pool = nullptr;
  ASSERT_EQ(cudnnCreatePoolingDescriptor(&pool), CUDNN_STATUS_SUCCESS);
  ASSERT_EQ(cudnnSetPooling2dDescriptor(pool, CUDNN_POOLING_MAX, CUDNN_NOT_PROPAGATE_NAN, 3, 2, 1,
                                        0, 2, 2),
            CUDNN_STATUS_SUCCESS);
  ASSERT_EQ(cudnnGetPooling2dForwardOutputDim(pool, x, &n, &c, &h, &wd), CUDNN_STATUS_SUCCESS);
  EXPECT_EQ(std::vector<int>({n, c, h, wd}), (std::vector<int>{2, 3, 5, 4}));
  EXPECT_EQ(cudnnSetPooling2dDescriptor(pool, CUDNN_POOLING_MAX, CUDNN_NOT_PROPAGATE_NAN, 0, 2, 0,
                                        0, 1, 1),
            CUDNN_STATUS_BAD_PARAM);
  cudnnDestroyPoolingDescriptor(pool);
  cudnnDestroyTensorDescriptor(t);
}

class CudnnConvolution : public CudnnApi,
                         public ::testing::WithParamInterface<std::tuple<bool, bool>> {};

TEST_P(CudnnConvolution, EveryAlgorithmMatchesTheMathAndUsesItsWorkspace) {
  const auto [nhwc, flip] = GetParam();
  ConvProblem p(nhwc, flip);
  const auto xs = p.x.shape(), ys = p.y.shape();
  const auto ws = p.w.shape();
  const auto x = random_tensor(xs, 1), w = random_tensor(ws, 2), y0 = random_tensor(ys, 3),
             dy = random_tensor(ys, 4), dx0 = random_tensor(xs, 5), dw0 = random_tensor(ws, 6);
  const CUdeviceptr dx_in = upload(x), dw_in = upload(w), ddy = upload(dy);
  const float alpha = 0.5f, beta = 0.25f;

  for (auto algo :
       {CUDNN_CONVOLUTION_FWD_ALGO_IMPLICIT_GEMM, CUDNN_CONVOLUTION_FWD_ALGO_IMPLICIT_PRECOMP_GEMM,
        CUDNN_CONVOLUTION_FWD_ALGO_GEMM}) {
    const bool lowered = algo != CUDNN_CONVOLUTION_FWD_ALGO_IMPLICIT_GEMM;
    size_t bytes = 0;
    ASSERT_EQ(cudnnGetConvolutionForwardWorkspaceSize(handle_, p.x, p.w, p.conv, p.y, algo, &bytes),
              CUDNN_STATUS_SUCCESS);
    std::vector<float> scratch(bytes / sizeof(float), kNaN);
    EXPECT_EQ(bytes, lowered ? dnn::conv_forward_gemm_workspace(xs, ws, ys) * sizeof(float) : 0u);
    auto want = y0;
    if (lowered) {
      dnn::conv_forward_gemm(xs, x.data(), ws, w.data(), p.params, alpha, beta, ys, want.data(),
                             scratch.data());
    } else {
      dnn::conv_forward_direct(xs, x.data(), ws, w.data(), p.params, alpha, beta, ys, want.data());
    }
    const CUdeviceptr dy_out = upload(y0);
    const CUdeviceptr dws = upload(std::vector<float>(bytes / sizeof(float), kNaN));
    ASSERT_EQ(cudnnConvolutionForward(handle_, &alpha, p.x, f(dx_in), p.w, f(dw_in), p.conv, algo,
                                      bytes ? f(dws) : nullptr, bytes, &beta, p.y, f(dy_out)),
              CUDNN_STATUS_SUCCESS);
    sync();
    expect_bitwise_equal(download(dy_out, y0.size()), want);
    if (lowered) {
      // The kernel lowered the input into the workspace.
      expect_bitwise_equal(download(dws, scratch.size()), scratch);
    }
  }

  for (auto algo : {CUDNN_CONVOLUTION_BWD_DATA_ALGO_0, CUDNN_CONVOLUTION_BWD_DATA_ALGO_1}) {
    size_t bytes = 0;
    ASSERT_EQ(
        cudnnGetConvolutionBackwardDataWorkspaceSize(handle_, p.w, p.y, p.conv, p.x, algo, &bytes),
        CUDNN_STATUS_SUCCESS);
    EXPECT_EQ(bytes == 0, algo == CUDNN_CONVOLUTION_BWD_DATA_ALGO_0);
    std::vector<float> scratch(bytes / sizeof(float));
    auto want = dx0;
    if (bytes != 0) {
      dnn::conv_backward_data_gemm(ws, w.data(), ys, dy.data(), p.params, alpha, beta, xs,
                                   want.data(), scratch.data());
    } else {
      dnn::conv_backward_data_direct(ws, w.data(), ys, dy.data(), p.params, alpha, beta, xs,
                                     want.data());
    }
    const CUdeviceptr out = upload(dx0), dws = alloc(bytes);
    ASSERT_EQ(cudnnConvolutionBackwardData(handle_, &alpha, p.w, f(dw_in), p.y, f(ddy), p.conv,
                                           algo, f(dws), bytes, &beta, p.x, f(out)),
              CUDNN_STATUS_SUCCESS);
    sync();
    expect_bitwise_equal(download(out, dx0.size()), want);
  }

  for (auto algo : {CUDNN_CONVOLUTION_BWD_FILTER_ALGO_0, CUDNN_CONVOLUTION_BWD_FILTER_ALGO_1}) {
    size_t bytes = 0;
    ASSERT_EQ(cudnnGetConvolutionBackwardFilterWorkspaceSize(handle_, p.x, p.y, p.conv, p.w, algo,
                                                             &bytes),
              CUDNN_STATUS_SUCCESS);
    EXPECT_EQ(bytes == 0, algo == CUDNN_CONVOLUTION_BWD_FILTER_ALGO_0);
    std::vector<float> scratch(bytes / sizeof(float));
    auto want = dw0;
    if (bytes != 0) {
      dnn::conv_backward_filter_gemm(xs, x.data(), ys, dy.data(), p.params, alpha, beta, ws,
                                     want.data(), scratch.data());
    } else {
      dnn::conv_backward_filter_direct(xs, x.data(), ys, dy.data(), p.params, alpha, beta, ws,
                                       want.data());
    }
    const CUdeviceptr out = upload(dw0), dws = alloc(bytes);
    ASSERT_EQ(cudnnConvolutionBackwardFilter(handle_, &alpha, p.x, f(dx_in), p.y, f(ddy), p.conv,
                                             algo, f(dws), bytes, &beta, p.w, f(out)),
              CUDNN_STATUS_SUCCESS);
    sync();
    expect_bitwise_equal(download(out, dw0.size()), want);
  }
}

INSTANTIATE_TEST_SUITE_P(LayoutsAndModes, CudnnConvolution,
                         ::testing::Combine(::testing::Bool(), ::testing::Bool()));

TEST_F(CudnnApi, WorkspaceMustBeLargeEnoughAndAlgorithmImplemented) {
  ConvProblem p(false, false);
  const auto algo = CUDNN_CONVOLUTION_FWD_ALGO_GEMM;
  size_t bytes = 0;
  ASSERT_EQ(cudnnGetConvolutionForwardWorkspaceSize(handle_, p.x, p.w, p.conv, p.y, algo, &bytes),
            CUDNN_STATUS_SUCCESS);
  ASSERT_GT(bytes, 0u);
  const CUdeviceptr x = alloc(span_of(p.x.shape()) * 4), w = alloc(span_of(p.w.shape()) * 4),
                    y = upload(std::vector<float>(span_of(p.y.shape()), 3.0f)), ws = alloc(bytes);
  const float one = 1.0f, zero = 0.0f;
  EXPECT_EQ(cudnnConvolutionForward(handle_, &one, p.x, f(x), p.w, f(w), p.conv, algo, f(ws),
                                    bytes - 4, &zero, p.y, f(y)),
            CUDNN_STATUS_BAD_PARAM);
  EXPECT_EQ(cudnnConvolutionForward(handle_, &one, p.x, f(x), p.w, f(w), p.conv, algo, nullptr,
                                    bytes, &zero, p.y, f(y)),
            CUDNN_STATUS_BAD_PARAM);
  EXPECT_EQ(cudnnConvolutionForward(handle_, &one, p.x, f(x), p.w, f(w), p.conv,
                                    CUDNN_CONVOLUTION_FWD_ALGO_FFT, f(ws), bytes, &zero, p.y, f(y)),
            CUDNN_STATUS_NOT_SUPPORTED);
  size_t ignored = 0;
  EXPECT_EQ(cudnnGetConvolutionForwardWorkspaceSize(handle_, p.x, p.w, p.conv, p.y,
                                                    CUDNN_CONVOLUTION_FWD_ALGO_WINOGRAD, &ignored),
            CUDNN_STATUS_NOT_SUPPORTED);
  sync();
  for (float v : download(y, span_of(p.y.shape()))) ASSERT_EQ(v, 3.0f);  // nothing ran
}

TEST_F(CudnnApi, AlgorithmListsAreDeterministicAndUsable) {
  ConvProblem p(true, false);
  cudnnConvolutionFwdAlgoPerf_t got[8], found[8];
  int n_got = 0, n_found = 0;
  ASSERT_EQ(cudnnGetConvolutionForwardAlgorithm_v7(handle_, p.x, p.w, p.conv, p.y, 8, &n_got, got),
            CUDNN_STATUS_SUCCESS);
  ASSERT_EQ(
      cudnnFindConvolutionForwardAlgorithm(handle_, p.x, p.w, p.conv, p.y, 8, &n_found, found),
      CUDNN_STATUS_SUCCESS);
  ASSERT_EQ(n_got, 8);
  ASSERT_EQ(n_found, 8);
  int usable = 0;
  for (int i = 0; i < n_got; ++i) {
    EXPECT_EQ(got[i].algo, found[i].algo);
    EXPECT_EQ(got[i].status, found[i].status);
    EXPECT_EQ(got[i].memory, found[i].memory);
    if (got[i].status != CUDNN_STATUS_SUCCESS) continue;
    EXPECT_EQ(usable, i) << "implemented algorithms come first";
    ++usable;
    size_t bytes = 0;
    ASSERT_EQ(cudnnGetConvolutionForwardWorkspaceSize(handle_, p.x, p.w, p.conv, p.y, got[i].algo,
                                                      &bytes),
              CUDNN_STATUS_SUCCESS);
    EXPECT_EQ(got[i].memory, bytes);
  }
  EXPECT_EQ(usable, 3);

  cudnnConvolutionBwdDataAlgoPerf_t data[6];
  ASSERT_EQ(
      cudnnGetConvolutionBackwardDataAlgorithm_v7(handle_, p.w, p.y, p.conv, p.x, 1, &n_got, data),
      CUDNN_STATUS_SUCCESS);
  EXPECT_EQ(n_got, 1);
  EXPECT_EQ(data[0].status, CUDNN_STATUS_SUCCESS);
  ASSERT_EQ(
      cudnnFindConvolutionBackwardDataAlgorithm(handle_, p.w, p.y, p.conv, p.x, 6, &n_found, data),
      CUDNN_STATUS_SUCCESS);
  EXPECT_EQ(n_found, 6);
  cudnnConvolutionBwdFilterAlgoPerf_t filter[7];
  ASSERT_EQ(cudnnGetConvolutionBackwardFilterAlgorithm_v7(handle_, p.x, p.y, p.conv, p.w, 7, &n_got,
                                                          filter),
            CUDNN_STATUS_SUCCESS);
  EXPECT_EQ(n_got, 7);
  EXPECT_EQ(filter[0].status, CUDNN_STATUS_SUCCESS);
  EXPECT_EQ(cudnnGetConvolutionForwardAlgorithm_v7(handle_, p.x, p.w, p.conv, p.y, 0, &n_got, got),
            CUDNN_STATUS_BAD_PARAM);
}

TEST_F(CudnnApi, PointwiseAndPoolingOperationsMatchTheMath) {
  const dnn::Tensor4d xs = dnn::packed_nchw(2, 3, 6, 5), ps = dnn::packed_nhwc(2, 3, 3, 2);
  TensorDesc xd(xs), pd(ps);
  const auto x = random_tensor(xs, 10), y0 = random_tensor(xs, 11), dy = random_tensor(xs, 12);
  const CUdeviceptr dx_in = upload(x), ddy = upload(dy);
  const float alpha = 1.5f, beta = -0.5f, zero = 0.0f;

  // Activation (ELU), forward with blending, backward into NaN with beta 0.
  cudnnActivationDescriptor_t act = nullptr;
  ASSERT_EQ(cudnnCreateActivationDescriptor(&act), CUDNN_STATUS_SUCCESS);
  ASSERT_EQ(cudnnSetActivationDescriptor(act, CUDNN_ACTIVATION_ELU, CUDNN_NOT_PROPAGATE_NAN, 0.3),
            CUDNN_STATUS_SUCCESS);
  const dnn::ActivationParams ap{dnn::ActivationMode::kElu, 0.3f};
  auto act_y = y0;
  dnn::activation_forward(ap, xs, x.data(), alpha, beta, xs, act_y.data());
  std::vector<float> act_dx(x.size(), kNaN);
  dnn::activation_backward(ap, xs, act_y.data(), xs, dy.data(), xs, x.data(), 1.0f, 0.0f, xs,
                           act_dx.data());
  const CUdeviceptr d_act_y = upload(y0), d_act_dx = upload(std::vector<float>(x.size(), kNaN));
  ASSERT_EQ(cudnnActivationForward(handle_, act, &alpha, xd, f(dx_in), &beta, xd, f(d_act_y)),
            CUDNN_STATUS_SUCCESS);
  const float one = 1.0f;
  ASSERT_EQ(cudnnActivationBackward(handle_, act, &one, xd, f(d_act_y), xd, f(ddy), xd, f(dx_in),
                                    &zero, xd, f(d_act_dx)),
            CUDNN_STATUS_SUCCESS);

  // Max pooling 3x2, pad 1x0, stride 2: NCHW in, NHWC out.
  cudnnPoolingDescriptor_t pool = nullptr;
  ASSERT_EQ(cudnnCreatePoolingDescriptor(&pool), CUDNN_STATUS_SUCCESS);
  ASSERT_EQ(cudnnSetPooling2dDescriptor(pool, CUDNN_POOLING_MAX, CUDNN_NOT_PROPAGATE_NAN, 3, 2, 1,
                                        0, 2, 2),
            CUDNN_STATUS_SUCCESS);
  const dnn::PoolParams pp{dnn::PoolMode::kMax, 3, 2, 1, 0, 2, 2};
  const auto pool_dy = random_tensor(ps, 13);
  std::vector<float> pool_y(span_of(ps), kNaN), pool_dx(x.size(), kNaN);
  dnn::pool_forward(xs, x.data(), pp, 1.0f, 0.0f, ps, pool_y.data());
  dnn::pool_backward(xs, x.data(), ps, pool_dy.data(), pp, 1.0f, 0.0f, xs, pool_dx.data());
  const CUdeviceptr d_pool_y = upload(std::vector<float>(span_of(ps), kNaN)),
                    d_pool_dy = upload(pool_dy),
                    d_pool_dx = upload(std::vector<float>(x.size(), kNaN));
  ASSERT_EQ(cudnnPoolingForward(handle_, pool, &one, xd, f(dx_in), &zero, pd, f(d_pool_y)),
            CUDNN_STATUS_SUCCESS);
  ASSERT_EQ(cudnnPoolingBackward(handle_, pool, &one, pd, f(d_pool_y), pd, f(d_pool_dy), xd,
                                 f(dx_in), &zero, xd, f(d_pool_dx)),
            CUDNN_STATUS_SUCCESS);

  // Log-softmax over channels, forward and backward.
  const dnn::SoftmaxParams sp{dnn::SoftmaxAlgorithm::kLog, dnn::SoftmaxMode::kChannel};
  std::vector<float> sm_y(x.size(), kNaN), sm_dx = y0;
  dnn::softmax_forward(sp, xs, x.data(), 1.0f, 0.0f, xs, sm_y.data());
  dnn::softmax_backward(sp, xs, sm_y.data(), xs, dy.data(), alpha, beta, xs, sm_dx.data());
  const CUdeviceptr d_sm_y = upload(std::vector<float>(x.size(), kNaN)), d_sm_dx = upload(y0);
  ASSERT_EQ(cudnnSoftmaxForward(handle_, CUDNN_SOFTMAX_LOG, CUDNN_SOFTMAX_MODE_CHANNEL, &one, xd,
                                f(dx_in), &zero, xd, f(d_sm_y)),
            CUDNN_STATUS_SUCCESS);
  ASSERT_EQ(cudnnSoftmaxBackward(handle_, CUDNN_SOFTMAX_LOG, CUDNN_SOFTMAX_MODE_CHANNEL, &alpha, xd,
                                 f(d_sm_y), xd, f(ddy), &beta, xd, f(d_sm_dx)),
            CUDNN_STATUS_SUCCESS);

  // Bias: add a 1xCx1x1 tensor, then take its gradient.
  const dnn::Tensor4d bs = dnn::packed_nchw(1, 3, 1, 1);
  TensorDesc bd(bs);
  const std::vector<float> bias = {0.5f, -1.0f, 2.0f};
  auto added = y0;
  dnn::add_tensor(alpha, bs, bias.data(), 1.0f, xs, added.data());
  std::vector<float> db = {1.0f, 2.0f, 3.0f};
  dnn::bias_gradient(1.0f, xs, dy.data(), beta, bs, db.data());
  const CUdeviceptr d_added = upload(y0), d_bias = upload(bias),
                    d_db = upload(std::vector<float>{1.0f, 2.0f, 3.0f});
  ASSERT_EQ(cudnnAddTensor(handle_, &alpha, bd, f(d_bias), &one, xd, f(d_added)),
            CUDNN_STATUS_SUCCESS);
  ASSERT_EQ(cudnnConvolutionBackwardBias(handle_, &one, xd, f(ddy), &beta, bd, f(d_db)),
            CUDNN_STATUS_SUCCESS);

  sync();
  expect_bitwise_equal(download(d_act_y, x.size()), act_y);
  expect_bitwise_equal(download(d_act_dx, x.size()), act_dx);
  expect_bitwise_equal(download(d_pool_y, pool_y.size()), pool_y);
  expect_bitwise_equal(download(d_pool_dx, x.size()), pool_dx);
  expect_bitwise_equal(download(d_sm_y, x.size()), sm_y);
  expect_bitwise_equal(download(d_sm_dx, x.size()), sm_dx);
  expect_bitwise_equal(download(d_added, x.size()), added);
  expect_bitwise_equal(download(d_db, 3), db);
  cudnnDestroyActivationDescriptor(act);
  cudnnDestroyPoolingDescriptor(pool);
}

TEST_F(CudnnApi, RunsAsynchronouslyOnTheHandlesStream) {
  CUstream stream = nullptr, observer = nullptr;
  ASSERT_EQ(api().cuStreamCreate(&stream, CU_STREAM_NON_BLOCKING), CUDA_SUCCESS);
  ASSERT_EQ(api().cuStreamCreate(&observer, CU_STREAM_NON_BLOCKING), CUDA_SUCCESS);
  ASSERT_EQ(cudnnSetStream(handle_, stream), CUDNN_STATUS_SUCCESS);
  cudaStream_t got = nullptr;
  ASSERT_EQ(cudnnGetStream(handle_, &got), CUDNN_STATUS_SUCCESS);
  EXPECT_EQ(got, stream);

  ConvProblem p(false, false);
  const auto x = random_tensor(p.x.shape(), 20), w = random_tensor(p.w.shape(), 21),
             y0 = random_tensor(p.y.shape(), 22);
  auto want = y0;
  dnn::conv_forward_direct(p.x.shape(), x.data(), p.w.shape(), w.data(), p.params, 1.0f, 0.0f,
                           p.y.shape(), want.data());
  const CUdeviceptr dx = upload(x), dw = upload(w), dy = upload(y0);
  const float one = 1.0f, zero = 0.0f;
  {
    StreamGate gate(api(), stream);
    ASSERT_EQ(cudnnConvolutionForward(handle_, &one, p.x, f(dx), p.w, f(dw), p.conv,
                                      CUDNN_CONVOLUTION_FWD_ALGO_IMPLICIT_GEMM, nullptr, 0, &zero,
                                      p.y, f(dy)),
              CUDNN_STATUS_SUCCESS);
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    EXPECT_EQ(api().cuStreamQuery(stream), CUDA_ERROR_NOT_READY);
    std::vector<float> seen(y0.size());
    ASSERT_EQ(api().cuMemcpyDtoHAsync(seen.data(), dy, seen.size() * sizeof(float), observer),
              CUDA_SUCCESS);
    ASSERT_EQ(api().cuStreamSynchronize(observer), CUDA_SUCCESS);
    expect_bitwise_equal(seen, y0);
    gate.release();
    ASSERT_EQ(api().cuStreamSynchronize(stream), CUDA_SUCCESS);
  }
  expect_bitwise_equal(download(dy, y0.size()), want);
  EXPECT_EQ(api().cuStreamDestroy(stream), CUDA_SUCCESS);
  EXPECT_EQ(api().cuStreamDestroy(observer), CUDA_SUCCESS);
}

TEST_F(CudnnApi, DestroyWaitsForEnqueuedWork) {
  CUstream stream = nullptr, observer = nullptr;
  ASSERT_EQ(api().cuStreamCreate(&stream, CU_STREAM_NON_BLOCKING), CUDA_SUCCESS);
  ASSERT_EQ(api().cuStreamCreate(&observer, CU_STREAM_NON_BLOCKING), CUDA_SUCCESS);
  ASSERT_EQ(cudnnSetStream(handle_, stream), CUDNN_STATUS_SUCCESS);
  const dnn::Tensor4d t = dnn::packed_nchw(1, 4, 2, 2);
  TensorDesc d(t);
  const auto x = random_tensor(t, 70);
  std::vector<float> want(x.size(), kNaN);
  const dnn::SoftmaxParams sp{dnn::SoftmaxAlgorithm::kAccurate, dnn::SoftmaxMode::kChannel};
  dnn::softmax_forward(sp, t, x.data(), 1.0f, 0.0f, t, want.data());
  const CUdeviceptr dx = upload(x), dy = upload(std::vector<float>(x.size(), kNaN));
  const float one = 1.0f, zero = 0.0f;
  StreamGate gate(api(), stream);
  ASSERT_EQ(cudnnSoftmaxForward(handle_, CUDNN_SOFTMAX_ACCURATE, CUDNN_SOFTMAX_MODE_CHANNEL, &one,
                                d, f(dx), &zero, d, f(dy)),
            CUDNN_STATUS_SUCCESS);
  std::thread opener([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    gate.release();
  });
  EXPECT_EQ(cudnnDestroy(handle_), CUDNN_STATUS_SUCCESS);
  handle_ = nullptr;
  opener.join();
  // Without any further synchronisation of `stream`, the softmax is done.
  std::vector<float> seen(x.size());
  ASSERT_EQ(api().cuMemcpyDtoHAsync(seen.data(), dy, seen.size() * sizeof(float), observer),
            CUDA_SUCCESS);
  ASSERT_EQ(api().cuStreamSynchronize(observer), CUDA_SUCCESS);
  expect_bitwise_equal(seen, want);
  EXPECT_EQ(api().cuStreamDestroy(stream), CUDA_SUCCESS);
  EXPECT_EQ(api().cuStreamDestroy(observer), CUDA_SUCCESS);
}

TEST_F(CudnnApi, BadArgumentsGetStatusCodes) {
  ConvProblem p(false, false);
  const CUdeviceptr buf = alloc(1 << 16);
  const float one = 1.0f;
  EXPECT_EQ(cudnnConvolutionForward(nullptr, &one, p.x, f(buf), p.w, f(buf), p.conv,
                                    CUDNN_CONVOLUTION_FWD_ALGO_IMPLICIT_GEMM, nullptr, 0, &one, p.y,
                                    f(buf)),
            CUDNN_STATUS_BAD_PARAM);
  TensorDesc wrong_y(dnn::packed_nchw(2, 4, 3, 3));
  EXPECT_EQ(cudnnConvolutionForward(handle_, &one, p.x, f(buf), p.w, f(buf), p.conv,
                                    CUDNN_CONVOLUTION_FWD_ALGO_IMPLICIT_GEMM, nullptr, 0, &one,
                                    wrong_y, f(buf)),
            CUDNN_STATUS_BAD_PARAM);
  EXPECT_EQ(cudnnConvolutionForward(handle_, nullptr, p.x, f(buf), p.w, f(buf), p.conv,
                                    CUDNN_CONVOLUTION_FWD_ALGO_IMPLICIT_GEMM, nullptr, 0, &one, p.y,
                                    f(buf)),
            CUDNN_STATUS_BAD_PARAM);
  ASSERT_EQ(cudnnSetConvolutionGroupCount(p.conv, 2), CUDNN_STATUS_SUCCESS);
  EXPECT_EQ(cudnnConvolutionForward(handle_, &one, p.x, f(buf), p.w, f(buf), p.conv,
                                    CUDNN_CONVOLUTION_FWD_ALGO_IMPLICIT_GEMM, nullptr, 0, &one, p.y,
                                    f(buf)),
            CUDNN_STATUS_NOT_SUPPORTED);

  cudnnTensorDescriptor_t half = nullptr;
  ASSERT_EQ(cudnnCreateTensorDescriptor(&half), CUDNN_STATUS_SUCCESS);
  ASSERT_EQ(cudnnSetTensor4dDescriptor(half, CUDNN_TENSOR_NCHW, CUDNN_DATA_HALF, 1, 2, 3, 3),
            CUDNN_STATUS_SUCCESS);
  EXPECT_EQ(cudnnAddTensor(handle_, &one, half, f(buf), &one, half, f(buf)),
            CUDNN_STATUS_NOT_SUPPORTED);
  TensorDesc a(dnn::packed_nchw(1, 2, 3, 3)), c(dnn::packed_nchw(1, 3, 3, 3));
  EXPECT_EQ(cudnnAddTensor(handle_, &one, a, f(buf), &one, c, f(buf)), CUDNN_STATUS_BAD_PARAM);
  EXPECT_EQ(cudnnSoftmaxForward(handle_, CUDNN_SOFTMAX_ACCURATE, CUDNN_SOFTMAX_MODE_CHANNEL, &one,
                                a, f(buf), &one, c, f(buf)),
            CUDNN_STATUS_BAD_PARAM);
  cudnnDestroyTensorDescriptor(half);
}

}  // namespace
}  // namespace cudasim::testing
