// A driver-API program whose CUDA graphs copy and fill device buffers that,
// together, need more memory than the emulated card has. Each graph has a
// kernel node, a memset node and memcpy nodes (device to device with pitched
// rows, host to device, device to host), each on buffers of its own, so only
// the memset and memcpy nodes reach most of them. Between launches every
// other buffer is touched, which (under gpuswap on a small card) evicts the
// graph's buffers; the launch must bring them back.
//
// The odd graphs name their kernel by CUkernel alone (`kern`, with `func`
// null), as a node made from a library kernel may. Before the last round of
// launches, every executable graph's kernel node is pointed at a buffer of
// its own that no graph named before: in the even graphs by
// cuGraphExecKernelNodeSetParams, in the odd ones by cuGraphExecUpdate from
// a graph of the same shape built for it. Its memset node and its upload
// are pointed at buffers of their own as well (the memset and memcpy node
// setters in the even graphs, cuGraphExecNodeSetParams in the odd ones).
//
// Prints one hash per buffer and per host result, so a run under gpuswap can
// be compared byte for byte with a run on a card large enough. Exit 0: ran;
// 1: a CUDA call failed.
#include <cuda.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <vector>

#include "cudasim/kernel.h"
#include "driver_program.h"

namespace {

using gpuswap::testing::fnv1a;
using gpuswap::testing::ok;

// 3 MiB + 4 KiB: two granules each, viewed as rows of kPitch bytes.
constexpr std::size_t kBytes = (3u << 20) + 4096;
constexpr std::size_t kPitch = 4096;
constexpr std::size_t kRows = kBytes / kPitch;
constexpr std::uint32_t kWords = kBytes / sizeof(std::uint32_t);

// The buffers one graph works on; none is shared with another node.
struct GraphBuffers {
  CUdeviceptr kernel;         // mixed by the kernel node
  CUdeviceptr fill;           // memset node (2D: the first half of every row)
  CUdeviceptr copy_from;      // memcpy node: pitched rows ...
  CUdeviceptr copy_to;        // ... into these, packed
  CUdeviceptr upload_to;      // memcpy node from pinned host memory
  CUdeviceptr download_from;  // memcpy node to pinned host memory
  CUdeviceptr kernel_later;   // the kernel node's, after the executable graph's update
  CUdeviceptr fill_later;     // the memset node's, after it
  CUdeviceptr upload_later;   // the upload's destination, after it
};

constexpr int kPerGraph = 9;

// The nodes whose parameters the executable graph later changes.
struct GraphNodes {
  CUgraphNode kernel = nullptr;
  CUgraphNode fill = nullptr;
  CUgraphNode upload = nullptr;
};

// The memset node: the first half of every row of `dst`.
CUDA_MEMSET_NODE_PARAMS fill_params(CUdeviceptr dst, std::uint32_t k) {
  CUDA_MEMSET_NODE_PARAMS ms{};
  ms.dst = dst;
  ms.pitch = kPitch;
  ms.value = 0xa5a50000u + k;
  ms.elementSize = 4;
  ms.width = kPitch / 2 / 4;
  ms.height = kRows;
  return ms;
}

// The upload node: all of `src` (pinned host memory) into `dst`.
CUDA_MEMCPY3D upload_params(void* src, CUdeviceptr dst) {
  CUDA_MEMCPY3D up{};
  up.srcMemoryType = CU_MEMORYTYPE_HOST;
  up.srcHost = src;
  up.dstMemoryType = CU_MEMORYTYPE_DEVICE;
  up.dstDevice = dst;
  up.WidthInBytes = kBytes;
  up.Height = 1;
  up.Depth = 1;
  return up;
}

// The kernel node's parameters: mix(data, kWords, k) by CUfunction, or by
// CUkernel alone for even k. `args` must outlive the call they are passed to.
struct KernelNode {
  CUdeviceptr data;
  std::uint32_t n = kWords;
  std::uint32_t k;
  void* args[3] = {&data, &n, &k};
  CUDA_KERNEL_NODE_PARAMS params{};

