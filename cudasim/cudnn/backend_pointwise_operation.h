// CUDNN_BACKEND_OPERATION_POINTWISE_DESCRIPTOR: y = f(alpha1 * x, alpha2 * b)
// over graph tensors, b broadcast over its size-1 dimensions (x too).
#pragma once

#include "backend_descriptor.h"
#include "backend_pointwise.h"
#include "backend_tensor.h"

namespace cudasim::dnn::backend {

struct PointwiseOperationValue {
  PointwiseValue pointwise;
  TensorValue x;
  bool has_b = false;
  TensorValue b;
  TensorValue y;
  float alpha1 = 1.0f;
  float alpha2 = 1.0f;
};

class PointwiseOperationDescriptor final : public Descriptor {
 public:
  PointwiseOperationDescriptor() : Descriptor(CUDNN_BACKEND_OPERATION_POINTWISE_DESCRIPTOR) {}
  const PointwiseOperationValue& value() const { return value_; }

 private:
  cudnnStatus_t set_attribute(const AttributeWrite& a) override;
  cudnnStatus_t get_attribute(const AttributeRead& r) const override;
  cudnnStatus_t validate() override;
  void clear() override;

  PointwiseOperationValue value_;
  bool has_pointwise_ = false;
  bool has_x_ = false;
  bool has_y_ = false;
};

}  // namespace cudasim::dnn::backend
