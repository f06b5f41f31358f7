// Deterministic synthetic images and labels. Each class lights up its own band
// of rows in its own channel on top of uniform noise, so a CNN can learn the
// task and the loss falls within a few steps.
#pragma once

#include <cstdint>
#include <vector>

namespace train_cnn {

struct BatchShape {
  int batch;
  int channels;
  int image;  // height == width
  int classes;
};

class SyntheticData {
 public:
  SyntheticData(BatchShape shape, std::uint64_t seed) : shape_(shape), seed_(seed) {}

  // Fills images (NCHW, batch*channels*image*image floats) and labels (batch
  // ints) for `step`; the same (seed, step) always gives the same batch.
  void fill(int step, float* images, std::int32_t* labels) const;

  std::size_t image_floats() const;

 private:
  BatchShape shape_;
  std::uint64_t seed_;
};

}  // namespace train_cnn
