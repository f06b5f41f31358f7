// Copies and memsets. Every form becomes one stream operation made of row
// segments; host<->device segments go over the device's link (costing link
// time), device<->device ones are plain copies. Synchronous forms run on the
// legacy default stream (per-thread for _ptds) and wait.
#include <algorithm>
#include <cstring>

#include "api_common.h"
#include "fault_guard.h"
#include "fill.h"

using namespace cudasim;

namespace {

struct Side {
  bool device = false;
  std::uintptr_t addr = 0;
};

struct CopyJob {
  Side src;  // first row of each
  Side dst;
  std::vector<CopySegment> segments;
};

// The side of a copy given as a device pointer (or CU_MEMORYTYPE_UNIFIED):
// device memory if it lies in the device range; pinned host memory is also
// accepted (its device pointer is its host address); anything else is invalid.
CUresult device_side(Driver* d, CUdeviceptr p, bool unified, Side* out) {
  out->addr = p;
  if (d->va.contains(p)) {
    out->device = true;
    return CUDA_SUCCESS;
  }
  out->device = false;
  if (unified || d->host.find(p, 1, nullptr)) return CUDA_SUCCESS;
  return CUDA_ERROR_INVALID_VALUE;
}

CUresult check_extent(Driver* d, const Side& s, std::uint64_t extent) {
  if (s.device && !d->va.contains(s.addr, std::max<std::uint64_t>(extent, 1)))
    return CUDA_ERROR_INVALID_VALUE;
  if (!s.device && s.addr == 0) return CUDA_ERROR_INVALID_VALUE;
  return CUDA_SUCCESS;
}

Device* owner(Driver* d, Context* ctx, std::uintptr_t p) {
  PointerInfo info;
  if (d->memory.query(p, 0, &info) == CUDA_SUCCESS) return info.device;
  return ctx->device();
}

bool pinned(Driver* d, const CopyJob& job, bool source) {
  for (const CopySegment& s : job.segments) {
    const auto p = reinterpret_cast<std::uintptr_t>(source ? s.src : s.dst);
    if (!d->host.find(p, s.bytes, nullptr)) return false;
  }
  return true;
}

CUresult run_copy(Driver* d, Context* ctx, const std::shared_ptr<Stream>& s, CopyJob job,
                  bool sync) {
  job.segments.erase(std::remove_if(job.segments.begin(), job.segments.end(),
                                    [](const CopySegment& g) { return g.bytes == 0; }),
                     job.segments.end());
  if (job.segments.empty()) return CUDA_SUCCESS;
  const bool h2d = !job.src.device && job.dst.device;
  const bool d2h = job.src.device && !job.dst.device;
  bool wait = sync;
  std::shared_ptr<std::vector<char>> staging;
  if (!sync && !job.src.device && !pinned(d, job, true)) {
    // Pageable source: CUDA stages it now, so the caller may reuse the buffer.
    std::size_t total = 0;
    for (const auto& g : job.segments) total += g.bytes;
    staging = std::make_shared<std::vector<char>>(total);
    std::size_t at = 0;
    for (auto& g : job.segments) {
      std::memcpy(staging->data() + at, g.src, g.bytes);
      g.src = staging->data() + at;
      at += g.bytes;
    }
  }
  if (!sync && !job.dst.device && !pinned(d, job, false)) wait = true;  // pageable destination
  Device* dev = h2d ? owner(d, ctx, job.dst.addr) : d2h ? owner(d, ctx, job.src.addr) : nullptr;
  Op op;
  op.label = "memcpy";
  op.node_type = CU_GRAPH_NODE_TYPE_MEMCPY;
  op.work = [dev, h2d, segments = std::move(job.segments), staging] {
    if (dev != nullptr) {
      std::uintptr_t addr = 0;
      const Direction dir = h2d ? Direction::kHostToDevice : Direction::kDeviceToHost;
      if (!dev->link().transfer(dir, segments, &addr)) propagate_fault(addr);
      return;
    }
    for (const auto& g : segments) std::memcpy(g.dst, g.src, g.bytes);
  };
  return submit(ctx, s, std::move(op), wait);
}

CUresult copy_1d(Side dst, Side src, size_t n, CUstream h, bool per_thread, bool sync) {
  Driver* d = nullptr;
  Context* ctx = nullptr;
  std::shared_ptr<Stream> s;
  if (CUresult rc = get_stream(h, per_thread, &d, &ctx, &s); rc != CUDA_SUCCESS) return rc;
  if (n == 0) return CUDA_SUCCESS;
  if (CUresult rc = check_extent(d, dst, n); rc != CUDA_SUCCESS) return rc;
  if (CUresult rc = check_extent(d, src, n); rc != CUDA_SUCCESS) return rc;
  CopyJob job{
      src, dst, {{reinterpret_cast<void*>(dst.addr), reinterpret_cast<const void*>(src.addr), n}}};
  return run_copy(d, ctx, s, std::move(job), sync);
}

CUresult htod(CUdeviceptr dst, const void* src, size_t n, CUstream h, bool pt, bool sync) {
  Driver* d = Driver::get();
  if (d == nullptr) return CUDA_ERROR_NOT_INITIALIZED;
  Side ds;
  if (CUresult rc = device_side(d, dst, false, &ds); rc != CUDA_SUCCESS) return rc;
  return copy_1d(ds, Side{false, reinterpret_cast<std::uintptr_t>(src)}, n, h, pt, sync);
}

CUresult dtoh(void* dst, CUdeviceptr src, size_t n, CUstream h, bool pt, bool sync) {
  Driver* d = Driver::get();
  if (d == nullptr) return CUDA_ERROR_NOT_INITIALIZED;
  Side ss;
  if (CUresult rc = device_side(d, src, false, &ss); rc != CUDA_SUCCESS) return rc;
  return copy_1d(Side{false, reinterpret_cast<std::uintptr_t>(dst)}, ss, n, h, pt, sync);
}

CUresult dtod(CUdeviceptr dst, CUdeviceptr src, size_t n, CUstream h, bool pt, bool sync,
              bool unified) {
  Driver* d = Driver::get();
  if (d == nullptr) return CUDA_ERROR_NOT_INITIALIZED;
  Side ds, ss;
  if (CUresult rc = device_side(d, dst, unified, &ds); rc != CUDA_SUCCESS) return rc;
  if (CUresult rc = device_side(d, src, unified, &ss); rc != CUDA_SUCCESS) return rc;
  return copy_1d(ds, ss, n, h, pt, sync);
}

CUresult peer(CUdeviceptr dst, CUcontext dstCtx, CUdeviceptr src, CUcontext srcCtx, size_t n,
              CUstream h, bool pt, bool sync) {
  Driver* d = Driver::get();
  if (d == nullptr) return CUDA_ERROR_NOT_INITIALIZED;
  if (d->context(dstCtx) == nullptr || d->context(srcCtx) == nullptr)
    return CUDA_ERROR_INVALID_CONTEXT;
  return dtod(dst, src, n, h, pt, sync, false);
}

// One side of a 2D/3D copy: where its first byte is.
CUresult side_of(Driver* d, const CUmemorytype& type, const void* host, CUdeviceptr dev,
                 CUarray array, Side* out) {
  switch (enum_value(type)) {
    case CU_MEMORYTYPE_HOST:
      out->device = false;
      out->addr = reinterpret_cast<std::uintptr_t>(host);
      return host != nullptr ? CUDA_SUCCESS : CUDA_ERROR_INVALID_VALUE;
    case CU_MEMORYTYPE_DEVICE:
      return device_side(d, dev, false, out);
    case CU_MEMORYTYPE_UNIFIED:
      return device_side(d, dev, true, out);
    case CU_MEMORYTYPE_ARRAY:
      (void)array;
      return CUDA_ERROR_NOT_SUPPORTED;
    default:
      return CUDA_ERROR_INVALID_VALUE;
  }
}

// Both ends of a 2D/3D copy descriptor; the field names are shared by all of them.
template <typename Desc>
CUresult sides_of(Driver* d, const Desc& p, Side* src, Side* dst) {
  if (CUresult rc = side_of(d, p.srcMemoryType, p.srcHost, p.srcDevice, p.srcArray, src);
      rc != CUDA_SUCCESS) {
    return rc;
  }
  return side_of(d, p.dstMemoryType, p.dstHost, p.dstDevice, p.dstArray, dst);
}

struct Box {
  size_t x, y, z, pitch, height;
};

CUresult copy_3d(Side src, Box sb, Side dst, Box db, size_t width, size_t height, size_t depth,
                 CUstream h, bool pt, bool sync) {
  Driver* d = nullptr;
  Context* ctx = nullptr;
  std::shared_ptr<Stream> s;
  if (CUresult rc = get_stream(h, pt, &d, &ctx, &s); rc != CUDA_SUCCESS) return rc;
  if (width == 0 || height == 0 || depth == 0) return CUDA_SUCCESS;
  for (Box* b : {&sb, &db}) {
    if (b->pitch == 0) b->pitch = width;
    if (b->height == 0) b->height = height;
    if ((height > 1 || depth > 1) && b->pitch < width) return CUDA_ERROR_INVALID_VALUE;
    if (depth > 1 && b->height < height) return CUDA_ERROR_INVALID_VALUE;
  }
  auto first = [](Side side, const Box& b) {
    side.addr += (b.z * b.height + b.y) * b.pitch + b.x;
    return side;
  };
  auto extent = [&](const Box& b) {
    return ((depth - 1) * b.height + (height - 1)) * b.pitch + width;
  };
  src = first(src, sb);
  dst = first(dst, db);
  if (CUresult rc = check_extent(d, src, extent(sb)); rc != CUDA_SUCCESS) return rc;
  if (CUresult rc = check_extent(d, dst, extent(db)); rc != CUDA_SUCCESS) return rc;
  CopyJob job{src, dst, {}};
  job.segments.reserve(height * depth);
  for (size_t z = 0; z < depth; ++z) {
    for (size_t y = 0; y < height; ++y) {
      job.segments.push_back(
          {reinterpret_cast<void*>(dst.addr + (z * db.height + y) * db.pitch),
           reinterpret_cast<const void*>(src.addr + (z * sb.height + y) * sb.pitch), width});
    }
  }
  return run_copy(d, ctx, s, std::move(job), sync);
}

CUresult copy_2d(const CUDA_MEMCPY2D* p, CUstream h, bool pt, bool sync) {
  Driver* d = Driver::get();
  if (d == nullptr) return CUDA_ERROR_NOT_INITIALIZED;
  if (p == nullptr) return CUDA_ERROR_INVALID_VALUE;
  Side src, dst;
  if (CUresult rc = sides_of(d, *p, &src, &dst); rc != CUDA_SUCCESS) return rc;
  return copy_3d(src, Box{p->srcXInBytes, p->srcY, 0, p->srcPitch, 0}, dst,
                 Box{p->dstXInBytes, p->dstY, 0, p->dstPitch, 0}, p->WidthInBytes, p->Height, 1, h,
                 pt, sync);
}

template <typename Desc>
CUresult copy_3d_desc(const Desc* p, CUstream h, bool pt, bool sync) {
  Driver* d = Driver::get();
  if (d == nullptr) return CUDA_ERROR_NOT_INITIALIZED;
  if (p == nullptr || p->srcLOD != 0 || p->dstLOD != 0) return CUDA_ERROR_INVALID_VALUE;
  Side src, dst;
  if (CUresult rc = sides_of(d, *p, &src, &dst); rc != CUDA_SUCCESS) return rc;
  return copy_3d(src, Box{p->srcXInBytes, p->srcY, p->srcZ, p->srcPitch, p->srcHeight}, dst,
                 Box{p->dstXInBytes, p->dstY, p->dstZ, p->dstPitch, p->dstHeight}, p->WidthInBytes,
                 p->Height, p->Depth, h, pt, sync);
}

CUresult copy_3d_plain(const CUDA_MEMCPY3D* p, CUstream h, bool pt, bool sync) {
  if (p != nullptr && (p->reserved0 != nullptr || p->reserved1 != nullptr))
    return CUDA_ERROR_INVALID_VALUE;
  return copy_3d_desc(p, h, pt, sync);
}

CUresult copy_3d_peer(const CUDA_MEMCPY3D_PEER* p, CUstream h, bool pt, bool sync) {
  Driver* d = Driver::get();
  if (d == nullptr) return CUDA_ERROR_NOT_INITIALIZED;
  if (p == nullptr) return CUDA_ERROR_INVALID_VALUE;
  if ((p->srcContext != nullptr && d->context(p->srcContext) == nullptr) ||
      (p->dstContext != nullptr && d->context(p->dstContext) == nullptr)) {
    return CUDA_ERROR_INVALID_CONTEXT;
  }
  return copy_3d_desc(p, h, pt, sync);
}

// ---- memset -------------------------------------------------------------------

CUresult memset_2d(CUdeviceptr dst, size_t pitch, unsigned value, unsigned elem, size_t width,
                   size_t height, CUstream h, bool pt, bool sync) {
  Driver* d = nullptr;
  Context* ctx = nullptr;
  std::shared_ptr<Stream> s;
  if (CUresult rc = get_stream(h, pt, &d, &ctx, &s); rc != CUDA_SUCCESS) return rc;
  Op op;
  if (CUresult rc = make_fill_op(*d, dst, pitch, value, elem, width, height, &op);
      rc != CUDA_SUCCESS) {
    return rc;
  }
  if (!op.work) return CUDA_SUCCESS;
  return submit(ctx, s, std::move(op), sync);
}

}  // namespace

