// Scratch memory for cuDNN math running inside kernels.
#pragma once

#include <cstddef>
#include <vector>

namespace cudasim::dnn {

// A buffer of at least `floats` floats, owned by the calling thread (a
// stream's worker) and reused by every kernel it runs. Kernels must not own
// heap memory themselves: one that faults on device memory is abandoned
// where it stands. Not reentrant: one buffer in use per thread at a time.
inline float* kernel_scratch(std::size_t floats) {
  thread_local std::vector<float> buffer;
  if (buffer.size() < floats) buffer.resize(floats);
  return buffer.data();
}

}  // namespace cudasim::dnn
