#include "cudnn_operands.h"

#include <gtest/gtest.h>

#include <map>

namespace gpuswap::interpose {
namespace {

// Descriptors are opaque handles; the fake answers by handle value.
class FakeDescriptors final : public CudnnDescriptors {
 public:
  std::map<const void*, TensorExtent> extents;

  TensorExtent tensor(cudnnTensorDescriptor_t d) const noexcept override { return find(d); }
  TensorExtent filter(cudnnFilterDescriptor_t d) const noexcept override { return find(d); }

 private:
  TensorExtent find(const void* d) const {
    const auto it = extents.find(d);
    return it == extents.end() ? TensorExtent{} : it->second;
  }
};

template <typename T>
T handle(std::uintptr_t value) {
  return reinterpret_cast<T>(value);
}

void* dev(std::uintptr_t value) {
  return reinterpret_cast<void*>(value);
}

class CudnnOperandsTest : public ::testing::Test {
 protected:
  CudnnOperandsTest() {
    descriptors.extents[handle<void*>(0x10)] = {true, CUDNN_DATA_FLOAT, 4096};  // x
    descriptors.extents[handle<void*>(0x20)] = {true, CUDNN_DATA_FLOAT, 1152};  // w
    descriptors.extents[handle<void*>(0x30)] = {true, CUDNN_DATA_FLOAT, 8192};  // y
    descriptors.extents[handle<void*>(0x40)] = {true, CUDNN_DATA_DOUBLE, 800};  // y, double
  }
  FakeDescriptors descriptors;
  const float zero = 0.0f;
  const float one = 1.0f;
};

TEST_F(CudnnOperandsTest, ConvolutionForwardListsInputsWorkspaceAndOutput) {
  const Operands ops = cudnn_operands::convolution_forward(
      descriptors, nullptr, &one, handle<cudnnTensorDescriptor_t>(0x10), dev(0x1000),
      handle<cudnnFilterDescriptor_t>(0x20), dev(0x2000), nullptr, CUDNN_CONVOLUTION_FWD_ALGO_GEMM,
      dev(0x3000), 256, &zero, handle<cudnnTensorDescriptor_t>(0x30), dev(0x4000));
  ASSERT_EQ(ops.items().size(), 4u);
  EXPECT_EQ(ops.items()[0], (Operand{dev(0x1000), 4096, Access::read}));
  EXPECT_EQ(ops.items()[1], (Operand{dev(0x2000), 1152, Access::read}));
  EXPECT_EQ(ops.items()[2], (Operand{dev(0x3000), 256, Access::overwrite}));
  EXPECT_EQ(ops.items()[3], (Operand{dev(0x4000), 8192, Access::overwrite}));
}

TEST_F(CudnnOperandsTest, NonZeroBetaKeepsTheOutputsOldContents) {
  const Operands ops = cudnn_operands::add_tensor(
      descriptors, nullptr, &one, handle<cudnnTensorDescriptor_t>(0x10), dev(0x1000), &one,
      handle<cudnnTensorDescriptor_t>(0x30), dev(0x4000));
  ASSERT_EQ(ops.items().size(), 2u);
  EXPECT_EQ(ops.items()[1], (Operand{dev(0x4000), 8192, Access::write}));
}

TEST_F(CudnnOperandsTest, DoubleTensorsTakeDoubleScalingFactors) {
  // beta = 1.0 as a double: its first four bytes are zero, so reading it as
  // a float would wrongly discard the output's contents.
  const double d_one = 1.0, d_zero = 0.0;
  const Operands keep = cudnn_operands::activation_forward(
      descriptors, nullptr, nullptr, &d_one, handle<cudnnTensorDescriptor_t>(0x10), dev(0x1000),
      &d_one, handle<cudnnTensorDescriptor_t>(0x40), dev(0x5000));
  EXPECT_EQ(keep.items()[1].access, Access::write);
  const Operands replace = cudnn_operands::activation_forward(
      descriptors, nullptr, nullptr, &d_one, handle<cudnnTensorDescriptor_t>(0x10), dev(0x1000),
      &d_zero, handle<cudnnTensorDescriptor_t>(0x40), dev(0x5000));
  EXPECT_EQ(replace.items()[1].access, Access::overwrite);
}

TEST_F(CudnnOperandsTest, UnreadableDescriptorMeansUnknownSizeAndNoOverwrite) {
  const Operands ops = cudnn_operands::pooling_forward(
      descriptors, nullptr, nullptr, &one, handle<cudnnTensorDescriptor_t>(0x99), dev(0x1000),
      &zero, handle<cudnnTensorDescriptor_t>(0x98), dev(0x4000));
  ASSERT_EQ(ops.items().size(), 2u);
  EXPECT_EQ(ops.items()[0], (Operand{dev(0x1000), 0, Access::read}));
  EXPECT_EQ(ops.items()[1], (Operand{dev(0x4000), 0, Access::write}));
}

TEST_F(CudnnOperandsTest, BackwardPassesReadEveryInput) {
  const Operands ops = cudnn_operands::activation_backward(
      descriptors, nullptr, nullptr, &one, handle<cudnnTensorDescriptor_t>(0x30), dev(0x4000),
      handle<cudnnTensorDescriptor_t>(0x30), dev(0x6000), handle<cudnnTensorDescriptor_t>(0x10),
      dev(0x1000), &zero, handle<cudnnTensorDescriptor_t>(0x10), dev(0x7000));
  ASSERT_EQ(ops.items().size(), 4u);
  EXPECT_EQ(ops.items()[0].access, Access::read);
  EXPECT_EQ(ops.items()[1].access, Access::read);
  EXPECT_EQ(ops.items()[2].access, Access::read);
  EXPECT_EQ(ops.items()[3], (Operand{dev(0x7000), 4096, Access::overwrite}));
}

TEST_F(CudnnOperandsTest, ZeroSizedWorkspaceIsNotAnOperand) {
  const Operands ops = cudnn_operands::convolution_backward_filter(
      descriptors, nullptr, &one, handle<cudnnTensorDescriptor_t>(0x10), dev(0x1000),
      handle<cudnnTensorDescriptor_t>(0x30), dev(0x4000), nullptr,
      CUDNN_CONVOLUTION_BWD_FILTER_ALGO_0, dev(0x3000), 0, &one,
      handle<cudnnFilterDescriptor_t>(0x20), dev(0x2000));
  ASSERT_EQ(ops.items().size(), 3u);
  EXPECT_EQ(ops.items()[2], (Operand{dev(0x2000), 1152, Access::write}));
}

// Answers for one variant pack and plan, or a failure to read them.
class FakeBackend final : public CudnnBackend {
 public:
  bool readable = true;
  VariantPackView pack;
  mutable cudnnBackendDescriptor_t asked_plan = nullptr;
  mutable cudnnBackendDescriptor_t asked_pack = nullptr;

