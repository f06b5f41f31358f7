// CUDNN_BACKEND_TENSOR_DESCRIPTOR: a graph tensor's identity (its unique id,
// by which the variant pack names its memory), type and strided shape.
#pragma once

#include <cstdint>

#include "backend_descriptor.h"
#include "graph_record.h"

namespace cudasim::dnn::backend {

struct TensorValue {
  std::int64_t uid = 0;
  cudnnDataType_t data_type = CUDNN_DATA_FLOAT;
  std::int32_t rank = 0;
  std::int64_t dims[kGraphMaxDims] = {};
  std::int64_t strides[kGraphMaxDims] = {};
  std::int64_t alignment = 0;
  bool is_virtual = false;

  // The shape the graph engine walks (its data pointer left empty).
  GraphTensor shape() const;
  // Two uses of one uid must describe the same tensor.
  bool same_tensor(const TensorValue& other) const;
};

class TensorDescriptor final : public Descriptor {
 public:
  TensorDescriptor() : Descriptor(CUDNN_BACKEND_TENSOR_DESCRIPTOR) {}
  const TensorValue& value() const { return value_; }

 private:
  cudnnStatus_t set_attribute(const AttributeWrite& a) override;
  cudnnStatus_t get_attribute(const AttributeRead& r) const override;
  cudnnStatus_t validate() override;
  void clear() override;

  TensorValue value_;
  bool has_uid_ = false;
  bool has_type_ = false;
  std::int32_t stride_count_ = 0;
};

}  // namespace cudasim::dnn::backend
