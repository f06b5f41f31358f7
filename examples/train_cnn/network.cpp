#include "network.h"

namespace train_cnn {
namespace {

std::vector<ConvBlock> make_blocks(const CudaContext& ctx, DeviceAllocator& allocator,
                                   const Options& options, Lcg& rng) {
  std::vector<ConvBlock> blocks;
  blocks.reserve(options.widths.size());
  int channels = options.channels;
  int size = options.image;
  for (const int width : options.widths) {
    blocks.emplace_back(ctx, allocator, ConvShape{options.batch, channels, width, size}, rng);
    channels = width;
    size /= 2;
  }
  return blocks;
}

int flattened_features(const Options& options) {
  const int size = options.image >> options.widths.size();
  return options.widths.back() * size * size;
}

}  // namespace

Network::Network(const CudaContext& ctx, DeviceAllocator& allocator, const Options& options,
                 Lcg& rng)
    : blocks_(make_blocks(ctx, allocator, options, rng)),
      classifier_(ctx, allocator, options.batch, flattened_features(options), options.classes,
                  rng) {}

const float* Network::forward(const float* images) {
  const float* x = images;
  for (ConvBlock& block : blocks_) x = block.forward(x);
  return classifier_.forward(x);
}

void Network::backward(const float* dlogits) {
  const float* dy = classifier_.backward(dlogits);
  for (std::size_t i = blocks_.size(); i-- > 0;) dy = blocks_[i].backward(dy, i > 0);
}

void Network::end_step() {
  classifier_.end_step();
  for (ConvBlock& block : blocks_) block.end_step();
}

std::vector<Parameter> Network::parameters() {
  std::vector<Parameter> all;
  for (ConvBlock& block : blocks_) {
    for (const Parameter& p : block.parameters()) all.push_back(p);
  }
  for (const Parameter& p : classifier_.parameters()) all.push_back(p);
  return all;
}

}  // namespace train_cnn
