// CUDNN_BACKEND_ENGINECFG_DESCRIPTOR: an engine with its knob choices (the
// one engine has no knobs) and the workspace it needs.
#pragma once

#include "backend_descriptor.h"
#include "backend_engine.h"

namespace cudasim::dnn::backend {

class EngineConfigDescriptor final : public Descriptor {
 public:
  EngineConfigDescriptor() : Descriptor(CUDNN_BACKEND_ENGINECFG_DESCRIPTOR) {}
  const EngineValue& engine() const { return engine_; }

 private:
  cudnnStatus_t set_attribute(const AttributeWrite& a) override;
  cudnnStatus_t get_attribute(const AttributeRead& r) const override;
  cudnnStatus_t validate() override;
  void clear() override;

  EngineValue engine_;
  bool has_engine_ = false;
};

}  // namespace cudasim::dnn::backend
