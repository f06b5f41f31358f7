// CUDA implementation of kernels.h for a real GPU. The arithmetic matches
// kernels_cudasim.cpp operation by operation; the _rn intrinsics keep nvcc
// from contracting a multiply and an add into one fused operation, which the
// host implementation does not do.
#include <cstdint>

#include "kernels.h"

namespace train_cnn {
namespace {

constexpr unsigned kThreads = 256;

unsigned blocks_for(int count) {
  return static_cast<unsigned>((static_cast<long long>(count) + kThreads - 1) / kThreads);
}

__global__ void softmax_xent_kernel(const float* logits, const std::int32_t* labels, float* dlogits,
                                    float* sample_loss, int batch, int classes) {
  const int n = static_cast<int>(blockIdx.x * blockDim.x + threadIdx.x);
  if (n >= batch) return;
  const float* row = logits + static_cast<std::size_t>(n) * classes;
  float* grad = dlogits + static_cast<std::size_t>(n) * classes;
  const int label = labels[n];
  float max = row[0];
  for (int j = 1; j < classes; ++j) max = row[j] > max ? row[j] : max;
  float sum = 0.0f;
  for (int j = 0; j < classes; ++j) sum = __fadd_rn(sum, expf(__fsub_rn(row[j], max)));
  sample_loss[n] = __fsub_rn(logf(sum), __fsub_rn(row[label], max));
  const float inv_batch = __fdiv_rn(1.0f, static_cast<float>(batch));
  for (int j = 0; j < classes; ++j) {
    const float p = __fdiv_rn(expf(__fsub_rn(row[j], max)), sum);
    grad[j] = __fmul_rn(__fsub_rn(p, j == label ? 1.0f : 0.0f), inv_batch);
  }
}

__global__ void mean_loss_kernel(const float* sample_loss, float* loss, int batch) {
  if (blockIdx.x != 0 || threadIdx.x != 0) return;
  float sum = 0.0f;
  for (int n = 0; n < batch; ++n) sum = __fadd_rn(sum, sample_loss[n]);
  loss[0] = __fdiv_rn(sum, static_cast<float>(batch));
}

__global__ void sgd_kernel(float* param, const float* grad, float lr, int count) {
  const int i = static_cast<int>(blockIdx.x * blockDim.x + threadIdx.x);
  if (i >= count) return;
  param[i] = __fsub_rn(param[i], __fmul_rn(lr, grad[i]));
}

}  // namespace

bool prepare_kernels(std::string&) {
  return true;
}

cudaError_t launch_softmax_xent(const float* logits, const std::int32_t* labels, float* dlogits,
                                float* sample_loss, int batch, int classes, cudaStream_t stream) {
  softmax_xent_kernel<<<blocks_for(batch), kThreads, 0, stream>>>(logits, labels, dlogits,
                                                                  sample_loss, batch, classes);
  return cudaGetLastError();
}

cudaError_t launch_mean_loss(const float* sample_loss, float* loss, int batch,
                             cudaStream_t stream) {
  mean_loss_kernel<<<1, 1, 0, stream>>>(sample_loss, loss, batch);
  return cudaGetLastError();
}

cudaError_t launch_sgd(float* param, const float* grad, float lr, int count, cudaStream_t stream) {
  sgd_kernel<<<blocks_for(count), kThreads, 0, stream>>>(param, grad, lr, count);
  return cudaGetLastError();
}

}  // namespace train_cnn
