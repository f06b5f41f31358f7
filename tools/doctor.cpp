#include "doctor.h"

#include <cuda.h>
#include <dlfcn.h>
#include <unistd.h>

#include <cstdio>

#include "gpuswap/config/yaml_module.h"

namespace gpuswap::tools {
namespace {

template <class Fn>
Fn symbol(void* handle, const char* name) {
  return reinterpret_cast<Fn>(dlsym(handle, name));
}

std::string line(const char* label, const std::string& value) {
  char text[512];
  std::snprintf(text, sizeof text, "%-22s %s\n", label, value.c_str());
  return text;
}

// The module is opened as the library opens it, so that a reader whose own
// libraries (yaml-cpp) are missing on this machine is reported before a
// policy file goes unread.
std::string policy_reader_state(const std::string& module) {
  if (access(module.c_str(), R_OK) != 0) {
    return "missing: " + module + " (a policy file would not be read)";
  }
  void* handle = dlopen(module.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (handle == nullptr) {
    const char* why = dlerror();
    return "cannot be loaded: " + std::string(why != nullptr ? why : "?") +
           " (a policy file would not be read)";
  }
  dlclose(handle);
  return module;
}

}  // namespace

DoctorReport run_doctor(const std::string& library, const std::string& library_error) {
  DoctorReport report;
  report.text += line("libgpuswap.so", library.empty() ? "not found: " + library_error : library);
  if (!library.empty()) {
    // Policy files are read by this module, beside the library (docs/policy-file.md).
    const std::string directory = library.substr(0, library.find_last_of('/') + 1);
    const std::string module = config::yaml_module_path(directory.empty() ? "." : directory);
    report.text += line("policy-file reader", policy_reader_state(module));
  }

  // The driver is opened the way the CUDA runtime opens it; it stays loaded.
  void* driver = dlopen("libcuda.so.1", RTLD_NOW | RTLD_LOCAL);
  if (driver == nullptr) {
    const char* why = dlerror();
    report.text += line("libcuda.so.1", std::string("cannot be loaded: ") + (why ? why : "?"));
    report.text += line("verdict", "no CUDA driver: programs run without gpuswap's help");
    return report;
  }
  report.text += line("libcuda.so.1", "loaded");

  using InitFn = CUresult (*)(unsigned int);
  using VersionFn = CUresult (*)(int*);
  using CountFn = CUresult (*)(int*);
  using GetFn = CUresult (*)(CUdevice*, int);
  using NameFn = CUresult (*)(char*, int, CUdevice);
  using AttributeFn = CUresult (*)(int*, CUdevice_attribute, CUdevice);
  const auto init = symbol<InitFn>(driver, "cuInit");
  const auto version = symbol<VersionFn>(driver, "cuDriverGetVersion");
  const auto count = symbol<CountFn>(driver, "cuDeviceGetCount");
  const auto get = symbol<GetFn>(driver, "cuDeviceGet");
  const auto name = symbol<NameFn>(driver, "cuDeviceGetName");
  const auto attribute = symbol<AttributeFn>(driver, "cuDeviceGetAttribute");
  const bool param_info = dlsym(driver, "cuFuncGetParamInfo") != nullptr;
  if (init == nullptr || version == nullptr || count == nullptr || get == nullptr ||
      attribute == nullptr) {
    report.text += line("driver", "lacks basic entry points (cuInit, cuDeviceGet...)");
    return report;
  }

  int driver_version = 0;
  if (version(&driver_version) == CUDA_SUCCESS) {
    report.text += line("driver version", std::to_string(driver_version / 1000) + "." +
                                              std::to_string(driver_version % 1000 / 10));
  }
  report.text += line("cuFuncGetParamInfo", param_info ? "present" : "missing (driver too old)");
  const CUresult init_result = init(0);
  int devices = 0;
  if (init_result != CUDA_SUCCESS || count(&devices) != CUDA_SUCCESS || devices == 0) {
    report.text += line("devices", init_result == CUDA_SUCCESS
                                       ? "none"
                                       : "cuInit failed with error " + std::to_string(init_result));
    report.text += line("verdict", "no usable device: programs run without gpuswap's help");
    return report;
  }
  report.text += line("devices", std::to_string(devices));
  bool all_vmm = true;
  for (int i = 0; i < devices; ++i) {
    CUdevice device = 0;
    if (get(&device, i) != CUDA_SUCCESS) continue;
    char device_name[256] = "?";
    if (name != nullptr) name(device_name, sizeof device_name, device);
    int vmm = 0;
    attribute(&vmm, CU_DEVICE_ATTRIBUTE_VIRTUAL_MEMORY_MANAGEMENT_SUPPORTED, device);
    all_vmm = all_vmm && vmm != 0;
    const std::string label = "device " + std::to_string(i);
    report.text += line(label.c_str(),
                        std::string(device_name) + (vmm ? ", virtual memory management supported"
                                                        : ", NO virtual memory management"));
  }
  report.ready = !library.empty() && all_vmm && param_info;
  report.text += line("verdict", report.ready ? "ready: gpuswap can swap on this machine"
                                              : "gpuswap would run in pass-through mode");
  return report;
}

}  // namespace gpuswap::tools
