// What one cudnnBackendExecute hands its kernel: the finalized graph with the
// variant pack's data pointers filled in. A plain, fixed-size struct: the
// call uploads it to the head of the workspace and the kernel reads it back
// from there, the way a fused engine reads its launch descriptor from global
// memory. The data pointers therefore live in device memory only, out of
// sight of anything that inspects kernel parameters.
#pragma once

#include <cstddef>
#include <cstdint>

namespace cudasim::dnn {

inline constexpr int kGraphMaxDims = 8;  // CUDNN_DIM_MAX
inline constexpr int kGraphMaxOps = 16;
inline constexpr int kGraphMaxTensors = 32;
inline constexpr std::uint64_t kGraphRecordMagic = 0x6870617267736463ull;

// The pointwise functions the graph engine computes (a subset of
// cudnnPointwiseMode_t, with the same meaning).
enum class PointwiseFn : std::int32_t { add, sub, mul, max, min, relu, identity };

inline constexpr bool is_binary(PointwiseFn fn) {
  return fn != PointwiseFn::relu && fn != PointwiseFn::identity;
}

struct GraphTensor {
  std::int32_t rank = 0;
  std::int64_t dims[kGraphMaxDims] = {};
  std::int64_t strides[kGraphMaxDims] = {};  // in elements
  float* data = nullptr;                     // a variant-pack pointer or workspace scratch
};

// y = fn(alpha1 * x, alpha2 * b); b is -1 for unary functions. Indices name
// entries of GraphRecord::tensors.
struct GraphOp {
  PointwiseFn fn = PointwiseFn::identity;
  std::int32_t x = -1;
  std::int32_t b = -1;
  std::int32_t y = -1;
  float alpha1 = 1.0f;
  float alpha2 = 1.0f;
};

// Ops are in an order where every op's inputs are written before it runs.
struct GraphRecord {
  std::uint64_t magic = kGraphRecordMagic;
  std::int32_t op_count = 0;
  std::int32_t tensor_count = 0;
  GraphOp ops[kGraphMaxOps];
  GraphTensor tensors[kGraphMaxTensors];
};

// Bytes from a tensor's first to one past its last element.
inline std::size_t graph_tensor_extent(const GraphTensor& t) {
  std::int64_t last = 0;
  for (int d = 0; d < t.rank; ++d) last += (t.dims[d] - 1) * t.strides[d];
  return static_cast<std::size_t>(last + 1) * sizeof(float);
}

}  // namespace cudasim::dnn
