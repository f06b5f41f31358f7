// Deterministic initial weights: uniform in [-bound, bound] from the fixed
// generator, uploaded once at start.
#pragma once

#include <cstddef>

#include "lcg.h"

namespace train_cnn {

// Writes `count` floats drawn from `rng` to device memory at `dst`
// (synchronously; this happens once, before training).
void upload_uniform(float* dst, std::size_t count, float bound, Lcg& rng);

// Writes `count` copies of `value` to device memory at `dst`.
void upload_constant(float* dst, std::size_t count, float value);

}  // namespace train_cnn
