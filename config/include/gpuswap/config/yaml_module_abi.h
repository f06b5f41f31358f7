// The one entry point of libgpuswap_yaml.so, the private module that holds the
// YAML parser. libgpuswap.so loads it with dlopen(RTLD_LOCAL) only when a
// policy file is given, so yaml-cpp never enters the global symbol scope of
// the application the shim is preloaded into (docs/dependencies.md).
//
// Both sides are built from this header in the same tree; the version below
// changes with any change to YamlModuleCall, Config or Error, and the sizes
// in the call catch a layout change that forgot to bump it.
#pragma once

#include <cstddef>
#include <cstdint>

#include "gpuswap/config/config.h"
#include "gpuswap/config/error.h"

namespace gpuswap::config {

inline constexpr std::uint32_t kYamlModuleVersion = 1;
inline constexpr const char* kYamlModuleFileName = "libgpuswap_yaml.so";
inline constexpr const char* kYamlModuleEntryName = "gpuswap_yaml_parse";

enum class YamlModuleStatus : int {
  parsed = 0,         // *config holds the file's validated contents
  rejected = 1,       // *error says what is wrong with the file (position, key, strict)
  wrong_version = 2,  // the module was built for another interface; nothing was touched
  failed = 3,         // no result (out of memory); nothing was touched
};

// Owned by the caller; the module only reads the inputs and assigns to one of
// the outputs.
struct YamlModuleCall {
  std::uint32_t config_size = sizeof(Config);
  std::uint32_t error_size = sizeof(Error);
  const char* text = nullptr;  // the file's contents, not NUL-terminated
  std::size_t text_size = 0;
  const char* source = nullptr;  // names the text in errors (the path as given)
  Config* config = nullptr;
  Error* error = nullptr;
};

// `version` is kYamlModuleVersion of the caller; `call` is read only when it
// matches the module's own. Never throws.
using YamlModuleEntry = int (*)(std::uint32_t version, YamlModuleCall* call) noexcept;

}  // namespace gpuswap::config
