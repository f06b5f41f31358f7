// What the shim reads off batch copies: every copy's destination and source
// ranges, with the mode the runtime prepares them in.
#include "batch_copy_operands.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <vector>

namespace gpuswap::interpose {
namespace {

struct Range {
  CUdeviceptr ptr;
  std::uint64_t bytes;
  Access access;
  friend bool operator==(const Range&, const Range&) = default;
};

void PrintTo(const Range& r, std::ostream* os) {
  *os << "{" << std::hex << r.ptr << std::dec << ", " << r.bytes << ", "
      << static_cast<int>(r.access) << "}";
}

auto into(std::vector<Range>& out) {
  return [&out](CUdeviceptr ptr, std::uint64_t bytes, Access access) {
    out.push_back({ptr, bytes, access});
  };
}

TEST(BatchCopyOperands, EveryCopyGivesItsDestinationAndSource) {
  CUdeviceptr dsts[] = {0x1000, 0x5000, 0x9000};
  CUdeviceptr srcs[] = {0x2000, 0x6000, 0xa000};
  size_t sizes[] = {64, 0, 4096};  // an empty copy touches nothing
  std::vector<Range> got;
  batch_copy_operands(dsts, srcs, sizes, 3, into(got));
  const std::vector<Range> want = {{0x1000, 64, Access::overwrite},
                                   {0x2000, 64, Access::read},
                                   {0x9000, 4096, Access::overwrite},
                                   {0xa000, 4096, Access::read}};
  EXPECT_EQ(got, want);
}

TEST(BatchCopyOperands, ThousandsOfCopiesAreAllListed) {
  constexpr std::size_t kCount = 5000;
  std::vector<CUdeviceptr> dsts(kCount), srcs(kCount);
  std::vector<size_t> sizes(kCount);
  for (std::size_t i = 0; i < kCount; ++i) {
    dsts[i] = 0x100000 + i * 0x1000;
    srcs[i] = 0x9000000 + i * 0x1000;
    sizes[i] = i + 1;
  }
  std::vector<Range> got;
  batch_copy_operands(dsts.data(), srcs.data(), sizes.data(), kCount, into(got));
  ASSERT_EQ(got.size(), 2 * kCount);
  EXPECT_EQ(got[2 * 4321], (Range{dsts[4321], 4322, Access::overwrite}));
  EXPECT_EQ(got[2 * kCount - 1], (Range{srcs[kCount - 1], kCount, Access::read}));
}

TEST(BatchCopyOperands, NullArraysGiveNothing) {
  CUdeviceptr p[] = {0x1000};
  size_t sizes[] = {8};
  std::vector<Range> got;
  batch_copy_operands(nullptr, p, sizes, 1, into(got));
  batch_copy_operands(p, nullptr, sizes, 1, into(got));
  batch_copy_operands(p, p, nullptr, 1, into(got));
  batch_3d_copy_operands(nullptr, 4, into(got));
  EXPECT_TRUE(got.empty());
}

CUmemcpy3DOperand pointer(CUdeviceptr p, size_t row, size_t layer) {
  CUmemcpy3DOperand o{};
  o.type = CU_MEMCPY_OPERAND_TYPE_POINTER;
  o.op.ptr.ptr = p;
  o.op.ptr.rowLength = row;
  o.op.ptr.layerHeight = layer;
  return o;
}

CUmemcpy3DOperand array() {
  CUmemcpy3DOperand o{};
  o.type = CU_MEMCPY_OPERAND_TYPE_ARRAY;
  return o;
}

TEST(BatchCopyOperands, ThreeDimensionalRangesRunFromFirstToLastByte) {
  CUDA_MEMCPY3D_BATCH_OP ops[2]{};
  // Packed source, pitched destination (rows of 64, layers of 8 rows).
  ops[0].src = pointer(0x10000, 0, 0);
  ops[0].dst = pointer(0x20000, 64, 8);
  ops[0].extent = {40, 5, 3};
  // Packed both sides: the destination is every byte of its range.
  ops[1].src = pointer(0x30000, 40, 5);
  ops[1].dst = pointer(0x40000, 0, 5);
  ops[1].extent = {40, 5, 3};
  std::vector<Range> got;
  batch_3d_copy_operands(ops, 2, into(got));
  const std::vector<Range> want = {
      {0x20000, (2 * 8 + 4) * 64 + 40, Access::write},  // gaps between rows stay
      {0x10000, 40 * 5 * 3, Access::read},
      {0x40000, 40 * 5 * 3, Access::overwrite},
      {0x30000, 40 * 5 * 3, Access::read},
  };
  EXPECT_EQ(got, want);
}

TEST(BatchCopyOperands, ArraySidesTouchNoRegionAndBoundTheOtherSide) {
  CUDA_MEMCPY3D_BATCH_OP ops[3]{};
  ops[0].src = array();
  ops[0].dst = pointer(0x20000, 0, 0);
  ops[0].extent = {10, 2, 1};
  ops[1].src = pointer(0x30000, 0, 0);
  ops[1].dst = array();
  ops[1].extent = {10, 1, 1};
  ops[2].src = pointer(0x50000, 0, 0);
  ops[2].dst = pointer(0x60000, 0, 0);
  ops[2].extent = {10, 0, 1};  // empty: refused by the driver, touches nothing
  std::vector<Range> got;
  batch_3d_copy_operands(ops, 3, into(got));
  // Element sizes come from the array, unknown here: bounded by the largest
  // (16 bytes), and never a full overwrite.
  const std::vector<Range> want = {{0x20000, 20 * 16, Access::write},
                                   {0x30000, 10 * 16, Access::read}};
  EXPECT_EQ(got, want);
}

TEST(BatchCopyOperands, OverflowingExtentsKeepOnlyTheFirstByte) {
  CUDA_MEMCPY3D_BATCH_OP op{};
  op.src = pointer(0x10000, 0, 0);
  op.dst = pointer(0x20000, SIZE_MAX / 2, 0);
  op.extent = {8, 4, 1};
  std::vector<Range> got;
  batch_3d_copy_operands(&op, 1, into(got));
  const std::vector<Range> want = {{0x20000, 0, Access::write}, {0x10000, 32, Access::read}};
  EXPECT_EQ(got, want);
}

}  // namespace
}  // namespace gpuswap::interpose
