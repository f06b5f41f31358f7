// Graph memcpy and memset nodes: added explicitly or captured from a stream,
// their parameters read back as given, checked strictly when added, and run
// at each launch against the memory as it is then.
#include <cstring>
#include <numeric>
#include <vector>

#include "driver_test_util.h"

using namespace cudasim_test;

namespace {

constexpr size_t kGran = 2 << 20;

CUDA_MEMCPY3D linear_copy(size_t bytes) {
  CUDA_MEMCPY3D p{};
  p.WidthInBytes = bytes;
  p.Height = 1;
  p.Depth = 1;
  return p;
}

CUDA_MEMCPY3D host_to_device(CUdeviceptr dst, const void* src, size_t bytes) {
  CUDA_MEMCPY3D p = linear_copy(bytes);
  p.srcMemoryType = CU_MEMORYTYPE_HOST;
  p.srcHost = src;
  p.dstMemoryType = CU_MEMORYTYPE_DEVICE;
  p.dstDevice = dst;
  return p;
}

CUDA_MEMCPY3D device_to_host(void* dst, CUdeviceptr src, size_t bytes) {
  CUDA_MEMCPY3D p = linear_copy(bytes);
  p.srcMemoryType = CU_MEMORYTYPE_DEVICE;
  p.srcDevice = src;
  p.dstMemoryType = CU_MEMORYTYPE_HOST;
  p.dstHost = dst;
  return p;
}

CUgraphNodeType type_of(CUgraphNode n) {
  CUgraphNodeType t = CU_GRAPH_NODE_TYPE_EMPTY;
  EXPECT_CU(cuGraphNodeGetType(n, &t));
  return t;
}

}  // namespace

using GraphCopies = DriverTest;

// memset -> upload -> kernel -> download, twice: each launch reads the host
// source as it is at that launch, not as it was when the node was added.
TEST_F(GraphCopies, MemcpyNodesRunAtEachLaunch) {
  constexpr int n = 256;
  CUdeviceptr x = 0;
  ASSERT_CU(cuMemAlloc(&x, n * sizeof(float)));
  std::vector<float> in(n), out(n, -1.0f);
  CUgraph g = nullptr;
  ASSERT_CU(cuGraphCreate(&g, 0));

  CUDA_MEMSET_NODE_PARAMS ms{};
  ms.dst = x;
  ms.value = 0x7f;
  ms.elementSize = 1;
  ms.width = n * sizeof(float);
  ms.height = 1;
  CUgraphNode clear = nullptr, upload = nullptr, add = nullptr, download = nullptr;
  ASSERT_CU(cuGraphAddMemsetNode(&clear, g, nullptr, 0, &ms, ctx_));
  // Half the buffer is uploaded; the other half keeps the memset's bytes.
  const CUDA_MEMCPY3D up = host_to_device(x, in.data(), n / 2 * sizeof(float));
  ASSERT_CU(cuGraphAddMemcpyNode(&upload, g, &clear, 1, &up, ctx_));
  float* p = reinterpret_cast<float*>(x);
  int count = n;
  void* params[] = {&p, &count};
  CUDA_KERNEL_NODE_PARAMS kp{};
  kp.func = function("add_one");
  kp.gridDimX = kp.gridDimY = kp.gridDimZ = 1;
  kp.blockDimX = kp.blockDimY = kp.blockDimZ = 1;
  kp.kernelParams = params;
  ASSERT_CU(cuGraphAddKernelNode(&add, g, &upload, 1, &kp));
  const CUDA_MEMCPY3D down = device_to_host(out.data(), x, n * sizeof(float));
  ASSERT_CU(cuGraphAddMemcpyNode(&download, g, &add, 1, &down, ctx_));

  EXPECT_EQ(type_of(upload), CU_GRAPH_NODE_TYPE_MEMCPY);
  EXPECT_EQ(type_of(download), CU_GRAPH_NODE_TYPE_MEMCPY);
  EXPECT_EQ(type_of(clear), CU_GRAPH_NODE_TYPE_MEMSET);
  CUDA_MEMCPY3D back{};
  ASSERT_CU(cuGraphMemcpyNodeGetParams(upload, &back));
  EXPECT_EQ(std::memcmp(&back, &up, sizeof back), 0);
  CUDA_MEMSET_NODE_PARAMS ms_back{};
  ASSERT_CU(cuGraphMemsetNodeGetParams(clear, &ms_back));
  EXPECT_EQ(ms_back.dst, x);
  EXPECT_EQ(ms_back.value, 0x7fu);
  EXPECT_EQ(ms_back.elementSize, 1u);
  EXPECT_EQ(ms_back.width, n * sizeof(float));
  EXPECT_EQ(ms_back.height, 1u);
  // A getter of another node type refuses.
  EXPECT_EQ(cuGraphMemcpyNodeGetParams(clear, &back), CUDA_ERROR_INVALID_VALUE);
  EXPECT_EQ(cuGraphMemsetNodeGetParams(upload, &ms_back), CUDA_ERROR_INVALID_VALUE);
  EXPECT_EQ(cuGraphMemcpyNodeGetParams(upload, nullptr), CUDA_ERROR_INVALID_VALUE);

  CUgraphExec exec = nullptr;
  ASSERT_CU(cuGraphInstantiate(&exec, g, 0));
  CUstream s = nullptr;
  ASSERT_CU(cuStreamCreate(&s, CU_STREAM_NON_BLOCKING));
  float memset_value;
  std::memset(&memset_value, 0x7f, sizeof memset_value);
  for (int launch = 0; launch < 2; ++launch) {
    std::iota(in.begin(), in.end(), static_cast<float>(100 * launch));
    ASSERT_CU(cuGraphLaunch(exec, s));
    ASSERT_CU(cuStreamSynchronize(s));
    for (int i = 0; i < n; ++i) {
      const float want = i < n / 2 ? in[i] + 1.0f : memset_value + 1.0f;
      ASSERT_EQ(out[i], want) << "launch " << launch << " element " << i;
    }
  }
  ASSERT_CU(cuGraphExecDestroy(exec));
  ASSERT_CU(cuGraphDestroy(g));
  ASSERT_CU(cuStreamDestroy(s));
  ASSERT_CU(cuMemFree(x));
}

