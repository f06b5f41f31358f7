#include "backend_variant_pack.h"

#include <algorithm>
#include <set>

namespace cudasim::dnn::backend {

bool VariantPackValue::find(std::int64_t uid, void** out) const {
  const auto it = std::find(uids.begin(), uids.end(), uid);
  if (it == uids.end()) return false;
  *out = pointers[static_cast<std::size_t>(it - uids.begin())];
  return true;
}

cudnnStatus_t VariantPackDescriptor::set_attribute(const AttributeWrite& a) {
  cudnnStatus_t st = CUDNN_STATUS_SUCCESS;
  switch (a.name) {
    case CUDNN_ATTR_VARIANT_PACK_UNIQUE_IDS:
      st = a.check(CUDNN_TYPE_INT64, 0, INT64_MAX);
      if (st == CUDNN_STATUS_SUCCESS) {
        value_.uids.assign(a.array<std::int64_t>(), a.array<std::int64_t>() + a.count);
      }
      return st;
    case CUDNN_ATTR_VARIANT_PACK_DATA_POINTERS:
      st = a.check(CUDNN_TYPE_VOID_PTR, 0, INT64_MAX);
      if (st == CUDNN_STATUS_SUCCESS) {
        value_.pointers.assign(a.array<void*>(), a.array<void*>() + a.count);
      }
      return st;
    case CUDNN_ATTR_VARIANT_PACK_WORKSPACE:
      return a.one(CUDNN_TYPE_VOID_PTR, &value_.workspace);
    case CUDNN_ATTR_VARIANT_PACK_INTERMEDIATES:
    case CUDNN_ATTR_VARIANT_PACK_OVERRIDE_UNIQUE_IDS:
    case CUDNN_ATTR_VARIANT_PACK_OVERRIDE_SHAPES:
    case CUDNN_ATTR_VARIANT_PACK_OVERRIDE_STRIDES:
      return CUDNN_STATUS_NOT_SUPPORTED;
    default:
      return CUDNN_STATUS_BAD_PARAM;
  }
}

// cuDNN 9.19 answers NOT_SUPPORTED when asked a finalized pack's
// DATA_POINTERS; the other variant-pack attributes are assumed to be
// refused the same way, so nothing can rely on reading a pack back.
cudnnStatus_t VariantPackDescriptor::get_attribute(const AttributeRead& r) const {
  switch (r.name) {
    case CUDNN_ATTR_VARIANT_PACK_UNIQUE_IDS:
    case CUDNN_ATTR_VARIANT_PACK_DATA_POINTERS:
    case CUDNN_ATTR_VARIANT_PACK_INTERMEDIATES:
    case CUDNN_ATTR_VARIANT_PACK_WORKSPACE:
    case CUDNN_ATTR_VARIANT_PACK_OVERRIDE_UNIQUE_IDS:
    case CUDNN_ATTR_VARIANT_PACK_OVERRIDE_SHAPES:
    case CUDNN_ATTR_VARIANT_PACK_OVERRIDE_STRIDES:
      return CUDNN_STATUS_NOT_SUPPORTED;
    default:
      return CUDNN_STATUS_BAD_PARAM;
  }
}

cudnnStatus_t VariantPackDescriptor::validate() {
  if (value_.uids.size() != value_.pointers.size()) return CUDNN_STATUS_BAD_PARAM;
  const std::set<std::int64_t> distinct(value_.uids.begin(), value_.uids.end());
  if (distinct.size() != value_.uids.size()) return CUDNN_STATUS_BAD_PARAM_DUPLICATED_ENTRIES;
  return CUDNN_STATUS_SUCCESS;
}

void VariantPackDescriptor::clear() {
  value_ = VariantPackValue{};
}

}  // namespace cudasim::dnn::backend
