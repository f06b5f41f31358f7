// One training run: the device context, the allocator the options choose,
// the model, the loss and the optimizer, stepped over synthetic batches.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>

#include "cuda_handles.h"
#include "device_allocator.h"
#include "device_usage.h"
#include "network.h"
#include "options.h"
#include "sgd.h"
#include "softmax_cross_entropy.h"
#include "synthetic_data.h"

namespace train_cnn {

class Trainer {
 public:
  // Sets everything up (weights included); throws CudaFailure.
  explicit Trainer(const Options& options);
  ~Trainer();
  Trainer(const Trainer&) = delete;
  Trainer& operator=(const Trainer&) = delete;

  // Trains on the batch of `step`; returns its loss (before the update).
  float step(int step);

  const AllocatorStats& allocator_stats() const { return allocator_->stats(); }
  const DeviceUsage& device_usage() const { return usage_; }

 private:
  Options options_;
  DeviceUsage usage_;  // before ctx_: creating the context samples it
  CudaContext ctx_;
  std::unique_ptr<DeviceAllocator> allocator_;
  Lcg init_rng_;
  Network network_;
  SoftmaxCrossEntropy loss_;
  Sgd sgd_;
  SyntheticData data_;
  UniqueHandle<void*, cudaFreeHost> host_images_;
  UniqueHandle<void*, cudaFreeHost> host_labels_;
  DeviceBuffer images_, labels_;
};

}  // namespace train_cnn
