// A cuBLAS call given freed device memory does not crash the program: the
// call itself succeeds (it only enqueues), and the fault of its kernel is
// reported at the next synchronisation as CUDA_ERROR_ILLEGAL_ADDRESS, as on a
// GPU. Its own executable: the fault poisons the context, as it does on a GPU.
#include <cublas_v2.h>

#include <vector>

#include "device_session.h"

namespace cudasim::testing {
namespace {

using CublasFault = DeviceSession;

TEST_F(CublasFault, FreedOperandIsReportedAtTheNextSync) {
  cublasHandle_t handle = nullptr;
  ASSERT_EQ(cublasCreate_v2(&handle), CUBLAS_STATUS_SUCCESS);
  const CUdeviceptr a = upload(std::vector<float>(64, 1.0f));
  CUdeviceptr gone = 0;
  ASSERT_EQ(api().cuMemAlloc(&gone, 64 * sizeof(float)), CUDA_SUCCESS);
  ASSERT_EQ(api().cuMemFree(gone), CUDA_SUCCESS);
  const float one = 1.0f, zero = 0.0f;
  {
    // Held back until the call has returned, so the call cannot see the fault.
    StreamGate gate(api(), nullptr);
    EXPECT_EQ(cublasSgemm_v2(handle, CUBLAS_OP_N, CUBLAS_OP_N, 8, 8, 8, &one, f(a), 8, f(gone), 8,
                             &zero, f(a), 8),
              CUBLAS_STATUS_SUCCESS);
  }
  EXPECT_EQ(api().cuStreamSynchronize(nullptr), CUDA_ERROR_ILLEGAL_ADDRESS);
  cublasDestroy_v2(handle);
}

}  // namespace
}  // namespace cudasim::testing
