#include "sgd.h"

#include "kernels.h"

namespace train_cnn {

void Sgd::step(cudaStream_t stream) const {
  for (const Parameter& p : parameters_) {
    check_cuda(launch_sgd(p.value, p.grad, lr_, p.count, stream), "cudaLaunchKernel(sgd)");
  }
}

}  // namespace train_cnn
