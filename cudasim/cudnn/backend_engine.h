// CUDNN_BACKEND_ENGINE_DESCRIPTOR: an engine chosen for a graph by its global
// index. cudasim has one engine (index 0), which runs any fp32 pointwise
// graph within its limits; finalizing tells whether it supports the graph.
#pragma once

#include <cstdint>

#include "backend_descriptor.h"
#include "backend_operation_graph.h"
#include "graph_layout.h"

namespace cudasim::dnn::backend {

struct EngineValue {
  GraphValue graph;
  std::int64_t global_index = -1;
  GraphLayout layout;
};

class EngineDescriptor final : public Descriptor {
 public:
  EngineDescriptor() : Descriptor(CUDNN_BACKEND_ENGINE_DESCRIPTOR) {}
  const EngineValue& value() const { return value_; }

 private:
  cudnnStatus_t set_attribute(const AttributeWrite& a) override;
  cudnnStatus_t get_attribute(const AttributeRead& r) const override;
  cudnnStatus_t validate() override;
  void clear() override;

  EngineValue value_;
  bool has_graph_ = false;
};

}  // namespace cudasim::dnn::backend
