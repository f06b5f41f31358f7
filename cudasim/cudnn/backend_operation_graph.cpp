#include "backend_operation_graph.h"

#include <cstddef>
#include <cstdint>
#include <map>

namespace cudasim::dnn::backend {
namespace {

// cudasim offers one engine per graph.
constexpr std::int64_t kEngineCount = 1;

struct TensorUse {
  TensorValue tensor;
  int producers = 0;
  int consumers = 0;
  int producer = -1;
};

bool note(std::map<std::int64_t, TensorUse>& uses, const TensorValue& t, int producer) {
  auto [it, fresh] = uses.try_emplace(t.uid, TensorUse{t});
  if (!fresh && !it->second.tensor.same_tensor(t)) return false;
  if (producer >= 0) {
    ++it->second.producers;
    it->second.producer = producer;
  } else {
    ++it->second.consumers;
  }
  return true;
}

}  // namespace

cudnnStatus_t build_graph(const std::vector<PointwiseOperationValue>& ops, GraphValue* graph) {
  if (ops.empty()) return CUDNN_STATUS_BAD_PARAM;
  std::map<std::int64_t, TensorUse> uses;
  for (std::size_t i = 0; i < ops.size(); ++i) {
    const PointwiseOperationValue& op = ops[i];
    bool consistent = note(uses, op.x, -1) && note(uses, op.y, static_cast<int>(i));
    if (op.has_b) consistent = consistent && note(uses, op.b, -1);
    if (!consistent) return CUDNN_STATUS_BAD_PARAM;
  }
  for (const auto& [uid, use] : uses) {
    if (use.producers > 1) return CUDNN_STATUS_BAD_PARAM;
    if (use.tensor.is_virtual && (use.producers == 0 || use.consumers == 0)) {
      return CUDNN_STATUS_BAD_PARAM;
    }
  }
  // Kahn's order: an op runs once every tensor it reads is produced.
  auto ready = [&](const PointwiseOperationValue& op, const std::vector<bool>& done) {
    const TensorUse& x = uses.at(op.x.uid);
    if (x.producer >= 0 && !done[static_cast<std::size_t>(x.producer)]) return false;
    if (!op.has_b) return true;
    const TensorUse& b = uses.at(op.b.uid);
    return b.producer < 0 || done[static_cast<std::size_t>(b.producer)];
  };
  std::vector<bool> done(ops.size(), false);
  GraphValue sorted;
  sorted.handle = graph->handle;
  while (sorted.ops.size() < ops.size()) {
    bool progressed = false;
    for (std::size_t i = 0; i < ops.size(); ++i) {
      if (done[i] || !ready(ops[i], done)) continue;
      done[i] = true;
      sorted.ops.push_back(ops[i]);
      progressed = true;
    }
    if (!progressed) return CUDNN_STATUS_BAD_PARAM;  // a cycle
  }
  for (const auto& [uid, use] : uses) sorted.tensors.push_back(use.tensor);
  *graph = std::move(sorted);
  return CUDNN_STATUS_SUCCESS;
}

cudnnStatus_t OperationGraphDescriptor::set_attribute(const AttributeWrite& a) {
  switch (a.name) {
    case CUDNN_ATTR_OPERATIONGRAPH_HANDLE:
      return a.one(CUDNN_TYPE_HANDLE, &value_.handle);
    case CUDNN_ATTR_OPERATIONGRAPH_OPS: {
      if (const cudnnStatus_t st = a.check(CUDNN_TYPE_BACKEND_DESCRIPTOR, 1, INT64_MAX);
          st != CUDNN_STATUS_SUCCESS) {
        return st;
      }
      std::vector<PointwiseOperationValue> ops;
      for (std::int64_t i = 0; i < a.count; ++i) {
        const Descriptor* d = nullptr;
        const cudnnStatus_t st =
            finalized_of_type(a.array<cudnnBackendDescriptor_t>()[i],
                              CUDNN_BACKEND_OPERATION_POINTWISE_DESCRIPTOR, &d);
        if (st != CUDNN_STATUS_SUCCESS) return st;
        ops.push_back(static_cast<const PointwiseOperationDescriptor*>(d)->value());
      }
      ops_ = std::move(ops);
      return CUDNN_STATUS_SUCCESS;
    }
    case CUDNN_ATTR_OPERATIONGRAPH_IS_DYNAMIC_SHAPE_ENABLED:
    case CUDNN_ATTR_OPERATIONGRAPH_IS_SAME_TOPOLOGY:
      return CUDNN_STATUS_NOT_SUPPORTED;
    default:
      return CUDNN_STATUS_BAD_PARAM;
  }
}

cudnnStatus_t OperationGraphDescriptor::get_attribute(const AttributeRead& r) const {
  switch (r.name) {
    case CUDNN_ATTR_OPERATIONGRAPH_HANDLE:
      return r.give_one(CUDNN_TYPE_HANDLE, value_.handle);
    case CUDNN_ATTR_OPERATIONGRAPH_ENGINE_GLOBAL_COUNT:
      return r.give_one(CUDNN_TYPE_INT64, kEngineCount);
    default:
      return CUDNN_STATUS_BAD_PARAM;
  }
}

cudnnStatus_t OperationGraphDescriptor::validate() {
  return build_graph(ops_, &value_);
}

void OperationGraphDescriptor::clear() {
  value_ = GraphValue{};
  ops_.clear();
}

}  // namespace cudasim::dnn::backend
