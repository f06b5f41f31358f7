#include "gpuswap/config/yaml_module.h"

#include <dlfcn.h>

#include <string_view>
#include <utility>

#include "gpuswap/config/policy_file_text.h"
#include "gpuswap/config/yaml_module_abi.h"
#include "strict_line.h"

namespace gpuswap::config {
namespace {

// What is wrong with the module, as an error of the policy file: the job
// cannot know what the file asks for, so it is treated like a malformed one.
Error module_error(const std::string& path, std::string_view text, const std::string& module_path,
                   const std::string& problem) {
  return Error{path,
               0,
               0,
               "",
               "cannot be read without the YAML module " + module_path + ": " + problem,
               detail::declares_strict(text)};
}

// Why the module did not load; the dynamic linker names the file that failed,
// which is the module itself (said once already) or a library it needs.
std::string load_failure(const DynamicLinker& linker, const std::string& module_path) {
  const char* message = linker.last_error != nullptr ? linker.last_error() : nullptr;
  if (message == nullptr) return "it cannot be loaded";
  std::string_view reason(message);
  const std::string own_prefix = module_path + ": ";
  if (reason.substr(0, own_prefix.size()) == own_prefix) reason.remove_prefix(own_prefix.size());
  return std::string(reason);
}

// Closes the module once the call is over: the result is plain heap memory
// and owes nothing to the module's code.
class OpenModule {
 public:
  OpenModule(const DynamicLinker& linker, const std::string& module_path)
      : linker_(linker), handle_(linker.open(module_path.c_str(), RTLD_NOW | RTLD_LOCAL)) {}
  ~OpenModule() {
    if (handle_ != nullptr && linker_.close != nullptr) linker_.close(handle_);
  }
  OpenModule(const OpenModule&) = delete;
  OpenModule& operator=(const OpenModule&) = delete;

  void* handle() const { return handle_; }

 private:
  const DynamicLinker& linker_;
  void* handle_;
};

}  // namespace

std::string yaml_module_path(const std::string& directory) {
  if (directory.empty()) return kYamlModuleFileName;
  if (directory.back() == '/') return directory + kYamlModuleFileName;
  return directory + "/" + kYamlModuleFileName;
}

Result<Config> load_config_file_with_module(const std::string& path, const std::string& module_path,
                                            const DynamicLinker& linker) {
  Result<std::string> text = read_policy_text(path);
  if (!text) return text.error();
  try {
    if (linker.open == nullptr || linker.symbol == nullptr) {
      return module_error(path, text.value(), module_path, "no dynamic linker to open it with");
    }
    const OpenModule module(linker, module_path);
    if (module.handle() == nullptr) {
      return module_error(path, text.value(), module_path, load_failure(linker, module_path));
    }
    const auto entry =
        reinterpret_cast<YamlModuleEntry>(linker.symbol(module.handle(), kYamlModuleEntryName));
    if (entry == nullptr) {
      return module_error(
          path, text.value(), module_path,
          std::string("it has no ") + kYamlModuleEntryName + " (not a gpuswap YAML module)");
    }
    Config config;
    Error error;
    YamlModuleCall call;
    call.text = text.value().data();
    call.text_size = text.value().size();
    call.source = path.c_str();
    call.config = &config;
    call.error = &error;
    switch (static_cast<YamlModuleStatus>(entry(kYamlModuleVersion, &call))) {
      case YamlModuleStatus::parsed:
        return config;
      case YamlModuleStatus::rejected:
        return error;
      case YamlModuleStatus::wrong_version:
        return module_error(path, text.value(), module_path,
                            "it was built for another gpuswap (interface version " +
                                std::to_string(kYamlModuleVersion) +
                                " expected); install the one built with this libgpuswap.so");
      case YamlModuleStatus::failed:
        break;
    }
    return module_error(path, text.value(), module_path, "it failed (out of memory)");
  } catch (const std::exception& e) {
    return Error{path, 0, 0, "", std::string("cannot be read: ") + e.what()};
  }
}

}  // namespace gpuswap::config
