// Copies and memsets. Every copy form is described as a CUDA_MEMCPY3D and
// planned by copy.h into one stream operation made of row segments;
// host<->device segments go over the device's link (costing link time),
// device<->device ones are plain copies. Synchronous forms run on the legacy
// default stream (per-thread for _ptds) and wait. On a captured stream, copies
// and memsets become graph memcpy and memset nodes. Batch copies are in
// api_batch_copy.cpp.
#include "api_common.h"
#include "copy.h"
#include "fill.h"

using namespace cudasim;

namespace {

// A copy of n bytes as the 3D descriptor every copy is checked and run through.
CUDA_MEMCPY3D line(size_t n) {
  CUDA_MEMCPY3D p{};
  p.WidthInBytes = n;
  p.Height = 1;
  p.Depth = 1;
  return p;
}

CUresult issue(const CUDA_MEMCPY3D& desc, CUstream h, bool pt, bool sync) {
  Driver* d = Driver::get();
  if (d == nullptr) return CUDA_ERROR_NOT_INITIALIZED;
  CopyPlan plan;
  if (CUresult rc = plan_copy(*d, desc, &plan); rc != CUDA_SUCCESS) return rc;
  Context* ctx = nullptr;
  std::shared_ptr<Stream> s;
  if (CUresult rc = get_stream(h, pt, &d, &ctx, &s); rc != CUDA_SUCCESS) return rc;
  if (plan.segments.empty()) return CUDA_SUCCESS;
  const bool pageable_src = !plan.src.device && !pinned(*d, plan, true);
  const bool pageable_dst = !plan.dst.device && !pinned(*d, plan, false);
  if (ctx->captured(*s)) {
    // A graph replays the copy later, when CUDA's staging of pageable memory
    // at the call cannot be repeated: only page-locked host memory is captured.
    if (sync || pageable_src || pageable_dst) return CUDA_ERROR_STREAM_CAPTURE_UNSUPPORTED;
    auto node = std::make_unique<GraphNode>();
    node->type = CU_GRAPH_NODE_TYPE_MEMCPY;
    node->memcpy = desc;
    CUresult rc = CUDA_SUCCESS;
    if (ctx->capture(*s, node, &rc)) return rc;
  }
  // Pageable source: CUDA stages it now, so the caller may reuse the buffer.
  std::shared_ptr<const void> staging;
  if (!sync && pageable_src) staging = stage_source(&plan);
  const bool wait = sync || pageable_dst;
  return enqueue_now(ctx, s, make_copy_op(*d, *ctx, std::move(plan), std::move(staging)), wait);
}

CUresult htod(CUdeviceptr dst, const void* src, size_t n, CUstream h, bool pt, bool sync) {
  CUDA_MEMCPY3D p = line(n);
  p.srcMemoryType = CU_MEMORYTYPE_HOST;
  p.srcHost = src;
  p.dstMemoryType = CU_MEMORYTYPE_DEVICE;
  p.dstDevice = dst;
  return issue(p, h, pt, sync);
}

CUresult dtoh(void* dst, CUdeviceptr src, size_t n, CUstream h, bool pt, bool sync) {
  CUDA_MEMCPY3D p = line(n);
  p.srcMemoryType = CU_MEMORYTYPE_DEVICE;
  p.srcDevice = src;
  p.dstMemoryType = CU_MEMORYTYPE_HOST;
  p.dstHost = dst;
  return issue(p, h, pt, sync);
}

CUresult dtod(CUdeviceptr dst, CUdeviceptr src, size_t n, CUstream h, bool pt, bool sync,
              bool unified) {
  CUDA_MEMCPY3D p = line(n);
  p.srcMemoryType = p.dstMemoryType = unified ? CU_MEMORYTYPE_UNIFIED : CU_MEMORYTYPE_DEVICE;
  p.srcDevice = src;
  p.dstDevice = dst;
  return issue(p, h, pt, sync);
}

CUresult peer(CUdeviceptr dst, CUcontext dstCtx, CUdeviceptr src, CUcontext srcCtx, size_t n,
              CUstream h, bool pt, bool sync) {
  Driver* d = Driver::get();
  if (d == nullptr) return CUDA_ERROR_NOT_INITIALIZED;
  if (d->context(dstCtx) == nullptr || d->context(srcCtx) == nullptr)
    return CUDA_ERROR_INVALID_CONTEXT;
  return dtod(dst, src, n, h, pt, sync, false);
}

CUresult copy_2d(const CUDA_MEMCPY2D* p, CUstream h, bool pt, bool sync) {
  if (Driver::get() == nullptr) return CUDA_ERROR_NOT_INITIALIZED;
  if (p == nullptr) return CUDA_ERROR_INVALID_VALUE;
  CUDA_MEMCPY3D q{};
  q.srcXInBytes = p->srcXInBytes;
  q.srcY = p->srcY;
  q.srcMemoryType = p->srcMemoryType;
  q.srcHost = p->srcHost;
  q.srcDevice = p->srcDevice;
  q.srcArray = p->srcArray;
  q.srcPitch = p->srcPitch;
  q.dstXInBytes = p->dstXInBytes;
  q.dstY = p->dstY;
  q.dstMemoryType = p->dstMemoryType;
  q.dstHost = p->dstHost;
  q.dstDevice = p->dstDevice;
  q.dstArray = p->dstArray;
  q.dstPitch = p->dstPitch;
  q.WidthInBytes = p->WidthInBytes;
  q.Height = p->Height;
  q.Depth = 1;
  return issue(q, h, pt, sync);
}

CUresult copy_3d_plain(const CUDA_MEMCPY3D* p, CUstream h, bool pt, bool sync) {
  if (Driver::get() == nullptr) return CUDA_ERROR_NOT_INITIALIZED;
  if (p == nullptr) return CUDA_ERROR_INVALID_VALUE;
  return issue(*p, h, pt, sync);
}

CUresult copy_3d_peer(const CUDA_MEMCPY3D_PEER* p, CUstream h, bool pt, bool sync) {
  Driver* d = Driver::get();
  if (d == nullptr) return CUDA_ERROR_NOT_INITIALIZED;
  if (p == nullptr) return CUDA_ERROR_INVALID_VALUE;
  if ((p->srcContext != nullptr && d->context(p->srcContext) == nullptr) ||
      (p->dstContext != nullptr && d->context(p->dstContext) == nullptr)) {
    return CUDA_ERROR_INVALID_CONTEXT;
  }
  CUDA_MEMCPY3D q{};
  q.srcXInBytes = p->srcXInBytes;
  q.srcY = p->srcY;
  q.srcZ = p->srcZ;
  q.srcLOD = p->srcLOD;
  q.srcMemoryType = p->srcMemoryType;
  q.srcHost = p->srcHost;
  q.srcDevice = p->srcDevice;
  q.srcArray = p->srcArray;
  q.srcPitch = p->srcPitch;
  q.srcHeight = p->srcHeight;
  q.dstXInBytes = p->dstXInBytes;
  q.dstY = p->dstY;
  q.dstZ = p->dstZ;
  q.dstLOD = p->dstLOD;
  q.dstMemoryType = p->dstMemoryType;
  q.dstHost = p->dstHost;
  q.dstDevice = p->dstDevice;
  q.dstArray = p->dstArray;
  q.dstPitch = p->dstPitch;
  q.dstHeight = p->dstHeight;
  q.WidthInBytes = p->WidthInBytes;
  q.Height = p->Height;
  q.Depth = p->Depth;
  return issue(q, h, pt, sync);
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
  if (!sync && ctx->captured(*s)) {
    // A real memset node, whose parameters cuGraphMemsetNodeGetParams reads.
    auto node = std::make_unique<GraphNode>();
    node->type = CU_GRAPH_NODE_TYPE_MEMSET;
    node->memset = CUDA_MEMSET_NODE_PARAMS{dst, pitch, value, elem, width, height};
    CUresult rc = CUDA_SUCCESS;
    if (ctx->capture(*s, node, &rc)) return rc;
  }
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
