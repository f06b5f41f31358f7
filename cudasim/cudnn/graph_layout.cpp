#include "graph_layout.h"

#include <map>

namespace cudasim::dnn::backend {
namespace {

// Every workspace piece starts on a 256-byte boundary, as cudaMalloc's do.
constexpr std::size_t kAlign = 256;

std::size_t round_up(std::size_t n) {
  return (n + kAlign - 1) / kAlign * kAlign;
}

}  // namespace

cudnnStatus_t lay_out(const GraphValue& graph, GraphLayout* layout) {
  if (graph.ops.size() > static_cast<std::size_t>(kGraphMaxOps) ||
      graph.tensors.size() > static_cast<std::size_t>(kGraphMaxTensors)) {
    return CUDNN_STATUS_NOT_SUPPORTED_GRAPH_PATTERN;
  }
  GraphLayout out;
  std::map<std::int64_t, std::int32_t> index;
  std::size_t cursor = round_up(sizeof(GraphRecord));
  for (const TensorValue& t : graph.tensors) {
    if (t.data_type != CUDNN_DATA_FLOAT) return CUDNN_STATUS_NOT_SUPPORTED_DATA_TYPE;
    const std::int32_t i = out.record.tensor_count++;
    index[t.uid] = i;
    out.record.tensors[i] = t.shape();
    GraphLayout::Slot slot{t.uid, t.is_virtual, t.alignment, 0};
    if (t.is_virtual) {
      slot.workspace_offset = cursor;
      cursor += round_up(graph_tensor_extent(out.record.tensors[i]));
    }
    out.slots.push_back(slot);
  }
  for (const PointwiseOperationValue& op : graph.ops) {
    GraphOp& g = out.record.ops[out.record.op_count++];
    g.fn = op.pointwise.fn;
    g.x = index.at(op.x.uid);
    g.b = op.has_b ? index.at(op.b.uid) : -1;
    g.y = index.at(op.y.uid);
    g.alpha1 = op.alpha1;
    g.alpha2 = op.alpha2;
  }
  out.workspace_bytes = cursor;
  *layout = std::move(out);
  return CUDNN_STATUS_SUCCESS;
}

}  // namespace cudasim::dnn::backend
