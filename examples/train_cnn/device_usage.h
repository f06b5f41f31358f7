// The device's own view of memory in use (total - free from cudaMemGetInfo),
// sampled whenever it may have grown; its peak is what the run needed of the
// card, including what the libraries and the context hold.
#pragma once

#include <cstddef>

namespace train_cnn {

class DeviceUsage {
 public:
  void sample();
  std::size_t peak_used() const { return peak_used_; }
  std::size_t total() const { return total_; }

 private:
  std::size_t peak_used_ = 0;
  std::size_t total_ = 0;
};

}  // namespace train_cnn
