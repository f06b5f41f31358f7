// libgpuswap_yaml.so: the policy-file parser behind one C entry point
// (gpuswap/config/yaml_module_abi.h). Everything else of the module, yaml-cpp
// included, stays hidden inside it.
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>

#include "gpuswap/config/loader.h"
#include "gpuswap/config/yaml_module_abi.h"

namespace {

using gpuswap::config::YamlModuleCall;
using gpuswap::config::YamlModuleStatus;

int status(YamlModuleStatus value) {
  return static_cast<int>(value);
}

}  // namespace

// The entry's type is checked against YamlModuleEntry below, so the two sides
// cannot drift apart silently.
extern "C" __attribute__((visibility("default"))) int gpuswap_yaml_parse(
    std::uint32_t version, YamlModuleCall* call) noexcept {
  if (version != gpuswap::config::kYamlModuleVersion || call == nullptr ||
      call->config_size != sizeof(gpuswap::config::Config) ||
      call->error_size != sizeof(gpuswap::config::Error)) {
    return status(YamlModuleStatus::wrong_version);
  }
  if (call->config == nullptr || call->error == nullptr ||
      (call->text == nullptr && call->text_size != 0)) {
    return status(YamlModuleStatus::failed);
  }
  try {
    const std::string_view text(call->text, call->text_size);
    const std::string_view source = call->source != nullptr ? call->source : "<string>";
    auto result = gpuswap::config::load_config_string(text, source);
    if (!result) {
      *call->error = result.error();
      return status(YamlModuleStatus::rejected);
    }
    *call->config = std::move(result).value();
    return status(YamlModuleStatus::parsed);
  } catch (...) {
    // Only allocation failure gets here: load_config_string reports the rest.
    return status(YamlModuleStatus::failed);
  }
}

static_assert(std::is_same_v<decltype(&gpuswap_yaml_parse), gpuswap::config::YamlModuleEntry>);
