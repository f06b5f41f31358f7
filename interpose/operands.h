// What a library call touches: each device operand with its size (when the
// call's arguments tell it) and how the call uses it. The runtime makes every
// operand resident before the call is issued; `overwrite` lets it skip
// restoring contents that the call replaces entirely (beta == 0).
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>

namespace gpuswap::interpose {

enum class Access : std::uint8_t {
  read,       // consumed, left unchanged
  write,      // changed, but its old contents still matter (beta != 0, or unknown)
  overwrite,  // every byte replaced without being read
};

struct Operand {
  const void* ptr = nullptr;
  std::size_t bytes = 0;  // 0 when only a descriptor the shim could not read tells
  Access access = Access::read;

  friend bool operator==(const Operand&, const Operand&) = default;
};

class Operands {
 public:
  // Room for a cuDNN backend variant pack (its data pointers and workspace).
  static constexpr std::size_t kCapacity = 32;

  // Null pointers are dropped: cuDNN and cuBLAS accept them for absent
  // operands (no workspace, no bias).
  void add(const void* ptr, std::size_t bytes, Access access) noexcept {
    if (ptr == nullptr || count_ == kCapacity) return;
    items_[count_++] = Operand{ptr, bytes, access};
  }

  // More operands live behind device pointers (pointer arrays, variant
  // packs): only the runtime, reading device memory, can list them.
  void set_indirect() noexcept { indirect_ = true; }
  bool indirect() const noexcept { return indirect_; }

  std::span<const Operand> items() const noexcept { return {items_.data(), count_}; }

 private:
  std::array<Operand, kCapacity> items_{};
  std::size_t count_ = 0;
  bool indirect_ = false;
};

// The type of a host-side alpha/beta scaling value.
enum class Scalar : std::uint8_t { unknown, f16, bf16, f32, f64, i32 };

// Whether *value is zero (of either sign). Unknown types, null or
// device-resident values answer false: the safe answer keeps old contents.
bool scalar_is_zero(const void* host_value, Scalar type) noexcept;

// write, or overwrite when the host-side beta is zero.
Access output_access(const void* host_beta, Scalar type) noexcept;

}  // namespace gpuswap::interpose
