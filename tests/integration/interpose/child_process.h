// Runs a program in a child process with a controlled environment and
// returns its exit status and everything it wrote: the shim's behaviour
// depends on LD_PRELOAD and LD_LIBRARY_PATH, which only a fresh process sees.
#pragma once

#include <map>
#include <string>
#include <vector>

namespace gpuswap::testing {

struct ChildResult {
  int exit_code = -1;  // -1 when it did not exit normally
  std::string out;
  std::string err;
};

// The child's environment is the parent's without LD_PRELOAD,
// LD_LIBRARY_PATH and GPUSWAP_*, plus `env` (an empty value unsets).
ChildResult run_child(const std::vector<std::string>& argv,
                      const std::map<std::string, std::string>& env);

// Lines of `text` that contain `needle`.
std::vector<std::string> lines_containing(const std::string& text, const std::string& needle);

}  // namespace gpuswap::testing
