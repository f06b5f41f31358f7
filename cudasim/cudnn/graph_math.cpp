#include "graph_math.h"

#include <algorithm>
#include <cstdint>

namespace cudasim::dnn {
namespace {

// The strides with which `in` is read while walking `out`'s elements: a
// broadcast dimension stays put.
void read_strides(const GraphTensor& in, const GraphTensor& out, std::int64_t* strides) {
  for (int d = 0; d < out.rank; ++d) {
    strides[d] = (in.dims[d] == 1 && out.dims[d] != 1) ? 0 : in.strides[d];
  }
}

void run_op(const GraphOp& op, const GraphTensor* tensors) {
  const GraphTensor& y = tensors[op.y];
  const GraphTensor& x = tensors[op.x];
  const GraphTensor* b = op.b >= 0 ? &tensors[op.b] : nullptr;
  std::int64_t xs[kGraphMaxDims] = {};
  std::int64_t bs[kGraphMaxDims] = {};
  read_strides(x, y, xs);
  if (b != nullptr) read_strides(*b, y, bs);

  std::int64_t count = 1;
  for (int d = 0; d < y.rank; ++d) count *= y.dims[d];
  // An odometer over y's index, keeping the three element offsets in step.
  std::int64_t index[kGraphMaxDims] = {};
  std::int64_t xo = 0, bo = 0, yo = 0;
  const int last = y.rank - 1;
  for (std::int64_t n = 0; n < count; ++n) {
    const float a = op.alpha1 * x.data[xo];
    const float c = b != nullptr ? op.alpha2 * b->data[bo] : 0.0f;
    y.data[yo] = pointwise(op.fn, a, c);
    for (int d = last; d >= 0; --d) {
      xo += xs[d];
      bo += bs[d];
      yo += y.strides[d];
      if (++index[d] < y.dims[d]) break;
      xo -= xs[d] * y.dims[d];
      bo -= bs[d] * y.dims[d];
      yo -= y.strides[d] * y.dims[d];
      index[d] = 0;
    }
  }
}

}  // namespace

float pointwise(PointwiseFn fn, float a, float c) {
  switch (fn) {
    case PointwiseFn::add:
      return a + c;
    case PointwiseFn::sub:
      return a - c;
    case PointwiseFn::mul:
      return a * c;
    case PointwiseFn::max:
      return std::max(a, c);
    case PointwiseFn::min:
      return std::min(a, c);
    case PointwiseFn::relu:
      return a > 0.0f ? a : 0.0f;
    case PointwiseFn::identity:
      return a;
  }
  return a;
}

bool broadcasts_to(const GraphTensor& in, const GraphTensor& out) {
  if (in.rank != out.rank) return false;
  for (int d = 0; d < out.rank; ++d) {
    if (in.dims[d] != out.dims[d] && in.dims[d] != 1) return false;
  }
  return true;
}

void run_graph(const GraphRecord& record) {
  for (int i = 0; i < record.op_count; ++i) run_op(record.ops[i], record.tensors);
}

}  // namespace cudasim::dnn
