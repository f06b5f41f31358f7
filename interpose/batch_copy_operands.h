// What a batch copy touches (cuMemcpyBatchAsync, cuMemcpy3DBatchAsync):
// for every copy of the batch, its destination range (written) and its source
// range (read), handed one at a time to `emit(CUdeviceptr ptr, std::uint64_t
// bytes, Access access)`. Batches may hold thousands of copies, so nothing is
// collected here: the caller decides where the ranges go. Host pointers are
// emitted too (a batch's pointers are unified); they name no region.
//
// Arguments the driver will refuse (null arrays, empty extents) emit nothing
// for the copies they concern; the real call then answers the error.
#pragma once

#include <cstddef>
#include <cstdint>

#include "cuda_api.h"
#include "operands.h"

namespace gpuswap::interpose {

// cuMemcpyBatchAsync (either ABI): count linear copies of sizes[i] bytes. A
// destination is replaced entirely (`overwrite`); whether that covers a whole
// region is for the runtime to tell.
template <typename Emit>
void batch_copy_operands(const CUdeviceptr* dsts, const CUdeviceptr* srcs, const size_t* sizes,
                         std::size_t count, Emit&& emit) {
  if (dsts == nullptr || srcs == nullptr || sizes == nullptr) return;
  for (std::size_t i = 0; i < count; ++i) {
    if (sizes[i] == 0) continue;
    emit(dsts[i], std::uint64_t{sizes[i]}, Access::overwrite);
    emit(srcs[i], std::uint64_t{sizes[i]}, Access::read);
  }
}

namespace batch_detail {

// The largest element of a CUDA array (four 32-bit channels): a pointer side
// copied to or from an array is bounded with it, as the array's own element
// size is not in the batch.
inline constexpr std::uint64_t kMaxArrayElement = 16;

// One pointer operand of a 3D batch copy: from its first copied byte to its
// last. `overwrite` only where the range holds nothing but copied bytes
// (tightly packed rows and layers) and the element size is known.
template <typename Emit>
void pointer_operand(const CUmemcpy3DOperand& operand, const CUextent3D& extent,
                     std::uint64_t element, bool exact, bool destination, Emit& emit) {
  const auto& p = operand.op.ptr;
  const std::uint64_t row_elements = p.rowLength != 0 ? p.rowLength : extent.width;
  const std::uint64_t layer_rows = p.layerHeight != 0 ? p.layerHeight : extent.height;
  const Access written = destination ? Access::write : Access::read;
  std::uint64_t pitch = 0, width = 0, rows = 0, span = 0, copied = 0;
  const bool overflow = __builtin_mul_overflow(row_elements, element, &pitch) ||
                        __builtin_mul_overflow(extent.width, element, &width) ||
                        __builtin_mul_overflow(extent.depth - 1, layer_rows, &rows) ||
                        __builtin_add_overflow(rows, extent.height - 1, &rows) ||
                        __builtin_mul_overflow(rows, pitch, &span) ||
                        __builtin_add_overflow(span, width, &span) ||
                        __builtin_mul_overflow(width, extent.height, &copied) ||
                        __builtin_mul_overflow(copied, extent.depth, &copied);
  if (overflow) {
    emit(p.ptr, std::uint64_t{0}, written);  // only the first byte is certain
    return;
  }
  emit(p.ptr, span, destination && exact && span == copied ? Access::overwrite : written);
}

}  // namespace batch_detail

// cuMemcpy3DBatchAsync (either ABI): numOps boxed copies whose sides are
// pointers (pitched by rowLength and layerHeight, in elements) or CUDA arrays
// (no region). Pointer-to-pointer copies have 1-byte elements.
template <typename Emit>
void batch_3d_copy_operands(const CUDA_MEMCPY3D_BATCH_OP* ops, std::size_t count, Emit&& emit) {
  if (ops == nullptr) return;
  for (std::size_t i = 0; i < count; ++i) {
    const CUDA_MEMCPY3D_BATCH_OP& op = ops[i];
    if (op.extent.width == 0 || op.extent.height == 0 || op.extent.depth == 0) continue;
    const bool src_pointer = op.src.type == CU_MEMCPY_OPERAND_TYPE_POINTER;
    const bool dst_pointer = op.dst.type == CU_MEMCPY_OPERAND_TYPE_POINTER;
    const bool exact = src_pointer && dst_pointer;
    const std::uint64_t element = exact ? 1 : batch_detail::kMaxArrayElement;
    if (dst_pointer) batch_detail::pointer_operand(op.dst, op.extent, element, exact, true, emit);
    if (src_pointer) batch_detail::pointer_operand(op.src, op.extent, element, exact, false, emit);
  }
}

}  // namespace gpuswap::interpose
