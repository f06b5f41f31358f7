#include "softmax_cross_entropy.h"

#include "kernels.h"

namespace train_cnn {

SoftmaxCrossEntropy::SoftmaxCrossEntropy(const CudaContext& ctx, DeviceAllocator& allocator,
                                         int batch, int classes)
    : ctx_(ctx),
      allocator_(allocator),
      batch_(batch),
      classes_(classes),
      device_loss_(allocator, sizeof(float)) {
  void* pinned = nullptr;
  check_cuda(cudaMallocHost(&pinned, sizeof(float)), "cudaMallocHost", sizeof(float));
  pinned_.reset(pinned);
  host_loss_ = static_cast<float*>(pinned);
}

const float* SoftmaxCrossEntropy::forward_backward(const float* logits,
                                                   const std::int32_t* labels) {
  const cudaStream_t stream = ctx_.stream.get();
  const std::size_t elements = static_cast<std::size_t>(batch_) * classes_;
  dlogits_ = DeviceBuffer(allocator_, elements * sizeof(float));
  sample_loss_ = DeviceBuffer(allocator_, batch_ * sizeof(float));
  check_cuda(launch_softmax_xent(logits, labels, dlogits_.f32(), sample_loss_.f32(), batch_,
                                 classes_, stream),
             "cudaLaunchKernel(softmax_xent)");
  check_cuda(launch_mean_loss(sample_loss_.f32(), device_loss_.f32(), batch_, stream),
             "cudaLaunchKernel(mean_loss)");
  check_cuda(cudaMemcpyAsync(host_loss_, device_loss_.get(), sizeof(float), cudaMemcpyDeviceToHost,
                             stream),
             "cudaMemcpyAsync");
  return dlogits_.f32();
}

void SoftmaxCrossEntropy::end_step() {
  sample_loss_ = DeviceBuffer();
  dlogits_ = DeviceBuffer();
}

}  // namespace train_cnn
