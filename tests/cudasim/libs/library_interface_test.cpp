// What programs and an interposer rely on besides results: the libraries'
// symbols carry the real version nodes, and their kernels describe their
// parameters to the driver, device pointers as pointer-sized parameters.
#include <cublas_v2.h>
#include <cudnn.h>
#include <dlfcn.h>

#include <vector>

#include "device_session.h"

namespace cudasim::testing {
namespace {

TEST(LibraryInterface, EntryPointsCarryTheRealVersionNodes) {
  void* blas = dlopen("libcublas.so.13", RTLD_NOW | RTLD_NOLOAD);
  void* dnn = dlopen("libcudnn.so.9", RTLD_NOW | RTLD_NOLOAD);
  ASSERT_NE(blas, nullptr);
  ASSERT_NE(dnn, nullptr);
  for (const char* name : {"cublasCreate_v2", "cublasSgemm_v2", "cublasGemmEx",
                           "cublasSgemmStridedBatched", "cublasGemmBatchedEx"}) {
    EXPECT_NE(dlvsym(blas, name, "libcublas.so.13"), nullptr) << name;
  }
  for (const char* name : {"cudnnCreate", "cudnnConvolutionForward", "cudnnConvolutionBackwardData",
                           "cudnnConvolutionBackwardFilter", "cudnnSoftmaxForward"}) {
    EXPECT_NE(dlvsym(dnn, name, "libcudnn.so.9"), nullptr) << name;
  }
  EXPECT_EQ(dlsym(blas, "cudnnCreate"), nullptr);
  dlclose(blas);
  dlclose(dnn);
}

class KernelLayouts : public DeviceSession {
 protected:
  // Sizes of the parameters of module/name as cuFuncGetParamInfo reports them.
  std::vector<size_t> param_sizes(const char* module, const char* name) {
    CUmodule mod = nullptr;
    CUfunction fn = nullptr;
    EXPECT_EQ(api().cuModuleLoadData(&mod, api().moduleImage(module)), CUDA_SUCCESS);
    EXPECT_EQ(api().cuModuleGetFunction(&fn, mod, name), CUDA_SUCCESS);
    std::vector<size_t> sizes;
    size_t offset = 0, size = 0, end = 0;
    for (size_t i = 0; api().cuFuncGetParamInfo(fn, i, &offset, &size) == CUDA_SUCCESS; ++i) {
      EXPECT_GE(offset, end) << "parameter " << i << " overlaps the previous one";
      end = offset + size;
      sizes.push_back(size);
    }
    return sizes;
  }
};

TEST_F(KernelLayouts, DevicePointersArePointerParameters) {
  // Creating the handles registers the kernels.
  cublasHandle_t blas = nullptr;
  cudnnHandle_t dnn = nullptr;
  ASSERT_EQ(cublasCreate_v2(&blas), CUBLAS_STATUS_SUCCESS);
  ASSERT_EQ(cudnnCreate(&dnn), CUDNN_STATUS_SUCCESS);

  // sgemm(shape, scalars, alpha_dev, beta_dev, A, B, C)
  const auto gemm = param_sizes("cudasim.cublas", "sgemm");
  ASSERT_EQ(gemm.size(), 7u);
  for (size_t i = 2; i < 7; ++i) EXPECT_EQ(gemm[i], sizeof(void*)) << i;
  // sgemm_batched(shape, scalars, alpha_dev, beta_dev, Aarray, Barray, Carray, batch)
  const auto batched = param_sizes("cudasim.cublas", "sgemm_batched");
  ASSERT_EQ(batched.size(), 8u);
  EXPECT_EQ(batched[7], sizeof(int));
  // conv_forward_gemm(x, xd, w, wd, params, blend, y, yd, workspace)
  const auto conv = param_sizes("cudasim.cudnn", "conv_forward_gemm");
  ASSERT_EQ(conv.size(), 9u);
  for (size_t i : {1, 3, 7, 8}) EXPECT_EQ(conv[i], sizeof(void*)) << i;
  EXPECT_GT(conv[0], sizeof(void*));  // the tensor shape travels by value

  cudnnDestroy(dnn);
  cublasDestroy_v2(blas);
}

}  // namespace
}  // namespace cudasim::testing
