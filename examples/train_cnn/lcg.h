// A fixed 64-bit linear congruential generator. Integer arithmetic only, so
// the synthetic data and the initial weights are the same bits on every
// machine and compiler.
#pragma once

#include <cstdint>

namespace train_cnn {

class Lcg {
 public:
  explicit Lcg(std::uint64_t seed) : state_(seed * 0x9E3779B97F4A7C15ull + 1) {}

  // Knuth's MMIX constants; the high half has the better statistical quality.
  std::uint32_t next() {
    state_ = state_ * 6364136223846793005ull + 1442695040888963407ull;
    return static_cast<std::uint32_t>(state_ >> 32);
  }

  // Uniform in [-1, 1): 24 random bits scaled by a power of two, hence exact.
  float symmetric() {
    const auto bits = static_cast<std::int32_t>(next() >> 8) - (1 << 23);
    return static_cast<float>(bits) * (1.0f / static_cast<float>(1 << 23));
  }

 private:
  std::uint64_t state_;
};

}  // namespace train_cnn
