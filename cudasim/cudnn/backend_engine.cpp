#include "backend_engine.h"

namespace cudasim::dnn::backend {

cudnnStatus_t EngineDescriptor::set_attribute(const AttributeWrite& a) {
  switch (a.name) {
    case CUDNN_ATTR_ENGINE_OPERATION_GRAPH: {
      const Descriptor* d = nullptr;
      const cudnnStatus_t st = referenced(a, CUDNN_BACKEND_OPERATIONGRAPH_DESCRIPTOR, &d);
      if (st != CUDNN_STATUS_SUCCESS) return st;
      value_.graph = static_cast<const OperationGraphDescriptor*>(d)->value();
      has_graph_ = true;
      return st;
    }
    case CUDNN_ATTR_ENGINE_GLOBAL_INDEX:
      return a.one(CUDNN_TYPE_INT64, &value_.global_index);
    case CUDNN_ATTR_ENGINE_SM_COUNT_TARGET:
    case CUDNN_ATTR_ENGINE_DEVICEPROP:
    case CUDNN_ATTR_ENGINE_DISABLE_CLUSTER_COOPERATIVE:
      return CUDNN_STATUS_NOT_SUPPORTED;
    default:
      return CUDNN_STATUS_BAD_PARAM;
  }
}

cudnnStatus_t EngineDescriptor::get_attribute(const AttributeRead& r) const {
  switch (r.name) {
    case CUDNN_ATTR_ENGINE_GLOBAL_INDEX:
      return r.give_one(CUDNN_TYPE_INT64, value_.global_index);
    default:
      return CUDNN_STATUS_BAD_PARAM;
  }
}

cudnnStatus_t EngineDescriptor::validate() {
  if (!has_graph_ || value_.global_index < 0) return CUDNN_STATUS_BAD_PARAM;
  if (value_.global_index != 0) return CUDNN_STATUS_BAD_PARAM_OUT_OF_BOUND;
  return lay_out(value_.graph, &value_.layout);
}

void EngineDescriptor::clear() {
  value_ = EngineValue{};
  has_graph_ = false;
}

}  // namespace cudasim::dnn::backend
