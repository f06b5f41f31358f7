#include "backend_tensor.h"

#include <algorithm>

namespace cudasim::dnn::backend {

GraphTensor TensorValue::shape() const {
  GraphTensor t;
  t.rank = rank;
  std::copy(dims, dims + rank, t.dims);
  std::copy(strides, strides + rank, t.strides);
  return t;
}

bool TensorValue::same_tensor(const TensorValue& o) const {
  return uid == o.uid && data_type == o.data_type && rank == o.rank &&
         std::equal(dims, dims + rank, o.dims) && std::equal(strides, strides + rank, o.strides) &&
         alignment == o.alignment && is_virtual == o.is_virtual;
}

cudnnStatus_t TensorDescriptor::set_attribute(const AttributeWrite& a) {
  cudnnStatus_t st = CUDNN_STATUS_SUCCESS;
  switch (a.name) {
    case CUDNN_ATTR_TENSOR_UNIQUE_ID:
      st = a.one(CUDNN_TYPE_INT64, &value_.uid);
      has_uid_ = has_uid_ || st == CUDNN_STATUS_SUCCESS;
      return st;
    case CUDNN_ATTR_TENSOR_DATA_TYPE:
      st = a.one(CUDNN_TYPE_DATA_TYPE, &value_.data_type);
      has_type_ = has_type_ || st == CUDNN_STATUS_SUCCESS;
      return st;
    case CUDNN_ATTR_TENSOR_DIMENSIONS:
      st = a.check(CUDNN_TYPE_INT64, 1, kGraphMaxDims);
      if (st != CUDNN_STATUS_SUCCESS) return st;
      value_.rank = static_cast<std::int32_t>(a.count);
      std::copy_n(a.array<std::int64_t>(), a.count, value_.dims);
      return st;
    case CUDNN_ATTR_TENSOR_STRIDES:
      st = a.check(CUDNN_TYPE_INT64, 1, kGraphMaxDims);
      if (st != CUDNN_STATUS_SUCCESS) return st;
      stride_count_ = static_cast<std::int32_t>(a.count);
      std::copy_n(a.array<std::int64_t>(), a.count, value_.strides);
      return st;
    case CUDNN_ATTR_TENSOR_BYTE_ALIGNMENT:
      return a.one(CUDNN_TYPE_INT64, &value_.alignment);
    case CUDNN_ATTR_TENSOR_IS_VIRTUAL:
      return a.one(CUDNN_TYPE_BOOLEAN, &value_.is_virtual);
    case CUDNN_ATTR_TENSOR_IS_BY_VALUE: {
      bool by_value = false;
      st = a.one(CUDNN_TYPE_BOOLEAN, &by_value);
      return st == CUDNN_STATUS_SUCCESS && by_value ? CUDNN_STATUS_NOT_SUPPORTED : st;
    }
    case CUDNN_ATTR_TENSOR_VECTOR_COUNT:
    case CUDNN_ATTR_TENSOR_VECTORIZED_DIMENSION:
    case CUDNN_ATTR_TENSOR_REORDERING_MODE:
    case CUDNN_ATTR_TENSOR_RAGGED_OFFSET_DESC:
      return CUDNN_STATUS_NOT_SUPPORTED;
    default:
      return CUDNN_STATUS_BAD_PARAM;
  }
}

cudnnStatus_t TensorDescriptor::get_attribute(const AttributeRead& r) const {
  switch (r.name) {
    case CUDNN_ATTR_TENSOR_UNIQUE_ID:
      return r.give_one(CUDNN_TYPE_INT64, value_.uid);
    case CUDNN_ATTR_TENSOR_DATA_TYPE:
      return r.give_one(CUDNN_TYPE_DATA_TYPE, value_.data_type);
    case CUDNN_ATTR_TENSOR_DIMENSIONS:
      return r.give(CUDNN_TYPE_INT64, value_.dims, value_.rank);
    case CUDNN_ATTR_TENSOR_STRIDES:
      return r.give(CUDNN_TYPE_INT64, value_.strides, value_.rank);
    case CUDNN_ATTR_TENSOR_BYTE_ALIGNMENT:
      return r.give_one(CUDNN_TYPE_INT64, value_.alignment);
    case CUDNN_ATTR_TENSOR_IS_VIRTUAL:
      return r.give_one(CUDNN_TYPE_BOOLEAN, value_.is_virtual);
    default:
      return CUDNN_STATUS_BAD_PARAM;
  }
}

cudnnStatus_t TensorDescriptor::validate() {
  if (!has_uid_ || !has_type_ || value_.rank == 0 || stride_count_ != value_.rank ||
      value_.alignment <= 0) {
    return CUDNN_STATUS_BAD_PARAM;
  }
  for (int d = 0; d < value_.rank; ++d) {
    if (value_.dims[d] <= 0 || value_.strides[d] <= 0) return CUDNN_STATUS_BAD_PARAM;
  }
  return CUDNN_STATUS_SUCCESS;
}

void TensorDescriptor::clear() {
  value_ = TensorValue{};
  has_uid_ = has_type_ = false;
  stride_count_ = 0;
}

}  // namespace cudasim::dnn::backend
