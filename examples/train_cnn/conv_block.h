// One VGG block: 3x3 convolution (padding 1) -> bias -> ReLU -> 2x2 max
// pooling, forward and backward, all through cuDNN's legacy API. Activations
// are allocated per step (they scale with the batch and dominate memory) and
// kept until end_step(), because backward needs them.
#pragma once

#include <cstddef>
#include <vector>

#include "cuda_handles.h"
#include "device_allocator.h"
#include "lcg.h"
#include "parameter.h"

namespace train_cnn {

struct ConvShape {
  int batch;
  int in_channels;
  int out_channels;
  int size;  // input height == width; the output is size / 2
};

class ConvBlock {
 public:
  ConvBlock(const CudaContext& ctx, DeviceAllocator& allocator, ConvShape shape, Lcg& rng);

  // x: batch x in x size x size. Returns batch x out x size/2 x size/2,
  // valid until end_step(). x must stay valid until backward() is done.
  const float* forward(const float* x);
  // dy: gradient of forward's result. Fills the parameter gradients and
  // returns the gradient of x, or nullptr when `want_dx` is false.
  const float* backward(const float* dy, bool want_dx);
  // Releases this step's tensors; call once the stream has finished with them.
  void end_step();

  std::vector<Parameter> parameters();
  const ConvShape& shape() const { return shape_; }

 private:
  void choose_algorithms();
  float* scratch(std::size_t bytes);

  const CudaContext& ctx_;
  DeviceAllocator& allocator_;
  ConvShape shape_;

  TensorDesc x_desc_;
  TensorDesc conv_desc_out_;  // conv, bias and ReLU outputs
  TensorDesc pool_desc_out_;
  TensorDesc bias_desc_;
  FilterDesc filter_desc_;
  ConvDesc conv_desc_;
  ActivationDesc relu_desc_;
  PoolingDesc pool_desc_;

  cudnnConvolutionFwdAlgo_t fwd_algo_{};
  cudnnConvolutionBwdDataAlgo_t bwd_data_algo_{};
  cudnnConvolutionBwdFilterAlgo_t bwd_filter_algo_{};
  std::size_t fwd_workspace_ = 0;
  std::size_t bwd_data_workspace_ = 0;
  std::size_t bwd_filter_workspace_ = 0;

  DeviceBuffer weight_, bias_, weight_grad_, bias_grad_;

  const float* x_ = nullptr;
  DeviceBuffer conv_out_, relu_out_, pool_out_;
  std::vector<DeviceBuffer> step_tensors_;  // gradients and workspaces of this step
};

}  // namespace train_cnn
