#include "driver_calls.h"

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

// The mode one span grants its region: a full overwrite only when it covers
// every byte the application asked for, otherwise the old contents matter.
policy::AccessMode mode_for(const runtime::Region& region, const DeviceSpan& span) {
  if (span.mode != policy::AccessMode::overwrite) return span.mode;
  if (span.ptr == region.base() && span.bytes >= region.requested_size()) {
    return policy::AccessMode::overwrite;
  }
  return policy::AccessMode::write;
}

void add_touch(std::vector<runtime::Touch>& touches, runtime::Region* region,
               policy::AccessMode mode) {
  if (region == nullptr) return;
  touches.push_back({region, mode});
}

}  // namespace

CUresult prepare_spans(runtime::Runtime& rt, std::span<const DeviceSpan> spans, CUstream stream,
                       policy::OperationKind kind, std::uint64_t signature,
                       runtime::PinGuard* guard) noexcept {
  thread_local std::vector<runtime::Touch> touches;
  touches.clear();
  for (const DeviceSpan& span : spans) {
    runtime::Region* first = rt.region_at(span.ptr);
    if (first != nullptr) add_touch(touches, first, mode_for(*first, span));
    if (span.bytes > 1) {
      // A range that runs into the next region touches it too.
      runtime::Region* last = rt.region_at(span.ptr + span.bytes - 1);
      if (last != first && last != nullptr) {
        add_touch(touches, last,
                  span.mode == policy::AccessMode::read ? policy::AccessMode::read
                                                        : policy::AccessMode::write);
      }
    }
  }
  if (touches.empty()) return CUDA_SUCCESS;
  const runtime::Status status = rt.prepare(touches, stream, {kind, signature}, guard);
  return status.to_cuda();
}

CUresult prepare_launch(runtime::Runtime& rt, CUfunction function, void** params, void** extra,
                        CUstream stream, runtime::PinGuard* guard) noexcept {
  thread_local runtime::TouchedRegions touched;
  const runtime::Status decoded =
      rt.decode_launch(function, runtime::FunctionKind::kFunction, params, extra, &touched);
  if (!decoded) {
    // The driver will answer the bad launch itself; nothing is known to touch.
    // One line for each new reason, so that a second cause is not hidden.
    static std::atomic<int> logged{-1};
    const int reason = static_cast<int>(decoded.driver_result());
    if (logged.exchange(reason) != reason) {
      log::warn(kInterpose,
                "a launch of kernel {} could not be decoded ({}, driver result {}); it is issued "
                "as is, and an evicted buffer it uses will fault",
                rt.function_name(function), runtime::status_name(decoded.code()), reason);
    }
    return CUDA_SUCCESS;
  }
  if (touched.empty()) return CUDA_SUCCESS;
  const std::uint64_t signature = reinterpret_cast<std::uintptr_t>(function);
  return rt.prepare(touched, stream, {policy::OperationKind::kernel, signature}, guard).to_cuda();
}

CUresult alloc_call(runtime::Runtime& rt, CUdeviceptr* dptr, std::uint64_t bytes) noexcept {
  if (dptr == nullptr || bytes == 0) return CUDA_ERROR_INVALID_VALUE;
  return rt.mem_alloc(bytes, dptr).to_cuda();
}

CUresult free_call(runtime::Runtime& rt, CUresult (*real)(CUdeviceptr), CUdeviceptr dptr) noexcept {
  const runtime::Status status = rt.mem_free(dptr);
  if (status.code() != runtime::StatusCode::kNotFound) return status.to_cuda();
  // Not the runtime's: the driver's own from before the runtime started, or
  // nothing at all, which the driver answers.
  const CUresult result = real(dptr);
  if (result != CUDA_SUCCESS) {
    log::warn(kInterpose, "cuMemFree({:#x}): not an allocation of this process ({})", dptr,
              static_cast<int>(result));
  }
  return result;
}

