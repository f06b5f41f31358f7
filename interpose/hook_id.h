// Compile-time facts about every hooked symbol, generated from
// hooked_symbols.def: an enumerator per symbol and a constexpr table of names,
// cuGetProcAddress base names, versions and per-thread variants.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "cuda_api.h"  // first: neutralises cuda.h's cuGetProcAddress macro

namespace gpuswap::interpose {

enum class Library : std::uint8_t { driver, cudnn, cublas };

// Which default-stream flavour a driver entry point is (see hooked_symbols.def).
enum class Variant : std::uint8_t { none, legacy, ptds, ptsz };

enum class HookId : std::uint16_t {
#define GPUSWAP_DRIVER_HOOK(name, proto, base, version, variant) name,
#define GPUSWAP_CUDNN_HOOK(name, proto) name,
#define GPUSWAP_CUBLAS_HOOK(name, proto) name,
#include "hooked_symbols.def"
};

struct HookInfo {
  std::string_view name;  // the exported symbol
  std::string_view base;  // what callers ask cuGetProcAddress for (driver only)
  int version;            // CUDA version of this ABI (driver only)
  Variant variant;
  Library library;
};

inline constexpr std::array kHooks = {
#define GPUSWAP_DRIVER_HOOK(name, proto, base, version, variant) \
  HookInfo{#name, #base, version, Variant::variant, Library::driver},
#define GPUSWAP_CUDNN_HOOK(name, proto) HookInfo{#name, {}, 0, Variant::none, Library::cudnn},
#define GPUSWAP_CUBLAS_HOOK(name, proto) HookInfo{#name, {}, 0, Variant::none, Library::cublas},
#include "hooked_symbols.def"
};

inline constexpr std::size_t kHookCount = kHooks.size();

constexpr std::size_t index(HookId id) {
  return static_cast<std::size_t>(id);
}
constexpr const HookInfo& info(HookId id) {
  return kHooks[index(id)];
}

}  // namespace gpuswap::interpose