// A 3D box out of a pitched device volume into a packed one, device to device.
TEST_F(GraphCopies, PitchedBoxDeviceToDevice) {
  constexpr size_t pitch = 64, rows = 8, slices = 3;
  constexpr size_t w = 16, h = 4, d = 2;
  CUdeviceptr src = 0, dst = 0;
  ASSERT_CU(cuMemAlloc(&src, pitch * rows * slices));
  ASSERT_CU(cuMemAlloc(&dst, w * h * d));
  std::vector<unsigned char> volume(pitch * rows * slices);
  std::iota(volume.begin(), volume.end(), 0);
  ASSERT_CU(cuMemcpyHtoD(src, volume.data(), volume.size()));
  ASSERT_CU(cuMemsetD8(dst, 0, w * h * d));

  CUDA_MEMCPY3D p{};
  p.srcMemoryType = CU_MEMORYTYPE_DEVICE;
  p.srcDevice = src;
  p.srcXInBytes = 5;
  p.srcY = 2;
  p.srcZ = 1;
  p.srcPitch = pitch;
  p.srcHeight = rows;
  p.dstMemoryType = CU_MEMORYTYPE_DEVICE;
  p.dstDevice = dst;
  p.WidthInBytes = w;
  p.Height = h;
  p.Depth = d;
  CUgraph g = nullptr;
  ASSERT_CU(cuGraphCreate(&g, 0));
  CUgraphNode node = nullptr;
  ASSERT_CU(cuGraphAddMemcpyNode(&node, g, nullptr, 0, &p, ctx_));
  CUgraphExec exec = nullptr;
  ASSERT_CU(cuGraphInstantiate(&exec, g, 0));
  ASSERT_CU(cuGraphLaunch(exec, nullptr));
  ASSERT_CU(cuCtxSynchronize());
  std::vector<unsigned char> got(w * h * d);
  ASSERT_CU(cuMemcpyDtoH(got.data(), dst, got.size()));
  for (size_t z = 0; z < d; ++z) {
    for (size_t y = 0; y < h; ++y) {
      for (size_t x = 0; x < w; ++x) {
        const size_t from = ((z + 1) * rows + (y + 2)) * pitch + (x + 5);
        ASSERT_EQ(got[(z * h + y) * w + x], volume[from]) << x << "," << y << "," << z;
      }
    }
  }
  ASSERT_CU(cuGraphExecDestroy(exec));
  ASSERT_CU(cuGraphDestroy(g));
  ASSERT_CU(cuMemFree(src));
  ASSERT_CU(cuMemFree(dst));
}

