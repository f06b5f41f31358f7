#include "fill.h"

#include <algorithm>
#include <cstdint>
#include <cstring>

#include "driver.h"

namespace cudasim {

CUresult make_fill_op(Driver& d, CUdeviceptr dst, std::size_t pitch, unsigned value, unsigned elem,
                      std::size_t width, std::size_t height, Op* op) {
  op->label = "memset";
  op->node_type = CU_GRAPH_NODE_TYPE_MEMSET;
  if (elem != 1 && elem != 2 && elem != 4) return CUDA_ERROR_INVALID_VALUE;
  if (width == 0 || height == 0) return CUDA_SUCCESS;
  if (dst % elem != 0 || (height > 1 && (pitch < width * elem || pitch % elem != 0))) {
    return CUDA_ERROR_INVALID_VALUE;
  }
  if (height == 1) pitch = width * elem;
  const std::uint64_t extent = (height - 1) * pitch + width * elem;
  if (!d.va.contains(dst, extent) && !d.host.find(dst, extent, nullptr))
    return CUDA_ERROR_INVALID_VALUE;
  op->work = [=] {
    for (std::size_t y = 0; y < height; ++y) {
      char* row = reinterpret_cast<char*>(dst + y * pitch);
      if (elem == 1) {
        std::memset(row, static_cast<int>(value & 0xff), width);
      } else if (elem == 2) {
        std::fill_n(reinterpret_cast<std::uint16_t*>(row), width,
                    static_cast<std::uint16_t>(value));
      } else {
        std::fill_n(reinterpret_cast<std::uint32_t*>(row), width,
                    static_cast<std::uint32_t>(value));
      }
    }
  };
  return CUDA_SUCCESS;
}

}  // namespace cudasim
