#include "gpuswap/config/environment.h"

#include <cstdlib>
#include <utility>

#include "values.h"

namespace gpuswap::config {
namespace {

std::optional<std::string> lookup(const Environment& env, std::string_view name) {
  if (!env) return std::nullopt;
  std::optional<std::string> value = env(name);
  if (value && value->empty()) return std::nullopt;
  return value;
}

// Applies one variable through the same check the file uses; false after
// storing the error.
template <class T, class Out>
bool override_with(const Environment& env, std::string_view name,
                   detail::Checked<T> (*check)(std::string_view), Out& out,
                   std::optional<Error>& error) {
  const std::optional<std::string> value = lookup(env, name);
  if (!value) return true;
  detail::Checked<T> checked = check(*value);
  if (auto* problem = std::get_if<detail::Problem>(&checked)) {
    error = Error{"environment", 0, 0, std::string(name), std::move(problem->message)};
    return false;
  }
  out = std::move(std::get<T>(checked));
  return true;
}

detail::Checked<std::string> any_path(std::string_view text) {
  return std::string(text);
}

}  // namespace

Environment map_environment(std::map<std::string, std::string, std::less<>> values) {
  return [values = std::move(values)](std::string_view name) -> std::optional<std::string> {
    const auto it = values.find(name);
    if (it == values.end()) return std::nullopt;
    return it->second;
  };
}

Environment process_environment() {
  return [](std::string_view name) -> std::optional<std::string> {
    const char* value = std::getenv(std::string(name).c_str());
    if (value == nullptr) return std::nullopt;
    return std::string(value);
  };
}

Result<Config> apply_environment(Config config, const Environment& env) {
  std::optional<Error> error;
  const bool ok =
      override_with(env, "GPUSWAP_LOG", detail::check_log_level, config.log.level, error) &&
      override_with(env, "GPUSWAP_DEVICE_BUDGET", detail::check_device_budget, config.device_budget,
                    error) &&
      override_with(env, "GPUSWAP_HOST_BUDGET", detail::check_host_budget, config.host_budget,
                    error) &&
      override_with(env, "GPUSWAP_EVICT_AHEAD", detail::check_evict_ahead, config.evict_ahead,
                    error) &&
      override_with(env, "GPUSWAP_TRACE", any_path, config.trace.path, error) &&
      override_with(env, "GPUSWAP_TRACE_LEVEL", detail::check_trace_level, config.trace.level,
                    error);
  if (!ok) {
    error->strict = config.strict;
    return *error;
  }
  return config;
}

Result<Config> load_config(const Environment& env, const PolicyFileReader& read_file) {
  Result<Config> base = Config{};
  if (const std::optional<std::string> path = lookup(env, "GPUSWAP_CONFIG")) {
    if (!read_file) return Error{*path, 0, 0, "", "no reader for policy files was given"};
    base = read_file(*path);
  }
  if (!base) return base;
  return apply_environment(std::move(base).value(), env);
}

}  // namespace gpuswap::config