CUDASIM_API CUresult cuMemcpy(CUdeviceptr dst, CUdeviceptr src, size_t n) {
  return api([&] { return dtod(dst, src, n, nullptr, false, true, true); });
}
CUDASIM_API CUresult cuMemcpy_ptds(CUdeviceptr dst, CUdeviceptr src, size_t n) {
  return api([&] { return dtod(dst, src, n, nullptr, true, true, true); });
}
CUDASIM_API CUresult cuMemcpyAsync(CUdeviceptr dst, CUdeviceptr src, size_t n, CUstream h) {
  return api([&] { return dtod(dst, src, n, h, false, false, true); });
}
CUDASIM_API CUresult cuMemcpyAsync_ptsz(CUdeviceptr dst, CUdeviceptr src, size_t n, CUstream h) {
  return api([&] { return dtod(dst, src, n, h, true, false, true); });
}
CUDASIM_API CUresult cuMemcpyPeer(CUdeviceptr dst, CUcontext dc, CUdeviceptr src, CUcontext sc,
                                  size_t n) {
  return api([&] { return peer(dst, dc, src, sc, n, nullptr, false, true); });
}
CUDASIM_API CUresult cuMemcpyPeer_ptds(CUdeviceptr dst, CUcontext dc, CUdeviceptr src, CUcontext sc,
                                       size_t n) {
  return api([&] { return peer(dst, dc, src, sc, n, nullptr, true, true); });
}
CUDASIM_API CUresult cuMemcpyPeerAsync(CUdeviceptr dst, CUcontext dc, CUdeviceptr src, CUcontext sc,
                                       size_t n, CUstream h) {
  return api([&] { return peer(dst, dc, src, sc, n, h, false, false); });
}
CUDASIM_API CUresult cuMemcpyPeerAsync_ptsz(CUdeviceptr dst, CUcontext dc, CUdeviceptr src,
                                            CUcontext sc, size_t n, CUstream h) {
  return api([&] { return peer(dst, dc, src, sc, n, h, true, false); });
}

