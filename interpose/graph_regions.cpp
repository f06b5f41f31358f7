#include "graph_regions.h"

#include <algorithm>
#include <atomic>
#include <mutex>
#include <unordered_map>
#include <vector>

#include "gpuswap/runtime/log.h"
#include "real_functions.h"

namespace gpuswap::interpose {
namespace {

namespace log = runtime::log;
constexpr auto kInterpose = log::Subsystem::interpose;

// What one executable graph's launches touch: the base addresses of regions
// (not Region pointers: a region freed meanwhile is simply not found at
// launch), per node and in all.
struct ExecRegions {
  // The nodes of the graph it was instantiated from, in cuGraphGetNodes order.
  std::vector<CUgraphNode> nodes;
  std::unordered_map<CUgraphNode, std::vector<CUdeviceptr>> by_node;
  // Once cuGraphExecUpdate has paired another graph's nodes with these by
  // position (CUDA pairs them too, but does not promise it is this order), a
  // node's new parameters add to its set instead of replacing it: a superset
  // is safe, a wrong pairing must not drop a region still in use.
  bool exact = true;
  // The union of by_node, sorted, each base once: a launch pins each region
  // once, whatever number of nodes use it.
  std::vector<CUdeviceptr> all;

  void refresh() {
    all.clear();
    for (const auto& [node, bases] : by_node) all.insert(all.end(), bases.begin(), bases.end());
    std::sort(all.begin(), all.end());
    all.erase(std::unique(all.begin(), all.end()), all.end());
  }
};

struct GraphTable {
  std::mutex mu;
  std::unordered_map<CUgraphExec, ExecRegions> execs;
};

GraphTable& graph_table() {
  static GraphTable* table = new GraphTable;  // never destroyed: hooks may run at exit
  return *table;
}

template <typename Fn>
Fn real_driver(const char* name) {
  return reinterpret_cast<Fn>(real::driver_symbol(name));
}

// The base of every region that a byte of [first, first + bytes) falls in.
// The walk visits each region once and each granule outside regions once,
// and never leaves the arena.
void add_range(runtime::Runtime& rt, CUdeviceptr first, std::uint64_t bytes,
               std::vector<CUdeviceptr>* bases) {
  if (bytes == 0) return;
  const runtime::PageMap& map = rt.page_map();
  const CUdeviceptr arena_end = map.base() + map.bytes();
  CUdeviceptr last = first + (bytes - 1);
  if (last < first) last = ~CUdeviceptr{0};  // wrapped: clip to the address space
  CUdeviceptr at = std::max<CUdeviceptr>(first, map.base());
  if (last >= arena_end) last = arena_end - 1;
  while (at <= last && at < arena_end) {
    const runtime::Region* region = rt.region_at(at);
    const CUdeviceptr next = region != nullptr
                                 ? region->base() + region->size()
                                 : (at & ~(runtime::kGranuleBytes - 1)) + runtime::kGranuleBytes;
    if (region != nullptr) bases->push_back(region->base());
    if (next <= at) break;
    at = next;
  }
}

// Memset node: `height` rows of width * elementSize bytes, `pitch` apart.
void add_memset(runtime::Runtime& rt, const CUDA_MEMSET_NODE_PARAMS& p,
                std::vector<CUdeviceptr>* bases) {
  if (p.width == 0 || p.height == 0) return;
  const std::uint64_t row = std::uint64_t{p.width} * p.elementSize;
  add_range(rt, p.dst, (p.height - 1) * std::uint64_t{p.pitch} + row, bases);
}

// One device side of a memcpy node: from its first byte to its last, over
// every row and slice (host and array sides hold no regions).
void add_copy_side(runtime::Runtime& rt, const CUDA_MEMCPY3D& p, CUmemorytype type,
                   CUdeviceptr device, std::size_t x, std::size_t y, std::size_t z,
                   std::size_t pitch, std::size_t height, std::vector<CUdeviceptr>* bases) {
  if (type != CU_MEMORYTYPE_DEVICE && type != CU_MEMORYTYPE_UNIFIED) return;
  if (p.WidthInBytes == 0 || p.Height == 0 || p.Depth == 0) return;
  // A pitch or slice height left 0 means the copy's own width or height.
  const std::uint64_t row_pitch = pitch != 0 ? pitch : p.WidthInBytes;
  const std::uint64_t slice_rows = height != 0 ? height : p.Height;
  const CUdeviceptr first = device + (z * slice_rows + y) * row_pitch + x;
  const std::uint64_t extent =
      ((p.Depth - 1) * slice_rows + (p.Height - 1)) * row_pitch + p.WidthInBytes;
  add_range(rt, first, extent, bases);
}

// A kernel node's regions; false when its parameters cannot be decoded. A
// node made from a CUkernel may name it in `kern` alone (`func` null).
bool add_kernel_node(runtime::Runtime& rt, const CUDA_KERNEL_NODE_PARAMS& params,
                     runtime::TouchedRegions* touched, std::vector<CUdeviceptr>* bases) {
  const bool by_kernel = params.func == nullptr;
  const void* function =
      by_kernel ? static_cast<const void*>(params.kern) : static_cast<const void*>(params.func);
  if (!rt.decode_launch(
          function, by_kernel ? runtime::FunctionKind::kKernel : runtime::FunctionKind::kFunction,
          params.kernelParams, params.extra, touched)) {
    return false;
  }
  for (std::size_t i = 0; i < touched->size(); ++i) bases->push_back((*touched)[i]->base());
  return true;
}

void add_memcpy(runtime::Runtime& rt, const CUDA_MEMCPY3D& p, std::vector<CUdeviceptr>* bases) {
  add_copy_side(rt, p, p.srcMemoryType, p.srcDevice, p.srcXInBytes, p.srcY, p.srcZ, p.srcPitch,
                p.srcHeight, bases);
  add_copy_side(rt, p, p.dstMemoryType, p.dstDevice, p.dstXInBytes, p.dstY, p.dstZ, p.dstPitch,
                p.dstHeight, bases);
}

// One node of a graph and the bases of what it touches.
struct NodeRegions {
  CUgraphNode node = nullptr;
  std::vector<CUdeviceptr> bases;
};

// Every node of `graph` with what it touches; false when the graph cannot be
// read at all (its launches then go unchecked).
bool read_graph(runtime::Runtime& rt, CUgraph graph, std::vector<NodeRegions>* out) {
  const auto get_nodes = real_driver<decltype(&::cuGraphGetNodes)>("cuGraphGetNodes");
  const auto node_type = real_driver<decltype(&::cuGraphNodeGetType)>("cuGraphNodeGetType");
  const auto kernel_params =
      real_driver<decltype(&::cuGraphKernelNodeGetParams)>("cuGraphKernelNodeGetParams_v2");
  // Optional: without them, such nodes count as unknown below.
  const auto memset_params =
      real_driver<decltype(&::cuGraphMemsetNodeGetParams)>("cuGraphMemsetNodeGetParams");
  const auto memcpy_params =
      real_driver<decltype(&::cuGraphMemcpyNodeGetParams)>("cuGraphMemcpyNodeGetParams");
  if (get_nodes == nullptr || node_type == nullptr || kernel_params == nullptr) return false;
  std::size_t count = 0;
  if (get_nodes(graph, nullptr, &count) != CUDA_SUCCESS) return false;
  std::vector<CUgraphNode> nodes(count);
  if (count != 0 && get_nodes(graph, nodes.data(), &count) != CUDA_SUCCESS) return false;
  runtime::TouchedRegions touched;
  bool unknown_nodes = false;
  out->clear();
  for (CUgraphNode node : nodes) {
    NodeRegions& entry = out->emplace_back();
    entry.node = node;
    CUgraphNodeType type{};
    if (node_type(node, &type) != CUDA_SUCCESS) continue;
    if (type == CU_GRAPH_NODE_TYPE_EMPTY || type == CU_GRAPH_NODE_TYPE_HOST) continue;
    if (type == CU_GRAPH_NODE_TYPE_MEMSET && memset_params != nullptr) {
      CUDA_MEMSET_NODE_PARAMS params{};
      if (memset_params(node, &params) == CUDA_SUCCESS) {
        add_memset(rt, params, &entry.bases);
        continue;
      }
    }
    if (type == CU_GRAPH_NODE_TYPE_MEMCPY && memcpy_params != nullptr) {
      CUDA_MEMCPY3D params{};
      if (memcpy_params(node, &params) == CUDA_SUCCESS) {
        add_memcpy(rt, params, &entry.bases);
        continue;
      }
    }
    CUDA_KERNEL_NODE_PARAMS params{};
    if (type != CU_GRAPH_NODE_TYPE_KERNEL || kernel_params(node, &params) != CUDA_SUCCESS ||
        !add_kernel_node(rt, params, &touched, &entry.bases)) {
      unknown_nodes = true;
    }
  }
  if (unknown_nodes) {
    log::warn(kInterpose,
              "a graph has nodes other than kernels, memsets, memcpys, host functions and "
              "empty nodes; what they touch is not made resident (pin it in the policy file)");
  }
  return true;
}

// A node of `exec` given new parameters: `collect` gathers what they touch
// (false when they cannot be read).
template <typename Collect>
void set_node_regions(CUgraphExec exec, CUgraphNode node, const Collect& collect) noexcept {
  try {
    std::vector<CUdeviceptr> bases;
    if (!collect(&bases)) {
      log::warn(kInterpose,
                "new parameters of a graph's node could not be decoded; what they touch is not "
                "made resident (pin it in the policy file)");
      return;
    }
    GraphTable& table = graph_table();
    std::lock_guard lock(table.mu);
    auto it = table.execs.find(exec);
    if (it == table.execs.end()) return;  // launched unchecked anyway (prepare_graph says so)
    ExecRegions& regions = it->second;
    std::vector<CUdeviceptr>& own = regions.by_node[node];
    if (regions.exact) own.clear();
    own.insert(own.end(), bases.begin(), bases.end());
    regions.refresh();
  } catch (...) {
    // Out of memory while recording: the launches keep the old set.
  }
}

}  // namespace

void record_graph(runtime::Runtime& rt, CUgraphExec exec, CUgraph graph) noexcept {
  try {
    std::vector<NodeRegions> nodes;
    if (!read_graph(rt, graph, &nodes)) return;
    ExecRegions regions;
    for (NodeRegions& node : nodes) {
      regions.nodes.push_back(node.node);
      regions.by_node[node.node] = std::move(node.bases);
    }
    regions.refresh();
    GraphTable& table = graph_table();
    std::lock_guard lock(table.mu);
    table.execs[exec] = std::move(regions);
  } catch (...) {
    // Out of memory while recording: the graph launches without residency checks.
  }
}

void update_graph(runtime::Runtime& rt, CUgraphExec exec, CUgraph graph) noexcept {
  try {
    std::vector<NodeRegions> nodes;
    if (!read_graph(rt, graph, &nodes)) return;
    GraphTable& table = graph_table();
    std::lock_guard lock(table.mu);
    ExecRegions& regions = table.execs[exec];
    const bool paired = regions.nodes.size() == nodes.size();
    if (!paired) regions.nodes.clear();
    regions.by_node.clear();
    for (std::size_t i = 0; i < nodes.size(); ++i) {
      // Keyed by the instantiated graph's node where the pairing is known,
      // so that later per-node changes find it.
      const CUgraphNode key = paired ? regions.nodes[i] : nodes[i].node;
      if (!paired) regions.nodes.push_back(key);
      regions.by_node[key] = std::move(nodes[i].bases);
    }
    regions.exact = false;
    regions.refresh();
  } catch (...) {
    // Out of memory while recording: as for record_graph.
  }
}

void set_graph_node(runtime::Runtime& rt, CUgraphExec exec, CUgraphNode node,
                    const CUDA_KERNEL_NODE_PARAMS& params) noexcept {
  set_node_regions(exec, node, [&](std::vector<CUdeviceptr>* bases) {
    runtime::TouchedRegions touched;
    return add_kernel_node(rt, params, &touched, bases);
  });
}

void set_graph_node(runtime::Runtime& rt, CUgraphExec exec, CUgraphNode node,
                    const CUDA_MEMSET_NODE_PARAMS& params) noexcept {
  set_node_regions(exec, node, [&](std::vector<CUdeviceptr>* bases) {
    add_memset(rt, params, bases);
    return true;
  });
}

void set_graph_node(runtime::Runtime& rt, CUgraphExec exec, CUgraphNode node,
                    const CUDA_MEMCPY3D& params) noexcept {
  set_node_regions(exec, node, [&](std::vector<CUdeviceptr>* bases) {
    add_memcpy(rt, params, bases);
    return true;
  });
}

void set_graph_node(runtime::Runtime& rt, CUgraphExec exec, CUgraphNode node,
                    const CUgraphNodeParams& params) noexcept {
  switch (params.type) {
    case CU_GRAPH_NODE_TYPE_KERNEL: {
      const CUDA_KERNEL_NODE_PARAMS_v3& k = params.kernel;
      CUDA_KERNEL_NODE_PARAMS kernel{};
      kernel.func = k.func;
      kernel.gridDimX = k.gridDimX;
      kernel.gridDimY = k.gridDimY;
      kernel.gridDimZ = k.gridDimZ;
      kernel.blockDimX = k.blockDimX;
      kernel.blockDimY = k.blockDimY;
      kernel.blockDimZ = k.blockDimZ;
      kernel.sharedMemBytes = k.sharedMemBytes;
      kernel.kernelParams = k.kernelParams;
      kernel.extra = k.extra;
      kernel.kern = k.kern;
      kernel.ctx = k.ctx;
      set_graph_node(rt, exec, node, kernel);
      return;
    }
    case CU_GRAPH_NODE_TYPE_MEMSET: {
      const CUDA_MEMSET_NODE_PARAMS_v2& m = params.memset;
      set_graph_node(
          rt, exec, node,
          CUDA_MEMSET_NODE_PARAMS{m.dst, m.pitch, m.value, m.elementSize, m.width, m.height});
      return;
    }
    case CU_GRAPH_NODE_TYPE_MEMCPY:
      set_graph_node(rt, exec, node, params.memcpy.copyParams);
      return;
    default:
      // Other kinds touch nothing gpuswap reads at instantiation either.
      return;
  }
}

void forget_graph(CUgraphExec exec) noexcept {
  GraphTable& table = graph_table();
  std::lock_guard lock(table.mu);
  table.execs.erase(exec);
}

CUresult prepare_graph(runtime::Runtime& rt, CUgraphExec exec, CUstream stream,
                       runtime::PinGuard* guard) noexcept {
  thread_local std::vector<runtime::Touch> touches;
  touches.clear();
  {
    GraphTable& table = graph_table();
    std::lock_guard lock(table.mu);
    auto it = table.execs.find(exec);
    if (it == table.execs.end()) {
      static std::atomic<bool> logged{false};
      if (!logged.exchange(true)) {
        log::warn(kInterpose,
                  "cuGraphLaunch of a graph instantiated before the runtime started; it is "
                  "issued without residency checks");
      }
      return CUDA_SUCCESS;
    }
    for (CUdeviceptr base : it->second.all) {
      if (runtime::Region* region = rt.region_at(base)) {
        touches.push_back({region, policy::AccessMode::write});
      }
    }
  }
  if (touches.empty()) return CUDA_SUCCESS;
  return rt
      .prepare(touches, stream,
               {policy::OperationKind::kernel, reinterpret_cast<std::uintptr_t>(exec)}, guard)
      .to_cuda();
}

}  // namespace gpuswap::interpose
