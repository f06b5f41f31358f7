// Graphs built node by node: parameters copied when a node is added,
// dependencies honoured, relaunchable, faults detected like any other work.
#include <initializer_list>
#include <vector>

#include "driver_test_util.h"

using namespace cudasim_test;

using Graphs = DriverTest;

namespace {

// A kernel node of one block of one thread.
CUDA_KERNEL_NODE_PARAMS one_block(CUfunction function, void** params) {
  CUDA_KERNEL_NODE_PARAMS kp{};
  kp.func = function;
  kp.gridDimX = kp.gridDimY = kp.gridDimZ = 1;
  kp.blockDimX = kp.blockDimY = kp.blockDimZ = 1;
  kp.kernelParams = params;
  return kp;
}

// A memset node's parameters: `words` 4-byte words of `value` in one row.
CUDA_MEMSET_NODE_PARAMS words_of(CUdeviceptr dst, unsigned value, std::size_t words) {
  CUDA_MEMSET_NODE_PARAMS ms{};
  ms.dst = dst;
  ms.value = value;
  ms.elementSize = 4;
  ms.width = words;
  ms.height = 1;
  return ms;
}

// Two device buffers of 16 words, zeroed.
void two_zeroed_buffers(CUdeviceptr* a, CUdeviceptr* b) {
  for (CUdeviceptr* buffer : {a, b}) {
    ASSERT_CU(cuMemAlloc(buffer, 16 * sizeof(float)));
    ASSERT_CU(cuMemsetD32(*buffer, 0, 16));
  }
}

}  // namespace

