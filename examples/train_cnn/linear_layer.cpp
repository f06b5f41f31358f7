#include "linear_layer.h"

#include <cmath>

#include "param_init.h"

namespace train_cnn {

// Layout: x is batch x in and W is out x in, both row-major; cuBLAS is
// column-major, so it sees x as an in x batch matrix (x^T), W as in x out
// (W^T) and y as out x batch (y^T). Each product below is written in those
// column-major terms.

LinearLayer::LinearLayer(const CudaContext& ctx, DeviceAllocator& allocator, int batch,
                         int in_features, int out_features, Lcg& rng)
    : ctx_(ctx), allocator_(allocator), batch_(batch), in_(in_features), out_(out_features) {
  const std::size_t weights = static_cast<std::size_t>(in_) * out_;
  weight_ = DeviceBuffer(allocator, weights * sizeof(float));
  bias_ = DeviceBuffer(allocator, out_ * sizeof(float));
  weight_grad_ = DeviceBuffer(allocator, weights * sizeof(float));
  bias_grad_ = DeviceBuffer(allocator, out_ * sizeof(float));
  ones_ = DeviceBuffer(allocator, batch_ * sizeof(float));
  upload_uniform(weight_.f32(), weights, 1.0f / std::sqrt(static_cast<float>(in_)), rng);
  upload_constant(bias_.f32(), out_, 0.0f);
  upload_constant(ones_.f32(), batch_, 1.0f);
}

void LinearLayer::gemm(cublasOperation_t ta, cublasOperation_t tb, int m, int n, int k,
                       const float* a, int lda, const float* b, int ldb, float beta, float* c,
                       int ldc) {
  const float alpha = 1.0f;
  check_cublas(
      cublasSgemm_v2(ctx_.cublas.get(), ta, tb, m, n, k, &alpha, a, lda, b, ldb, &beta, c, ldc),
      "cublasSgemm_v2");
}

const float* LinearLayer::forward(const float* x) {
  x_ = x;
  y_ = DeviceBuffer(allocator_, static_cast<std::size_t>(batch_) * out_ * sizeof(float));
  // y^T (out x batch) = (W^T)^T x^T
  gemm(CUBLAS_OP_T, CUBLAS_OP_N, out_, batch_, in_, weight_.f32(), in_, x, in_, 0.0f, y_.f32(),
       out_);
  // y^T += b (out x 1) * ones (1 x batch)
  gemm(CUBLAS_OP_N, CUBLAS_OP_N, out_, batch_, 1, bias_.f32(), out_, ones_.f32(), 1, 1.0f, y_.f32(),
       out_);
  return y_.f32();
}

const float* LinearLayer::backward(const float* dy) {
  // dW^T (in x out) = x^T (in x batch) * (dy^T)^T
  gemm(CUBLAS_OP_N, CUBLAS_OP_T, in_, out_, batch_, x_, in_, dy, out_, 0.0f, weight_grad_.f32(),
       in_);
  // db (out x 1) = dy^T (out x batch) * ones (batch x 1)
  gemm(CUBLAS_OP_N, CUBLAS_OP_N, out_, 1, batch_, dy, out_, ones_.f32(), batch_, 0.0f,
       bias_grad_.f32(), out_);
  // dx^T (in x batch) = W^T (in x out) * dy^T (out x batch)
  dx_ = DeviceBuffer(allocator_, static_cast<std::size_t>(batch_) * in_ * sizeof(float));
  gemm(CUBLAS_OP_N, CUBLAS_OP_N, in_, batch_, out_, weight_.f32(), in_, dy, out_, 0.0f, dx_.f32(),
       in_);
  return dx_.f32();
}

void LinearLayer::end_step() {
  dx_ = DeviceBuffer();
  y_ = DeviceBuffer();
  x_ = nullptr;
}

std::vector<Parameter> LinearLayer::parameters() {
  return {{weight_.f32(), weight_grad_.f32(), in_ * out_}, {bias_.f32(), bias_grad_.f32(), out_}};
}

}  // namespace train_cnn
