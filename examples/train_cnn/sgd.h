// Plain stochastic gradient descent, one kernel launch per parameter tensor.
#pragma once

#include <utility>
#include <vector>

#include "cuda_handles.h"
#include "parameter.h"

namespace train_cnn {

class Sgd {
 public:
  Sgd(std::vector<Parameter> parameters, float lr) : parameters_(std::move(parameters)), lr_(lr) {}

  // Enqueues value -= lr * grad for every parameter on `stream`.
  void step(cudaStream_t stream) const;

 private:
  std::vector<Parameter> parameters_;
  float lr_;
};

}  // namespace train_cnn
