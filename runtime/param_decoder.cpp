#include "gpuswap/runtime/param_decoder.h"

#include <cstdint>
#include <cstring>

namespace gpuswap::runtime {
namespace {

// Parameter values and extra buffers are host memory of any alignment.
std::uintptr_t load_word(const unsigned char* at) {
  std::uintptr_t word;
  std::memcpy(&word, at, sizeof(word));
  return word;
}

// Bounds the list walk: a real list has three pairs at most.
constexpr int kMaxExtraEntries = 64;

}  // namespace

Status scan_kernel_params(const ParamLayout& layout, void* const* kernel_params, const PageMap& map,
                          TouchedRegions* out) {
  if (out == nullptr) return Status(StatusCode::kInvalidValue);
  if (layout.param_count() == 0) return Status::ok();
  if (kernel_params == nullptr) return Status(StatusCode::kInvalidValue);
  const std::uint32_t count = static_cast<std::uint32_t>(layout.param_count());
  for (std::uint32_t i = 0; i < count; ++i) {
    if (kernel_params[i] == nullptr) return Status(StatusCode::kInvalidValue);
  }
  for (const ScanWord word : layout.scan_words()) {
    const auto* value = static_cast<const unsigned char*>(kernel_params[word.param]);
    out->add(map.region_at(load_word(value + word.offset)));
  }
  return Status::ok();
}

Status scan_extra(void* const* extra, const PageMap& map, TouchedRegions* out) {
  if (extra == nullptr || out == nullptr) return Status(StatusCode::kInvalidValue);
  const unsigned char* buffer = nullptr;
  const std::size_t* size = nullptr;
  int entry = 0;
  for (; entry < kMaxExtraEntries && extra[0] != CU_LAUNCH_PARAM_END; ++entry, extra += 2) {
    if (extra[0] == CU_LAUNCH_PARAM_BUFFER_POINTER) {
      buffer = static_cast<const unsigned char*>(extra[1]);
    } else if (extra[0] == CU_LAUNCH_PARAM_BUFFER_SIZE) {
      size = static_cast<const std::size_t*>(extra[1]);
    } else {
      return Status(StatusCode::kInvalidValue);
    }
  }
  if (entry == kMaxExtraEntries) return Status(StatusCode::kInvalidValue);
  if (buffer == nullptr && size == nullptr) return Status::ok();  // a kernel without parameters
  if (buffer == nullptr || size == nullptr || *size > kMaxParamBlockBytes) {
    return Status(StatusCode::kInvalidValue);
  }
  // The buffer is the packed block itself: offset 0 is block offset 0, so its
  // aligned words are the ones that can hold pointers.
  for (std::size_t at = 0; at + sizeof(std::uintptr_t) <= *size; at += sizeof(std::uintptr_t)) {
    out->add(map.region_at(load_word(buffer + at)));
  }
  return Status::ok();
}

Status ParamDecoder::decode(const void* function, FunctionKind kind, void* const* kernel_params,
                            void* const* extra, TouchedRegions* out) const {
  if (out == nullptr) return Status(StatusCode::kInvalidValue);
  out->clear();
  if (kernel_params != nullptr && extra != nullptr) return Status(StatusCode::kInvalidValue);
  if (extra != nullptr) return scan_extra(extra, map_, out);
  const ParamLayout* layout = nullptr;
  if (Status status = layouts_.lookup(function, kind, &layout); !status) return status;
  return scan_kernel_params(*layout, kernel_params, map_, out);
}

}  // namespace gpuswap::runtime
