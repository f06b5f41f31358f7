// CUDNN_BACKEND_POINTWISE_DESCRIPTOR: which pointwise function an operation
// computes, and in what precision (fp32 only in cudasim).
#pragma once

#include "backend_descriptor.h"
#include "graph_record.h"

namespace cudasim::dnn::backend {

struct PointwiseValue {
  cudnnPointwiseMode_t mode = CUDNN_POINTWISE_ADD;
  cudnnDataType_t math_precision = CUDNN_DATA_FLOAT;
  PointwiseFn fn = PointwiseFn::add;
};

class PointwiseDescriptor final : public Descriptor {
 public:
  PointwiseDescriptor() : Descriptor(CUDNN_BACKEND_POINTWISE_DESCRIPTOR) {}
  const PointwiseValue& value() const { return value_; }

 private:
  cudnnStatus_t set_attribute(const AttributeWrite& a) override;
  cudnnStatus_t get_attribute(const AttributeRead& r) const override;
  cudnnStatus_t validate() override;
  void clear() override;

  PointwiseValue value_;
  bool has_mode_ = false;
  bool has_precision_ = false;
};

}  // namespace cudasim::dnn::backend