CUDASIM_API CUresult cuMemcpyHtoD_v2(CUdeviceptr dst, const void* src, size_t n) {
  return api([&] { return htod(dst, src, n, nullptr, false, true); });
}
CUDASIM_API CUresult cuMemcpyHtoD_v2_ptds(CUdeviceptr dst, const void* src, size_t n) {
  return api([&] { return htod(dst, src, n, nullptr, true, true); });
}
CUDASIM_API CUresult cuMemcpyHtoDAsync_v2(CUdeviceptr dst, const void* src, size_t n, CUstream h) {
  return api([&] { return htod(dst, src, n, h, false, false); });
}
CUDASIM_API CUresult cuMemcpyHtoDAsync_v2_ptsz(CUdeviceptr dst, const void* src, size_t n,
                                               CUstream h) {
  return api([&] { return htod(dst, src, n, h, true, false); });
}
CUDASIM_API CUresult cuMemcpyDtoH_v2(void* dst, CUdeviceptr src, size_t n) {
  return api([&] { return dtoh(dst, src, n, nullptr, false, true); });
}
CUDASIM_API CUresult cuMemcpyDtoH_v2_ptds(void* dst, CUdeviceptr src, size_t n) {
  return api([&] { return dtoh(dst, src, n, nullptr, true, true); });
}
CUDASIM_API CUresult cuMemcpyDtoHAsync_v2(void* dst, CUdeviceptr src, size_t n, CUstream h) {
  return api([&] { return dtoh(dst, src, n, h, false, false); });
}
CUDASIM_API CUresult cuMemcpyDtoHAsync_v2_ptsz(void* dst, CUdeviceptr src, size_t n, CUstream h) {
  return api([&] { return dtoh(dst, src, n, h, true, false); });
}
CUDASIM_API CUresult cuMemcpyDtoD_v2(CUdeviceptr dst, CUdeviceptr src, size_t n) {
  return api([&] { return dtod(dst, src, n, nullptr, false, true, false); });
}
CUDASIM_API CUresult cuMemcpyDtoD_v2_ptds(CUdeviceptr dst, CUdeviceptr src, size_t n) {
  return api([&] { return dtod(dst, src, n, nullptr, true, true, false); });
}
CUDASIM_API CUresult cuMemcpyDtoDAsync_v2(CUdeviceptr dst, CUdeviceptr src, size_t n, CUstream h) {
  return api([&] { return dtod(dst, src, n, h, false, false, false); });
}
CUDASIM_API CUresult cuMemcpyDtoDAsync_v2_ptsz(CUdeviceptr dst, CUdeviceptr src, size_t n,
                                               CUstream h) {
  return api([&] { return dtod(dst, src, n, h, true, false, false); });
}

