#include "backend_engine_config.h"

#include <cstdint>

namespace cudasim::dnn::backend {

cudnnStatus_t EngineConfigDescriptor::set_attribute(const AttributeWrite& a) {
  switch (a.name) {
    case CUDNN_ATTR_ENGINECFG_ENGINE: {
      const Descriptor* d = nullptr;
      const cudnnStatus_t st = referenced(a, CUDNN_BACKEND_ENGINE_DESCRIPTOR, &d);
      if (st != CUDNN_STATUS_SUCCESS) return st;
      engine_ = static_cast<const EngineDescriptor*>(d)->value();
      has_engine_ = true;
      return st;
    }
    case CUDNN_ATTR_ENGINECFG_KNOB_CHOICES: {
      // No knobs: only an empty choice list is valid.
      const cudnnStatus_t st = a.check(CUDNN_TYPE_BACKEND_DESCRIPTOR, 0, INT64_MAX);
      if (st != CUDNN_STATUS_SUCCESS) return st;
      return a.count == 0 ? st : CUDNN_STATUS_NOT_SUPPORTED;
    }
    default:
      return CUDNN_STATUS_BAD_PARAM;
  }
}

cudnnStatus_t EngineConfigDescriptor::get_attribute(const AttributeRead& r) const {
  switch (r.name) {
    case CUDNN_ATTR_ENGINECFG_WORKSPACE_SIZE:
      return r.give_one(CUDNN_TYPE_INT64,
                        static_cast<std::int64_t>(engine_.layout.workspace_bytes));
    default:
      return CUDNN_STATUS_BAD_PARAM;
  }
}

cudnnStatus_t EngineConfigDescriptor::validate() {
  return has_engine_ ? CUDNN_STATUS_SUCCESS : CUDNN_STATUS_BAD_PARAM;
}

void EngineConfigDescriptor::clear() {
  engine_ = EngineValue{};
  has_engine_ = false;
}

}  // namespace cudasim::dnn::backend
