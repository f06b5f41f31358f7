// CUDNN_BACKEND_VARIANT_PACK_DESCRIPTOR: the device memory of one execution,
// each data pointer under the unique id of the tensor it holds, and the
// workspace.
#pragma once

#include <cstdint>
#include <vector>

#include "backend_descriptor.h"

namespace cudasim::dnn::backend {

struct VariantPackValue {
  std::vector<std::int64_t> uids;
  std::vector<void*> pointers;  // same order as uids
  void* workspace = nullptr;

  // The pointer given for `uid`; false when the pack has none.
  bool find(std::int64_t uid, void** out) const;
};

class VariantPackDescriptor final : public Descriptor {
 public:
  VariantPackDescriptor() : Descriptor(CUDNN_BACKEND_VARIANT_PACK_DESCRIPTOR) {}
  const VariantPackValue& value() const { return value_; }

 private:
  cudnnStatus_t set_attribute(const AttributeWrite& a) override;
  cudnnStatus_t get_attribute(const AttributeRead& r) const override;
  cudnnStatus_t validate() override;
  void clear() override;

  VariantPackValue value_;
};

}  // namespace cudasim::dnn::backend
