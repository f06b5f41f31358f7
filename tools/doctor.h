// `gpuswap doctor`: what this machine offers gpuswap, found without loading
// the shim: the library, the CUDA driver and the driver features the shim
// needs (virtual memory management, cuFuncGetParamInfo).
#pragma once

#include <string>

namespace gpuswap::tools {

struct DoctorReport {
  std::string text;    // one line per finding
  bool ready = false;  // everything gpuswap needs to swap is there
};

// `library`: the located libgpuswap.so or empty; `library_error`: why not.
DoctorReport run_doctor(const std::string& library, const std::string& library_error);

}  // namespace gpuswap::tools