  KernelNode(CUfunction function, CUkernel kernel, CUdeviceptr buffer, std::uint32_t value)
      : data(buffer), k(value) {
    params.func = k % 2 == 0 ? nullptr : function;
    params.kern = k % 2 == 0 ? kernel : nullptr;
    params.gridDimX = params.gridDimY = params.gridDimZ = 1;
    params.blockDimX = params.blockDimY = params.blockDimZ = 1;
    params.kernelParams = args;
  }
  KernelNode(const KernelNode&) = delete;
  KernelNode& operator=(const KernelNode&) = delete;
};

// One graph's nodes, its kernel node mixing `kernel_buffer`. The caller
// destroys the graph (it stays alive while its kernel node may be updated in
// the executable graph).
bool build_graph(CUfunction function, CUkernel kernel_handle, const GraphBuffers& b,
                 CUdeviceptr kernel_buffer, std::uint32_t k, void* upload_src, void* download_dst,
                 CUcontext context, CUgraph* graph_out, GraphNodes* nodes_out) {
  CUgraph graph = nullptr;
  if (!ok(cuGraphCreate(&graph, 0), "cuGraphCreate")) return false;
  *graph_out = graph;
  CUgraphNode kernel = nullptr, fill = nullptr, copy = nullptr, upload = nullptr,
              download = nullptr;
  const KernelNode node(function, kernel_handle, kernel_buffer, k);
  if (!ok(cuGraphAddKernelNode(&kernel, graph, nullptr, 0, &node.params), "cuGraphAddKernelNode")) {
    return false;
  }
  const CUDA_MEMSET_NODE_PARAMS ms = fill_params(b.fill, k);
  if (!ok(cuGraphAddMemsetNode(&fill, graph, &kernel, 1, &ms, context), "cuGraphAddMemsetNode")) {
    return false;
  }

  // Every other row of copy_from (pitch 2 * kPitch, 3/4 of a row wide) into
  // copy_to packed, in two slices.
  CUDA_MEMCPY3D rows{};
  rows.srcMemoryType = CU_MEMORYTYPE_DEVICE;
  rows.srcDevice = b.copy_from;
  rows.srcXInBytes = 256;
  rows.srcPitch = 2 * kPitch;
  rows.srcHeight = kRows / 4;
  rows.dstMemoryType = CU_MEMORYTYPE_DEVICE;
  rows.dstDevice = b.copy_to;
  rows.WidthInBytes = kPitch * 3 / 4;
  rows.Height = kRows / 4;
  rows.Depth = 2;
  if (!ok(cuGraphAddMemcpyNode(&copy, graph, &fill, 1, &rows, context), "cuGraphAddMemcpyNode")) {
    return false;
  }

  const CUDA_MEMCPY3D up = upload_params(upload_src, b.upload_to);
  if (!ok(cuGraphAddMemcpyNode(&upload, graph, &copy, 1, &up, context), "cuGraphAddMemcpyNode")) {
    return false;
  }
  *nodes_out = GraphNodes{kernel, fill, upload};

  CUDA_MEMCPY3D down{};
  down.srcMemoryType = CU_MEMORYTYPE_DEVICE;
  down.srcDevice = b.download_from;
  down.dstMemoryType = CU_MEMORYTYPE_HOST;
  down.dstHost = download_dst;
  down.WidthInBytes = kBytes;
  down.Height = 1;
  down.Depth = 1;
  return ok(cuGraphAddMemcpyNode(&download, graph, &upload, 1, &down, context),
            "cuGraphAddMemcpyNode");
}

}  // namespace

