#include "values.h"

#include <charconv>
#include <utility>

namespace gpuswap::config::detail {
namespace {

// `alternative` is a word accepted besides sizes ("auto", "device").
Problem not_a_size(std::string_view text, std::string_view alternative = "") {
  std::string hint = "use ";
  if (!alternative.empty()) hint += std::string(alternative) + " or ";
  return Problem{quote(text) + " is not a size (" + hint + "e.g. 512MiB, 12GiB, 70%)"};
}

// A percentage of a physical amount: more than all of it cannot be had.
Checked<Size> check_fraction_or_bytes(std::string_view text, bool zero_allowed,
                                      std::string_view alternative = "") {
  const auto size = parse_size(text);
  if (!size) return not_a_size(text, alternative);
  if (size->is_percent() && size->percent_value() > 100.0) {
    return Problem{quote(text) + " is more than 100%"};
  }
  const bool zero = size->is_percent() ? size->percent_value() == 0.0 : size->byte_count() == 0;
  if (zero && !zero_allowed) return Problem{quote(text) + " must be greater than zero"};
  return *size;
}

}  // namespace

std::string quote(std::string_view text) {
  std::string out = "\"";
  for (char c : text) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + '"';
}

Checked<std::optional<Size>> check_device_budget(std::string_view text) {
  if (text == "auto") return std::optional<Size>{};
  auto checked = check_fraction_or_bytes(text, false, "auto");
  if (auto* problem = std::get_if<Problem>(&checked)) return std::move(*problem);
  return std::optional<Size>(std::get<Size>(checked));
}

Checked<std::optional<Size>> check_device_reserve(std::string_view text) {
  if (text == "auto") return std::optional<Size>{};
  auto checked = check_fraction_or_bytes(text, true, "auto");
  if (auto* problem = std::get_if<Problem>(&checked)) return std::move(*problem);
  return std::optional<Size>(std::get<Size>(checked));
}

Checked<Size> check_host_budget(std::string_view text) {
  return check_fraction_or_bytes(text, false);
}

Checked<std::uint64_t> check_absolute_size(std::string_view text) {
  const auto size = parse_size(text);
  if (!size) return not_a_size(text);
  if (size->is_percent())
    return Problem{quote(text) + " must be an absolute size (e.g. 2MiB, 512KiB)"};
  return size->byte_count();
}

Checked<std::uint64_t> check_min_swappable(std::string_view text) {
  return check_absolute_size(text);
}

Checked<Size> check_evict_ahead(std::string_view text) {
  return check_fraction_or_bytes(text, true);
}

Checked<std::string> check_policy(std::string_view text) {
  for (std::string_view name : kPolicyNames) {
    if (name == text) return std::string(name);
  }
  return Problem{quote(text) + " is not a known policy (allowed: " + allowed_policies() + ")"};
}

Checked<LogLevel> check_log_level(std::string_view text) {
  if (auto level = parse_log_level(text)) return *level;
  return Problem{quote(text) + " is not a log level (allowed: " + allowed_log_levels() + ")"};
}

Checked<TraceLevel> check_trace_level(std::string_view text) {
  if (auto level = parse_trace_level(text)) return *level;
  return Problem{quote(text) + " is not a trace level (allowed: " + allowed_trace_levels() + ")"};
}

Checked<bool> check_bool(std::string_view text) {
  if (text == "true" || text == "True" || text == "TRUE") return true;
  if (text == "false" || text == "False" || text == "FALSE") return false;
  return Problem{quote(text) + " is not a boolean (use true or false)"};
}

Checked<std::optional<Size>> check_report_memory(std::string_view text) {
  if (text == "device") return std::optional<Size>{};
  const auto size = parse_size(text);
  if (!size) return not_a_size(text, "device");
  const bool zero = size->is_percent() ? size->percent_value() == 0.0 : size->byte_count() == 0;
  if (zero) return Problem{quote(text) + " must be greater than zero"};
  return std::optional<Size>(*size);
}

Checked<std::uint64_t> check_index(std::string_view text) {
  std::uint64_t value = 0;
  auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || ec != std::errc() || p != text.data() + text.size()) {
    return Problem{quote(text) + " is not an allocation index (use a whole number >= 0)"};
  }
  return value;
}

}  // namespace gpuswap::config::detail
