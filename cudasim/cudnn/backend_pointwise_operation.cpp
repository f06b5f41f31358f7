#include "backend_pointwise_operation.h"

#include "graph_math.h"

namespace cudasim::dnn::backend {
namespace {

cudnnStatus_t tensor(const AttributeWrite& a, TensorValue* out, bool* has) {
  const Descriptor* d = nullptr;
  const cudnnStatus_t st = referenced(a, CUDNN_BACKEND_TENSOR_DESCRIPTOR, &d);
  if (st != CUDNN_STATUS_SUCCESS) return st;
  *out = static_cast<const TensorDescriptor*>(d)->value();
  *has = true;
  return st;
}

// cuDNN takes the scaling factors as float or double.
cudnnStatus_t scale(const AttributeWrite& a, float* out) {
  if (a.type == CUDNN_TYPE_DOUBLE) {
    double v = 0.0;
    const cudnnStatus_t st = a.one(CUDNN_TYPE_DOUBLE, &v);
    if (st == CUDNN_STATUS_SUCCESS) *out = static_cast<float>(v);
    return st;
  }
  return a.one(CUDNN_TYPE_FLOAT, out);
}

}  // namespace

cudnnStatus_t PointwiseOperationDescriptor::set_attribute(const AttributeWrite& a) {
  switch (a.name) {
    case CUDNN_ATTR_OPERATION_POINTWISE_PW_DESCRIPTOR: {
      const Descriptor* d = nullptr;
      const cudnnStatus_t st = referenced(a, CUDNN_BACKEND_POINTWISE_DESCRIPTOR, &d);
      if (st != CUDNN_STATUS_SUCCESS) return st;
      value_.pointwise = static_cast<const PointwiseDescriptor*>(d)->value();
      has_pointwise_ = true;
      return st;
    }
    case CUDNN_ATTR_OPERATION_POINTWISE_XDESC:
      return tensor(a, &value_.x, &has_x_);
    case CUDNN_ATTR_OPERATION_POINTWISE_BDESC:
      return tensor(a, &value_.b, &value_.has_b);
    case CUDNN_ATTR_OPERATION_POINTWISE_YDESC:
      return tensor(a, &value_.y, &has_y_);
    case CUDNN_ATTR_OPERATION_POINTWISE_ALPHA1:
      return scale(a, &value_.alpha1);
    case CUDNN_ATTR_OPERATION_POINTWISE_ALPHA2:
      return scale(a, &value_.alpha2);
    case CUDNN_ATTR_OPERATION_POINTWISE_DXDESC:
    case CUDNN_ATTR_OPERATION_POINTWISE_DYDESC:
    case CUDNN_ATTR_OPERATION_POINTWISE_TDESC:
      return CUDNN_STATUS_NOT_SUPPORTED;
    default:
      return CUDNN_STATUS_BAD_PARAM;
  }
}

cudnnStatus_t PointwiseOperationDescriptor::get_attribute(const AttributeRead& r) const {
  switch (r.name) {
    case CUDNN_ATTR_OPERATION_POINTWISE_ALPHA1:
      return r.give_one(CUDNN_TYPE_FLOAT, value_.alpha1);
    case CUDNN_ATTR_OPERATION_POINTWISE_ALPHA2:
      return r.give_one(CUDNN_TYPE_FLOAT, value_.alpha2);
    default:
      return CUDNN_STATUS_BAD_PARAM;
  }
}

cudnnStatus_t PointwiseOperationDescriptor::validate() {
  if (!has_pointwise_ || !has_x_ || !has_y_) return CUDNN_STATUS_BAD_PARAM;
  // A binary function needs b; a unary one must not be given one.
  if (is_binary(value_.pointwise.fn) != value_.has_b) return CUDNN_STATUS_BAD_PARAM;
  // Each op writes a tensor of its own: no input may be its output.
  if (value_.x.uid == value_.y.uid || (value_.has_b && value_.b.uid == value_.y.uid)) {
    return CUDNN_STATUS_BAD_PARAM;
  }
  const GraphTensor y = value_.y.shape();
  if (!broadcasts_to(value_.x.shape(), y) ||
      (value_.has_b && !broadcasts_to(value_.b.shape(), y))) {
    return CUDNN_STATUS_BAD_PARAM_SHAPE_MISMATCH;
  }
  return CUDNN_STATUS_SUCCESS;
}

void PointwiseOperationDescriptor::clear() {
  value_ = PointwiseOperationValue{};
  has_pointwise_ = has_x_ = has_y_ = false;
}

}  // namespace cudasim::dnn::backend
