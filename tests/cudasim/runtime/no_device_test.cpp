// A driver without devices (CUDASIM_DEVICES=0, set by main before the driver
// is loaded): cuInit fails with CUDA_ERROR_NO_DEVICE and the runtime reports
// cudaErrorNoDevice, as NVIDIA's does on a machine without a GPU.
#include <cuda_runtime_api.h>
#include <gtest/gtest.h>

#include <cstdlib>

namespace {

TEST(NoDeviceTest, CallsFailWithNoDevice) {
  int count = 7;
  EXPECT_EQ(cudaGetDeviceCount(&count), cudaErrorNoDevice);
  EXPECT_EQ(count, 0);
  void* p = nullptr;
  EXPECT_EQ(cudaMalloc(&p, 16), cudaErrorNoDevice);
  EXPECT_EQ(cudaSetDevice(0), cudaErrorNoDevice);
  cudaDeviceProp prop;
  EXPECT_EQ(cudaGetDeviceProperties(&prop, 0), cudaErrorNoDevice);
  EXPECT_EQ(cudaGetLastError(), cudaErrorNoDevice);
  EXPECT_EQ(cudaGetLastError(), cudaSuccess);
}

TEST(NoDeviceTest, TheDriverIsStillThere) {
  int driver = 0;
  EXPECT_EQ(cudaDriverGetVersion(&driver), cudaSuccess);
  EXPECT_EQ(driver, 13000);
}

}  // namespace

int main(int argc, char** argv) {
  setenv("CUDASIM_DEVICES", "0", 1);
  ::testing::InitGoogleTest(&argc, argv);
  return RUN_ALL_TESTS();
}
