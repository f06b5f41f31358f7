// What each driver hook does with the residency runtime: allocation and free
// become regions, address queries are answered for region pointers, and every
// copy, memset and launch first makes the regions it touches resident and
// pins them until the real call has been issued. Hooks not named here pass
// straight through. Which hook is which is read off hooked_symbols.def (the
// base name a caller passes to cuGetProcAddress, and the per-thread variant).
#pragma once

#include <cstdint>
#include <span>
#include <string_view>
#include <tuple>
#include <vector>

#include "batch_copy_operands.h"
#include "cuda_api.h"
#include "gpuswap/policy/policy.h"
#include "gpuswap/runtime/runtime.h"
#include "graph_regions.h"
#include "hook_id.h"

namespace gpuswap::interpose {

// A device range a call reads or writes, from its pointer arguments.
struct DeviceSpan {
  CUdeviceptr ptr = 0;
  std::uint64_t bytes = 0;  // 0: unknown, only the first byte is certain
  policy::AccessMode mode = policy::AccessMode::write;
};

// Makes the regions behind `spans` resident and pinned for `guard`. CUDA's
// error when that is impossible (out of memory), else CUDA_SUCCESS. A span
// covering a whole region in `overwrite` mode lets the runtime skip its copy
// in; partial spans keep their contents.
CUresult prepare_spans(runtime::Runtime& rt, std::span<const DeviceSpan> spans, CUstream stream,
                       policy::OperationKind kind, std::uint64_t signature,
                       runtime::PinGuard* guard) noexcept;

// The same for a kernel launch: its parameters decoded through the layout
// cache. A launch that cannot be decoded passes through with a log line.
CUresult prepare_launch(runtime::Runtime& rt, CUfunction function, void** params, void** extra,
                        CUstream stream, runtime::PinGuard* guard) noexcept;

// A launch that cannot go quietly: decoded and prepared under a guard, then
// issued. Out of line, so that the quiet path stays small.
template <typename Real, typename... Args>
[[gnu::noinline]] CUresult prepared_launch_call(runtime::Runtime& rt, CUfunction function,
                                                void** params, void** extra, CUstream stream,
                                                Real real, Args... args) {
  runtime::PinGuard guard;
  const CUresult result = prepare_launch(rt, function, params, extra, stream, &guard);
  return result == CUDA_SUCCESS ? real(args...) : result;
}
// A launch that did not go unrecorded (the hook tried that at its entry,
// driver_hooks.h): the quiet path (its parameter words recorded) when the
// runtime allows it, else prepared_launch_call. Out of line, so that the
// unrecorded path stays small.
template <typename Real, typename... Args>
[[gnu::noinline]] CUresult recorded_launch_call(runtime::Runtime& rt, CUfunction function,
                                                void** params, void** extra, CUstream stream,
                                                Real real, Args... args) {
  if (extra == nullptr) {
    if (runtime::ThreadSlots::Slot* quiet =
            rt.begin_quiet_launch(function, runtime::FunctionKind::kFunction, params, stream,
                                  reinterpret_cast<std::uintptr_t>(function))) {
      const CUresult result = real(args...);  // the driver's C function: nothing unwinds past it
      quiet->end_launch();
      return result;
    }
  }
  return prepared_launch_call(rt, function, params, extra, stream, real, args...);
}

CUresult alloc_call(runtime::Runtime& rt, CUdeviceptr* dptr, std::uint64_t bytes) noexcept;
CUresult free_call(runtime::Runtime& rt, CUresult (*real)(CUdeviceptr), CUdeviceptr dptr) noexcept;
CUresult pointer_attribute_call(runtime::Runtime& rt, decltype(&::cuPointerGetAttribute) real,
                                void* data, CUpointer_attribute attribute,
                                CUdeviceptr pointer) noexcept;
CUresult pointer_attributes_call(runtime::Runtime& rt, decltype(&::cuPointerGetAttributes) real,
                                 unsigned count, CUpointer_attribute* attributes, void** data,
                                 CUdeviceptr pointer) noexcept;

// The stream a call without a stream argument runs on, and what a null
// stream argument means, for each per-thread variant.
template <HookId id>
CUstream implicit_stream() {
  return info(id).variant == Variant::ptds ? CU_STREAM_PER_THREAD : nullptr;
}
template <HookId id>
CUstream stream_argument(CUstream stream) {
  return info(id).variant == Variant::ptsz && stream == nullptr ? CU_STREAM_PER_THREAD : stream;
}

constexpr bool is(HookId id, std::string_view base) {
  return info(id).base == base;
}

template <typename Issue>
CUresult with_spans(runtime::Runtime& rt, std::span<const DeviceSpan> spans, CUstream stream,
                    policy::OperationKind kind, std::uint64_t signature, Issue&& issue) {
  runtime::PinGuard guard;
  if (CUresult result = prepare_spans(rt, spans, stream, kind, signature, &guard);
      result != CUDA_SUCCESS) {
    return result;
  }
  return issue();  // the guard unpins after the call has been issued
}

// Device spans of a 2D or 3D copy descriptor (CUDA_MEMCPY2D, CUDA_MEMCPY3D,
// CUDA_MEMCPY3D_PEER): only device and unified sides touch regions.
template <typename Desc>
std::uint64_t depth_of(const Desc& desc) {
  if constexpr (requires { desc.Depth; }) {
    return desc.Depth;
  } else {
    return 1;
  }
}
template <typename Desc>
int copy_spans(const Desc* desc, DeviceSpan* out) {
  if (desc == nullptr) return 0;
  int count = 0;
  const std::uint64_t depth = depth_of(*desc);
  const auto span_of = [&](CUmemorytype type, CUdeviceptr device, std::uint64_t x, std::uint64_t y,
                           std::uint64_t z, std::uint64_t pitch, std::uint64_t height,
                           policy::AccessMode mode) {
    if (type != CU_MEMORYTYPE_DEVICE && type != CU_MEMORYTYPE_UNIFIED) return;
    if (desc->WidthInBytes == 0 || desc->Height == 0 || depth == 0) return;
    const std::uint64_t rows = (depth - 1) * height + (desc->Height - 1);
    out[count++] = {device + (z * height + y) * pitch + x, rows * pitch + desc->WidthInBytes, mode};
  };
  std::uint64_t src_z = 0, dst_z = 0, src_height = 0, dst_height = 0;
  if constexpr (requires { desc->srcZ; }) {
    src_z = desc->srcZ;
    dst_z = desc->dstZ;
    src_height = desc->srcHeight;
    dst_height = desc->dstHeight;
  }
  span_of(desc->srcMemoryType, desc->srcDevice, desc->srcXInBytes, desc->srcY, src_z,
          desc->srcPitch, src_height, policy::AccessMode::read);
  span_of(desc->dstMemoryType, desc->dstDevice, desc->dstXInBytes, desc->dstY, dst_z,
          desc->dstPitch, dst_height, policy::AccessMode::write);
  return count;
}

template <HookId id>
constexpr std::uint64_t signature_of() {
  return 0x9E3779B97F4A7C15ull * (index(id) + 1);
}

// The kernel launch hooks: they try the unrecorded path at the hook's
// entry (driver_hooks.h), before anything else, and driver_call_with goes
// straight on to recorded_launch_call.
template <HookId id>
constexpr bool unrecorded_at_entry() {
  return is(id, "cuLaunchKernel") || is(id, "cuLaunchCooperativeKernel") ||
         is(id, "cuLaunchKernelEx");
}
// The stream such a launch is issued on, from the hook's arguments; false
// when there is none to go by (cuLaunchKernelEx without a configuration).
template <HookId id, typename... Args>
[[gnu::always_inline]] inline bool entry_launch_stream(CUstream* stream, Args... args) {
  if constexpr (is(id, "cuLaunchKernelEx")) {
    const CUlaunchConfig* config = std::get<0>(std::tie(args...));
    if (config == nullptr) return false;
    *stream = stream_argument<id>(config->hStream);
  } else {
    *stream = stream_argument<id>(std::get<8>(std::tie(args...)));  // the ninth argument
  }
  return true;
}

// Inlined into its one caller, the hook (driver_hooks.h): the arguments are
// passed on once, not twice.
template <HookId id, typename Real, typename... Args>
[[gnu::always_inline]] inline CUresult driver_call_with(runtime::Runtime& rt, Real real,
                                                        Args... args) {
  using policy::AccessMode;
  using policy::OperationKind;
  constexpr std::uint64_t sig = signature_of<id>();
  const auto issue = [&] { return real(args...); };
  // Calls that only teach the runtime something once they succeeded.
  const auto issue_then = [&](const auto& learn) {
    const CUresult result = issue();
    if (result == CUDA_SUCCESS) learn();
    return result;
  };
  const auto spans = [&](CUstream stream, OperationKind kind,
                         std::initializer_list<DeviceSpan> list) {
    return with_spans(rt, {list.begin(), list.size()}, stream, kind, sig, issue);
  };
  constexpr auto copy = OperationKind::copy;
  constexpr auto memset = OperationKind::memset;

  // Allocation and address queries.
  if constexpr (is(id, "cuMemAlloc")) {
    return [&](CUdeviceptr* dptr, size_t bytes) { return alloc_call(rt, dptr, bytes); }(args...);
  } else if constexpr (is(id, "cuMemAllocPitch")) {
    return [&](CUdeviceptr* dptr, size_t* pitch, size_t width, size_t height,
               unsigned element) -> CUresult {
      if (dptr == nullptr || pitch == nullptr || width == 0 || height == 0) {
        return CUDA_ERROR_INVALID_VALUE;
      }
      if (element != 4 && element != 8 && element != 16) return CUDA_ERROR_INVALID_VALUE;
      // Rows aligned as the driver aligns them (512 bytes).
      const std::uint64_t row = (width + 511) / 512 * 512;
      if (height > UINT64_MAX / row) return CUDA_ERROR_OUT_OF_MEMORY;
      const CUresult result = alloc_call(rt, dptr, row * height);
      if (result == CUDA_SUCCESS) *pitch = row;
      return result;
    }(args...);
  } else if constexpr (is(id, "cuMemFree")) {
    return free_call(rt, real, args...);
  } else if constexpr (is(id, "cuMemAllocAsync")) {
    return [&](CUdeviceptr* dptr, size_t bytes, CUstream stream) {
      const CUresult result = real(dptr, bytes, stream);
      if (result == CUDA_SUCCESS) rt.adopt_pass_through(*dptr, bytes);
      return result;
    }(args...);
  } else if constexpr (is(id, "cuMemAllocManaged")) {
    return [&](CUdeviceptr* dptr, size_t bytes, unsigned flags) {
      const CUresult result = real(dptr, bytes, flags);
      if (result == CUDA_SUCCESS) rt.adopt_pass_through(*dptr, bytes);
      return result;
    }(args...);
  } else if constexpr (is(id, "cuMemFreeAsync")) {
    return [&](CUdeviceptr dptr, CUstream stream) {
      const CUresult result = real(dptr, stream);
      if (result == CUDA_SUCCESS) (void)rt.forget_pass_through(dptr);
      return result;
    }(args...);
  } else if constexpr (is(id, "cuMemGetInfo")) {
    return [&](size_t* free, size_t* total) -> CUresult {
      if (free == nullptr || total == nullptr) return real(free, total);
      std::uint64_t f = 0, t = 0;
      const runtime::Status status = rt.mem_get_info(&f, &t);
      if (!status) return status.to_cuda();
      *free = f;
      *total = t;
      return CUDA_SUCCESS;
    }(args...);
  } else if constexpr (is(id, "cuMemGetAddressRange")) {
    return [&](CUdeviceptr* base, size_t* size, CUdeviceptr pointer) -> CUresult {
      CUdeviceptr b = 0;
      std::uint64_t s = 0;
      if (!rt.address_range(pointer, &b, &s)) return real(base, size, pointer);
      if (base != nullptr) *base = b;
      if (size != nullptr) *size = s;
      return CUDA_SUCCESS;
    }(args...);
  } else if constexpr (is(id, "cuPointerGetAttribute")) {
    return pointer_attribute_call(rt, real, args...);
  } else if constexpr (is(id, "cuPointerGetAttributes")) {
    return pointer_attributes_call(rt, real, args...);

    // One-dimensional copies.
  } else if constexpr (is(id, "cuMemcpy") || is(id, "cuMemcpyDtoD")) {
    return [&](CUdeviceptr dst, CUdeviceptr src, size_t bytes) {
      return spans(implicit_stream<id>(), copy,
                   {{dst, bytes, AccessMode::overwrite}, {src, bytes, AccessMode::read}});
    }(args...);
  } else if constexpr (is(id, "cuMemcpyAsync") || is(id, "cuMemcpyDtoDAsync")) {
    return [&](CUdeviceptr dst, CUdeviceptr src, size_t bytes, CUstream stream) {
      return spans(stream_argument<id>(stream), copy,
                   {{dst, bytes, AccessMode::overwrite}, {src, bytes, AccessMode::read}});
    }(args...);
  } else if constexpr (is(id, "cuMemcpyPeer")) {
    return [&](CUdeviceptr dst, CUcontext, CUdeviceptr src, CUcontext, size_t bytes) {
      return spans(implicit_stream<id>(), copy,
                   {{dst, bytes, AccessMode::overwrite}, {src, bytes, AccessMode::read}});
    }(args...);
  } else if constexpr (is(id, "cuMemcpyPeerAsync")) {
    return
        [&](CUdeviceptr dst, CUcontext, CUdeviceptr src, CUcontext, size_t bytes, CUstream stream) {
          return spans(stream_argument<id>(stream), copy,
                       {{dst, bytes, AccessMode::overwrite}, {src, bytes, AccessMode::read}});
        }(args...);
  } else if constexpr (is(id, "cuMemcpyHtoD")) {
    return [&](CUdeviceptr dst, const void*, size_t bytes) {
      return spans(implicit_stream<id>(), copy, {{dst, bytes, AccessMode::overwrite}});
    }(args...);
  } else if constexpr (is(id, "cuMemcpyHtoDAsync")) {
    return [&](CUdeviceptr dst, const void*, size_t bytes, CUstream stream) {
      return spans(stream_argument<id>(stream), copy, {{dst, bytes, AccessMode::overwrite}});
    }(args...);
  } else if constexpr (is(id, "cuMemcpyDtoH")) {
    return [&](void*, CUdeviceptr src, size_t bytes) {
      return spans(implicit_stream<id>(), copy, {{src, bytes, AccessMode::read}});
    }(args...);
  } else if constexpr (is(id, "cuMemcpyDtoHAsync")) {
    return [&](void*, CUdeviceptr src, size_t bytes, CUstream stream) {
      return spans(stream_argument<id>(stream), copy, {{src, bytes, AccessMode::read}});
    }(args...);
  } else if constexpr (is(id, "cuMemcpyDtoA")) {
    return [&](CUarray, size_t, CUdeviceptr src, size_t bytes) {
      return spans(implicit_stream<id>(), copy, {{src, bytes, AccessMode::read}});
    }(args...);
  } else if constexpr (is(id, "cuMemcpyAtoD")) {
    return [&](CUdeviceptr dst, CUarray, size_t, size_t bytes) {
      return spans(implicit_stream<id>(), copy, {{dst, bytes, AccessMode::overwrite}});
    }(args...);

    // 2D and 3D copies.
  } else if constexpr (is(id, "cuMemcpy2D") || is(id, "cuMemcpy2DUnaligned") ||
                       is(id, "cuMemcpy3D") || is(id, "cuMemcpy3DPeer")) {
    return [&](const auto* desc) {
      DeviceSpan list[2];
      const int n = copy_spans(desc, list);
      return with_spans(rt, {list, static_cast<std::size_t>(n)}, implicit_stream<id>(), copy, sig,
                        issue);
    }(args...);
  } else if constexpr (is(id, "cuMemcpy2DAsync") || is(id, "cuMemcpy3DAsync") ||
                       is(id, "cuMemcpy3DPeerAsync")) {
    return [&](const auto* desc, CUstream stream) {
      DeviceSpan list[2];
      const int n = copy_spans(desc, list);
      return with_spans(rt, {list, static_cast<std::size_t>(n)}, stream_argument<id>(stream), copy,
                        sig, issue);
    }(args...);

    // Memsets.
  } else if constexpr (is(id, "cuMemsetD8") || is(id, "cuMemsetD16") || is(id, "cuMemsetD32")) {
    constexpr std::uint64_t unit = is(id, "cuMemsetD8") ? 1 : is(id, "cuMemsetD16") ? 2 : 4;
    return [&](CUdeviceptr dst, auto, size_t count) {
      return spans(implicit_stream<id>(), memset, {{dst, count * unit, AccessMode::overwrite}});
    }(args...);
  } else if constexpr (is(id, "cuMemsetD8Async") || is(id, "cuMemsetD16Async") ||
                       is(id, "cuMemsetD32Async")) {
    constexpr std::uint64_t unit = is(id, "cuMemsetD8Async")    ? 1
                                   : is(id, "cuMemsetD16Async") ? 2
                                                                : 4;
    return [&](CUdeviceptr dst, auto, size_t count, CUstream stream) {
      return spans(stream_argument<id>(stream), memset,
                   {{dst, count * unit, AccessMode::overwrite}});
    }(args...);
  } else if constexpr (is(id, "cuMemsetD2D8") || is(id, "cuMemsetD2D16") ||
                       is(id, "cuMemsetD2D32")) {
    constexpr std::uint64_t unit = is(id, "cuMemsetD2D8") ? 1 : is(id, "cuMemsetD2D16") ? 2 : 4;
    return [&](CUdeviceptr dst, size_t pitch, auto, size_t width, size_t height) {
      const std::uint64_t bytes = height == 0 ? 0 : (height - 1) * pitch + width * unit;
      return spans(implicit_stream<id>(), memset, {{dst, bytes, AccessMode::write}});
    }(args...);
  } else if constexpr (is(id, "cuMemsetD2D8Async") || is(id, "cuMemsetD2D16Async") ||
                       is(id, "cuMemsetD2D32Async")) {
    constexpr std::uint64_t unit = is(id, "cuMemsetD2D8Async")    ? 1
                                   : is(id, "cuMemsetD2D16Async") ? 2
                                                                  : 4;
    return [&](CUdeviceptr dst, size_t pitch, auto, size_t width, size_t height, CUstream stream) {
      const std::uint64_t bytes = height == 0 ? 0 : (height - 1) * pitch + width * unit;
      return spans(stream_argument<id>(stream), memset, {{dst, bytes, AccessMode::write}});
    }(args...);

    // Launches.
  } else if constexpr (is(id, "cuLaunchKernel")) {
    return [&](CUfunction f, unsigned, unsigned, unsigned, unsigned, unsigned, unsigned, unsigned,
               CUstream stream, void** params, void** extra) {
      static_assert(unrecorded_at_entry<id>());  // the hook tried that path
      return recorded_launch_call(rt, f, params, extra, stream_argument<id>(stream), real, args...);
    }(args...);
  } else if constexpr (is(id, "cuLaunchCooperativeKernel")) {
    return [&](CUfunction f, unsigned, unsigned, unsigned, unsigned, unsigned, unsigned, unsigned,
               CUstream stream, void** params) {
      static_assert(unrecorded_at_entry<id>());
      return recorded_launch_call(rt, f, params, nullptr, stream_argument<id>(stream), real,
                                  args...);
    }(args...);
  } else if constexpr (is(id, "cuLaunchKernelEx")) {
    return [&](const CUlaunchConfig* config, CUfunction f, void** params, void** extra) {
      static_assert(unrecorded_at_entry<id>());
      if (config == nullptr) return issue();
      return recorded_launch_call(rt, f, params, extra, stream_argument<id>(config->hStream), real,
                                  args...);
    }(args...);
  } else if constexpr (is(id, "cuGraphLaunch")) {
    return [&](CUgraphExec exec, CUstream stream) {
      runtime::PinGuard guard;
      const CUresult result = prepare_graph(rt, exec, stream_argument<id>(stream), &guard);
      return result == CUDA_SUCCESS ? issue() : result;
    }(args...);
  } else if constexpr (is(id, "cuGraphInstantiateWithFlags") ||
                       is(id, "cuGraphInstantiateWithParams")) {
    return [&](CUgraphExec* exec, CUgraph graph, auto) {
      return issue_then([&] {
        if (exec != nullptr) record_graph(rt, *exec, graph);
      });
    }(args...);
  } else if constexpr (is(id, "cuStreamDestroy")) {
    return [&](CUstream stream) {
      rt.stream_destroying(stream);
      return issue();
    }(args...);
  } else if constexpr (is(id, "cuGraphExecKernelNodeSetParams") ||
                       is(id, "cuGraphExecMemsetNodeSetParams") ||
                       is(id, "cuGraphExecMemcpyNodeSetParams") ||
                       is(id, "cuGraphExecNodeSetParams")) {
    // (exec, node, parameters of the node's kind[, context]).
    return [&](CUgraphExec exec, CUgraphNode node, const auto* params, auto...) {
      return issue_then([&] {
        if (params != nullptr) set_graph_node(rt, exec, node, *params);
      });
    }(args...);
  } else if constexpr (is(id, "cuGraphExecUpdate")) {
    // Both ABIs: (exec, graph, result info) and (exec, graph, error node,
    // result). Once updated, the executable runs `graph`'s parameters.
    return [&](CUgraphExec exec, CUgraph graph, auto...) {
      return issue_then([&] {
        if (exec != nullptr) update_graph(rt, exec, graph);
      });
    }(args...);
  } else if constexpr (is(id, "cuGraphExecDestroy")) {
    return [&](CUgraphExec exec) {
      forget_graph(exec);
      return issue();
    }(args...);
  } else if constexpr (is(id, "cuCtxSynchronize") || is(id, "cuCtxSynchronize_v2") ||
                       is(id, "cuStreamSynchronize") || is(id, "cuStreamSynchronize_ptsz") ||
                       is(id, "cuEventSynchronize") || is(id, "cuStreamQuery") ||
                       is(id, "cuEventQuery")) {
    // A sync point (a query that answers CUDA_SUCCESS is one too): the
    // restores issued before it have likely completed, so their host copies
    // can go and their trace records be written now (an application that
    // syncs last before exit would otherwise take them along unreported: no
    // CUDA call is made once exit has begun).
    return issue_then([&] { rt.collect_finished(); });
  } else if constexpr (is(id, "cuMemcpyBatchAsync") || is(id, "cuMemcpy3DBatchAsync")) {
    // Batch copies, both ABIs (12.8 with failIdx, 13.0 without): the copy
    // lists come first and the stream last. A batch may hold thousands of
    // copies, so their spans go to a per-thread vector that grows as needed
    // (prepare_spans reads it before the real call is issued).
    const auto all = std::tie(args...);
    thread_local std::vector<DeviceSpan> list;
    list.clear();
    const auto collect = [&](CUdeviceptr ptr, std::uint64_t bytes, Access access) {
      const AccessMode mode = access == Access::read        ? AccessMode::read
                              : access == Access::overwrite ? AccessMode::overwrite
                                                            : AccessMode::write;
      list.push_back({ptr, bytes, mode});
    };
    if constexpr (is(id, "cuMemcpyBatchAsync")) {
      batch_copy_operands(std::get<0>(all), std::get<1>(all), std::get<2>(all), std::get<3>(all),
                          collect);
    } else {
      batch_3d_copy_operands(std::get<1>(all), std::get<0>(all), collect);
    }
    return with_spans(rt, list, stream_argument<id>(std::get<sizeof...(Args) - 1>(all)), copy, sig,
                      issue);
  } else {
    // Array-only copies: nothing of the runtime's is involved. Every other
    // hook must have a branch above; one without would pass through silently.
    static_assert(is(id, "cuMemcpyHtoA") || is(id, "cuMemcpyHtoAAsync") || is(id, "cuMemcpyAtoH") ||
                      is(id, "cuMemcpyAtoHAsync") || is(id, "cuMemcpyAtoA"),
                  "a hooked driver function without a branch in driver_call_with");
    return issue();
  }
}

}  // namespace gpuswap::interpose
