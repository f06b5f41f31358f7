#include "gpuswap/config/config.h"

#include <algorithm>

namespace gpuswap::config {
namespace {

constexpr std::array<std::string_view, 6> kLogLevelNames{"trace", "debug", "info",
                                                         "warn",  "error", "off"};
constexpr std::array<std::string_view, 4> kTraceLevelNames{"off", "summary", "events", "full"};

template <std::size_t N>
std::string join(const std::array<std::string_view, N>& names) {
  std::string text;
  for (std::string_view name : names) {
    if (!text.empty()) text += ", ";
    text += name;
  }
  return text;
}

template <class Enum, std::size_t N>
std::optional<Enum> find_name(const std::array<std::string_view, N>& names, std::string_view text) {
  const auto it = std::find(names.begin(), names.end(), text);
  if (it == names.end()) return std::nullopt;
  return static_cast<Enum>(it - names.begin());
}

}  // namespace

bool PinRule::matches(std::uint64_t bytes, std::uint64_t index) const {
  if (min_size && bytes < *min_size) return false;
  if (max_size && bytes > *max_size) return false;
  if (first_index && index < *first_index) return false;
  if (last_index && index > *last_index) return false;
  return true;
}

bool Config::pinned(std::uint64_t bytes, std::uint64_t index) const {
  return std::any_of(pin.begin(), pin.end(),
                     [&](const PinRule& rule) { return rule.matches(bytes, index); });
}

std::uint64_t device_reserve_bytes(const Config& config, std::uint64_t total) {
  if (config.device_reserve) return config.device_reserve->resolve(total);
  return std::min(kAutoReserveBytes, total / 8);
}

std::uint64_t device_budget_bytes(const Config& config, std::uint64_t total, std::uint64_t free) {
  const std::uint64_t reserve = device_reserve_bytes(config, total);
  const std::uint64_t ceiling = free > reserve ? free - reserve : 0;
  const std::uint64_t wanted = config.device_budget ? config.device_budget->resolve(total) : free;
  return std::min(wanted, ceiling);
}

std::string_view to_string(LogLevel level) {
  return kLogLevelNames[static_cast<int>(level)];
}
std::string_view to_string(TraceLevel level) {
  return kTraceLevelNames[static_cast<int>(level)];
}

std::optional<LogLevel> parse_log_level(std::string_view text) {
  return find_name<LogLevel>(kLogLevelNames, text);
}
std::optional<TraceLevel> parse_trace_level(std::string_view text) {
  return find_name<TraceLevel>(kTraceLevelNames, text);
}

std::string allowed_log_levels() {
  return join(kLogLevelNames);
}
std::string allowed_trace_levels() {
  return join(kTraceLevelNames);
}
std::string allowed_policies() {
  return join(kPolicyNames);
}

}  // namespace gpuswap::config
