#include <vector>

#include "runtime_test_support.h"

namespace cudasim_test {
namespace {

class LaunchTest : public RuntimeTest {
 protected:
  static constexpr int kCount = 1000;
  void SetUp() override {
    RuntimeTest::SetUp();
    ASSERT_EQ(cudaMalloc(&x_, kCount * sizeof(float)), cudaSuccess);
    ASSERT_EQ(cudaMalloc(&y_, kCount * sizeof(float)), cudaSuccess);
  }
  void TearDown() override {
    EXPECT_EQ(cudaFree(x_), cudaSuccess);
    EXPECT_EQ(cudaFree(y_), cudaSuccess);
    RuntimeTest::TearDown();
  }
  std::vector<float> read(const float* device) {
    std::vector<float> out(kCount);
    EXPECT_EQ(cudaMemcpy(out.data(), device, kCount * sizeof(float), cudaMemcpyDeviceToHost),
              cudaSuccess);
    return out;
  }
  float* x_ = nullptr;
  float* y_ = nullptr;
};

TEST_F(LaunchTest, LaunchRunsTheRegisteredKernelWithItsArguments) {
  ASSERT_EQ(launch(&kFill, dim3(4), dim3(256), nullptr, x_, 2.0f, kCount), cudaSuccess);
  ASSERT_EQ(launch(&kFill, dim3(4), dim3(256), nullptr, y_, 1.0f, kCount), cudaSuccess);
  ASSERT_EQ(
      launch(&kAxpy, dim3(4), dim3(256), nullptr, 3.0f, static_cast<const float*>(x_), y_, kCount),
      cudaSuccess);
  for (float v : read(y_)) ASSERT_EQ(v, 7.0f);
  // Only the first n elements are touched.
  ASSERT_EQ(launch(&kFill, dim3(1), dim3(1), nullptr, x_, -1.0f, 10), cudaSuccess);
  const std::vector<float> x = read(x_);
  for (int i = 0; i < kCount; ++i) ASSERT_EQ(x[i], i < 10 ? -1.0f : 2.0f) << i;
}

TEST_F(LaunchTest, FuncBySymbolIsTheDriverFunctionTheLaunchUses) {
  cudaFunction_t fill = nullptr;
  ASSERT_EQ(cudaGetFuncBySymbol(&fill, &kFill), cudaSuccess);
  ASSERT_NE(fill, nullptr);
  cudaFunction_t again = nullptr;
  ASSERT_EQ(cudaGetFuncBySymbol(&again, &kFill), cudaSuccess);
  EXPECT_EQ(again, fill) << "the function is loaded once per context";
  cudaFunction_t axpy = nullptr;
  ASSERT_EQ(cudaGetFuncBySymbol(&axpy, &kAxpy), cudaSuccess);
  EXPECT_NE(axpy, fill);

  // Launching the CUfunction through the driver runs the same kernel.
  float value = 9.0f;
  int n = kCount;
  void* params[] = {&y_, &value, &n};
  ASSERT_EQ(DRIVER_FN(cuLaunchKernel)(reinterpret_cast<CUfunction>(fill), 1, 1, 1, 1, 1, 1, 0,
                                      nullptr, params, nullptr),
            CUDA_SUCCESS);
  for (float v : read(y_)) ASSERT_EQ(v, 9.0f);

  // Its parameter layout is the registered one.
  size_t offset = 0;
  size_t size = 0;
  ASSERT_EQ(DRIVER_FN(cuFuncGetParamInfo)(reinterpret_cast<CUfunction>(axpy), 2, &offset, &size),
            CUDA_SUCCESS);
  EXPECT_EQ(offset, 16u) << "float a; const float* x; float* y: y starts at 16";
  EXPECT_EQ(size, sizeof(float*));
}

TEST_F(LaunchTest, LaunchesPassTheDriverAKernelHandle) {
  // A captured launch leaves behind the handle cuLaunchKernel was given.
  cudaStream_t stream = nullptr;
  ASSERT_EQ(cudaStreamCreate(&stream), cudaSuccess);
  const auto s = reinterpret_cast<CUstream>(stream);
  ASSERT_EQ(DRIVER_FN(cuStreamBeginCapture)(s, CU_STREAM_CAPTURE_MODE_GLOBAL), CUDA_SUCCESS);
  ASSERT_EQ(launch(&kFill, 1, 1, stream, x_, 4.0f, kCount), cudaSuccess);
  CUgraph graph = nullptr;
  ASSERT_EQ(DRIVER_FN(cuStreamEndCapture)(s, &graph), CUDA_SUCCESS);
  CUgraphNode node = nullptr;
  size_t count = 1;
  ASSERT_EQ(DRIVER_FN(cuGraphGetNodes)(graph, &node, &count), CUDA_SUCCESS);
  ASSERT_EQ(count, 1u);
  CUDA_KERNEL_NODE_PARAMS params{};
  ASSERT_EQ(DRIVER_FN(cuGraphKernelNodeGetParams)(node, &params), CUDA_SUCCESS);
  const auto launched = reinterpret_cast<CUkernel>(params.func);

  // A CUkernel (cuLibraryGetKernel), as NVIDIA's runtime launches since CUDA 12:
  // the cuKernel* queries know it, the cuFunc* ones do not.
  const char* name = nullptr;
  ASSERT_EQ(DRIVER_FN(cuKernelGetName)(&name, launched), CUDA_SUCCESS);
  EXPECT_STREQ(name, "fill");
  size_t offset = 0;
  size_t size = 0;
  ASSERT_EQ(DRIVER_FN(cuKernelGetParamInfo)(launched, 1, &offset, &size), CUDA_SUCCESS);
  EXPECT_EQ(offset, 8u) << "float* out; float value: value starts at 8";
  EXPECT_EQ(size, sizeof(float));
  EXPECT_EQ(DRIVER_FN(cuFuncGetParamInfo)(params.func, 0, &offset, &size),
            CUDA_ERROR_INVALID_HANDLE);

  // The same kernel handle at every launch.
  CUfunction function = nullptr;
  ASSERT_EQ(DRIVER_FN(cuKernelGetFunction)(&function, launched), CUDA_SUCCESS);
  cudaFunction_t by_symbol = nullptr;
  ASSERT_EQ(cudaGetFuncBySymbol(&by_symbol, &kFill), cudaSuccess);
  EXPECT_EQ(reinterpret_cast<CUfunction>(by_symbol), function)
      << "cudaGetFuncBySymbol answers the kernel's function in the current context";

  ASSERT_EQ(DRIVER_FN(cuGraphDestroy)(graph), CUDA_SUCCESS);
  ASSERT_EQ(cudaStreamDestroy(stream), cudaSuccess);
}

TEST_F(LaunchTest, FuncBySymbolIsAFunctionNotAKernel) {
  cudaFunction_t fill = nullptr;
  ASSERT_EQ(cudaGetFuncBySymbol(&fill, &kFill), cudaSuccess);
  const char* name = nullptr;
  ASSERT_EQ(DRIVER_FN(cuFuncGetName)(&name, reinterpret_cast<CUfunction>(fill)), CUDA_SUCCESS);
  EXPECT_STREQ(name, "fill");
  size_t offset = 0;
  size_t size = 0;
  EXPECT_EQ(DRIVER_FN(cuKernelGetParamInfo)(reinterpret_cast<CUkernel>(fill), 0, &offset, &size),
            CUDA_ERROR_INVALID_HANDLE);
}

TEST_F(LaunchTest, UnknownSymbolsAreInvalidDeviceFunctions) {
  const int not_a_kernel = 0;
  cudaFunction_t function = nullptr;
  EXPECT_EQ(cudaGetFuncBySymbol(&function, &not_a_kernel), cudaErrorInvalidDeviceFunction);
  EXPECT_EQ(launch(&not_a_kernel, 1, 1, nullptr, x_), cudaErrorInvalidDeviceFunction);
  EXPECT_EQ(cudaGetLastError(), cudaErrorInvalidDeviceFunction);
  // Bound to a name its module does not define.
  EXPECT_EQ(cudaGetFuncBySymbol(&function, &kMissing), cudaErrorInvalidDeviceFunction);
  EXPECT_EQ(cudaGetFuncBySymbol(nullptr, &kFill), cudaErrorInvalidValue);
  cudaGetLastError();
}

TEST_F(LaunchTest, RegistrationIsIdempotentButNotRebindable) {
  EXPECT_EQ(cudasimRegisterFunction(&kFill, "runtime_test", "fill"), cudaSuccess);
  EXPECT_EQ(cudasimRegisterFunction(&kFill, "runtime_test", "axpy"), cudaErrorInvalidValue);
  EXPECT_EQ(cudasimRegisterFunction(nullptr, "runtime_test", "fill"), cudaErrorInvalidValue);
  cudaGetLastError();
  ASSERT_EQ(launch(&kFill, 1, 1, nullptr, x_, 5.0f, kCount), cudaSuccess);
  for (float v : read(x_)) ASSERT_EQ(v, 5.0f);
}

TEST_F(LaunchTest, BadConfigurationsAreRejectedBeforeTheDriver) {
  int max_threads = 0;
  ASSERT_EQ(cudaDeviceGetAttribute(&max_threads, cudaDevAttrMaxThreadsPerBlock, 0), cudaSuccess);
  ASSERT_GT(max_threads, 0);
  EXPECT_EQ(launch(&kFill, dim3(0), dim3(1), nullptr, x_, 1.0f, 1), cudaErrorInvalidConfiguration);
  EXPECT_EQ(
      launch(&kFill, dim3(1), dim3(static_cast<unsigned>(max_threads) + 1), nullptr, x_, 1.0f, 1),
      cudaErrorInvalidConfiguration);
  EXPECT_EQ(cudaGetLastError(), cudaErrorInvalidConfiguration);
  EXPECT_EQ(cudaGetLastError(), cudaSuccess);
}

TEST_F(LaunchTest, FunctionAttributesDescribeTheDevice) {
  cudaFuncAttributes attributes;
  ASSERT_EQ(cudaFuncGetAttributes(&attributes, &kAxpy), cudaSuccess);
  cudaDeviceProp prop;
  ASSERT_EQ(cudaGetDeviceProperties(&prop, 0), cudaSuccess);
  EXPECT_EQ(attributes.maxThreadsPerBlock, prop.maxThreadsPerBlock);
  EXPECT_EQ(attributes.binaryVersion, prop.major * 10 + prop.minor);
  const int not_a_kernel = 0;
  EXPECT_EQ(cudaFuncGetAttributes(&attributes, &not_a_kernel), cudaErrorInvalidDeviceFunction);
  cudaGetLastError();
}

TEST_F(LaunchTest, KernelsLoadInEachDevicesContext) {
  ASSERT_EQ(cudaSetDevice(1), cudaSuccess);
  float* on_second = nullptr;
  ASSERT_EQ(cudaMalloc(&on_second, kCount * sizeof(float)), cudaSuccess);
  cudaFunction_t first = nullptr;
  cudaFunction_t second = nullptr;
  ASSERT_EQ(cudaGetFuncBySymbol(&second, &kFill), cudaSuccess);
  ASSERT_EQ(launch(&kFill, 1, 1, nullptr, on_second, 6.0f, kCount), cudaSuccess);
  for (float v : read(on_second)) ASSERT_EQ(v, 6.0f);
  EXPECT_EQ(cudaFree(on_second), cudaSuccess);
  ASSERT_EQ(cudaSetDevice(0), cudaSuccess);
  ASSERT_EQ(cudaGetFuncBySymbol(&first, &kFill), cudaSuccess);
  EXPECT_NE(first, second) << "each context has a function of its own for the kernel";
}

}  // namespace
}  // namespace cudasim_test
