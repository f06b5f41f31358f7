// A cuDNN call given freed device memory does not crash the program: the call
// succeeds (it only enqueues), and the fault of its kernel is reported at the
// next synchronisation as CUDA_ERROR_ILLEGAL_ADDRESS, as on a GPU. Its own
// executable: the fault poisons the context, as it does on a GPU.
#include <cudnn.h>

#include <vector>

#include "cudnn_descriptors.h"
#include "device_session.h"

namespace cudasim::testing {
namespace {

using CudnnFault = DeviceSession;

TEST_F(CudnnFault, FreedOperandIsReportedAtTheNextSync) {
  cudnnHandle_t handle = nullptr;
  ASSERT_EQ(cudnnCreate(&handle), CUDNN_STATUS_SUCCESS);
  {
    TensorDesc t(dnn::packed_nchw(1, 2, 4, 4));
    const CUdeviceptr y = alloc(32 * sizeof(float));
    CUdeviceptr gone = 0;
    ASSERT_EQ(api().cuMemAlloc(&gone, 32 * sizeof(float)), CUDA_SUCCESS);
    ASSERT_EQ(api().cuMemFree(gone), CUDA_SUCCESS);
    const float one = 1.0f, zero = 0.0f;
    {
      // Held back until the call has returned, so the call cannot see the fault.
      StreamGate gate(api(), nullptr);
      EXPECT_EQ(cudnnSoftmaxForward(handle, CUDNN_SOFTMAX_ACCURATE, CUDNN_SOFTMAX_MODE_CHANNEL,
                                    &one, t, f(gone), &zero, t, f(y)),
                CUDNN_STATUS_SUCCESS);
    }
    EXPECT_EQ(api().cuStreamSynchronize(nullptr), CUDA_ERROR_ILLEGAL_ADDRESS);
  }
  cudnnDestroy(handle);
}

}  // namespace
}  // namespace cudasim::testing
