// Graphs built node by node: parameters copied when a node is added,
// dependencies honoured, relaunchable, faults detected like any other work.
#include <vector>

#include "driver_test_util.h"

using namespace cudasim_test;

using Graphs = DriverTest;

TEST_F(Graphs, BuildInstantiateLaunch) {
  CUdeviceptr x = 0;
  ASSERT_CU(cuMemAlloc(&x, 64 * sizeof(float)));
  CUgraph g = nullptr;
  ASSERT_CU(cuGraphCreate(&g, 0));
  CUgraphNode reset = nullptr, add = nullptr, check = nullptr;
  CUDA_MEMSET_NODE_PARAMS ms{};
  ms.dst = x;
  ms.value = 0;
  ms.elementSize = 4;
  ms.width = 64;
  ms.height = 1;
  ASSERT_CU(cuGraphAddMemsetNode(&reset, g, nullptr, 0, &ms, ctx_));
  float* p = reinterpret_cast<float*>(x);
  int n = 64;
  void* params[] = {&p, &n};
  CUDA_KERNEL_NODE_PARAMS kp{};
  kp.func = function("add_one");
  kp.gridDimX = kp.gridDimY = kp.gridDimZ = 1;
  kp.blockDimX = kp.blockDimY = kp.blockDimZ = 1;
  kp.kernelParams = params;
  ASSERT_CU(cuGraphAddKernelNode(&add, g, &reset, 1, &kp));
  n = 1;  // parameters were copied when the node was added
  struct Seen {
    CUdeviceptr x;
    std::vector<float> last;
  } seen{x, {}};
  CUDA_HOST_NODE_PARAMS hp{};
  hp.fn = [](void* u) {
    auto* s = static_cast<Seen*>(u);
    const float* v = reinterpret_cast<const float*>(s->x);
    s->last.assign(v, v + 64);
  };
  hp.userData = &seen;
  ASSERT_CU(cuGraphAddHostNode(&check, g, &add, 1, &hp));
  CUgraphNode stray = reinterpret_cast<CUgraphNode>(&seen);
  CUgraphNode unused = nullptr;
  EXPECT_EQ(cuGraphAddEmptyNode(&unused, g, &stray, 1), CUDA_ERROR_INVALID_VALUE);

  size_t count = 0;
  ASSERT_CU(cuGraphGetNodes(g, nullptr, &count));
  EXPECT_EQ(count, 3u);
  CUgraphNodeType type;
  ASSERT_CU(cuGraphNodeGetType(add, &type));
  EXPECT_EQ(type, CU_GRAPH_NODE_TYPE_KERNEL);
  CUDA_KERNEL_NODE_PARAMS back{};
  ASSERT_CU(cuGraphKernelNodeGetParams(add, &back));
  EXPECT_EQ(back.func, kp.func);
  EXPECT_EQ(*static_cast<int*>(back.kernelParams[1]), 64);
  EXPECT_EQ(*static_cast<float**>(back.kernelParams[0]), p);

  CUgraphExec exec = nullptr;
  ASSERT_CU(cuGraphInstantiate(&exec, g, 0));
  ASSERT_CU(cuMemsetD32(x, 0x40a00000, 64));  // 5.0f: the graph's memset must clear it
  CUstream s = nullptr;
  ASSERT_CU(cuStreamCreate(&s, CU_STREAM_NON_BLOCKING));
  for (int launch = 0; launch < 2; ++launch) {
    ASSERT_CU(cuGraphLaunch(exec, s));
    ASSERT_CU(cuStreamSynchronize(s));
    EXPECT_EQ(seen.last, std::vector<float>(64, 1.0f)) << "launch " << launch;
  }
  ASSERT_CU(cuGraphExecDestroy(exec));
  EXPECT_EQ(cuGraphLaunch(exec, s), CUDA_ERROR_INVALID_VALUE);
  ASSERT_CU(cuGraphDestroy(g));
  ASSERT_CU(cuStreamDestroy(s));
}

TEST_F(Graphs, KernelNodeOnUnmappedMemoryFaults) {
  CUdeviceptr va = 0;
  ASSERT_CU(cuMemAddressReserve(&va, 2 << 20, 0, 0, 0));
  CUgraph g = nullptr;
  ASSERT_CU(cuGraphCreate(&g, 0));
  float* p = reinterpret_cast<float*>(va);
  int n = 4;
  void* params[] = {&p, &n};
  CUDA_KERNEL_NODE_PARAMS kp{};
  kp.func = function("add_one");
  kp.gridDimX = kp.gridDimY = kp.gridDimZ = 1;
  kp.blockDimX = kp.blockDimY = kp.blockDimZ = 1;
  kp.kernelParams = params;
  CUgraphNode node = nullptr;
  ASSERT_CU(cuGraphAddKernelNode(&node, g, nullptr, 0, &kp));
  CUgraphExec exec = nullptr;
  ASSERT_CU(cuGraphInstantiate(&exec, g, 0));
  ASSERT_CU(cuGraphLaunch(exec, nullptr));
  EXPECT_EQ(cuCtxSynchronize(), CUDA_ERROR_ILLEGAL_ADDRESS);
  ASSERT_CU(cuGraphExecDestroy(exec));
  ASSERT_CU(cuGraphDestroy(g));
  ASSERT_CU(cuMemAddressFree(va, 2 << 20));
}
