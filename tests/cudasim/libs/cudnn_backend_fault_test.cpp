// A graph executed with a variant-pack pointer to memory that is gone: the
// call succeeds (it only enqueues), and the kernel's fault on that pointer is
// reported at the next synchronisation as CUDA_ERROR_ILLEGAL_ADDRESS. The
// pointers reach the kernel only through the workspace, so this shows the
// engine really dereferences them there. Its own executable: the fault
// poisons the context.
#include <cudnn.h>

#include <vector>

#include "backend_graph_builder.h"
#include "device_session.h"

namespace cudasim::testing {
namespace {

using CudnnBackendFault = DeviceSession;

TEST_F(CudnnBackendFault, FreedDataPointerIsReportedAtTheNextSync) {
  cudnnHandle_t handle = nullptr;
  ASSERT_EQ(cudnnCreate(&handle), CUDNN_STATUS_SUCCESS);
  {
    const Backend x = tensor(1, {64}), b = tensor(2, {64}), y = tensor(3, {64});
    const Backend op = pointwise_op(CUDNN_POINTWISE_MUL, x, &b, y);
    const Backend graph = operation_graph(handle, {&op});
    const Backend plan = execution_plan(handle, graph);
    const CUdeviceptr dx = upload(std::vector<float>(64, 1.0f));
    const CUdeviceptr dy = alloc(64 * sizeof(float));
    const CUdeviceptr ws = alloc(static_cast<std::size_t>(workspace_size(plan)));
    CUdeviceptr gone = 0;
    ASSERT_EQ(api().cuMemAlloc(&gone, 64 * sizeof(float)), CUDA_SUCCESS);
    ASSERT_EQ(api().cuMemFree(gone), CUDA_SUCCESS);
    auto p = [](CUdeviceptr d) { return reinterpret_cast<void*>(static_cast<uintptr_t>(d)); };
    const Backend pack = variant_pack({1, 2, 3}, {p(dx), p(gone), p(dy)}, p(ws));
    {
      // Held back until the call has returned, so the call cannot see the fault.
      StreamGate gate(api(), nullptr);
      EXPECT_EQ(cudnnBackendExecute(handle, plan.get(), pack.get()), CUDNN_STATUS_SUCCESS);
    }
    EXPECT_EQ(api().cuStreamSynchronize(nullptr), CUDA_ERROR_ILLEGAL_ADDRESS);
  }
  cudnnDestroy(handle);
}

}  // namespace
}  // namespace cudasim::testing
