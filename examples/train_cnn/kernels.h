// The trainer's own kernels. Two implementations stand behind these launch
// wrappers: kernels.cu (real CUDA kernels, built with nvcc for a GPU) and
// kernels_cudasim.cpp (host implementations registered with cudasim and
// launched through cudaLaunchKernel, as nvcc-generated code does). Both do the
// same arithmetic in the same order, with no contraction into fused
// multiply-adds, so they agree closely.
//
// Every wrapper enqueues on `stream` and returns the launch's status.
#pragma once

#include <cuda_runtime_api.h>

#include <cstdint>
#include <string>

namespace train_cnn {

// Makes the kernels launchable; false (with `why`) when the device cannot run
// them. Call once before the first launch.
bool prepare_kernels(std::string& why);

// Per sample n: loss[n] = -log softmax(logits[n])[labels[n]] and
// dlogits[n][j] = (softmax(logits[n])[j] - (j == labels[n])) / batch.
// logits and dlogits are batch x classes, row-major.
cudaError_t launch_softmax_xent(const float* logits, const std::int32_t* labels, float* dlogits,
                                float* sample_loss, int batch, int classes, cudaStream_t stream);

// loss[0] = (sum of sample_loss[0..batch) in index order) / batch.
cudaError_t launch_mean_loss(const float* sample_loss, float* loss, int batch, cudaStream_t stream);

// param[i] = param[i] - lr * grad[i].
cudaError_t launch_sgd(float* param, const float* grad, float lr, int count, cudaStream_t stream);

}  // namespace train_cnn
