// Softmax cross-entropy over the logits, in the trainer's own kernels: the
// per-sample losses and the gradient in one kernel, their mean in a second
// (summed in a fixed order, so the printed loss is reproducible to the bit).
#pragma once

#include <cstdint>

#include "cuda_handles.h"
#include "device_allocator.h"

namespace train_cnn {

class SoftmaxCrossEntropy {
 public:
  SoftmaxCrossEntropy(const CudaContext& ctx, DeviceAllocator& allocator, int batch, int classes);

  // Enqueues the loss and its gradient; returns dL/dlogits (batch x classes),
  // valid until end_step(). The mean loss lands in host memory once the
  // stream reaches it: read it with loss() after synchronizing.
  const float* forward_backward(const float* logits, const std::int32_t* labels);
  float loss() const { return *host_loss_; }
  void end_step();

 private:
  const CudaContext& ctx_;
  DeviceAllocator& allocator_;
  int batch_;
  int classes_;
  DeviceBuffer device_loss_;
  UniqueHandle<void*, cudaFreeHost> pinned_;
  float* host_loss_ = nullptr;
  DeviceBuffer dlogits_, sample_loss_;
};

}  // namespace train_cnn
