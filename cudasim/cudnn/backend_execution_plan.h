// CUDNN_BACKEND_EXECUTION_PLAN_DESCRIPTOR: an engine configuration ready to
// run, and the workspace size a variant pack must provide.
#pragma once

#include "backend_descriptor.h"
#include "graph_layout.h"

namespace cudasim::dnn::backend {

class ExecutionPlanDescriptor final : public Descriptor {
 public:
  ExecutionPlanDescriptor() : Descriptor(CUDNN_BACKEND_EXECUTION_PLAN_DESCRIPTOR) {}
  const GraphLayout& layout() const { return layout_; }

 private:
  cudnnStatus_t set_attribute(const AttributeWrite& a) override;
  cudnnStatus_t get_attribute(const AttributeRead& r) const override;
  cudnnStatus_t validate() override;
  void clear() override;

  cudnnHandle_t handle_ = nullptr;
  GraphLayout layout_;
  bool has_config_ = false;
};

}  // namespace cudasim::dnn::backend