CUDASIM_API CUresult cuMemcpy2D_v2(const CUDA_MEMCPY2D* p) {
  return api([&] { return copy_2d(p, nullptr, false, true); });
}
CUDASIM_API CUresult cuMemcpy2D_v2_ptds(const CUDA_MEMCPY2D* p) {
  return api([&] { return copy_2d(p, nullptr, true, true); });
}
CUDASIM_API CUresult cuMemcpy2DUnaligned_v2(const CUDA_MEMCPY2D* p) {
  return api([&] { return copy_2d(p, nullptr, false, true); });
}
CUDASIM_API CUresult cuMemcpy2DUnaligned_v2_ptds(const CUDA_MEMCPY2D* p) {
  return api([&] { return copy_2d(p, nullptr, true, true); });
}
CUDASIM_API CUresult cuMemcpy2DAsync_v2(const CUDA_MEMCPY2D* p, CUstream h) {
  return api([&] { return copy_2d(p, h, false, false); });
}
CUDASIM_API CUresult cuMemcpy2DAsync_v2_ptsz(const CUDA_MEMCPY2D* p, CUstream h) {
  return api([&] { return copy_2d(p, h, true, false); });
}
CUDASIM_API CUresult cuMemcpy3D_v2(const CUDA_MEMCPY3D* p) {
  return api([&] { return copy_3d_plain(p, nullptr, false, true); });
}
CUDASIM_API CUresult cuMemcpy3D_v2_ptds(const CUDA_MEMCPY3D* p) {
  return api([&] { return copy_3d_plain(p, nullptr, true, true); });
}
CUDASIM_API CUresult cuMemcpy3DAsync_v2(const CUDA_MEMCPY3D* p, CUstream h) {
  return api([&] { return copy_3d_plain(p, h, false, false); });
}
CUDASIM_API CUresult cuMemcpy3DAsync_v2_ptsz(const CUDA_MEMCPY3D* p, CUstream h) {
  return api([&] { return copy_3d_plain(p, h, true, false); });
}
CUDASIM_API CUresult cuMemcpy3DPeer(const CUDA_MEMCPY3D_PEER* p) {
  return api([&] { return copy_3d_peer(p, nullptr, false, true); });
}
CUDASIM_API CUresult cuMemcpy3DPeer_ptds(const CUDA_MEMCPY3D_PEER* p) {
  return api([&] { return copy_3d_peer(p, nullptr, true, true); });
}
CUDASIM_API CUresult cuMemcpy3DPeerAsync(const CUDA_MEMCPY3D_PEER* p, CUstream h) {
  return api([&] { return copy_3d_peer(p, h, false, false); });
}
CUDASIM_API CUresult cuMemcpy3DPeerAsync_ptsz(const CUDA_MEMCPY3D_PEER* p, CUstream h) {
  return api([&] { return copy_3d_peer(p, h, true, false); });
}