TEST_F(GraphCopies, BadMemcpyParametersAreRefusedWhenAdded) {
  CUdeviceptr x = 0;
  ASSERT_CU(cuMemAlloc(&x, 4096));
  std::vector<char> host(4096);
  CUgraph g = nullptr;
  ASSERT_CU(cuGraphCreate(&g, 0));
  CUgraphNode node = nullptr;
  auto add = [&](const CUDA_MEMCPY3D& p) {
    return cuGraphAddMemcpyNode(&node, g, nullptr, 0, &p, ctx_);
  };
  EXPECT_EQ(cuGraphAddMemcpyNode(&node, g, nullptr, 0, nullptr, ctx_), CUDA_ERROR_INVALID_VALUE);
  const CUDA_MEMCPY3D good = host_to_device(x, host.data(), host.size());
  EXPECT_EQ(cuGraphAddMemcpyNode(nullptr, g, nullptr, 0, &good, ctx_), CUDA_ERROR_INVALID_VALUE);
  EXPECT_EQ(cuGraphAddMemcpyNode(&node, nullptr, nullptr, 0, &good, ctx_),
            CUDA_ERROR_INVALID_VALUE);

  CUDA_MEMCPY3D p = good;
  p.srcMemoryType = static_cast<CUmemorytype>(77);
  EXPECT_EQ(add(p), CUDA_ERROR_INVALID_VALUE) << "unknown memory type";
  p = good;
  p.dstMemoryType = CU_MEMORYTYPE_ARRAY;
  EXPECT_EQ(add(p), CUDA_ERROR_NOT_SUPPORTED) << "arrays";
  p = good;
  p.srcHost = nullptr;
  EXPECT_EQ(add(p), CUDA_ERROR_INVALID_VALUE) << "null host pointer";
  p = good;
  p.dstDevice = reinterpret_cast<CUdeviceptr>(host.data());  // pageable, not device memory
  EXPECT_EQ(add(p), CUDA_ERROR_INVALID_VALUE) << "device-typed host pointer";
  p = good;
  p.dstLOD = 1;
  EXPECT_EQ(add(p), CUDA_ERROR_INVALID_VALUE) << "level of detail";
  p = good;
  p.reserved0 = host.data();
  EXPECT_EQ(add(p), CUDA_ERROR_INVALID_VALUE) << "reserved field";
  p = good;
  p.WidthInBytes = 64;
  p.Height = 4;
  p.dstPitch = 32;
  EXPECT_EQ(add(p), CUDA_ERROR_INVALID_VALUE) << "pitch below the width";
  p = good;
  p.WidthInBytes = 64;
  p.Height = 4;
  p.Depth = 2;
  p.dstPitch = 64;
  p.dstHeight = 2;
  EXPECT_EQ(add(p), CUDA_ERROR_INVALID_VALUE) << "slice height below the height";
  p = good;
  p.dstDevice = x;
  p.dstXInBytes = std::uintptr_t{1} << 62;
  EXPECT_EQ(add(p), CUDA_ERROR_INVALID_VALUE) << "beyond device memory";

  size_t count = 0;
  ASSERT_CU(cuGraphGetNodes(g, nullptr, &count));
  EXPECT_EQ(count, 0u);  // nothing refused was added
  ASSERT_CU(add(good));
  ASSERT_CU(cuGraphGetNodes(g, nullptr, &count));
  EXPECT_EQ(count, 1u);
  ASSERT_CU(cuGraphDestroy(g));
  ASSERT_CU(cuMemFree(x));
}

// A node over device memory that is reserved but not mapped is accepted (the
// range is device memory) and faults when it runs, like any copy.
TEST_F(GraphCopies, MemcpyNodeOnUnmappedMemoryFaultsAtLaunch) {
  CUdeviceptr va = 0;
  ASSERT_CU(cuMemAddressReserve(&va, kGran, 0, 0, 0));
  std::vector<char> host(4096, 1);
  CUgraph g = nullptr;
  ASSERT_CU(cuGraphCreate(&g, 0));
  CUgraphNode node = nullptr;
  const CUDA_MEMCPY3D p = host_to_device(va, host.data(), host.size());
  ASSERT_CU(cuGraphAddMemcpyNode(&node, g, nullptr, 0, &p, ctx_));
  CUgraphExec exec = nullptr;
  ASSERT_CU(cuGraphInstantiate(&exec, g, 0));
  ASSERT_CU(cuGraphLaunch(exec, nullptr));
  EXPECT_EQ(cuCtxSynchronize(), CUDA_ERROR_ILLEGAL_ADDRESS);
  ASSERT_CU(cuGraphExecDestroy(exec));
  ASSERT_CU(cuGraphDestroy(g));
  ASSERT_CU(cuMemAddressFree(va, kGran));
}

