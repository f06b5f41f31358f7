#include "operands.h"

#include <cstring>

namespace gpuswap::interpose {

bool scalar_is_zero(const void* host_value, Scalar type) noexcept {
  if (host_value == nullptr) return false;
  switch (type) {
    case Scalar::f16:
    case Scalar::bf16: {
      std::uint16_t bits = 0;
      std::memcpy(&bits, host_value, sizeof(bits));
      return (bits & 0x7fffu) == 0;
    }
    case Scalar::f32: {
      float v = 0;
      std::memcpy(&v, host_value, sizeof(v));
      return v == 0.0f;
    }
    case Scalar::f64: {
      double v = 0;
      std::memcpy(&v, host_value, sizeof(v));
      return v == 0.0;
    }
    case Scalar::i32: {
      std::int32_t v = 0;
      std::memcpy(&v, host_value, sizeof(v));
      return v == 0;
    }
    case Scalar::unknown:
      break;
  }
  return false;
}

Access output_access(const void* host_beta, Scalar type) noexcept {
  return scalar_is_zero(host_beta, type) ? Access::overwrite : Access::write;
}

}  // namespace gpuswap::interpose
