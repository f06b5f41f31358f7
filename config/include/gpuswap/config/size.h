// A size as written in the policy file: an exact byte count ("512MiB") or a
// percentage ("70%") of a base that only the runtime knows (device or host
// memory), so percentages stay unresolved until then.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace gpuswap::config {

class Size {
 public:
  static constexpr Size bytes(std::uint64_t count) { return Size(count, -1.0); }
  // `value` is in percent: 70 means 70%.
  static constexpr Size percent(double value) { return Size(0, value); }

  constexpr bool is_percent() const { return percent_ >= 0.0; }
  // Only meaningful for an absolute size.
  constexpr std::uint64_t byte_count() const { return bytes_; }
  // Only meaningful for a percentage.
  constexpr double percent_value() const { return percent_; }
  // An absolute size is returned as is; a percentage of `base` is rounded down
  // and saturates at UINT64_MAX.
  std::uint64_t resolve(std::uint64_t base) const;

  friend constexpr bool operator==(const Size&, const Size&) = default;

 private:
  constexpr Size(std::uint64_t b, double p) : bytes_(b), percent_(p) {}
  std::uint64_t bytes_;
  double percent_;  // negative when absolute
};

// Parses "<number>[ ]<unit>" or "<number>%".
//   binary units:  B, KiB, MiB, GiB, TiB (powers of 1024)
//   decimal units: KB, MB, GB, TB (powers of 1000; "kB" too)
//   no unit: a whole number of bytes ("4096")
// The number may have a fraction ("1.5GiB"); the result is rounded down to
// whole bytes. Negative numbers, unknown units, and values beyond 2^64-1
// bytes are rejected (nullopt).
std::optional<Size> parse_size(std::string_view text);

// The shortest exact spelling in binary units ("2MiB", "1536KiB", "100B"),
// or "70%" for a percentage; parse_size(to_string(s)) == s.
std::string to_string(const Size& size);
std::string format_bytes(std::uint64_t bytes);

}  // namespace gpuswap::config
