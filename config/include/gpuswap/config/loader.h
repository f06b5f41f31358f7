// Reads a policy file into a validated Config. Every failure comes back as an
// Error naming the file, line, column, key, the bad value and what is allowed;
// nothing is thrown. Keys the file leaves out keep Config's defaults, and keys
// the loader does not know are errors, so a typo never passes silently.
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
