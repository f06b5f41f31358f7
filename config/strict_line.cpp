#include "strict_line.h"

#include <algorithm>
#include <variant>

#include "values.h"

namespace gpuswap::config::detail {

bool declares_strict(std::string_view text) {
  constexpr std::string_view kKey = "strict";
  while (!text.empty()) {
    const std::size_t end = std::min(text.find('\n'), text.size());
    std::string_view line = text.substr(0, end);
    text.remove_prefix(std::min(end + 1, text.size()));
    if (line.substr(0, kKey.size()) != kKey) continue;
    line.remove_prefix(kKey.size());
    if (const std::size_t comment = line.find('#'); comment != std::string_view::npos) {
      line = line.substr(0, comment);
    }
    const auto blank = [](char c) { return c == ' ' || c == '\t' || c == '\r'; };
    while (!line.empty() && blank(line.front())) line.remove_prefix(1);
    while (!line.empty() && blank(line.back())) line.remove_suffix(1);
    if (line.empty() || line.front() != ':') continue;
    line.remove_prefix(1);
    while (!line.empty() && blank(line.front())) line.remove_prefix(1);
    const Checked<bool> checked = check_bool(line);
    if (std::holds_alternative<bool>(checked)) return std::get<bool>(checked);
  }
  return false;
}

}  // namespace gpuswap::config::detail
