// A trainable tensor and its gradient, both in device memory.
#pragma once

namespace train_cnn {

struct Parameter {
  float* value;
  float* grad;
  int count;
};

}  // namespace train_cnn