namespace {

// Attributes a region answers itself: the driver may not know the address
// while the region is evicted (nothing is mapped there).
bool region_attribute(runtime::Runtime& rt, const runtime::Region& region,
                      CUpointer_attribute attribute, CUdeviceptr pointer, void* data) {
  switch (attribute) {
    case CU_POINTER_ATTRIBUTE_MEMORY_TYPE:
      *static_cast<unsigned*>(data) = CU_MEMORYTYPE_DEVICE;
      return true;
    case CU_POINTER_ATTRIBUTE_DEVICE_POINTER:
      *static_cast<CUdeviceptr*>(data) = pointer;
      return true;
    case CU_POINTER_ATTRIBUTE_HOST_POINTER:
      *static_cast<void**>(data) = nullptr;
      return true;
    case CU_POINTER_ATTRIBUTE_RANGE_START_ADDR:
      *static_cast<CUdeviceptr*>(data) = region.base();
      return true;
    case CU_POINTER_ATTRIBUTE_RANGE_SIZE:
      *static_cast<size_t*>(data) = region.requested_size();
      return true;
    case CU_POINTER_ATTRIBUTE_IS_MANAGED:
      *static_cast<int*>(data) = 0;
      return true;
    case CU_POINTER_ATTRIBUTE_MAPPED:
      *static_cast<int*>(data) = 1;
      return true;
    case CU_POINTER_ATTRIBUTE_BUFFER_ID:
      *static_cast<unsigned long long*>(data) = region.id();
      return true;
    case CU_POINTER_ATTRIBUTE_CONTEXT:
      *static_cast<CUcontext*>(data) = rt.context();
      return true;
    case CU_POINTER_ATTRIBUTE_DEVICE_ORDINAL:
      *static_cast<int*>(data) = rt.device();
      return true;
    default:
      return false;
  }
}

}  // namespace

CUresult pointer_attribute_call(runtime::Runtime& rt, decltype(&::cuPointerGetAttribute) real,
                                void* data, CUpointer_attribute attribute,
                                CUdeviceptr pointer) noexcept {
  const runtime::Region* region = rt.region_at(pointer);
  if (region == nullptr || data == nullptr) return real(data, attribute, pointer);
  if (region_attribute(rt, *region, attribute, pointer, data)) return CUDA_SUCCESS;
  return real(data, attribute, pointer);
}

CUresult pointer_attributes_call(runtime::Runtime& rt, decltype(&::cuPointerGetAttributes) real,
                                 unsigned count, CUpointer_attribute* attributes, void** data,
                                 CUdeviceptr pointer) noexcept {
  const runtime::Region* region = rt.region_at(pointer);
  if (region == nullptr || attributes == nullptr || data == nullptr) {
    return real(count, attributes, data, pointer);
  }
  for (unsigned i = 0; i < count; ++i) {
    if (data[i] == nullptr) continue;
    if (region_attribute(rt, *region, attributes[i], pointer, data[i])) continue;
    const CUresult result = real(1, &attributes[i], &data[i], pointer);
    if (result != CUDA_SUCCESS) return result;
  }
  return CUDA_SUCCESS;
}

