// The memset operation shared by cuMemsetD* and graph memset nodes.
#pragma once

#include <cstddef>

#include "cuda_api.h"
#include "stream.h"

namespace cudasim {

class Driver;

// Fills `height` rows of `width` elements of `elem` bytes (1, 2 or 4), rows
// `pitch` bytes apart, with `value`. CUDA_ERROR_INVALID_VALUE for misaligned
// or out-of-range arguments; an empty fill gives an Op without work.
CUresult make_fill_op(Driver& d, CUdeviceptr dst, std::size_t pitch, unsigned value, unsigned elem,
                      std::size_t width, std::size_t height, Op* op);

}  // namespace cudasim
