// `gpuswap run`: validate the policy file, put the shim and the settings into
// the environment, and become the command.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace gpuswap::tools {

struct RunOptions {
  std::optional<std::string> config;       // --config
  std::optional<std::string> trace;        // --trace
  std::optional<std::string> trace_level;  // --trace-level
  std::optional<std::string> log;          // --log
  bool validate = true;                    // --no-validate turns it off
  std::vector<std::string> command;
};

// One variable the command is started with.
struct EnvironmentChange {
  std::string name;
  std::string value;
};

struct RunPlan {
  std::vector<EnvironmentChange> environment;
  std::string error;  // why the command must not run; empty when it may
  bool ok() const { return error.empty(); }
};

// What to set, given the library's path and the current LD_PRELOAD (or
// nullptr). Validates the policy file (the one from --config, else
// $GPUSWAP_CONFIG) and the level names.
RunPlan plan_run(const RunOptions& options, const std::string& library, const char* ld_preload,
                 const char* env_config);

// LD_PRELOAD with `library` ahead of what was there, except that sanitizer
// runtimes keep their place in front (they must be loaded first); a copy of
// `library` already in the list is not repeated.
std::string preload_with(const std::string& library, const char* existing);

// Applies the plan and execs the command; returns only on failure, with the
// exit status a shell would give (127: not found, 126: not executable).
int exec_plan(const RunPlan& plan, const std::vector<std::string>& command);

}  // namespace gpuswap::tools