int main(int argc, char** argv) {
  const int graphs = argc > 1 ? std::atoi(argv[1]) : 3;
  const int launches = argc > 2 ? std::atoi(argv[2]) : 3;
  const int buffers = graphs * kPerGraph;

  CUcontext context = nullptr;
  if (!gpuswap::testing::start_primary_context() ||
      !gpuswap::testing::ok(cuCtxGetCurrent(&context), "cuCtxGetCurrent")) {
    return 1;
  }
  CUfunction function = nullptr;
  if (!gpuswap::testing::load_data_kernel("graph_copy_program", "mix", gpuswap::testing::mix_kernel,
                                          &function)) {
    return 1;
  }
  CUlibrary library = nullptr;
  CUkernel kernel_handle = nullptr;
  if (!ok(cuLibraryLoadData(&library, cudasimModuleImage("graph_copy_program"), nullptr, nullptr, 0,
                            nullptr, nullptr, 0),
          "cuLibraryLoadData") ||
      !ok(cuLibraryGetKernel(&kernel_handle, library, "mix"), "cuLibraryGetKernel")) {
    return 1;
  }
  CUstream stream = nullptr;
  if (!ok(cuStreamCreate(&stream, CU_STREAM_NON_BLOCKING), "cuStreamCreate")) return 1;

  std::vector<CUdeviceptr> device_buffers(static_cast<std::size_t>(buffers));
  std::vector<std::uint32_t> initial(kWords);
  for (int b = 0; b < buffers; ++b) {
    if (!ok(cuMemAlloc(&device_buffers[b], kBytes), "cuMemAlloc")) return 1;
    for (std::uint32_t i = 0; i < kWords; ++i) initial[i] = i * 2654435761u + 977u * b;
    if (!ok(cuMemcpyHtoD(device_buffers[b], initial.data(), kBytes), "cuMemcpyHtoD")) return 1;
  }
  std::vector<void*> uploads(static_cast<std::size_t>(graphs));
  std::vector<void*> downloads(static_cast<std::size_t>(graphs));
  std::vector<CUgraphExec> execs(static_cast<std::size_t>(graphs));
  std::vector<CUgraph> graph_handles(static_cast<std::size_t>(graphs));
  std::vector<GraphNodes> nodes(static_cast<std::size_t>(graphs));
  const auto buffers_of = [&](int g) {
    const CUdeviceptr* at = &device_buffers[static_cast<std::size_t>(g) * kPerGraph];
    return GraphBuffers{at[0], at[1], at[2], at[3], at[4], at[5], at[6], at[7], at[8]};
  };
  for (int g = 0; g < graphs; ++g) {
    if (!ok(cuMemAllocHost(&uploads[g], kBytes), "cuMemAllocHost") ||
        !ok(cuMemAllocHost(&downloads[g], kBytes), "cuMemAllocHost")) {
      return 1;
    }
    if (!build_graph(function, kernel_handle, buffers_of(g), buffers_of(g).kernel,
                     static_cast<std::uint32_t>(7 + g), uploads[g], downloads[g], context,
                     &graph_handles[g], &nodes[g]) ||
        !ok(cuGraphInstantiate(&execs[g], graph_handles[g], 0), "cuGraphInstantiate")) {
      return 1;
    }
  }

  std::vector<std::uint32_t> probe(16);
  for (int launch = 0; launch < launches; ++launch) {
    for (int g = 0; launch == launches - 1 && g < graphs; ++g) {
      const GraphBuffers b = buffers_of(g);
      const auto k = static_cast<std::uint32_t>(7 + g);
      if (g % 2 == 0) {
        const KernelNode node(function, kernel_handle, b.kernel_later, k);
        if (!ok(cuGraphExecKernelNodeSetParams(execs[g], nodes[g].kernel, &node.params),
                "cuGraphExecKernelNodeSetParams")) {
          return 1;
        }
      } else {
        CUgraph same_shape = nullptr;
        GraphNodes unused;
        CUgraphExecUpdateResultInfo info{};
        if (!build_graph(function, kernel_handle, b, b.kernel_later, k, uploads[g], downloads[g],
                         context, &same_shape, &unused) ||
            !ok(cuGraphExecUpdate(execs[g], same_shape, &info), "cuGraphExecUpdate") ||
            !ok(cuGraphDestroy(same_shape), "cuGraphDestroy")) {
          return 1;
        }
      }
      // The memset and the upload move to buffers of their own too: by the
      // node-specific setters in the even graphs, by the generic one in the
      // odd ones.
      const CUDA_MEMSET_NODE_PARAMS ms = fill_params(b.fill_later, k);
      const CUDA_MEMCPY3D up = upload_params(uploads[g], b.upload_later);
      if (g % 2 == 0) {
        if (!ok(cuGraphExecMemsetNodeSetParams(execs[g], nodes[g].fill, &ms, context),
                "cuGraphExecMemsetNodeSetParams") ||
            !ok(cuGraphExecMemcpyNodeSetParams(execs[g], nodes[g].upload, &up, context),
                "cuGraphExecMemcpyNodeSetParams")) {
          return 1;
        }
        continue;
      }
      CUgraphNodeParams fill{};
      fill.type = CU_GRAPH_NODE_TYPE_MEMSET;
      fill.memset = {ms.dst, ms.pitch, ms.value, ms.elementSize, ms.width, ms.height, context};
      CUgraphNodeParams upload{};
      upload.type = CU_GRAPH_NODE_TYPE_MEMCPY;
      upload.memcpy.copyCtx = context;
      upload.memcpy.copyParams = up;
      if (!ok(cuGraphExecNodeSetParams(execs[g], nodes[g].fill, &fill),
              "cuGraphExecNodeSetParams") ||
          !ok(cuGraphExecNodeSetParams(execs[g], nodes[g].upload, &upload),
              "cuGraphExecNodeSetParams")) {
        return 1;
      }
    }
    for (int g = 0; g < graphs; ++g) {
      auto* up = static_cast<std::uint32_t*>(uploads[g]);
      for (std::uint32_t i = 0; i < kWords; ++i) up[i] = i ^ (launch * 131u + g);
      if (!ok(cuGraphLaunch(execs[g], stream), "cuGraphLaunch") ||
          !ok(cuStreamSynchronize(stream), "cuStreamSynchronize")) {
        return 1;
      }
      std::printf("launch %d graph %d download %016llx\n", launch, g,
                  static_cast<unsigned long long>(fnv1a(downloads[g], kBytes)));
      // Touch every other graph's buffers so that this one's are pushed out.
      for (int b = 0; b < buffers; ++b) {
        if (b / kPerGraph == g) continue;
        if (!ok(cuMemcpyDtoH(probe.data(), device_buffers[b], sizeof(std::uint32_t) * 16),
                "cuMemcpyDtoH")) {
          return 1;
        }
      }
    }
  }

  std::vector<std::uint32_t> back(kWords);
  for (int b = 0; b < buffers; ++b) {
    if (!ok(cuMemcpyDtoH(back.data(), device_buffers[b], kBytes), "cuMemcpyDtoH")) return 1;
    std::printf("buffer %d hash %016llx\n", b,
                static_cast<unsigned long long>(fnv1a(back.data(), kBytes)));
  }
  for (CUgraphExec exec : execs) {
    if (!ok(cuGraphExecDestroy(exec), "cuGraphExecDestroy")) return 1;
  }
  for (CUgraph graph : graph_handles) {
    if (!ok(cuGraphDestroy(graph), "cuGraphDestroy")) return 1;
  }
  for (int g = 0; g < graphs; ++g) {
    if (!ok(cuMemFreeHost(uploads[g]), "cuMemFreeHost") ||
        !ok(cuMemFreeHost(downloads[g]), "cuMemFreeHost")) {
      return 1;
    }
  }
  for (CUdeviceptr buffer : device_buffers) {
    if (!ok(cuMemFree(buffer), "cuMemFree")) return 1;
  }
  std::printf("%d graphs of %d buffers, %d launches: done\n", graphs, kPerGraph, launches);
  return 0;
}
