#include "backend_pointwise.h"

namespace cudasim::dnn::backend {
namespace {

bool function_of(cudnnPointwiseMode_t mode, PointwiseFn* fn) {
  switch (mode) {
    case CUDNN_POINTWISE_ADD:
      *fn = PointwiseFn::add;
      return true;
    case CUDNN_POINTWISE_SUB:
      *fn = PointwiseFn::sub;
      return true;
    case CUDNN_POINTWISE_MUL:
      *fn = PointwiseFn::mul;
      return true;
    case CUDNN_POINTWISE_MAX:
      *fn = PointwiseFn::max;
      return true;
    case CUDNN_POINTWISE_MIN:
      *fn = PointwiseFn::min;
      return true;
    case CUDNN_POINTWISE_RELU_FWD:
      *fn = PointwiseFn::relu;
      return true;
    case CUDNN_POINTWISE_IDENTITY:
      *fn = PointwiseFn::identity;
      return true;
    default:
      return false;
  }
}

}  // namespace

cudnnStatus_t PointwiseDescriptor::set_attribute(const AttributeWrite& a) {
  cudnnStatus_t st = CUDNN_STATUS_SUCCESS;
  switch (a.name) {
    case CUDNN_ATTR_POINTWISE_MODE:
      st = a.one(CUDNN_TYPE_POINTWISE_MODE, &value_.mode);
      has_mode_ = has_mode_ || st == CUDNN_STATUS_SUCCESS;
      return st;
    case CUDNN_ATTR_POINTWISE_MATH_PREC:
      st = a.one(CUDNN_TYPE_DATA_TYPE, &value_.math_precision);
      has_precision_ = has_precision_ || st == CUDNN_STATUS_SUCCESS;
      return st;
    case CUDNN_ATTR_POINTWISE_NAN_PROPAGATION:
    case CUDNN_ATTR_POINTWISE_RELU_LOWER_CLIP:
    case CUDNN_ATTR_POINTWISE_RELU_UPPER_CLIP:
    case CUDNN_ATTR_POINTWISE_RELU_LOWER_CLIP_SLOPE:
    case CUDNN_ATTR_POINTWISE_ELU_ALPHA:
    case CUDNN_ATTR_POINTWISE_SOFTPLUS_BETA:
    case CUDNN_ATTR_POINTWISE_SWISH_BETA:
    case CUDNN_ATTR_POINTWISE_AXIS:
      return CUDNN_STATUS_NOT_SUPPORTED;
    default:
      return CUDNN_STATUS_BAD_PARAM;
  }
}

cudnnStatus_t PointwiseDescriptor::get_attribute(const AttributeRead& r) const {
  switch (r.name) {
    case CUDNN_ATTR_POINTWISE_MODE:
      return r.give_one(CUDNN_TYPE_POINTWISE_MODE, value_.mode);
    case CUDNN_ATTR_POINTWISE_MATH_PREC:
      return r.give_one(CUDNN_TYPE_DATA_TYPE, value_.math_precision);
    default:
      return CUDNN_STATUS_BAD_PARAM;
  }
}

cudnnStatus_t PointwiseDescriptor::validate() {
  if (!has_mode_ || !has_precision_) return CUDNN_STATUS_BAD_PARAM;
  if (!function_of(value_.mode, &value_.fn)) return CUDNN_STATUS_NOT_SUPPORTED;
  if (value_.math_precision != CUDNN_DATA_FLOAT) return CUDNN_STATUS_NOT_SUPPORTED_DATA_TYPE;
  return CUDNN_STATUS_SUCCESS;
}

void PointwiseDescriptor::clear() {
  value_ = PointwiseValue{};
  has_mode_ = has_precision_ = false;
}

}  // namespace cudasim::dnn::backend
