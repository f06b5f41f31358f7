#include <cstring>
#include <set>
#include <string>
#include <thread>

#include "error_map.h"
#include "runtime_test_support.h"

namespace cudasim_test {
namespace {

using cudasim::rt::to_cuda_error;

TEST(ErrorMapTest, DriverResultsBecomeTheRuntimesErrors) {
  EXPECT_EQ(to_cuda_error(CUDA_SUCCESS), cudaSuccess);
  EXPECT_EQ(to_cuda_error(CUDA_ERROR_INVALID_VALUE), cudaErrorInvalidValue);
  EXPECT_EQ(to_cuda_error(CUDA_ERROR_OUT_OF_MEMORY), cudaErrorMemoryAllocation);
  EXPECT_EQ(to_cuda_error(CUDA_ERROR_NOT_INITIALIZED), cudaErrorInitializationError);
  EXPECT_EQ(to_cuda_error(CUDA_ERROR_DEINITIALIZED), cudaErrorCudartUnloading);
  EXPECT_EQ(to_cuda_error(CUDA_ERROR_NO_DEVICE), cudaErrorNoDevice);
  EXPECT_EQ(to_cuda_error(CUDA_ERROR_INVALID_DEVICE), cudaErrorInvalidDevice);
  EXPECT_EQ(to_cuda_error(CUDA_ERROR_INVALID_CONTEXT), cudaErrorDeviceUninitialized);
  EXPECT_EQ(to_cuda_error(CUDA_ERROR_INVALID_IMAGE), cudaErrorInvalidKernelImage);
  EXPECT_EQ(to_cuda_error(CUDA_ERROR_INVALID_HANDLE), cudaErrorInvalidResourceHandle);
  EXPECT_EQ(to_cuda_error(CUDA_ERROR_NOT_FOUND), cudaErrorSymbolNotFound);
  EXPECT_EQ(to_cuda_error(CUDA_ERROR_NOT_READY), cudaErrorNotReady);
  EXPECT_EQ(to_cuda_error(CUDA_ERROR_ILLEGAL_ADDRESS), cudaErrorIllegalAddress);
  EXPECT_EQ(to_cuda_error(CUDA_ERROR_LAUNCH_FAILED), cudaErrorLaunchFailure);
  EXPECT_EQ(to_cuda_error(CUDA_ERROR_PRIMARY_CONTEXT_ACTIVE), cudaErrorSetOnActiveProcess);
  EXPECT_EQ(to_cuda_error(CUDA_ERROR_NOT_SUPPORTED), cudaErrorNotSupported);
  EXPECT_EQ(to_cuda_error(CUDA_ERROR_NO_BINARY_FOR_GPU), cudaErrorNoKernelImageForDevice);
  EXPECT_EQ(to_cuda_error(CUDA_ERROR_UNKNOWN), cudaErrorUnknown);
  EXPECT_EQ(to_cuda_error(static_cast<CUresult>(4242)), cudaErrorUnknown);
}

TEST(ErrorMapTest, OnlyDeviceFaultsAreSticky) {
  EXPECT_TRUE(cudasim::rt::is_sticky(cudaErrorIllegalAddress));
  EXPECT_TRUE(cudasim::rt::is_sticky(cudaErrorLaunchFailure));
  EXPECT_TRUE(cudasim::rt::is_sticky(cudaErrorMisalignedAddress));
  EXPECT_FALSE(cudasim::rt::is_sticky(cudaErrorMemoryAllocation));
  EXPECT_FALSE(cudasim::rt::is_sticky(cudaErrorInvalidValue));
  EXPECT_FALSE(cudasim::rt::is_sticky(cudaErrorNotReady));
}

TEST(ErrorStringTest, EveryErrorHasItsNameAndADistinctDescription) {
  EXPECT_STREQ(cudaGetErrorName(cudaSuccess), "cudaSuccess");
  EXPECT_STREQ(cudaGetErrorName(cudaErrorMemoryAllocation), "cudaErrorMemoryAllocation");
  EXPECT_STREQ(cudaGetErrorName(cudaErrorIllegalAddress), "cudaErrorIllegalAddress");
  EXPECT_STREQ(cudaGetErrorString(cudaErrorMemoryAllocation), "out of memory");
  EXPECT_STREQ(cudaGetErrorString(cudaErrorInvalidValue), "invalid argument");
  EXPECT_STREQ(cudaGetErrorString(static_cast<cudaError_t>(12345)), "unrecognized error code");
  std::set<std::string> names;
  int known = 0;
  for (int code = 0; code < 1000; ++code) {
    const auto error = static_cast<cudaError_t>(code);
    const char* name = cudasim::rt::error_name(error);
    if (name == nullptr) continue;
    ++known;
    EXPECT_STREQ(cudaGetErrorName(error), name);
    EXPECT_EQ(std::strncmp(name, "cuda", 4), 0) << name;
    EXPECT_NE(cudasim::rt::error_description(error), nullptr) << name;
    EXPECT_TRUE(names.insert(name).second) << name;
  }
  EXPECT_GT(known, 120);
}

class LastErrorTest : public RuntimeTest {};

TEST_F(LastErrorTest, LastErrorIsPerThreadPeekKeepsItGetClearsIt) {
  EXPECT_EQ(cudaMalloc(nullptr, 16), cudaErrorInvalidValue);
  cudaError_t other_thread = cudaErrorUnknown;
  std::thread([&] { other_thread = cudaGetLastError(); }).join();
  EXPECT_EQ(other_thread, cudaSuccess);
  EXPECT_EQ(cudaPeekAtLastError(), cudaErrorInvalidValue);
  EXPECT_EQ(cudaPeekAtLastError(), cudaErrorInvalidValue);
  // A later success does not clear it; a later failure replaces it.
  void* p = nullptr;
  ASSERT_EQ(cudaMalloc(&p, 16), cudaSuccess);
  EXPECT_EQ(cudaPeekAtLastError(), cudaErrorInvalidValue);
  EXPECT_EQ(cudaSetDevice(99), cudaErrorInvalidDevice);
  EXPECT_EQ(cudaGetLastError(), cudaErrorInvalidDevice);
  EXPECT_EQ(cudaGetLastError(), cudaSuccess);
  EXPECT_EQ(cudaPeekAtLastError(), cudaSuccess);
  EXPECT_EQ(cudaFree(p), cudaSuccess);
}

TEST_F(LastErrorTest, IllegalAddressIsStickyUntilTheDeviceIsReset) {
  float* gone = nullptr;
  ASSERT_EQ(cudaMalloc(&gone, 1 << 20), cudaSuccess);
  ASSERT_EQ(cudaFree(gone), cudaSuccess);
  // The fault shows when the work has run: at the latest on synchronisation
  // (a launch may already report it, as CUDA allows).
  const cudaError_t launched = launch(&kStore, 1, 1, nullptr, gone + 10, 1.0f);
  EXPECT_TRUE(launched == cudaSuccess || launched == cudaErrorIllegalAddress) << launched;
  EXPECT_EQ(cudaDeviceSynchronize(), cudaErrorIllegalAddress);
  EXPECT_EQ(cudaGetLastError(), cudaErrorIllegalAddress);
  EXPECT_EQ(cudaGetLastError(), cudaErrorIllegalAddress) << "a sticky error is not cleared";
  EXPECT_EQ(cudaPeekAtLastError(), cudaErrorIllegalAddress);
  void* p = nullptr;
  EXPECT_EQ(cudaMalloc(&p, 16), cudaErrorIllegalAddress) << "the context is unusable";
  // Other threads on the device see it too.
  cudaError_t other_thread = cudaSuccess;
  std::thread([&] { other_thread = cudaGetLastError(); }).join();
  EXPECT_EQ(other_thread, cudaErrorIllegalAddress);

  ASSERT_EQ(cudaDeviceReset(), cudaSuccess);
  cudaGetLastError();  // what this thread recorded before the reset
  EXPECT_EQ(cudaGetLastError(), cudaSuccess);
  ASSERT_EQ(cudaMalloc(&p, 16), cudaSuccess);
  EXPECT_EQ(cudaFree(p), cudaSuccess);
}

}  // namespace
}  // namespace cudasim_test
