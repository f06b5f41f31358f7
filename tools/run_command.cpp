#include "run_command.h"

#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>

#include "gpuswap/config/config.h"
#include "gpuswap/config/loader.h"

namespace gpuswap::tools {
namespace {

namespace fs = std::filesystem;

std::string absolute(const std::string& path) {
  std::error_code ec;
  const fs::path p = fs::absolute(path, ec);
  return ec ? path : p.lexically_normal().string();
}

bool is_sanitizer_runtime(const std::string& entry) {
  const std::string name = fs::path(entry).filename().string();
  for (const char* prefix :
       {"libasan", "libtsan", "libubsan", "liblsan", "libhwasan", "libclang_rt."}) {
    if (name.rfind(prefix, 0) == 0) return true;
  }
  return false;
}

}  // namespace

std::string preload_with(const std::string& library, const char* existing) {
  // ld.so splits LD_PRELOAD at spaces and colons.
  std::vector<std::string> front, back;
  if (existing != nullptr) {
    std::string entry;
    std::string text(existing);
    std::size_t start = 0;
    while (start <= text.size()) {
      const std::size_t end = text.find_first_of(": ", start);
      entry = text.substr(start, end == std::string::npos ? std::string::npos : end - start);
      if (!entry.empty() && entry != library) {
        (is_sanitizer_runtime(entry) ? front : back).push_back(entry);
      }
      if (end == std::string::npos) break;
      start = end + 1;
    }
  }
  front.push_back(library);
  front.insert(front.end(), back.begin(), back.end());
  std::string out;
  for (const std::string& entry : front) out += (out.empty() ? "" : ":") + entry;
  return out;
}

RunPlan plan_run(const RunOptions& options, const std::string& library, const char* ld_preload,
                 const char* env_config) {
  RunPlan plan;
  if (options.command.empty()) {
    plan.error = "no command to run (gpuswap run [options] -- command [args...])";
    return plan;
  }
  if (options.log && !config::parse_log_level(*options.log)) {
    plan.error = "--log " + *options.log + ": allowed are " + config::allowed_log_levels();
    return plan;
  }
  if (options.trace_level && !config::parse_trace_level(*options.trace_level)) {
    plan.error =
        "--trace-level " + *options.trace_level + ": allowed are " + config::allowed_trace_levels();
    return plan;
  }
  std::optional<std::string> config_path = options.config;
  if (!config_path && env_config != nullptr && *env_config != '\0') config_path = env_config;
  if (config_path && options.validate) {
    const config::Result<config::Config> loaded = config::load_config_file(*config_path);
    if (!loaded) {
      plan.error = loaded.error().to_string();
      return plan;
    }
  }
  plan.environment.push_back({"LD_PRELOAD", preload_with(library, ld_preload)});
  // Absolute, so that a command that changes directory still finds them.
  if (options.config) plan.environment.push_back({"GPUSWAP_CONFIG", absolute(*options.config)});
  if (options.trace) plan.environment.push_back({"GPUSWAP_TRACE", absolute(*options.trace)});
  if (options.trace_level)
    plan.environment.push_back({"GPUSWAP_TRACE_LEVEL", *options.trace_level});
  if (options.log) plan.environment.push_back({"GPUSWAP_LOG", *options.log});
  return plan;
}

int exec_plan(const RunPlan& plan, const std::vector<std::string>& command) {
  for (const EnvironmentChange& change : plan.environment) {
    if (setenv(change.name.c_str(), change.value.c_str(), 1) != 0) {
      std::fprintf(stderr, "gpuswap: cannot set %s: %s\n", change.name.c_str(),
                   std::strerror(errno));
      return 126;
    }
  }
  std::vector<char*> argv;
  argv.reserve(command.size() + 1);
  for (const std::string& arg : command) argv.push_back(const_cast<char*>(arg.c_str()));
  argv.push_back(nullptr);
  execvp(argv[0], argv.data());
  const int error = errno;
  std::fprintf(stderr, "gpuswap: cannot run %s: %s\n", command.front().c_str(),
               std::strerror(error));
  return error == ENOENT ? 127 : 126;
}

}  // namespace gpuswap::tools