  bool variant_pack(cudnnBackendDescriptor_t plan, cudnnBackendDescriptor_t variant_pack,
                    VariantPackView* out) const noexcept override {
    asked_plan = plan;
    asked_pack = variant_pack;
    if (readable) *out = pack;
    return readable;
  }
};

TEST(CudnnBackendOperands, EveryDataPointerAndTheWorkspaceAreWritten) {
  FakeBackend backend;
  backend.pack.pointers[0] = dev(0x1000);
  backend.pack.pointers[1] = nullptr;  // an absent optional tensor
  backend.pack.pointers[2] = dev(0x3000);
  backend.pack.count = 3;
  backend.pack.workspace = dev(0x9000);
  backend.pack.workspace_bytes = 5376;
  const Operands ops =
      cudnn_operands::backend_execute(backend, nullptr, handle<cudnnBackendDescriptor_t>(0x70),
                                      handle<cudnnBackendDescriptor_t>(0x80));
  EXPECT_EQ(backend.asked_plan, handle<cudnnBackendDescriptor_t>(0x70));
  EXPECT_EQ(backend.asked_pack, handle<cudnnBackendDescriptor_t>(0x80));
  EXPECT_FALSE(ops.indirect());
  ASSERT_EQ(ops.items().size(), 3u);
  EXPECT_EQ(ops.items()[0], (Operand{dev(0x1000), 0, Access::write}));
  EXPECT_EQ(ops.items()[1], (Operand{dev(0x3000), 0, Access::write}));
  EXPECT_EQ(ops.items()[2], (Operand{dev(0x9000), 5376, Access::write}));
}

TEST(CudnnBackendOperands, AFullPackFitsBesideItsWorkspace) {
  FakeBackend backend;
  for (std::size_t i = 0; i < VariantPackView::kMaxPointers; ++i) {
    backend.pack.pointers[i] = dev(0x100000 * (i + 1));
  }
  backend.pack.count = VariantPackView::kMaxPointers;
  backend.pack.workspace = dev(0x9000);
  const Operands ops = cudnn_operands::backend_execute(backend, nullptr, nullptr, nullptr);
  ASSERT_EQ(ops.items().size(), Operands::kCapacity);
  EXPECT_EQ(ops.items().back(), (Operand{dev(0x9000), 0, Access::write}));
}

TEST(CudnnBackendOperands, AnUnreadablePackIsPassedThroughWithNoOperands) {
  FakeBackend backend;
  backend.readable = false;
  const Operands ops = cudnn_operands::backend_execute(backend, nullptr, nullptr, nullptr);
  EXPECT_TRUE(ops.items().empty());
  EXPECT_FALSE(ops.indirect());
}

TEST(TensorExtent, SpansFromFirstToLastElement) {
  const int dims[] = {2, 3, 4, 5};
  const int packed[] = {60, 20, 5, 1};
  EXPECT_EQ(tensor_extent(CUDNN_DATA_FLOAT, 4, dims, packed).bytes, 2u * 3 * 4 * 5 * 4);
  // Padded rows: the last element sits at 1*100 + 2*30 + 3*6 + 4*1.
  const int padded[] = {100, 30, 6, 1};
  EXPECT_EQ(tensor_extent(CUDNN_DATA_HALF, 4, dims, padded).bytes, (100u + 60 + 18 + 4 + 1) * 2);
  EXPECT_FALSE(tensor_extent(CUDNN_DATA_INT8x32, 4, dims, packed).known);
  EXPECT_EQ(filter_extent(CUDNN_DATA_DOUBLE, 4, dims).bytes, 120u * 8);
}

}  // namespace
}  // namespace gpuswap::interpose
