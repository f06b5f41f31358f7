// Reads a policy file into a validated Config. Every failure comes back as an
// Error naming the file, line, column, key, the bad value and what is allowed;
// nothing is thrown. Keys the file leaves out keep Config's defaults, and keys
// the loader does not know are errors, so a typo never passes silently.
//
// This is the YAML side of the layer (target gpuswap::config_yaml, which links
// yaml-cpp): the gpuswap command, the tests and libgpuswap_yaml.so use it;
// the preloaded libgpuswap.so reaches it only through that module
// (yaml_module.h), so it never links yaml-cpp itself.
#pragma once

#include <string>
#include <string_view>

#include "gpuswap/config/config.h"
#include "gpuswap/config/result.h"

namespace gpuswap::config {

// `source` names the text in errors (usually the file it came from).
Result<Config> load_config_string(std::string_view yaml, std::string_view source = "<string>");

// Errors name the file as `path` spells it.
Result<Config> load_config_file(const std::string& path);

}  // namespace gpuswap::config
