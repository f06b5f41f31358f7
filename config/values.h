// Turns the text of one setting into its validated value, or into the message
// that says what is wrong and what is allowed. Shared by the file loader and
// the environment overrides so both accept exactly the same spellings.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include "gpuswap/config/config.h"

namespace gpuswap::config::detail {

// Why a setting was rejected: `"12GB!" is not a size (use e.g. ...)`.
struct Problem {
  std::string message;
};

template <class T>
using Checked = std::variant<T, Problem>;

Checked<std::optional<Size>> check_device_budget(std::string_view text);  // nullopt: auto
Checked<std::optional<Size>> check_device_reserve(std::string_view text);
Checked<Size> check_host_budget(std::string_view text);
Checked<std::uint64_t> check_min_swappable(std::string_view text);
Checked<Size> check_evict_ahead(std::string_view text);
Checked<std::string> check_policy(std::string_view text);
Checked<LogLevel> check_log_level(std::string_view text);
Checked<TraceLevel> check_trace_level(std::string_view text);
Checked<bool> check_bool(std::string_view text);
Checked<std::optional<Size>> check_report_memory(std::string_view text);  // nullopt: device
Checked<std::uint64_t> check_absolute_size(std::string_view text);        // pin sizes
Checked<std::uint64_t> check_index(std::string_view text);                // pin indices

// `"text"` with quotes and backslashes escaped, for messages.
std::string quote(std::string_view text);

}  // namespace gpuswap::config::detail