#define CUDASIM_MEMSET(name, T, elem, pt, sync)                                      \
  CUDASIM_API CUresult name(CUdeviceptr dst, T v, size_t n) {                        \
    return api([&] { return memset_2d(dst, 0, v, elem, n, 1, nullptr, pt, sync); }); \
  }
#define CUDASIM_MEMSET_ASYNC(name, T, elem, pt)                                 \
  CUDASIM_API CUresult name(CUdeviceptr dst, T v, size_t n, CUstream h) {       \
    return api([&] { return memset_2d(dst, 0, v, elem, n, 1, h, pt, false); }); \
  }
#define CUDASIM_MEMSET2D(name, T, elem, pt)                                                \
  CUDASIM_API CUresult name(CUdeviceptr dst, size_t pitch, T v, size_t w, size_t hgt) {    \
    return api([&] { return memset_2d(dst, pitch, v, elem, w, hgt, nullptr, pt, true); }); \
  }
#define CUDASIM_MEMSET2D_ASYNC(name, T, elem, pt)                                     \
  CUDASIM_API CUresult name(CUdeviceptr dst, size_t pitch, T v, size_t w, size_t hgt, \
                            CUstream h) {                                             \
    return api([&] { return memset_2d(dst, pitch, v, elem, w, hgt, h, pt, false); }); \
  }

