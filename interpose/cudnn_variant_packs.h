// The cuDNN backend variant packs the application has built, as it set them.
//
// Real cuDNN (9.19 at least) answers CUDNN_STATUS_NOT_SUPPORTED when
// cudnnBackendGetAttribute asks a variant pack for its data pointers, so the
// memory a cudnnBackendExecute touches cannot be read back from the pack.
// Every attribute the application sets goes through the shim's
// cudnnBackendSetAttribute, though: each successful set of a variant-pack
// attribute is recorded here, keyed by descriptor, and dropped when the
// descriptor is destroyed (its address may be handed out again).
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <mutex>
#include <unordered_map>

#include "cuda_api.h"
#include "cudnn_operands.h"

namespace gpuswap::interpose {

class CudnnVariantPacks {
 public:
  using SetAttribute = decltype(&::cudnnBackendSetAttribute);
  using DestroyDescriptor = decltype(&::cudnnBackendDestroyDescriptor);

  enum class Lookup : std::uint8_t {
    unknown,   // no variant-pack attribute of this descriptor was seen being set
    found,     // *out holds its data pointers and workspace
    too_many,  // more data pointers than VariantPackView holds
  };

  // Calls `real` with the arguments unchanged and returns its status; only
  // when it succeeds is a variant-pack attribute's value recorded.
  cudnnStatus_t set_attribute(SetAttribute real, cudnnBackendDescriptor_t descriptor,
                              cudnnBackendAttributeName_t name, cudnnBackendAttributeType_t type,
                              std::int64_t count, const void* elements) noexcept;

  // Forgets the descriptor, then calls `real` and returns its status.
  cudnnStatus_t destroy(DestroyDescriptor real, cudnnBackendDescriptor_t descriptor) noexcept;

  // The pack's recorded data pointers and workspace (workspace_bytes is left
  // as it is: the size is the plan's, not the pack's).
  Lookup find(cudnnBackendDescriptor_t pack, VariantPackView* out) const noexcept;

 private:
  struct Recorded {
    std::array<void*, VariantPackView::kMaxPointers> pointers{};
    std::int64_t count = 0;  // as set; above kMaxPointers only the first ones are kept
    void* workspace = nullptr;
    bool has_pointers = false;
    // A set that cuDNN accepted in an encoding the shim does not read: the
    // pack is then left to cudnnBackendGetAttribute rather than half known.
    bool unreadable = false;
  };

  void record(cudnnBackendDescriptor_t descriptor, cudnnBackendAttributeName_t name,
              cudnnBackendAttributeType_t type, std::int64_t count, const void* elements) noexcept;
  void forget(cudnnBackendDescriptor_t descriptor) noexcept;

  mutable std::mutex mutex_;
  std::unordered_map<cudnnBackendDescriptor_t, Recorded> packs_;
};

// Whether an attribute belongs to variant pack descriptors (cuDNN names the
// attributes of each descriptor type apart, so the name alone tells).
bool is_variant_pack_attribute(cudnnBackendAttributeName_t name) noexcept;

}  // namespace gpuswap::interpose
