#include <cstring>
#include <numeric>
#include <vector>

#include "runtime_test_support.h"

namespace cudasim_test {
namespace {

class CopyTest : public RuntimeTest {
 protected:
  static constexpr size_t kCount = 4096;
  static constexpr size_t kBytes = kCount * sizeof(float);

  void SetUp() override {
    RuntimeTest::SetUp();
    ASSERT_EQ(cudaMalloc(&device_a_, kBytes), cudaSuccess);
    ASSERT_EQ(cudaMalloc(&device_b_, kBytes), cudaSuccess);
    ASSERT_EQ(cudaMallocHost(&pinned_, kBytes), cudaSuccess);
    source_.resize(kCount);
    std::iota(source_.begin(), source_.end(), 1.0f);
  }
  void TearDown() override {
    EXPECT_EQ(cudaFree(device_a_), cudaSuccess);
    EXPECT_EQ(cudaFree(device_b_), cudaSuccess);
    EXPECT_EQ(cudaFreeHost(pinned_), cudaSuccess);
    RuntimeTest::TearDown();
  }

  float* device_a_ = nullptr;
  float* device_b_ = nullptr;
  float* pinned_ = nullptr;
  std::vector<float> source_;
};

TEST_F(CopyTest, EveryExplicitKindMovesTheBytes) {
  ASSERT_EQ(cudaMemcpy(device_a_, source_.data(), kBytes, cudaMemcpyHostToDevice), cudaSuccess);
  ASSERT_EQ(cudaMemcpy(device_b_, device_a_, kBytes, cudaMemcpyDeviceToDevice), cudaSuccess);
  ASSERT_EQ(cudaMemcpy(pinned_, device_b_, kBytes, cudaMemcpyDeviceToHost), cudaSuccess);
  std::vector<float> out(kCount);
  ASSERT_EQ(cudaMemcpy(out.data(), pinned_, kBytes, cudaMemcpyHostToHost), cudaSuccess);
  EXPECT_EQ(out, source_);
}

TEST_F(CopyTest, DefaultKindIsResolvedFromThePointers) {
  std::vector<float> out(kCount, 0.0f);
  ASSERT_EQ(cudaMemcpy(device_a_, source_.data(), kBytes, cudaMemcpyDefault), cudaSuccess);
  ASSERT_EQ(cudaMemcpy(device_b_, device_a_, kBytes, cudaMemcpyDefault), cudaSuccess);
  ASSERT_EQ(cudaMemcpy(pinned_, device_b_, kBytes, cudaMemcpyDefault), cudaSuccess);
  ASSERT_EQ(cudaMemcpy(out.data(), pinned_, kBytes, cudaMemcpyDefault), cudaSuccess);
  EXPECT_EQ(out, source_);
  // Interior pointers resolve too: copy the second half of the device buffer.
  std::vector<float> half(kCount / 2);
  ASSERT_EQ(cudaMemcpy(half.data(), device_b_ + kCount / 2, kBytes / 2, cudaMemcpyDefault),
            cudaSuccess);
  EXPECT_EQ(std::memcmp(half.data(), source_.data() + kCount / 2, kBytes / 2), 0);
}

TEST_F(CopyTest, AsyncCopiesOfEveryKindRunInStreamOrder) {
  cudaStream_t stream = nullptr;
  ASSERT_EQ(cudaStreamCreate(&stream), cudaSuccess);
  std::vector<float> out(kCount, 0.0f);
  std::memcpy(pinned_, source_.data(), kBytes);
  ASSERT_EQ(cudaMemcpyAsync(device_a_, pinned_, kBytes, cudaMemcpyHostToDevice, stream),
            cudaSuccess);
  ASSERT_EQ(cudaMemcpyAsync(device_b_, device_a_, kBytes, cudaMemcpyDefault, stream), cudaSuccess);
  // y = 2 * x + y on the device, between the copies.
  ASSERT_EQ(launch(&kAxpy, 1, 1, stream, 2.0f, static_cast<const float*>(device_a_), device_b_,
                   static_cast<int>(kCount)),
            cudaSuccess);
  ASSERT_EQ(cudaMemcpyAsync(pinned_, device_b_, kBytes, cudaMemcpyDeviceToHost, stream),
            cudaSuccess);
  // The host-to-host copy reads what the device-to-host copy before it wrote.
  ASSERT_EQ(cudaMemcpyAsync(out.data(), pinned_, kBytes, cudaMemcpyHostToHost, stream),
            cudaSuccess);
  ASSERT_EQ(cudaStreamSynchronize(stream), cudaSuccess);
  for (size_t i = 0; i < kCount; ++i) ASSERT_EQ(out[i], 3.0f * source_[i]) << i;
  EXPECT_EQ(cudaStreamDestroy(stream), cudaSuccess);
}

TEST_F(CopyTest, TwoDimensionalCopiesHonourBothPitches) {
  constexpr size_t kWidth = 3 * sizeof(float);  // 3 floats of every row
  constexpr size_t kHeight = 4;
  constexpr size_t kSourcePitch = 8 * sizeof(float);
  constexpr size_t kDevicePitch = 5 * sizeof(float);
  ASSERT_EQ(cudaMemset(device_a_, 0, kBytes), cudaSuccess);
  ASSERT_EQ(cudaMemcpy2D(device_a_, kDevicePitch, source_.data(), kSourcePitch, kWidth, kHeight,
                         cudaMemcpyHostToDevice),
            cudaSuccess);
  std::vector<float> back(5 * kHeight, -1.0f);
  ASSERT_EQ(cudaMemcpy(back.data(), device_a_, back.size() * sizeof(float), cudaMemcpyDeviceToHost),
            cudaSuccess);
  for (size_t r = 0; r < kHeight; ++r) {
    for (size_t c = 0; c < 5; ++c) {
      const float expected = c < 3 ? source_[r * 8 + c] : 0.0f;
      EXPECT_EQ(back[r * 5 + c], expected) << "row " << r << " column " << c;
    }
  }
  // And back out, asynchronously, into a packed host array.
  std::vector<float> packed(3 * kHeight, 0.0f);
  ASSERT_EQ(cudaMemcpy2DAsync(packed.data(), kWidth, device_a_, kDevicePitch, kWidth, kHeight,
                              cudaMemcpyDefault, nullptr),
            cudaSuccess);
  ASSERT_EQ(cudaStreamSynchronize(nullptr), cudaSuccess);
  for (size_t r = 0; r < kHeight; ++r) {
    for (size_t c = 0; c < 3; ++c) EXPECT_EQ(packed[r * 3 + c], source_[r * 8 + c]);
  }
  EXPECT_EQ(cudaMemcpy2D(device_a_, 4, source_.data(), kSourcePitch, kWidth, kHeight,
                         cudaMemcpyHostToDevice),
            cudaErrorInvalidPitchValue);
  cudaGetLastError();
}

TEST_F(CopyTest, RejectsAnUnknownDirection) {
  EXPECT_EQ(cudaMemcpy(device_a_, source_.data(), kBytes, static_cast<cudaMemcpyKind>(7)),
            cudaErrorInvalidMemcpyDirection);
  EXPECT_EQ(cudaGetLastError(), cudaErrorInvalidMemcpyDirection);
  EXPECT_EQ(cudaMemcpy(device_a_, source_.data(), 0, cudaMemcpyHostToDevice), cudaSuccess);
}

TEST_F(CopyTest, MemsetWritesTheLowByteOfTheValue) {
  ASSERT_EQ(cudaMemset(device_a_, 0, kBytes), cudaSuccess);
  auto* bytes = reinterpret_cast<unsigned char*>(device_a_);
  ASSERT_EQ(cudaMemset(bytes + 10, 0x1ab, 20), cudaSuccess);
  std::vector<unsigned char> out(64);
  ASSERT_EQ(cudaMemcpy(out.data(), device_a_, out.size(), cudaMemcpyDeviceToHost), cudaSuccess);
  for (size_t i = 0; i < out.size(); ++i) {
    EXPECT_EQ(out[i], (i >= 10 && i < 30) ? 0xab : 0) << i;
  }
  cudaStream_t stream = nullptr;
  ASSERT_EQ(cudaStreamCreate(&stream), cudaSuccess);
  ASSERT_EQ(cudaMemsetAsync(bytes, 0x7f, 8, stream), cudaSuccess);
  ASSERT_EQ(cudaMemcpyAsync(out.data(), device_a_, 16, cudaMemcpyDeviceToHost, stream),
            cudaSuccess);
  ASSERT_EQ(cudaStreamSynchronize(stream), cudaSuccess);
  for (size_t i = 0; i < 16; ++i) EXPECT_EQ(out[i], i < 8 ? 0x7f : (i >= 10 ? 0xab : 0)) << i;
  EXPECT_EQ(cudaStreamDestroy(stream), cudaSuccess);
}

}  // namespace
}  // namespace cudasim_test
