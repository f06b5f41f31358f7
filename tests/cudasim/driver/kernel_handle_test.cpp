// CUkernel and CUfunction handles are distinct objects, as on NVIDIA's driver:
// the cuFunc* queries refuse a CUkernel, the cuKernel* queries refuse a
// CUfunction, and the launch calls take either. The answers asserted here
// are those NVIDIA's driver 580 (CUDA 13.0) gave on an H200.
#include <vector>

#include "driver_test_util.h"

using namespace cudasim_test;

namespace {

// copy_int(int* dst, const int* src, int n): parameters 0..2, 3 is past the end.
constexpr size_t kPastLast = 3;

class KernelHandle : public DriverTest {
 protected:
  void SetUp() override {
    DriverTest::SetUp();
    ASSERT_CU(cuLibraryLoadData(&library_, cudasimModuleImage(kModule), nullptr, nullptr, 0,
                                nullptr, nullptr, 0));
    ASSERT_CU(cuLibraryGetKernel(&kernel_, library_, "copy_int"));
    ASSERT_CU(cuModuleGetFunction(&function_, module_, "copy_int"));
    ASSERT_CU(cuMemAlloc(&dst_, kCount * sizeof(int)));
    ASSERT_CU(cuMemAlloc(&src_, kCount * sizeof(int)));
  }
  void TearDown() override {
    if (library_ != nullptr) {
      EXPECT_CU(cuLibraryUnload(library_));
    }
    EXPECT_CU(cuMemFree(dst_));
    EXPECT_CU(cuMemFree(src_));
    DriverTest::TearDown();
  }

  // Fills src with `value` and clears dst, so that a copy_int launch shows.
  void prepare(int value) {
    ASSERT_CU(cuMemsetD32(src_, static_cast<unsigned>(value), kCount));
    ASSERT_CU(cuMemsetD32(dst_, 0, kCount));
  }
  std::vector<int> copied() {
    std::vector<int> out(kCount);
    EXPECT_CU(cuCtxSynchronize());
    EXPECT_CU(cuMemcpyDtoH(out.data(), dst_, kCount * sizeof(int)));
    return out;
  }
  // The copy_int arguments; the array points into this object.
  void** params() {
    dst_arg_ = reinterpret_cast<int*>(dst_);
    src_arg_ = reinterpret_cast<const int*>(src_);
    args_[0] = &dst_arg_;
    args_[1] = &src_arg_;
    args_[2] = &count_arg_;
    return args_;
  }
  CUfunction kernel_as_function() const { return reinterpret_cast<CUfunction>(kernel_); }

