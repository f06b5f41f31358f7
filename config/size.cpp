#include "gpuswap/config/size.h"

#include <array>
#include <charconv>
#include <cmath>
#include <limits>

namespace gpuswap::config {
namespace {

// The fraction of "1.5TB" times its factor needs more than 64 bits before the
// division.
__extension__ typedef unsigned __int128 Wide;

struct Unit {
  std::string_view name;
  std::uint64_t factor;
};

constexpr std::uint64_t kKi = 1024;
constexpr std::array<Unit, 10> kUnits{{
    {"B", 1},
    {"KiB", kKi},
    {"MiB", kKi* kKi},
    {"GiB", kKi* kKi* kKi},
    {"TiB", kKi* kKi* kKi* kKi},
    {"KB", 1000},
    {"kB", 1000},
    {"MB", 1000ull * 1000},
    {"GB", 1000ull * 1000 * 1000},
    {"TB", 1000ull * 1000 * 1000 * 1000},
}};

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// Splits "12.5GiB" into whole "12", fraction "5" and unit "GiB"; rejects signs,
// exponents and anything but digits before the unit.
struct Number {
  std::string_view whole;
  std::string_view fraction;
  std::string_view rest;
};

std::optional<Number> split_number(std::string_view s) {
  Number n;
  std::size_t i = 0;
  while (i < s.size() && s[i] >= '0' && s[i] <= '9') ++i;
  n.whole = s.substr(0, i);
  if (i < s.size() && s[i] == '.') {
    std::size_t start = ++i;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9') ++i;
    n.fraction = s.substr(start, i - start);
    if (n.fraction.empty()) return std::nullopt;
  }
  if (n.whole.empty()) return std::nullopt;
  n.rest = trim(s.substr(i));
  return n;
}

// whole.fraction * factor, exactly for the whole part and rounded down for the
// fraction; nullopt on overflow.
std::optional<std::uint64_t> scale(const Number& n, std::uint64_t factor) {
  std::uint64_t whole = 0;
  auto [p, ec] = std::from_chars(n.whole.data(), n.whole.data() + n.whole.size(), whole);
  if (ec != std::errc() || p != n.whole.data() + n.whole.size()) return std::nullopt;
  if (whole > std::numeric_limits<std::uint64_t>::max() / factor) return std::nullopt;
  std::uint64_t result = whole * factor;
  // Long division digit by digit keeps the fraction exact for any factor.
  std::uint64_t denominator = 1;
  Wide numerator = 0;
  for (char c : n.fraction) {
    if (denominator > std::numeric_limits<std::uint64_t>::max() / 10) break;  // beyond precision
    numerator = numerator * 10 + static_cast<unsigned>(c - '0');
    denominator *= 10;
  }
  const auto extra = static_cast<std::uint64_t>(numerator * factor / denominator);
  if (result > std::numeric_limits<std::uint64_t>::max() - extra) return std::nullopt;
  return result + extra;
}

}  // namespace

std::uint64_t Size::resolve(std::uint64_t base) const {
  if (!is_percent()) return bytes_;
  const long double value = static_cast<long double>(base) * percent_ / 100.0L;
  if (value >= 18446744073709551615.0L) return std::numeric_limits<std::uint64_t>::max();
  return static_cast<std::uint64_t>(std::floor(value));
}

std::optional<Size> parse_size(std::string_view text) {
  const std::string_view s = trim(text);
  const auto number = split_number(s);
  if (!number) return std::nullopt;
  if (number->rest == "%") {
    double value = 0;
    const char* end = number->fraction.empty() ? number->whole.data() + number->whole.size()
                                               : number->fraction.data() + number->fraction.size();
    auto [p, ec] = std::from_chars(number->whole.data(), end, value);
    if (ec != std::errc() || p != end || !std::isfinite(value)) return std::nullopt;
    return Size::percent(value);
  }
  std::uint64_t factor = 0;
  if (number->rest.empty()) {
    if (!number->fraction.empty()) return std::nullopt;  // a fraction of a byte is a typo
    factor = 1;
  } else {
    for (const Unit& unit : kUnits) {
      if (unit.name == number->rest) factor = unit.factor;
    }
    if (factor == 0) return std::nullopt;
  }
  const auto bytes = scale(*number, factor);
  if (!bytes) return std::nullopt;
  return Size::bytes(*bytes);
}

std::string format_bytes(std::uint64_t bytes) {
  static constexpr std::array<std::string_view, 5> kNames{"B", "KiB", "MiB", "GiB", "TiB"};
  std::size_t unit = 0;
  while (unit + 1 < kNames.size() && bytes != 0 && bytes % kKi == 0) {
    bytes /= kKi;
    ++unit;
  }
  return std::to_string(bytes) + std::string(kNames[unit]);
}

std::string to_string(const Size& size) {
  if (!size.is_percent()) return format_bytes(size.byte_count());
  std::array<char, 64> buffer{};
  auto [p, ec] = std::to_chars(buffer.data(), buffer.data() + buffer.size(), size.percent_value());
  if (ec != std::errc()) return "?%";
  return std::string(buffer.data(), p) + "%";
}

}  // namespace gpuswap::config
