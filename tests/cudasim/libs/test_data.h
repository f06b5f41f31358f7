// Deterministic test data shared by the cuBLAS and cuDNN tests.
#pragma once

#include <cstddef>
#include <cstdint>
#include <random>
#include <vector>

namespace cudasim::testing {

inline std::vector<float> random_floats(std::size_t count, std::uint32_t seed, float lo = -1.0f,
                                        float hi = 1.0f) {
  std::mt19937 gen(seed);
  std::uniform_real_distribution<float> dist(lo, hi);
  std::vector<float> out(count);
  for (float& v : out) v = dist(gen);
  return out;
}

}  // namespace cudasim::testing