// Captured copies and memsets become MEMCPY and MEMSET nodes whose parameters
// describe the call; pageable host memory cannot be captured.
TEST_F(GraphCopies, CapturedCopiesAndMemsetsAreRealNodes) {
  constexpr size_t bytes = 1024;
  CUdeviceptr a = 0, b = 0;
  ASSERT_CU(cuMemAlloc(&a, bytes));
  ASSERT_CU(cuMemAlloc(&b, bytes));
  void* pinned_in = nullptr;
  void* pinned_out = nullptr;
  ASSERT_CU(cuMemAllocHost(&pinned_in, bytes));
  ASSERT_CU(cuMemAllocHost(&pinned_out, bytes));
  std::vector<char> pageable(bytes);
  CUstream s = nullptr;
  ASSERT_CU(cuStreamCreate(&s, CU_STREAM_NON_BLOCKING));

  ASSERT_CU(cuStreamBeginCapture(s, CU_STREAM_CAPTURE_MODE_GLOBAL));
  ASSERT_CU(cuMemsetD16Async(b, 0xabcd, bytes / 2, s));
  ASSERT_CU(cuMemcpyHtoDAsync(a, pinned_in, bytes / 2, s));
  ASSERT_CU(cuMemcpyDtoDAsync(b, a, bytes / 2, s));
  ASSERT_CU(cuMemcpyDtoHAsync(pinned_out, b, bytes, s));
  EXPECT_EQ(cuMemcpyHtoDAsync(a, pageable.data(), bytes, s), CUDA_ERROR_STREAM_CAPTURE_UNSUPPORTED);
  CUgraph g = nullptr;
  ASSERT_CU(cuStreamEndCapture(s, &g));

  CUgraphNode nodes[4] = {};
  size_t count = 4;
  ASSERT_CU(cuGraphGetNodes(g, nodes, &count));
  ASSERT_EQ(count, 4u);
  EXPECT_EQ(type_of(nodes[0]), CU_GRAPH_NODE_TYPE_MEMSET);
  CUDA_MEMSET_NODE_PARAMS ms{};
  ASSERT_CU(cuGraphMemsetNodeGetParams(nodes[0], &ms));
  EXPECT_EQ(ms.dst, b);
  EXPECT_EQ(ms.value, 0xabcdu);
  EXPECT_EQ(ms.elementSize, 2u);
  EXPECT_EQ(ms.width, bytes / 2);
  EXPECT_EQ(ms.height, 1u);
  for (int i = 1; i < 4; ++i) EXPECT_EQ(type_of(nodes[i]), CU_GRAPH_NODE_TYPE_MEMCPY) << i;
  CUDA_MEMCPY3D up{}, dd{}, down{};
  ASSERT_CU(cuGraphMemcpyNodeGetParams(nodes[1], &up));
  EXPECT_EQ(up.srcMemoryType, CU_MEMORYTYPE_HOST);
  EXPECT_EQ(up.srcHost, pinned_in);
  EXPECT_EQ(up.dstMemoryType, CU_MEMORYTYPE_DEVICE);
  EXPECT_EQ(up.dstDevice, a);
  EXPECT_EQ(up.WidthInBytes, bytes / 2);
  EXPECT_EQ(up.Height, 1u);
  EXPECT_EQ(up.Depth, 1u);
  ASSERT_CU(cuGraphMemcpyNodeGetParams(nodes[2], &dd));
  EXPECT_EQ(dd.srcDevice, a);
  EXPECT_EQ(dd.dstDevice, b);
  EXPECT_EQ(dd.srcMemoryType, CU_MEMORYTYPE_DEVICE);
  EXPECT_EQ(dd.dstMemoryType, CU_MEMORYTYPE_DEVICE);
  ASSERT_CU(cuGraphMemcpyNodeGetParams(nodes[3], &down));
  EXPECT_EQ(down.srcDevice, b);
  EXPECT_EQ(down.dstMemoryType, CU_MEMORYTYPE_HOST);
  EXPECT_EQ(down.dstHost, pinned_out);
  EXPECT_EQ(down.WidthInBytes, bytes);

  CUgraphExec exec = nullptr;
  ASSERT_CU(cuGraphInstantiate(&exec, g, 0));
  auto* in = static_cast<unsigned char*>(pinned_in);
  const auto* out = static_cast<const unsigned char*>(pinned_out);
  for (int launch = 0; launch < 2; ++launch) {
    for (size_t i = 0; i < bytes; ++i) in[i] = static_cast<unsigned char>(i * 7 + launch);
    std::memset(pinned_out, 0, bytes);
    ASSERT_CU(cuGraphLaunch(exec, s));
    ASSERT_CU(cuStreamSynchronize(s));
    for (size_t i = 0; i < bytes; ++i) {
      const unsigned char want =
          i < bytes / 2 ? in[i] : static_cast<unsigned char>(i % 2 == 0 ? 0xcd : 0xab);
      ASSERT_EQ(out[i], want) << "launch " << launch << " byte " << i;
    }
  }
  ASSERT_CU(cuGraphExecDestroy(exec));
  ASSERT_CU(cuGraphDestroy(g));
  ASSERT_CU(cuStreamDestroy(s));
  ASSERT_CU(cuMemFreeHost(pinned_in));
  ASSERT_CU(cuMemFreeHost(pinned_out));
  ASSERT_CU(cuMemFree(a));
  ASSERT_CU(cuMemFree(b));
}