CUDASIM_MEMSET(cuMemsetD8_v2, unsigned char, 1, false, true)
CUDASIM_MEMSET(cuMemsetD8_v2_ptds, unsigned char, 1, true, true)
CUDASIM_MEMSET(cuMemsetD16_v2, unsigned short, 2, false, true)
CUDASIM_MEMSET(cuMemsetD16_v2_ptds, unsigned short, 2, true, true)
CUDASIM_MEMSET(cuMemsetD32_v2, unsigned int, 4, false, true)
CUDASIM_MEMSET(cuMemsetD32_v2_ptds, unsigned int, 4, true, true)
CUDASIM_MEMSET_ASYNC(cuMemsetD8Async, unsigned char, 1, false)
CUDASIM_MEMSET_ASYNC(cuMemsetD8Async_ptsz, unsigned char, 1, true)
CUDASIM_MEMSET_ASYNC(cuMemsetD16Async, unsigned short, 2, false)
CUDASIM_MEMSET_ASYNC(cuMemsetD16Async_ptsz, unsigned short, 2, true)
CUDASIM_MEMSET_ASYNC(cuMemsetD32Async, unsigned int, 4, false)
CUDASIM_MEMSET_ASYNC(cuMemsetD32Async_ptsz, unsigned int, 4, true)
CUDASIM_MEMSET2D(cuMemsetD2D8_v2, unsigned char, 1, false)
CUDASIM_MEMSET2D(cuMemsetD2D8_v2_ptds, unsigned char, 1, true)
CUDASIM_MEMSET2D(cuMemsetD2D16_v2, unsigned short, 2, false)
CUDASIM_MEMSET2D(cuMemsetD2D16_v2_ptds, unsigned short, 2, true)
CUDASIM_MEMSET2D(cuMemsetD2D32_v2, unsigned int, 4, false)
CUDASIM_MEMSET2D(cuMemsetD2D32_v2_ptds, unsigned int, 4, true)
CUDASIM_MEMSET2D_ASYNC(cuMemsetD2D8Async, unsigned char, 1, false)
CUDASIM_MEMSET2D_ASYNC(cuMemsetD2D8Async_ptsz, unsigned char, 1, true)
CUDASIM_MEMSET2D_ASYNC(cuMemsetD2D16Async, unsigned short, 2, false)
CUDASIM_MEMSET2D_ASYNC(cuMemsetD2D16Async_ptsz, unsigned short, 2, true)
CUDASIM_MEMSET2D_ASYNC(cuMemsetD2D32Async, unsigned int, 4, false)
CUDASIM_MEMSET2D_ASYNC(cuMemsetD2D32Async_ptsz, unsigned int, 4, true)