TEST_F(Graphs, BuildInstantiateLaunch) {
  CUdeviceptr x = 0;
  ASSERT_CU(cuMemAlloc(&x, 64 * sizeof(float)));
  CUgraph g = nullptr;
  ASSERT_CU(cuGraphCreate(&g, 0));
  CUgraphNode reset = nullptr, add = nullptr, check = nullptr;
  const CUDA_MEMSET_NODE_PARAMS ms = words_of(x, 0, 64);
  ASSERT_CU(cuGraphAddMemsetNode(&reset, g, nullptr, 0, &ms, ctx_));
  float* p = reinterpret_cast<float*>(x);
  int n = 64;
  void* params[] = {&p, &n};
  CUDA_KERNEL_NODE_PARAMS kp = one_block(function("add_one"), params);
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
  CUDA_KERNEL_NODE_PARAMS kp = one_block(function("add_one"), params);
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

TEST_F(Graphs, StreamCaptureRecordsInsteadOfRunning) {
  CUdeviceptr x = 0;
  ASSERT_CU(cuMemAlloc(&x, 16 * sizeof(float)));
  ASSERT_CU(cuMemsetD32(x, 0x40400000, 16));  // 3.0f
  CUstream s = nullptr;
  ASSERT_CU(cuStreamCreate(&s, CU_STREAM_NON_BLOCKING));
  EXPECT_EQ(cuStreamBeginCapture(nullptr, CU_STREAM_CAPTURE_MODE_GLOBAL),
            CUDA_ERROR_STREAM_CAPTURE_UNSUPPORTED);
  ASSERT_CU(cuStreamBeginCapture(s, CU_STREAM_CAPTURE_MODE_GLOBAL));
  EXPECT_EQ(cuStreamBeginCapture(s, CU_STREAM_CAPTURE_MODE_GLOBAL), CUDA_ERROR_ILLEGAL_STATE);
  CUstreamCaptureStatus status;
  ASSERT_CU(cuStreamIsCapturing(s, &status));
  EXPECT_EQ(status, CU_STREAM_CAPTURE_STATUS_ACTIVE);
  ASSERT_CU(cuMemsetD32Async(x, 0, 16, s));
  float* p = reinterpret_cast<float*>(x);
  int n = 16;
  void* params[] = {&p, &n};
  ASSERT_CU(cuLaunchKernel(function("add_one"), 1, 1, 1, 1, 1, 1, 0, s, params, nullptr));
  ASSERT_CU(cuLaunchKernel(function("add_one"), 1, 1, 1, 1, 1, 1, 0, s, params, nullptr));
  EXPECT_EQ(cuStreamSynchronize(s), CUDA_ERROR_STREAM_CAPTURE_UNSUPPORTED);
  std::vector<float> host(16);
  EXPECT_EQ(cuMemcpyDtoHAsync(host.data(), x, 64, s),
            CUDA_ERROR_STREAM_CAPTURE_UNSUPPORTED);  // pageable
  CUgraph g = nullptr;
  ASSERT_CU(cuStreamEndCapture(s, &g));
  ASSERT_CU(cuStreamIsCapturing(s, &status));
  EXPECT_EQ(status, CU_STREAM_CAPTURE_STATUS_NONE);
  // Nothing ran while capturing.
  ASSERT_CU(cuMemcpyDtoH(host.data(), x, 64));
  EXPECT_EQ(host, std::vector<float>(16, 3.0f));

  CUgraphNode nodes[3] = {};
  size_t count = 3;
  ASSERT_CU(cuGraphGetNodes(g, nodes, &count));
  ASSERT_EQ(count, 3u);
  CUgraphNodeType type;
  ASSERT_CU(cuGraphNodeGetType(nodes[0], &type));
  EXPECT_EQ(type, CU_GRAPH_NODE_TYPE_MEMSET);
  ASSERT_CU(cuGraphNodeGetType(nodes[1], &type));
  EXPECT_EQ(type, CU_GRAPH_NODE_TYPE_KERNEL);
  CUDA_KERNEL_NODE_PARAMS kp{};
  ASSERT_CU(cuGraphKernelNodeGetParams(nodes[1], &kp));
  EXPECT_EQ(*static_cast<float**>(kp.kernelParams[0]), p);

  CUgraphExec exec = nullptr;
  ASSERT_CU(cuGraphInstantiate(&exec, g, 0));
  ASSERT_CU(cuGraphLaunch(exec, s));
  ASSERT_CU(cuStreamSynchronize(s));
  ASSERT_CU(cuMemcpyDtoH(host.data(), x, 64));
  EXPECT_EQ(host, std::vector<float>(16, 2.0f));
  ASSERT_CU(cuGraphExecDestroy(exec));
  ASSERT_CU(cuGraphDestroy(g));
  ASSERT_CU(cuStreamDestroy(s));
}

TEST_F(Graphs, CaptureForkAndJoinThroughEvents) {
  CUdeviceptr a = 0, b = 0;
  ASSERT_NO_FATAL_FAILURE(two_zeroed_buffers(&a, &b));
  CUstream s1 = nullptr, s2 = nullptr;
  ASSERT_CU(cuStreamCreate(&s1, CU_STREAM_NON_BLOCKING));
  ASSERT_CU(cuStreamCreate(&s2, CU_STREAM_NON_BLOCKING));
  CUevent fork = nullptr, join = nullptr;
  ASSERT_CU(cuEventCreate(&fork, CU_EVENT_DISABLE_TIMING));
  ASSERT_CU(cuEventCreate(&join, CU_EVENT_DISABLE_TIMING));

  ASSERT_CU(cuStreamBeginCapture(s1, CU_STREAM_CAPTURE_MODE_GLOBAL));
  int* pa = reinterpret_cast<int*>(a);
  int* pb = reinterpret_cast<int*>(b);
  int n = 16, value = 4, ms = 20;
  void* fill_a[] = {&pa, &n, &value, &ms};
  ASSERT_CU(cuLaunchKernel(function("slow_fill"), 1, 1, 1, 1, 1, 1, 0, s1, fill_a, nullptr));
  ASSERT_CU(cuEventRecord(fork, s1));
  ASSERT_CU(cuStreamWaitEvent(s2, fork, 0));  // s2 joins the capture after the fill
  const int* src = pa;
  void* copy[] = {&pb, &src, &n};
  ASSERT_CU(cuLaunchKernel(function("copy_int"), 1, 1, 1, 1, 1, 1, 0, s2, copy, nullptr));
  ASSERT_CU(cuEventRecord(join, s2));
  ASSERT_CU(cuStreamWaitEvent(s1, join, 0));
  CUgraph g = nullptr;
  EXPECT_EQ(cuStreamEndCapture(s2, &g), CUDA_ERROR_STREAM_CAPTURE_UNMATCHED);
  ASSERT_CU(cuStreamEndCapture(s1, &g));
  CUstreamCaptureStatus status;
  ASSERT_CU(cuStreamIsCapturing(s2, &status));
  EXPECT_EQ(status, CU_STREAM_CAPTURE_STATUS_NONE);  // left with the capture
  size_t count = 0;
  ASSERT_CU(cuGraphGetNodes(g, nullptr, &count));
  EXPECT_EQ(count, 2u);

  CUgraphExec exec = nullptr;
  ASSERT_CU(cuGraphInstantiate(&exec, g, 0));
  ASSERT_CU(cuGraphLaunch(exec, s1));
  ASSERT_CU(cuStreamSynchronize(s1));
  std::vector<int> host(16);
  ASSERT_CU(cuMemcpyDtoH(host.data(), b, 64));
  EXPECT_EQ(host, std::vector<int>(16, 4));
  ASSERT_CU(cuGraphExecDestroy(exec));
  ASSERT_CU(cuGraphDestroy(g));
  ASSERT_CU(cuEventDestroy(fork));
  ASSERT_CU(cuEventDestroy(join));
  ASSERT_CU(cuStreamDestroy(s1));
  ASSERT_CU(cuStreamDestroy(s2));
}

TEST_F(Graphs, ExecKernelNodeParamsChangeLaterLaunchesOnly) {
  CUdeviceptr a = 0, b = 0;
  ASSERT_NO_FATAL_FAILURE(two_zeroed_buffers(&a, &b));
  CUgraph g = nullptr;
  ASSERT_CU(cuGraphCreate(&g, 0));
  float* p = reinterpret_cast<float*>(a);
  int n = 16;
  void* params[] = {&p, &n};
  CUDA_KERNEL_NODE_PARAMS kp = one_block(function("add_one"), params);
  CUgraphNode node = nullptr;
  ASSERT_CU(cuGraphAddKernelNode(&node, g, nullptr, 0, &kp));
  CUgraphExec exec = nullptr;
  ASSERT_CU(cuGraphInstantiate(&exec, g, 0));
  ASSERT_CU(cuGraphLaunch(exec, nullptr));

  // The executable graph now adds to b; the graph itself still names a.
  p = reinterpret_cast<float*>(b);
  ASSERT_CU(cuGraphExecKernelNodeSetParams(exec, node, &kp));
  ASSERT_CU(cuGraphLaunch(exec, nullptr));
  ASSERT_CU(cuGraphLaunch(exec, nullptr));
  ASSERT_CU(cuCtxSynchronize());
  std::vector<float> got(16);
  ASSERT_CU(cuMemcpyDtoH(got.data(), a, 16 * sizeof(float)));
  EXPECT_EQ(got, std::vector<float>(16, 1.0f));
  ASSERT_CU(cuMemcpyDtoH(got.data(), b, 16 * sizeof(float)));
  EXPECT_EQ(got, std::vector<float>(16, 2.0f));
  CUDA_KERNEL_NODE_PARAMS back{};
  ASSERT_CU(cuGraphKernelNodeGetParams(node, &back));
  EXPECT_EQ(*static_cast<float**>(back.kernelParams[0]), reinterpret_cast<float*>(a));

  // A node of no graph behind this executable, or a bad executable.
  CUgraph other = nullptr;
  ASSERT_CU(cuGraphCreate(&other, 0));
  CUgraphNode stranger = nullptr;
  ASSERT_CU(cuGraphAddKernelNode(&stranger, other, nullptr, 0, &kp));
  EXPECT_EQ(cuGraphExecKernelNodeSetParams(exec, stranger, &kp), CUDA_ERROR_INVALID_VALUE);
  EXPECT_EQ(cuGraphExecKernelNodeSetParams(reinterpret_cast<CUgraphExec>(&got), node, &kp),
            CUDA_ERROR_INVALID_VALUE);
  ASSERT_CU(cuGraphExecDestroy(exec));
  ASSERT_CU(cuGraphDestroy(other));
  ASSERT_CU(cuGraphDestroy(g));
  ASSERT_CU(cuMemFree(a));
  ASSERT_CU(cuMemFree(b));
}

// cuGraphExecUpdate: an executable graph takes the parameters of another
// graph of the same shape; one of another shape is refused and changes
// nothing.
TEST_F(Graphs, ExecUpdateTakesTheParametersOfAGraphOfTheSameShape) {
  CUdeviceptr a = 0, b = 0;
  ASSERT_NO_FATAL_FAILURE(two_zeroed_buffers(&a, &b));
  int n = 16;
  // Two nodes in a chain, each adding one: on a in the first graph, on b in
  // the second.
  const auto chain = [&](CUdeviceptr target, CUgraph* out, std::vector<CUgraphNode>* nodes) {
    ASSERT_CU(cuGraphCreate(out, 0));
    float* p = reinterpret_cast<float*>(target);
    void* params[] = {&p, &n};
    CUDA_KERNEL_NODE_PARAMS kp = one_block(function("add_one"), params);
    CUgraphNode first = nullptr, second = nullptr;
    ASSERT_CU(cuGraphAddKernelNode(&first, *out, nullptr, 0, &kp));
    ASSERT_CU(cuGraphAddKernelNode(&second, *out, &first, 1, &kp));
    *nodes = {first, second};
  };
  CUgraph on_a = nullptr, on_b = nullptr;
  std::vector<CUgraphNode> a_nodes, b_nodes;
  chain(a, &on_a, &a_nodes);
  chain(b, &on_b, &b_nodes);
  CUgraphExec exec = nullptr;
  ASSERT_CU(cuGraphInstantiate(&exec, on_a, 0));
  ASSERT_CU(cuGraphLaunch(exec, nullptr));

  CUgraphExecUpdateResultInfo info{};
  ASSERT_CU(cuGraphExecUpdate(exec, on_b, &info));
  EXPECT_EQ(info.result, CU_GRAPH_EXEC_UPDATE_SUCCESS);
  ASSERT_CU(cuGraphLaunch(exec, nullptr));
  ASSERT_CU(cuCtxSynchronize());
  std::vector<float> got(16);
  ASSERT_CU(cuMemcpyDtoH(got.data(), a, 16 * sizeof(float)));
  EXPECT_EQ(got, std::vector<float>(16, 2.0f));  // the launch before the update
  ASSERT_CU(cuMemcpyDtoH(got.data(), b, 16 * sizeof(float)));
  EXPECT_EQ(got, std::vector<float>(16, 2.0f));  // the launch after it

  // A graph of one node: refused, with the reason; the executable still
  // adds to b.
  CUgraph single = nullptr;
  ASSERT_CU(cuGraphCreate(&single, 0));
  float* pa = reinterpret_cast<float*>(a);
  void* params[] = {&pa, &n};
  CUDA_KERNEL_NODE_PARAMS kp = one_block(function("add_one"), params);
  CUgraphNode only = nullptr;
  ASSERT_CU(cuGraphAddKernelNode(&only, single, nullptr, 0, &kp));
  EXPECT_EQ(cuGraphExecUpdate(exec, single, &info), CUDA_ERROR_GRAPH_EXEC_UPDATE_FAILURE);
  EXPECT_EQ(info.result, CU_GRAPH_EXEC_UPDATE_ERROR_TOPOLOGY_CHANGED);
  // Two nodes without the edge: refused too (the old ABI answers the same).
  CUgraph unchained = nullptr;
  ASSERT_CU(cuGraphCreate(&unchained, 0));
  CUgraphNode loose[2] = {};
  ASSERT_CU(cuGraphAddKernelNode(&loose[0], unchained, nullptr, 0, &kp));
  ASSERT_CU(cuGraphAddKernelNode(&loose[1], unchained, nullptr, 0, &kp));
  using OldUpdate = CUresult (*)(CUgraphExec, CUgraph, CUgraphNode*, CUgraphExecUpdateResult*);
  void* old_update = nullptr;
  CUdriverProcAddressQueryResult found{};
  ASSERT_CU(cuGetProcAddress("cuGraphExecUpdate", &old_update, 11000, CU_GET_PROC_ADDRESS_DEFAULT,
                             &found));
  ASSERT_NE(old_update, nullptr);
  CUgraphNode error_node = nullptr;
  CUgraphExecUpdateResult result{};
  EXPECT_EQ(reinterpret_cast<OldUpdate>(old_update)(exec, unchained, &error_node, &result),
            CUDA_ERROR_GRAPH_EXEC_UPDATE_FAILURE);
  EXPECT_EQ(result, CU_GRAPH_EXEC_UPDATE_ERROR_TOPOLOGY_CHANGED);
  EXPECT_EQ(error_node, loose[1]);
  // A memset node where a kernel node was: the node's type changed.
  CUgraph retyped = nullptr;
  ASSERT_CU(cuGraphCreate(&retyped, 0));
  CUgraphNode typed[2] = {};
  ASSERT_CU(cuGraphAddKernelNode(&typed[0], retyped, nullptr, 0, &kp));
  const CUDA_MEMSET_NODE_PARAMS mp = words_of(a, 0, 16);
  ASSERT_CU(cuGraphAddMemsetNode(&typed[1], retyped, &typed[0], 1, &mp, nullptr));
  EXPECT_EQ(cuGraphExecUpdate(exec, retyped, &info), CUDA_ERROR_GRAPH_EXEC_UPDATE_FAILURE);
  EXPECT_EQ(info.result, CU_GRAPH_EXEC_UPDATE_ERROR_NODE_TYPE_CHANGED);
  EXPECT_EQ(info.errorNode, typed[1]);

  ASSERT_CU(cuGraphLaunch(exec, nullptr));
  ASSERT_CU(cuCtxSynchronize());
  ASSERT_CU(cuMemcpyDtoH(got.data(), b, 16 * sizeof(float)));
  EXPECT_EQ(got, std::vector<float>(16, 4.0f));
  ASSERT_CU(cuMemcpyDtoH(got.data(), a, 16 * sizeof(float)));
  EXPECT_EQ(got, std::vector<float>(16, 2.0f));
  ASSERT_CU(cuGraphExecDestroy(exec));
  for (CUgraph g : {on_a, on_b, single, unchained, retyped}) ASSERT_CU(cuGraphDestroy(g));
  ASSERT_CU(cuMemFree(a));
  ASSERT_CU(cuMemFree(b));
}

// The executable graph's memset and memcpy nodes take new parameters
// (cuGraphExecMemsetNodeSetParams, cuGraphExecMemcpyNodeSetParams and the
// generic cuGraphExecNodeSetParams); the graph keeps its own, and a node of
// another type is refused.
TEST_F(Graphs, ExecMemsetAndMemcpyNodesTakeNewParameters) {
  CUdeviceptr a = 0, b = 0;
  ASSERT_NO_FATAL_FAILURE(two_zeroed_buffers(&a, &b));
  CUgraph g = nullptr;
  ASSERT_CU(cuGraphCreate(&g, 0));
  CUDA_MEMSET_NODE_PARAMS ms = words_of(a, 7, 16);
  CUgraphNode fill = nullptr;
  ASSERT_CU(cuGraphAddMemsetNode(&fill, g, nullptr, 0, &ms, nullptr));
  // Copies the first 4 words of a over b's.
  CUDA_MEMCPY3D cp{};
  cp.srcMemoryType = cp.dstMemoryType = CU_MEMORYTYPE_DEVICE;
  cp.srcDevice = a;
  cp.dstDevice = b;
  cp.WidthInBytes = 4 * sizeof(int);
  cp.Height = cp.Depth = 1;
  CUgraphNode copy = nullptr;
  ASSERT_CU(cuGraphAddMemcpyNode(&copy, g, &fill, 1, &cp, nullptr));
  CUgraphExec exec = nullptr;
  ASSERT_CU(cuGraphInstantiate(&exec, g, 0));

  // Fill b with 9 instead, then copy b's first words into a.
  ms.dst = b;
  ms.value = 9;
  ASSERT_CU(cuGraphExecMemsetNodeSetParams(exec, fill, &ms, nullptr));
  cp.srcDevice = b;
  cp.dstDevice = a;
  ASSERT_CU(cuGraphExecMemcpyNodeSetParams(exec, copy, &cp, nullptr));
  ASSERT_CU(cuGraphLaunch(exec, nullptr));
  ASSERT_CU(cuCtxSynchronize());
  std::vector<int> got(16);
  ASSERT_CU(cuMemcpyDtoH(got.data(), a, 16 * sizeof(int)));
  EXPECT_EQ(got, (std::vector<int>{9, 9, 9, 9, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}));
  CUDA_MEMSET_NODE_PARAMS back{};
  ASSERT_CU(cuGraphMemsetNodeGetParams(fill, &back));
  EXPECT_EQ(back.dst, a);  // the graph's own node is unchanged

  // The generic setter, for each kind: fill a with 5, copy a over b.
  CUgraphNodeParams np{};
  np.type = CU_GRAPH_NODE_TYPE_MEMSET;
  np.memset = CUDA_MEMSET_NODE_PARAMS_v2{a, 0, 5, 4, 16, 1, nullptr};
  ASSERT_CU(cuGraphExecNodeSetParams(exec, fill, &np));
  CUgraphNodeParams cpn{};
  cpn.type = CU_GRAPH_NODE_TYPE_MEMCPY;
  cpn.memcpy.copyParams = cp;
  cpn.memcpy.copyParams.srcDevice = a;
  cpn.memcpy.copyParams.dstDevice = b;
  ASSERT_CU(cuGraphExecNodeSetParams(exec, copy, &cpn));
  ASSERT_CU(cuGraphLaunch(exec, nullptr));
  ASSERT_CU(cuCtxSynchronize());
  ASSERT_CU(cuMemcpyDtoH(got.data(), b, 16 * sizeof(int)));
  EXPECT_EQ(got, (std::vector<int>{5, 5, 5, 5, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9}));

  // Wrong kinds: a memset's parameters for the memcpy node, and the reverse.
  EXPECT_EQ(cuGraphExecMemsetNodeSetParams(exec, copy, &ms, nullptr), CUDA_ERROR_INVALID_VALUE);
  EXPECT_EQ(cuGraphExecNodeSetParams(exec, fill, &cpn), CUDA_ERROR_INVALID_VALUE);
  ASSERT_CU(cuGraphExecDestroy(exec));
  ASSERT_CU(cuGraphDestroy(g));
  ASSERT_CU(cuMemFree(a));
  ASSERT_CU(cuMemFree(b));
}