  static constexpr unsigned kCount = 32;
  CUlibrary library_ = nullptr;
  CUkernel kernel_ = nullptr;
  CUfunction function_ = nullptr;
  CUdeviceptr dst_ = 0;
  CUdeviceptr src_ = 0;
  int* dst_arg_ = nullptr;
  const int* src_arg_ = nullptr;
  int count_arg_ = static_cast<int>(kCount);
  void* args_[3] = {};
};

TEST_F(KernelHandle, ParamInfoAnswersOnlyForItsOwnKind) {
  CUfunction kernel_function = nullptr;
  ASSERT_CU(cuKernelGetFunction(&kernel_function, kernel_));
  EXPECT_NE(reinterpret_cast<void*>(kernel_function), reinterpret_cast<void*>(kernel_));

  size_t offset = 99, size = 99;
  EXPECT_EQ(cuFuncGetParamInfo(kernel_as_function(), 0, &offset, &size), CUDA_ERROR_INVALID_HANDLE);
  ASSERT_CU(cuFuncGetParamInfo(kernel_function, 1, &offset, &size));
  EXPECT_EQ(offset, 8u);
  EXPECT_EQ(size, sizeof(const int*));
  EXPECT_EQ(cuFuncGetParamInfo(function_, kPastLast, &offset, &size), CUDA_ERROR_INVALID_VALUE);
  ASSERT_CU(cuFuncGetParamInfo(function_, 2, &offset, &size));
  EXPECT_EQ(offset, 16u);
  EXPECT_EQ(size, sizeof(int));

  offset = size = 99;
  ASSERT_CU(cuKernelGetParamInfo(kernel_, 1, &offset, &size));
  EXPECT_EQ(offset, 8u);
  EXPECT_EQ(size, sizeof(const int*));
  EXPECT_EQ(cuKernelGetParamInfo(kernel_, kPastLast, &offset, &size), CUDA_ERROR_INVALID_VALUE);
  EXPECT_EQ(cuKernelGetParamInfo(reinterpret_cast<CUkernel>(function_), 0, &offset, &size),
            CUDA_ERROR_INVALID_HANDLE);
  EXPECT_EQ(cuKernelGetParamInfo(reinterpret_cast<CUkernel>(kernel_function), 0, &offset, &size),
            CUDA_ERROR_INVALID_HANDLE);
}

TEST_F(KernelHandle, NamesAnswerOnlyForTheirOwnKind) {
  const char* name = nullptr;
  EXPECT_EQ(cuFuncGetName(&name, kernel_as_function()), CUDA_ERROR_INVALID_HANDLE);
  EXPECT_EQ(name, nullptr);
  ASSERT_CU(cuKernelGetName(&name, kernel_));
  EXPECT_STREQ(name, "copy_int");
  name = nullptr;
  EXPECT_EQ(cuKernelGetName(&name, reinterpret_cast<CUkernel>(function_)),
            CUDA_ERROR_INVALID_HANDLE);
  EXPECT_EQ(name, nullptr);
  ASSERT_CU(cuFuncGetName(&name, function_));
  EXPECT_STREQ(name, "copy_int");
  CUfunction kernel_function = nullptr;
  ASSERT_CU(cuKernelGetFunction(&kernel_function, kernel_));
  name = nullptr;
  ASSERT_CU(cuFuncGetName(&name, kernel_function));
  EXPECT_STREQ(name, "copy_int");
}

TEST_F(KernelHandle, LaunchKernelRunsAKernelHandle) {
  prepare(41);
  ASSERT_CU(cuLaunchKernel(kernel_as_function(), 1, 1, 1, 1, 1, 1, 0, nullptr, params(), nullptr));
  EXPECT_EQ(copied(), std::vector<int>(kCount, 41));
  // And the module's function, and the kernel's own function, as before.
  prepare(42);
  ASSERT_CU(cuLaunchKernel(function_, 1, 1, 1, 1, 1, 1, 0, nullptr, params(), nullptr));
  EXPECT_EQ(copied(), std::vector<int>(kCount, 42));
  CUfunction kernel_function = nullptr;
  ASSERT_CU(cuKernelGetFunction(&kernel_function, kernel_));
  prepare(43);
  ASSERT_CU(cuLaunchKernel(kernel_function, 1, 1, 1, 1, 1, 1, 0, nullptr, params(), nullptr));
  EXPECT_EQ(copied(), std::vector<int>(kCount, 43));
}

TEST_F(KernelHandle, EveryLaunchEntryPointTakesAKernelHandle) {
  void* fn = nullptr;
  ASSERT_CU(cuGetProcAddress("cuLaunchKernel", &fn, 13000,
                             CU_GET_PROC_ADDRESS_PER_THREAD_DEFAULT_STREAM, nullptr));
  const auto launch_ptsz = reinterpret_cast<decltype(&cuLaunchKernel)>(fn);
  ASSERT_NE(launch_ptsz, nullptr);
  prepare(51);
  ASSERT_CU(launch_ptsz(kernel_as_function(), 1, 1, 1, 1, 1, 1, 0, nullptr, params(), nullptr));
  ASSERT_CU(cuStreamSynchronize(CU_STREAM_PER_THREAD));
  EXPECT_EQ(copied(), std::vector<int>(kCount, 51));

  CUlaunchConfig config{};
  config.gridDimX = config.gridDimY = config.gridDimZ = 1;
  config.blockDimX = config.blockDimY = config.blockDimZ = 1;
  prepare(52);
  ASSERT_CU(cuLaunchKernelEx(&config, kernel_as_function(), params(), nullptr));
  EXPECT_EQ(copied(), std::vector<int>(kCount, 52));

  prepare(53);
  ASSERT_CU(
      cuLaunchCooperativeKernel(kernel_as_function(), 1, 1, 1, 1, 1, 1, 0, nullptr, params()));
  EXPECT_EQ(copied(), std::vector<int>(kCount, 53));
}

TEST_F(KernelHandle, GraphKernelNodesTakeAKernelHandle) {
  CUgraph graph = nullptr;
  ASSERT_CU(cuGraphCreate(&graph, 0));
  // Named by `kern` alone, as CUDA_KERNEL_NODE_PARAMS allows.
  CUDA_KERNEL_NODE_PARAMS by_kern{};
  by_kern.kern = kernel_;
  by_kern.gridDimX = by_kern.gridDimY = by_kern.gridDimZ = 1;
  by_kern.blockDimX = by_kern.blockDimY = by_kern.blockDimZ = 1;
  by_kern.kernelParams = params();
  CUgraphNode node = nullptr;
  ASSERT_CU(cuGraphAddKernelNode(&node, graph, nullptr, 0, &by_kern));
  // Read back as it was made: `kern`, with `func` null.
  CUDA_KERNEL_NODE_PARAMS back{};
  ASSERT_CU(cuGraphKernelNodeGetParams(node, &back));
  EXPECT_EQ(back.func, nullptr);
  EXPECT_EQ(reinterpret_cast<void*>(back.kern), reinterpret_cast<void*>(kernel_));
  CUgraphExec exec = nullptr;
  ASSERT_CU(cuGraphInstantiate(&exec, graph, 0));
  prepare(61);
  ASSERT_CU(cuGraphLaunch(exec, nullptr));
  EXPECT_EQ(copied(), std::vector<int>(kCount, 61));
  ASSERT_CU(cuGraphExecDestroy(exec));
  ASSERT_CU(cuGraphDestroy(graph));

  // A captured launch of a kernel handle: the node names the handle launched.
  CUstream s = nullptr;
  ASSERT_CU(cuStreamCreate(&s, CU_STREAM_NON_BLOCKING));
  ASSERT_CU(cuStreamBeginCapture(s, CU_STREAM_CAPTURE_MODE_GLOBAL));
  ASSERT_CU(cuLaunchKernel(kernel_as_function(), 1, 1, 1, 1, 1, 1, 0, s, params(), nullptr));
  ASSERT_CU(cuStreamEndCapture(s, &graph));
  size_t count = 1;
  ASSERT_CU(cuGraphGetNodes(graph, &node, &count));
  ASSERT_EQ(count, 1u);
  back = {};
  ASSERT_CU(cuGraphKernelNodeGetParams(node, &back));
  EXPECT_EQ(reinterpret_cast<void*>(back.func), reinterpret_cast<void*>(kernel_));
  ASSERT_CU(cuGraphInstantiate(&exec, graph, 0));
  prepare(62);
  ASSERT_CU(cuGraphLaunch(exec, s));
  ASSERT_CU(cuStreamSynchronize(s));
  EXPECT_EQ(copied(), std::vector<int>(kCount, 62));
  ASSERT_CU(cuGraphExecDestroy(exec));
  ASSERT_CU(cuGraphDestroy(graph));
  ASSERT_CU(cuStreamDestroy(s));
}

TEST_F(KernelHandle, KernelFunctionIsStablePerContext) {
  CUfunction first = nullptr, again = nullptr;
  ASSERT_CU(cuKernelGetFunction(&first, kernel_));
  ASSERT_CU(cuKernelGetFunction(&again, kernel_));
  EXPECT_EQ(first, again);
  EXPECT_NE(reinterpret_cast<void*>(first), reinterpret_cast<void*>(kernel_));
  EXPECT_NE(first, function_) << "the module's function is another handle";

  CUcontext other = nullptr;
  ASSERT_CU(cuCtxCreate(&other, nullptr, 0, 0));
  CUfunction in_other = nullptr;
  ASSERT_CU(cuKernelGetFunction(&in_other, kernel_));
  EXPECT_NE(in_other, first);
  EXPECT_NE(reinterpret_cast<void*>(in_other), reinterpret_cast<void*>(kernel_));
  size_t offset = 0, size = 0;
  EXPECT_CU(cuFuncGetParamInfo(in_other, 0, &offset, &size));
  EXPECT_EQ(size, sizeof(int*));
  ASSERT_CU(cuCtxDestroy(other));
  ASSERT_CU(cuCtxSetCurrent(ctx_));

  ASSERT_CU(cuKernelGetFunction(&again, kernel_));
  EXPECT_EQ(again, first) << "back in the first context";
  EXPECT_EQ(cuKernelGetFunction(nullptr, kernel_), CUDA_ERROR_INVALID_VALUE);
}

TEST_F(KernelHandle, UnprobedCallsTakeEitherKind) {
  for (CUfunction f : {function_, kernel_as_function()}) {
    int value = 0;
    EXPECT_CU(cuFuncGetAttribute(&value, CU_FUNC_ATTRIBUTE_MAX_THREADS_PER_BLOCK, f));
    EXPECT_EQ(value, 1024);
    EXPECT_CU(cuFuncSetAttribute(f, CU_FUNC_ATTRIBUTE_MAX_DYNAMIC_SHARED_SIZE_BYTES, 1024));
    EXPECT_CU(cuFuncSetCacheConfig(f, CU_FUNC_CACHE_PREFER_NONE));
    int blocks = 0;
    EXPECT_CU(cuOccupancyMaxActiveBlocksPerMultiprocessor(&blocks, f, 256, 0));
    EXPECT_GT(blocks, 0);
  }
  // cuKernelGetFunction given a CUfunction answers with that function.
  CUfunction same = nullptr;
  ASSERT_CU(cuKernelGetFunction(&same, reinterpret_cast<CUkernel>(function_)));
  EXPECT_EQ(same, function_);
}

TEST_F(KernelHandle, StaleAndMadeUpHandlesAreInvalid) {
  CUfunction kernel_function = nullptr;
  ASSERT_CU(cuKernelGetFunction(&kernel_function, kernel_));
  ASSERT_CU(cuLibraryUnload(library_));
  library_ = nullptr;
  int made_up_storage = 0;
  const std::vector<void*> invalid = {reinterpret_cast<void*>(kernel_),
                                      reinterpret_cast<void*>(kernel_function), &made_up_storage,
                                      reinterpret_cast<void*>(0x1000), nullptr};
  for (void* h : invalid) {
    const auto f = static_cast<CUfunction>(h);
    const auto k = static_cast<CUkernel>(h);
    size_t offset = 0, size = 0;
    const char* name = nullptr;
    CUfunction out = nullptr;
    int value = 0;
    EXPECT_EQ(cuFuncGetParamInfo(f, 0, &offset, &size), CUDA_ERROR_INVALID_HANDLE) << h;
    EXPECT_EQ(cuKernelGetParamInfo(k, 0, &offset, &size), CUDA_ERROR_INVALID_HANDLE) << h;
    EXPECT_EQ(cuFuncGetName(&name, f), CUDA_ERROR_INVALID_HANDLE) << h;
    EXPECT_EQ(cuKernelGetName(&name, k), CUDA_ERROR_INVALID_HANDLE) << h;
    EXPECT_EQ(cuKernelGetFunction(&out, k), CUDA_ERROR_INVALID_HANDLE) << h;
    EXPECT_EQ(cuFuncGetAttribute(&value, CU_FUNC_ATTRIBUTE_NUM_REGS, f), CUDA_ERROR_INVALID_HANDLE)
        << h;
    EXPECT_EQ(cuLaunchKernel(f, 1, 1, 1, 1, 1, 1, 0, nullptr, params(), nullptr),
              CUDA_ERROR_INVALID_HANDLE)
        << h;
  }
  // The module's function is unaffected by the library's unloading.
  prepare(71);
  ASSERT_CU(cuLaunchKernel(function_, 1, 1, 1, 1, 1, 1, 0, nullptr, params(), nullptr));
  EXPECT_EQ(copied(), std::vector<int>(kCount, 71));
}

}  // namespace