namespace {

// Executable graph -> the base addresses of the regions its kernel, memset
// and memcpy nodes referenced at instantiation. Bases, not Region pointers: a
// region freed meanwhile is simply not found at launch.
struct GraphTable {
  std::mutex mu;
  std::unordered_map<CUgraphExec, std::vector<CUdeviceptr>> regions;
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

}  // namespace

void record_graph(runtime::Runtime& rt, CUgraphExec exec, CUgraph graph) noexcept {
  const auto get_nodes = real_driver<decltype(&::cuGraphGetNodes)>("cuGraphGetNodes");
  const auto node_type = real_driver<decltype(&::cuGraphNodeGetType)>("cuGraphNodeGetType");
  const auto kernel_params =
      real_driver<decltype(&::cuGraphKernelNodeGetParams)>("cuGraphKernelNodeGetParams_v2");
  // Optional: without them, such nodes count as unknown below.
  const auto memset_params =
      real_driver<decltype(&::cuGraphMemsetNodeGetParams)>("cuGraphMemsetNodeGetParams");
  const auto memcpy_params =
      real_driver<decltype(&::cuGraphMemcpyNodeGetParams)>("cuGraphMemcpyNodeGetParams");
  if (get_nodes == nullptr || node_type == nullptr || kernel_params == nullptr) return;
  try {
    std::size_t count = 0;
    if (get_nodes(graph, nullptr, &count) != CUDA_SUCCESS) return;
    std::vector<CUgraphNode> nodes(count);
    if (count != 0 && get_nodes(graph, nodes.data(), &count) != CUDA_SUCCESS) return;
    std::vector<CUdeviceptr> bases;
    runtime::TouchedRegions touched;
    bool unknown_nodes = false;
    for (CUgraphNode node : nodes) {
      CUgraphNodeType type{};
      if (node_type(node, &type) != CUDA_SUCCESS) continue;
      if (type == CU_GRAPH_NODE_TYPE_EMPTY || type == CU_GRAPH_NODE_TYPE_HOST) continue;
      if (type == CU_GRAPH_NODE_TYPE_MEMSET && memset_params != nullptr) {
        CUDA_MEMSET_NODE_PARAMS params{};
        if (memset_params(node, &params) == CUDA_SUCCESS) {
          add_memset(rt, params, &bases);
          continue;
        }
      }
      if (type == CU_GRAPH_NODE_TYPE_MEMCPY && memcpy_params != nullptr) {
        CUDA_MEMCPY3D params{};
        if (memcpy_params(node, &params) == CUDA_SUCCESS) {
          add_memcpy(rt, params, &bases);
          continue;
        }
      }
      CUDA_KERNEL_NODE_PARAMS params{};
      if (type != CU_GRAPH_NODE_TYPE_KERNEL || kernel_params(node, &params) != CUDA_SUCCESS ||
          !add_kernel_node(rt, params, &touched, &bases)) {
        unknown_nodes = true;
      }
    }
    if (unknown_nodes) {
      log::warn(kInterpose,
                "a graph has nodes other than kernels, memsets, memcpys, host functions and "
                "empty nodes; what they touch is not made resident (pin it in the policy file)");
    }
    // Each region once: a launch pins it once, whatever number of nodes use it.
    std::sort(bases.begin(), bases.end());
    bases.erase(std::unique(bases.begin(), bases.end()), bases.end());
    GraphTable& table = graph_table();
    std::lock_guard lock(table.mu);
    table.regions[exec] = std::move(bases);
  } catch (...) {
    // Out of memory while recording: the graph launches without residency checks.
  }
}

void add_graph_kernel_node(runtime::Runtime& rt, CUgraphExec exec,
                           const CUDA_KERNEL_NODE_PARAMS& params) noexcept {
  try {
    runtime::TouchedRegions touched;
    std::vector<CUdeviceptr> bases;
    if (!add_kernel_node(rt, params, &touched, &bases)) {
      log::warn(kInterpose,
                "new parameters of a graph's kernel node could not be decoded; what they touch "
                "is not made resident (pin it in the policy file)");
      return;
    }
    GraphTable& table = graph_table();
    std::lock_guard lock(table.mu);
    auto it = table.regions.find(exec);
    if (it == table.regions.end()) return;  // launched unchecked anyway (prepare_graph says so)
    std::vector<CUdeviceptr>& known = it->second;
    known.insert(known.end(), bases.begin(), bases.end());
    std::sort(known.begin(), known.end());
    known.erase(std::unique(known.begin(), known.end()), known.end());
  } catch (...) {
    // Out of memory while recording: as for record_graph.
  }
}

void forget_graph(CUgraphExec exec) noexcept {
  GraphTable& table = graph_table();
  std::lock_guard lock(table.mu);
  table.regions.erase(exec);
}

CUresult prepare_graph(runtime::Runtime& rt, CUgraphExec exec, CUstream stream,
                       runtime::PinGuard* guard) noexcept {
  thread_local std::vector<runtime::Touch> touches;
  touches.clear();
  {
    GraphTable& table = graph_table();
    std::lock_guard lock(table.mu);
    auto it = table.regions.find(exec);
    if (it == table.regions.end()) {
      static std::atomic<bool> logged{false};
      if (!logged.exchange(true)) {
        log::warn(kInterpose,
                  "cuGraphLaunch of a graph instantiated before the runtime started; it is "
                  "issued without residency checks");
      }
      return CUDA_SUCCESS;
    }
    for (CUdeviceptr base : it->second) {
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
