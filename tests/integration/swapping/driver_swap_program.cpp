// A program on the driver API that needs more device memory than the
// emulated card has: it allocates its buffers with cuMemAlloc, launches a
// read-modify-write kernel on them through the `extra` packed-parameter form
// on two streams, and checks every buffer against a host shadow at the end.
// It also frees badly on purpose (interior pointer, twice) and reports what
// CUDA answered. Exit 0: every byte as expected; 1: a CUDA call failed;
// 2: contents differ.
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

// bump(uint32_t* data, uint32_t n, uint32_t k): data[i] = data[i] * 3 + k + i
void bump(const cudasimLaunch*, void** args) {
  auto* data = cudasim::arg<std::uint32_t*>(args, 0);
  const auto n = cudasim::arg<std::uint32_t>(args, 1);
  const auto k = cudasim::arg<std::uint32_t>(args, 2);
  for (std::uint32_t i = 0; i < n; ++i) data[i] = data[i] * 3 + k + i;
}

struct BumpParams {
  CUdeviceptr data;
  std::uint32_t n;
  std::uint32_t k;
};

}  // namespace

int main(int argc, char** argv) {
  const int buffers = argc > 1 ? std::atoi(argv[1]) : 24;
  const int rounds = argc > 2 ? std::atoi(argv[2]) : 3;
  constexpr std::size_t kBytes = (3u << 20) + 4096;  // not a multiple of the granule
  constexpr std::uint32_t kWords = kBytes / sizeof(std::uint32_t);

  if (!gpuswap::testing::start_primary_context()) return 1;
  CUfunction function = nullptr;
  if (!gpuswap::testing::load_data_kernel("swap_program", "bump", bump, &function)) return 1;
  CUstream streams[2] = {};
  for (CUstream& stream : streams) {
    if (!ok(cuStreamCreate(&stream, CU_STREAM_NON_BLOCKING), "cuStreamCreate")) return 1;
  }

  std::vector<CUdeviceptr> device_buffers(static_cast<std::size_t>(buffers));
  std::vector<std::vector<std::uint32_t>> shadow(static_cast<std::size_t>(buffers));
  for (int b = 0; b < buffers; ++b) {
    if (!ok(cuMemAlloc(&device_buffers[b], kBytes), "cuMemAlloc")) return 1;
    shadow[b].resize(kWords);
    for (std::uint32_t i = 0; i < kWords; ++i) shadow[b][i] = i * 2654435761u + b;
    if (!ok(cuMemcpyHtoD(device_buffers[b], shadow[b].data(), kBytes), "cuMemcpyHtoD")) return 1;
  }

  // Bad frees change nothing.
  std::printf("interior free: %d\n", static_cast<int>(cuMemFree(device_buffers[0] + 4096)));
  CUdeviceptr extra_buffer = 0;
  if (!ok(cuMemAlloc(&extra_buffer, kBytes), "cuMemAlloc") ||
      !ok(cuMemFree(extra_buffer), "cuMemFree")) {
    return 1;
  }
  std::printf("double free: %d\n", static_cast<int>(cuMemFree(extra_buffer)));
  std::printf("unknown free: %d\n", static_cast<int>(cuMemFree(0x1234000)));
  CUdeviceptr huge = 0;
  std::printf("huge alloc: %d\n", static_cast<int>(cuMemAlloc(&huge, std::size_t{1} << 44)));

  for (int round = 0; round < rounds; ++round) {
    for (int step = 0; step < buffers; ++step) {
      const int b = (step * 7 + round * 5) % buffers;
      BumpParams params{device_buffers[b], kWords, static_cast<std::uint32_t>(round * 100 + b)};
      std::size_t size = sizeof(params);
      void* extra[] = {CU_LAUNCH_PARAM_BUFFER_POINTER, &params, CU_LAUNCH_PARAM_BUFFER_SIZE, &size,
                       CU_LAUNCH_PARAM_END};
      if (!ok(cuLaunchKernel(function, 1, 1, 1, 1, 1, 1, 0, streams[b % 2], nullptr, extra),
              "cuLaunchKernel")) {
        return 1;
      }
      for (std::uint32_t i = 0; i < kWords; ++i) shadow[b][i] = shadow[b][i] * 3 + params.k + i;
    }
  }
  // Each buffer stays on one stream above; the graphs below use either.
  if (!ok(cuCtxSynchronize(), "cuCtxSynchronize")) return 1;

  // Graphs of four kernel nodes each, launched twice: their buffers were
  // evicted by the rounds above and must be brought back for the launch.
  for (int g = 0; g * 4 + 4 <= buffers && g < 3; ++g) {
    CUgraph graph = nullptr;
    CUgraphExec exec = nullptr;
    if (!ok(cuGraphCreate(&graph, 0), "cuGraphCreate")) return 1;
    CUgraphNode previous = nullptr;
    for (int j = 0; j < 4; ++j) {
      const int b = g * 4 + j;
      CUdeviceptr data = device_buffers[b];
      std::uint32_t n = kWords;
      std::uint32_t k = static_cast<std::uint32_t>(1000 + b);
      void* params[] = {&data, &n, &k};
      CUDA_KERNEL_NODE_PARAMS node{};
      node.func = function;
      node.gridDimX = node.gridDimY = node.gridDimZ = 1;
      node.blockDimX = node.blockDimY = node.blockDimZ = 1;
      node.kernelParams = params;
      CUgraphNode added = nullptr;
      if (!ok(cuGraphAddKernelNode(&added, graph, previous != nullptr ? &previous : nullptr,
                                   previous != nullptr ? 1 : 0, &node),
              "cuGraphAddKernelNode")) {
        return 1;
      }
      previous = added;
    }
    if (!ok(cuGraphInstantiate(&exec, graph, 0), "cuGraphInstantiate") ||
        !ok(cuGraphDestroy(graph), "cuGraphDestroy")) {
      return 1;
    }
    for (int launch = 0; launch < 2; ++launch) {
      if (!ok(cuGraphLaunch(exec, streams[launch % 2]), "cuGraphLaunch") ||
          !ok(cuStreamSynchronize(streams[launch % 2]), "cuStreamSynchronize")) {
        return 1;
      }
      for (int j = 0; j < 4; ++j) {
        const int b = g * 4 + j;
        for (std::uint32_t i = 0; i < kWords; ++i) shadow[b][i] = shadow[b][i] * 3 + 1000 + b + i;
      }
      // Other buffers in between push the graph's out again.
      for (int other = 12; other < buffers; ++other) {
        std::vector<std::uint32_t> probe(16);
        if (!ok(cuMemcpyDtoH(probe.data(), device_buffers[other], sizeof(std::uint32_t) * 16),
                "cuMemcpyDtoH")) {
          return 1;
        }
      }
    }
    if (!ok(cuGraphExecDestroy(exec), "cuGraphExecDestroy")) return 1;
  }
  if (!ok(cuCtxSynchronize(), "cuCtxSynchronize")) return 1;

  // Queries on a buffer that is most likely evicted now (the first one).
  std::size_t free_bytes = 0, total_bytes = 0;
  CUdeviceptr range_base = 0;
  std::size_t range_size = 0;
  CUdeviceptr start_attribute = 0;
  if (!ok(cuMemGetInfo(&free_bytes, &total_bytes), "cuMemGetInfo") ||
      !ok(cuMemGetAddressRange(&range_base, &range_size, device_buffers[0] + 100),
          "cuMemGetAddressRange") ||
      !ok(cuPointerGetAttribute(&start_attribute, CU_POINTER_ATTRIBUTE_RANGE_START_ADDR,
                                device_buffers[0] + 100),
          "cuPointerGetAttribute")) {
    return 1;
  }
  std::printf("memory info: free %zu of %zu\n", free_bytes, total_bytes);
  std::printf("address range: %s, size %zu\n",
              range_base == device_buffers[0] && start_attribute == range_base ? "base" : "wrong",
              range_size);

  std::vector<std::uint32_t> back(kWords);
  int differing = 0;
  for (int b = 0; b < buffers; ++b) {
    if (!ok(cuMemcpyDtoH(back.data(), device_buffers[b], kBytes), "cuMemcpyDtoH")) return 1;
    if (back != shadow[b]) ++differing;
  }
  for (CUdeviceptr buffer : device_buffers) {
    if (!ok(cuMemFree(buffer), "cuMemFree")) return 1;
  }
  std::printf("%d buffers of %zu bytes, %d rounds: %d differ\n", buffers, kBytes, rounds,
              differing);
  return differing == 0 ? 0 : 2;
}
