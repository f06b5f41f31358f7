#include "backend_execution_plan.h"

#include <cstdint>

#include "backend_engine_config.h"

namespace cudasim::dnn::backend {

cudnnStatus_t ExecutionPlanDescriptor::set_attribute(const AttributeWrite& a) {
  switch (a.name) {
    case CUDNN_ATTR_EXECUTION_PLAN_HANDLE:
      return a.one(CUDNN_TYPE_HANDLE, &handle_);
    case CUDNN_ATTR_EXECUTION_PLAN_ENGINE_CONFIG: {
      const Descriptor* d = nullptr;
      const cudnnStatus_t st = referenced(a, CUDNN_BACKEND_ENGINECFG_DESCRIPTOR, &d);
      if (st != CUDNN_STATUS_SUCCESS) return st;
      layout_ = static_cast<const EngineConfigDescriptor*>(d)->engine().layout;
      has_config_ = true;
      return st;
    }
    case CUDNN_ATTR_EXECUTION_PLAN_RUN_ONLY_INTERMEDIATE_UIDS:
    case CUDNN_ATTR_EXECUTION_PLAN_KERNEL_CACHE:
    case CUDNN_ATTR_EXECUTION_PLAN_DEVICEPROP:
      return CUDNN_STATUS_NOT_SUPPORTED;
    default:
      return CUDNN_STATUS_BAD_PARAM;
  }
}

cudnnStatus_t ExecutionPlanDescriptor::get_attribute(const AttributeRead& r) const {
  switch (r.name) {
    case CUDNN_ATTR_EXECUTION_PLAN_HANDLE:
      return r.give_one(CUDNN_TYPE_HANDLE, handle_);
    case CUDNN_ATTR_EXECUTION_PLAN_WORKSPACE_SIZE:
      return r.give_one(CUDNN_TYPE_INT64, static_cast<std::int64_t>(layout_.workspace_bytes));
    default:
      return CUDNN_STATUS_BAD_PARAM;
  }
}

cudnnStatus_t ExecutionPlanDescriptor::validate() {
  return has_config_ ? CUDNN_STATUS_SUCCESS : CUDNN_STATUS_BAD_PARAM;
}

void ExecutionPlanDescriptor::clear() {
  handle_ = nullptr;
  layout_ = GraphLayout{};
  has_config_ = false;
}

}  // namespace cudasim::dnn::backend
