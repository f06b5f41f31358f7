// Reading a policy file through libgpuswap_yaml.so, the private module that
// holds the YAML parser (yaml_module_abi.h): the preloaded libgpuswap.so links
// no yaml-cpp, and loads the module with RTLD_LOCAL only when a policy file is
// given, so the application never meets gpuswap's yaml-cpp.
#pragma once

#include <string>

#include "gpuswap/config/config.h"
#include "gpuswap/config/result.h"

namespace gpuswap::config {

// The dynamic linker, passed in: the shim exports its own dlopen and dlsym,
// so it hands over glibc's (interpose/libc_entry_points.h); tests hand over
// the plain functions.
struct DynamicLinker {
  void* (*open)(const char* file, int mode) = nullptr;
  void* (*symbol)(void* handle, const char* name) = nullptr;
  int (*close)(void* handle) = nullptr;
  char* (*last_error)() = nullptr;
};

// `directory`/libgpuswap_yaml.so.
std::string yaml_module_path(const std::string& directory);

// The policy file at `path`, parsed by the module at `module_path` (opened
// with RTLD_NOW | RTLD_LOCAL and closed again). A module that cannot be
// loaded, lacks the entry point or was built for another interface version
// gives an Error naming the file and the module path tried, like a malformed
// file: its `strict` comes from a top-level `strict: true` line of the text.
Result<Config> load_config_file_with_module(const std::string& path, const std::string& module_path,
                                            const DynamicLinker& linker);

}  // namespace gpuswap::config
