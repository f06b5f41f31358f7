// What every swapping test does around a child program: a policy file for the
// tiny emulated card, the environment of a plain run and of a run under
// libgpuswap.so, and the eviction count from gpuswap's exit summary.
#pragma once

#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <map>
#include <string>

#include "child_process.h"

namespace gpuswap::testing {

// A temporary policy file, removed when this goes out of scope.
class PolicyFile {
 public:
  explicit PolicyFile(const std::string& yaml) {
    char name[] = "/tmp/gpuswap-swapping-test-XXXXXX";
    const int fd = mkstemp(name);
    if (fd >= 0) {
      close(fd);
      path_ = name;
      std::ofstream(path_) << yaml;
    }
  }
  ~PolicyFile() {
    if (!path_.empty()) std::remove(path_.c_str());
  }
  PolicyFile(const PolicyFile&) = delete;
  PolicyFile& operator=(const PolicyFile&) = delete;
  const std::string& path() const { return path_; }  // empty if it could not be made

 private:
  std::string path_;
};

// The emulated card is smaller than the default device reserve is meant for
// (room for a real GPU's context), so the tests let gpuswap use all of it.
inline const char* const kWholeCardPolicy = "device_reserve: 0\n";

inline std::map<std::string, std::string> plain_env(const std::string& device_memory) {
  return {{"LD_LIBRARY_PATH", CUDASIM_LIB_DIR}, {"CUDASIM_DEVICE_MEMORY", device_memory}};
}

// Under the shim, with the policy file and the exit summary (GPUSWAP_LOG=info).
inline std::map<std::string, std::string> shim_env(const std::string& device_memory,
                                                   const PolicyFile& policy) {
  std::map<std::string, std::string> env = plain_env(device_memory);
  env["LD_PRELOAD"] = GPUSWAP_TEST_PRELOAD;
  env["GPUSWAP_CONFIG"] = policy.path();
  env["GPUSWAP_LOG"] = "info";
  return env;
}

// The evictions the exit summary reports ("swapped: N evictions ..."), or -1.
inline long evictions(const std::string& err) {
  for (const std::string& line : lines_containing(err, "swapped: ")) {
    return std::strtol(line.c_str() + line.find("swapped: ") + 9, nullptr, 10);
  }
  return -1;
}

// The number that stands right before `tail` in the first line holding it;
// -1 when no line does.
inline long number_before(const std::string& err, const char* tail) {
  for (const std::string& line : lines_containing(err, tail)) {
    const std::size_t end = line.find(tail);
    const std::size_t start = line.rfind(' ', end - 1) + 1;
    return std::strtol(line.c_str() + start, nullptr, 10);
  }
  return -1;
}

// The kernel launches that took the runtime's fast path, from the exit
// summary, of those the ones that took the quiet path, and of those the
// unrecorded ones; -1 when not said.
inline long fast_launches(const std::string& err) {
  return number_before(err, " kernel launches took the fast path");
}
inline long quiet_launches(const std::string& err) {
  return number_before(err, " of them the quiet path");
}
inline long unrecorded_launches(const std::string& err) {
  return number_before(err, " of those unrecorded");
}

}  // namespace gpuswap::testing
