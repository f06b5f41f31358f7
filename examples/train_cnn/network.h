// The VGG-style model: conv blocks with the widths asked for, then the fully
// connected classifier over the flattened last feature map.
#pragma once

#include <vector>

#include "conv_block.h"
#include "linear_layer.h"
#include "options.h"

namespace train_cnn {

class Network {
 public:
  Network(const CudaContext& ctx, DeviceAllocator& allocator, const Options& options, Lcg& rng);

  // images: batch x channels x image x image. Returns logits (batch x classes).
  const float* forward(const float* images);
  // dlogits: batch x classes. Leaves every parameter's gradient filled.
  void backward(const float* dlogits);
  void end_step();

  std::vector<Parameter> parameters();

 private:
  std::vector<ConvBlock> blocks_;
  LinearLayer classifier_;
};

}  // namespace train_cnn
