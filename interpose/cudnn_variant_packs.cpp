#include "cudnn_variant_packs.h"

#include <algorithm>
#include <new>

namespace gpuswap::interpose {

bool is_variant_pack_attribute(cudnnBackendAttributeName_t name) noexcept {
  switch (name) {
    case CUDNN_ATTR_VARIANT_PACK_UNIQUE_IDS:
    case CUDNN_ATTR_VARIANT_PACK_DATA_POINTERS:
    case CUDNN_ATTR_VARIANT_PACK_INTERMEDIATES:
    case CUDNN_ATTR_VARIANT_PACK_WORKSPACE:
    case CUDNN_ATTR_VARIANT_PACK_OVERRIDE_UNIQUE_IDS:
    case CUDNN_ATTR_VARIANT_PACK_OVERRIDE_SHAPES:
    case CUDNN_ATTR_VARIANT_PACK_OVERRIDE_STRIDES:
      return true;
    default:
      return false;
  }
}

cudnnStatus_t CudnnVariantPacks::set_attribute(SetAttribute real,
                                               cudnnBackendDescriptor_t descriptor,
                                               cudnnBackendAttributeName_t name,
                                               cudnnBackendAttributeType_t type, std::int64_t count,
                                               const void* elements) noexcept {
  const cudnnStatus_t status = real(descriptor, name, type, count, elements);
  // A refused set left the descriptor as it was, and so stays the record.
  if (status == CUDNN_STATUS_SUCCESS && is_variant_pack_attribute(name)) {
    record(descriptor, name, type, count, elements);
  }
  return status;
}

cudnnStatus_t CudnnVariantPacks::destroy(DestroyDescriptor real,
                                         cudnnBackendDescriptor_t descriptor) noexcept {
  // Forgotten before cuDNN frees it: once freed, another thread may be given
  // the same address for a new pack and record into it, which a forget
  // after the call would erase.
  forget(descriptor);
  return real(descriptor);
}

CudnnVariantPacks::Lookup CudnnVariantPacks::find(cudnnBackendDescriptor_t pack,
                                                  VariantPackView* out) const noexcept {
  const std::lock_guard lock(mutex_);
  const auto it = packs_.find(pack);
  if (it == packs_.end() || it->second.unreadable || !it->second.has_pointers) {
    return Lookup::unknown;
  }
  const Recorded& r = it->second;
  if (static_cast<std::uint64_t>(r.count) > out->pointers.size()) return Lookup::too_many;
  out->count = static_cast<std::size_t>(r.count);
  std::copy_n(r.pointers.begin(), out->count, out->pointers.begin());
  out->workspace = r.workspace;
  return Lookup::found;
}

void CudnnVariantPacks::record(cudnnBackendDescriptor_t descriptor,
                               cudnnBackendAttributeName_t name, cudnnBackendAttributeType_t type,
                               std::int64_t count, const void* elements) noexcept {
  const std::lock_guard lock(mutex_);
  Recorded* r = nullptr;
  try {
    r = &packs_[descriptor];
  } catch (const std::bad_alloc&) {
    // Without memory for the record the pack stays unknown here, and
    // cudnnBackendExecute falls back to asking cuDNN.
    return;
  }
  switch (name) {
    case CUDNN_ATTR_VARIANT_PACK_DATA_POINTERS:
      if (type != CUDNN_TYPE_VOID_PTR || count < 0 || (elements == nullptr && count > 0)) {
        r->unreadable = true;
        return;
      }
      r->count = count;
      r->has_pointers = true;
      std::copy_n(static_cast<void* const*>(elements),
                  std::min<std::uint64_t>(static_cast<std::uint64_t>(count), r->pointers.size()),
                  r->pointers.begin());
      return;
    case CUDNN_ATTR_VARIANT_PACK_WORKSPACE:
      if (type != CUDNN_TYPE_VOID_PTR || count != 1 || elements == nullptr) {
        r->unreadable = true;
        return;
      }
      r->workspace = *static_cast<void* const*>(elements);
      return;
    default:
      // Unique ids and overrides name no memory (cuDNN documents
      // intermediates as unused); they only show that the pack is being
      // built through the shim.
      return;
  }
}

void CudnnVariantPacks::forget(cudnnBackendDescriptor_t descriptor) noexcept {
  const std::lock_guard lock(mutex_);
  packs_.erase(descriptor);
}

}  // namespace gpuswap::interpose
