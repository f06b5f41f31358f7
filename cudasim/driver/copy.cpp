#include "copy.h"

#include <cstring>

#include "context.h"
#include "driver.h"
#include "fault_guard.h"

namespace cudasim {

namespace {

// A side given as a device pointer (or CU_MEMORYTYPE_UNIFIED): device memory
// if it lies in the device range; page-locked host memory is accepted too (its
// device pointer is its host address); anything else is invalid.
CUresult device_end(Driver& d, CUdeviceptr p, bool unified, CopyEnd* out) {
  out->addr = p;
  out->device = d.va.contains(p);
  if (out->device || unified || d.host.find(p, 1, nullptr)) return CUDA_SUCCESS;
  return CUDA_ERROR_INVALID_VALUE;
}

CUresult end_of(Driver& d, const CUmemorytype& type, const void* host, CUdeviceptr dev,
                CopyEnd* out) {
  switch (enum_value(type)) {
    case CU_MEMORYTYPE_HOST:  // null is refused once something is to be copied
      out->device = false;
      out->addr = reinterpret_cast<std::uintptr_t>(host);
      return CUDA_SUCCESS;
    case CU_MEMORYTYPE_DEVICE:
      return device_end(d, dev, false, out);
    case CU_MEMORYTYPE_UNIFIED:
      return device_end(d, dev, true, out);
    case CU_MEMORYTYPE_ARRAY:
      return CUDA_ERROR_NOT_SUPPORTED;
    default:
      return CUDA_ERROR_INVALID_VALUE;
  }
}

struct Box {
  std::size_t x, y, z, pitch, height;
};

CUresult check_extent(Driver& d, const CopyEnd& e, std::uint64_t extent) {
  if (e.device && !d.va.contains(e.addr, extent)) return CUDA_ERROR_INVALID_VALUE;
  return CUDA_SUCCESS;
}

Device* owner(Driver& d, const Context& ctx, std::uintptr_t p) {
  PointerInfo info;
  if (d.memory.query(p, 0, &info) == CUDA_SUCCESS) return info.device;
  return ctx.device();
}

}  // namespace

CUresult plan_copy(Driver& d, const CUDA_MEMCPY3D& p, CopyPlan* out) {
  if (p.srcLOD != 0 || p.dstLOD != 0 || p.reserved0 != nullptr || p.reserved1 != nullptr)
    return CUDA_ERROR_INVALID_VALUE;
  CopyPlan plan;
  if (CUresult rc = end_of(d, p.srcMemoryType, p.srcHost, p.srcDevice, &plan.src);
      rc != CUDA_SUCCESS) {
    return rc;
  }
  if (CUresult rc = end_of(d, p.dstMemoryType, p.dstHost, p.dstDevice, &plan.dst);
      rc != CUDA_SUCCESS) {
    return rc;
  }
  const std::size_t width = p.WidthInBytes, height = p.Height, depth = p.Depth;
  if (width == 0 || height == 0 || depth == 0) {
    *out = std::move(plan);
    return CUDA_SUCCESS;
  }
  if ((!plan.src.device && plan.src.addr == 0) || (!plan.dst.device && plan.dst.addr == 0))
    return CUDA_ERROR_INVALID_VALUE;
  Box sb{p.srcXInBytes, p.srcY, p.srcZ, p.srcPitch, p.srcHeight};
  Box db{p.dstXInBytes, p.dstY, p.dstZ, p.dstPitch, p.dstHeight};
  for (Box* b : {&sb, &db}) {
    // A pitch or height that no row or slice steps over may be left 0.
    if (b->pitch == 0) b->pitch = width;
    if (b->height == 0) b->height = height;
    if ((height > 1 || depth > 1) && b->pitch < width) return CUDA_ERROR_INVALID_VALUE;
    if (depth > 1 && b->height < height) return CUDA_ERROR_INVALID_VALUE;
  }
  auto first = [](CopyEnd e, const Box& b) {
    e.addr += (b.z * b.height + b.y) * b.pitch + b.x;
    return e;
  };
  auto extent = [&](const Box& b) {
    return ((depth - 1) * b.height + (height - 1)) * b.pitch + width;
  };
  plan.src = first(plan.src, sb);
  plan.dst = first(plan.dst, db);
  if (CUresult rc = check_extent(d, plan.src, extent(sb)); rc != CUDA_SUCCESS) return rc;
  if (CUresult rc = check_extent(d, plan.dst, extent(db)); rc != CUDA_SUCCESS) return rc;
  plan.segments.reserve(height * depth);
  for (std::size_t z = 0; z < depth; ++z) {
    for (std::size_t y = 0; y < height; ++y) {
      plan.segments.push_back(
          {reinterpret_cast<void*>(plan.dst.addr + (z * db.height + y) * db.pitch),
           reinterpret_cast<const void*>(plan.src.addr + (z * sb.height + y) * sb.pitch), width});
    }
  }
  *out = std::move(plan);
  return CUDA_SUCCESS;
}

bool host_to_device(const CopyPlan& plan) {
  return !plan.src.device && plan.dst.device;
}
bool device_to_host(const CopyPlan& plan) {
  return plan.src.device && !plan.dst.device;
}

bool pinned(Driver& d, const CopyPlan& plan, bool source) {
  for (const CopySegment& s : plan.segments) {
    const auto p = reinterpret_cast<std::uintptr_t>(source ? s.src : s.dst);
    if (!d.host.find(p, s.bytes, nullptr)) return false;
  }
  return true;
}

std::shared_ptr<const void> stage_source(CopyPlan* plan) {
  std::size_t total = 0;
  for (const auto& g : plan->segments) total += g.bytes;
  auto staging = std::make_shared<std::vector<char>>(total);
  std::size_t at = 0;
  for (auto& g : plan->segments) {
    std::memcpy(staging->data() + at, g.src, g.bytes);
    g.src = staging->data() + at;
    at += g.bytes;
  }
  return staging;
}

Op make_copy_op(Driver& d, const Context& ctx, CopyPlan plan, std::shared_ptr<const void> keep) {
  const bool h2d = host_to_device(plan);
  const bool d2h = device_to_host(plan);
  Device* dev = h2d ? owner(d, ctx, plan.dst.addr) : d2h ? owner(d, ctx, plan.src.addr) : nullptr;
  Op op;
  op.label = "memcpy";
  op.node_type = CU_GRAPH_NODE_TYPE_MEMCPY;
  op.work = [dev, h2d, segments = std::move(plan.segments), keep = std::move(keep)] {
    if (dev != nullptr) {
      std::uintptr_t addr = 0;
      const Direction dir = h2d ? Direction::kHostToDevice : Direction::kDeviceToHost;
      if (!dev->link().transfer(dir, segments, &addr)) propagate_fault(addr);
      return;
    }
    for (const auto& g : segments) std::memcpy(g.dst, g.src, g.bytes);
  };
  return op;
}

}  // namespace cudasim
