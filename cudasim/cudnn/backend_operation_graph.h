// CUDNN_BACKEND_OPERATIONGRAPH_DESCRIPTOR: the operations of one graph, joined
// by the unique ids of the tensors they share. Finalizing checks that the ops
// form a graph cuDNN accepts and puts them in an order that runs.
#pragma once

#include <cudnn.h>

#include <vector>

#include "backend_descriptor.h"
#include "backend_pointwise_operation.h"
#include "backend_tensor.h"

namespace cudasim::dnn::backend {

struct GraphValue {
  cudnnHandle_t handle = nullptr;
  std::vector<PointwiseOperationValue> ops;  // every op after those it reads from
  std::vector<TensorValue> tensors;          // one per unique id
};

// Validates `ops` as a graph and fills `graph` with them in running order.
// BAD_PARAM when one uid names two different tensors, a tensor has two
// producers, a virtual tensor is never produced or never consumed, or the
// ops form a cycle.
cudnnStatus_t build_graph(const std::vector<PointwiseOperationValue>& ops, GraphValue* graph);

class OperationGraphDescriptor final : public Descriptor {
 public:
  OperationGraphDescriptor() : Descriptor(CUDNN_BACKEND_OPERATIONGRAPH_DESCRIPTOR) {}
  const GraphValue& value() const { return value_; }

 private:
  cudnnStatus_t set_attribute(const AttributeWrite& a) override;
  cudnnStatus_t get_attribute(const AttributeRead& r) const override;
  cudnnStatus_t validate() override;
  void clear() override;

  GraphValue value_;
  std::vector<PointwiseOperationValue> ops_;
};

}  // namespace cudasim::dnn::backend
