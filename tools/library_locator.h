// Where `gpuswap run` finds libgpuswap.so: $GPUSWAP_LIBRARY when set,
// otherwise beside the gpuswap executable, in the build tree's
// ../interpose/, or in the installed ../lib/ (docs/swap-log.md, README).
#pragma once

#include <string>
#include <vector>

namespace gpuswap::tools {

struct LibraryLocation {
  std::string path;                   // empty when not found
  std::vector<std::string> searched;  // every place looked at, in order
  std::string error;                  // why not found; empty on success
};

// `executable`: the running gpuswap (from /proc/self/exe); `env_library`: the
// value of GPUSWAP_LIBRARY or nullptr.
LibraryLocation locate_library(const std::string& executable, const char* env_library);

// The running executable's path, or empty.
std::string current_executable();

}  // namespace gpuswap::tools
