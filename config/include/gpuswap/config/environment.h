// Environment overrides. The environment is an explicit argument, never read
// deep inside, so tests pass a map and the interposer passes the process
// environment once at start.
//
//   GPUSWAP_CONFIG         path of the policy file (unset: all defaults)
//   GPUSWAP_LOG            log.level
//   GPUSWAP_DEVICE_BUDGET  device_budget
//   GPUSWAP_HOST_BUDGET    host_budget
//   GPUSWAP_TRACE          trace.path
//   GPUSWAP_TRACE_LEVEL    trace.level
//
// An override wins over the file. A variable set to the empty string counts as
// unset. Values are spelled as in the file.
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "gpuswap/config/config.h"
#include "gpuswap/config/result.h"

namespace gpuswap::config {

// Looks one variable up; nullopt when it is not set.
using Environment = std::function<std::optional<std::string>(std::string_view name)>;

// The variables of `values` and nothing else.
Environment map_environment(std::map<std::string, std::string, std::less<>> values);

// The process environment (getenv at each lookup; call from one thread only,
// at start, as getenv is not safe against a concurrent setenv).
Environment process_environment();

// `config` with the overrides of `env` applied. Errors name the variable
// (source "environment") and carry config.strict.
Result<Config> apply_environment(Config config, const Environment& env);

// Turns the policy file at `path` into a Config: load_config_file (loader.h)
// where yaml-cpp may be linked, load_config_file_with_module (yaml_module.h)
// in the preloaded library.
using PolicyFileReader = std::function<Result<Config>(const std::string& path)>;

// The Config a process runs with: the file GPUSWAP_CONFIG names, read by
// `read_file` (defaults when the variable is unset: `read_file` is not
// called), then the other overrides.
Result<Config> load_config(const Environment& env, const PolicyFileReader& read_file);

}  // namespace gpuswap::config
