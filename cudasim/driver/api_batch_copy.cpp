// Batch copies (cuMemcpyBatchAsync, cuMemcpy3DBatchAsync): lists of copies
// issued at once on one stream. Each copy is described as a CUDA_MEMCPY3D
// whose ends are unified pointers (host or device, told apart by where they
// lie) and planned by copy.h like every other copy, so it is checked, costs
// link time and faults the same way. The whole batch is checked before any of
// it is enqueued: a batch that fails does nothing.
//
// Exported ABIs: the CUDA 12.8 one, with a failIdx out-parameter
// (cuMemcpyBatchAsync, cuMemcpy3DBatchAsync and their _ptsz twins), and the
// CUDA 13.0 one without it (_v2, _v2_ptsz).
#include <cstdint>
#include <vector>

#include "api_common.h"
#include "copy.h"

using namespace cudasim;

namespace {

struct BatchCopy {
  CUDA_MEMCPY3D desc{};
  int order = CU_MEMCPY_SRC_ACCESS_ORDER_STREAM;  // CUmemcpySrcAccessOrder
};

constexpr std::size_t kNoCopy = SIZE_MAX;  // failIdx of an error no copy caused

bool valid_order(int order) {
  return order == CU_MEMCPY_SRC_ACCESS_ORDER_STREAM ||
         order == CU_MEMCPY_SRC_ACCESS_ORDER_DURING_API_CALL ||
         order == CU_MEMCPY_SRC_ACCESS_ORDER_ANY;
}

bool valid_flags(unsigned flags) {
  return (flags & ~static_cast<unsigned>(CU_MEMCPY_FLAG_PREFER_OVERLAP_WITH_COMPUTE)) == 0;
}

CUresult fail(CUresult rc, std::size_t index, std::size_t* failIdx) {
  if (failIdx != nullptr) *failIdx = index;
  return rc;
}

// Plans every copy, then enqueues them in order on the stream. Host sources
// are staged at the call when they are pageable (as for any asynchronous
// copy) or when the caller lets the source go once the call returns
// (DURING_API_CALL). The call waits for the batch when a destination is
// pageable host memory, or when a DURING_API_CALL copy reads device memory:
// device memory is read only in stream order, so the wait is what ends those
// reads before the call returns.
CUresult issue_batch(std::vector<BatchCopy>& copies, std::size_t* failIdx, CUstream h, bool pt) {
  Driver* d = Driver::get();
  if (d == nullptr) return CUDA_ERROR_NOT_INITIALIZED;
  // "Must not be legacy NULL stream" (cuda.h): null means the legacy stream
  // except for the _ptsz twins.
  if (h == CU_STREAM_LEGACY || (h == nullptr && !pt)) {
    return fail(CUDA_ERROR_INVALID_VALUE, kNoCopy, failIdx);
  }
  Context* ctx = nullptr;
  std::shared_ptr<Stream> s;
  if (CUresult rc = get_stream(h, pt, &d, &ctx, &s); rc != CUDA_SUCCESS) {
    return fail(rc, kNoCopy, failIdx);
  }
  std::vector<CopyPlan> plans(copies.size());
  for (std::size_t i = 0; i < copies.size(); ++i) {
    if (!valid_order(copies[i].order)) return fail(CUDA_ERROR_INVALID_VALUE, i, failIdx);
    if (CUresult rc = plan_copy(*d, copies[i].desc, &plans[i]); rc != CUDA_SUCCESS) {
      return fail(rc, i, failIdx);
    }
  }
  // CUDA has no graph node for a batch copy, so none can be captured.
  if (ctx->captured(*s)) return fail(CUDA_ERROR_STREAM_CAPTURE_UNSUPPORTED, kNoCopy, failIdx);
  std::vector<Op> ops;
  ops.reserve(plans.size());
  bool wait = false;
  for (std::size_t i = 0; i < plans.size(); ++i) {
    CopyPlan& plan = plans[i];
    if (plan.segments.empty()) continue;
    const bool during_call = copies[i].order == CU_MEMCPY_SRC_ACCESS_ORDER_DURING_API_CALL;
    std::shared_ptr<const void> staging;
    if (!plan.src.device && (during_call || !pinned(*d, plan, true))) {
      staging = stage_source(&plan);
    }
    if (!plan.dst.device && !pinned(*d, plan, false)) wait = true;
    if (plan.src.device && during_call) wait = true;
    ops.push_back(make_copy_op(*d, *ctx, std::move(plan), std::move(staging)));
  }
  for (std::size_t i = 0; i < ops.size(); ++i) {
    const bool last = i + 1 == ops.size();
    if (CUresult rc = enqueue_now(ctx, s, std::move(ops[i]), wait && last); rc != CUDA_SUCCESS) {
      return fail(rc, kNoCopy, failIdx);
    }
  }
  return CUDA_SUCCESS;
}

// cuMemcpyBatchAsync: count linear copies between unified pointers, their
// attributes given as runs (attrsIdxs[k] is the first copy attrs[k] applies
// to; the first run starts at 0, runs increase and start before count).
CUresult batch_1d(CUdeviceptr* dsts, CUdeviceptr* srcs, std::size_t* sizes, std::size_t count,
                  CUmemcpyAttributes* attrs, std::size_t* attrsIdxs, std::size_t numAttrs,
                  std::size_t* failIdx, CUstream h, bool pt) {
  if (Driver::get() == nullptr) return CUDA_ERROR_NOT_INITIALIZED;
  if (count == 0 || dsts == nullptr || srcs == nullptr || sizes == nullptr || attrs == nullptr ||
      attrsIdxs == nullptr || numAttrs == 0 || numAttrs > count || attrsIdxs[0] != 0) {
    return fail(CUDA_ERROR_INVALID_VALUE, kNoCopy, failIdx);
  }
  for (std::size_t k = 0; k < numAttrs; ++k) {
    if ((k > 0 && attrsIdxs[k] <= attrsIdxs[k - 1]) || attrsIdxs[k] >= count ||
        !valid_order(enum_value(attrs[k].srcAccessOrder)) || !valid_flags(attrs[k].flags)) {
      return fail(CUDA_ERROR_INVALID_VALUE, attrsIdxs[k] < count ? attrsIdxs[k] : kNoCopy, failIdx);
    }
  }
  std::vector<BatchCopy> copies(count);
  std::size_t run = 0;
  for (std::size_t i = 0; i < count; ++i) {
    while (run + 1 < numAttrs && attrsIdxs[run + 1] <= i) ++run;
    CUDA_MEMCPY3D& p = copies[i].desc;
    p.srcMemoryType = p.dstMemoryType = CU_MEMORYTYPE_UNIFIED;
    p.srcDevice = srcs[i];
    p.dstDevice = dsts[i];
    p.WidthInBytes = sizes[i];
    p.Height = 1;
    p.Depth = 1;
    copies[i].order = enum_value(attrs[run].srcAccessOrder);
  }
  return issue_batch(copies, failIdx, h, pt);
}

// One side of a 3D batch operation as the matching fields of CUDA_MEMCPY3D:
// pointers only (CUDA arrays are not modelled), rows and layers of at least
// the extent or 0 for tightly packed.
CUresult operand_of(const CUmemcpy3DOperand& op, const CUextent3D& extent, CUdeviceptr* ptr,
                    std::size_t* pitch, std::size_t* height) {
  switch (enum_value(op.type)) {
    case CU_MEMCPY_OPERAND_TYPE_POINTER:
      break;
    case CU_MEMCPY_OPERAND_TYPE_ARRAY:
      return CUDA_ERROR_NOT_SUPPORTED;
    default:
      return CUDA_ERROR_INVALID_VALUE;
  }
  const auto& p = op.op.ptr;
  if ((p.rowLength != 0 && p.rowLength < extent.width) ||
      (p.layerHeight != 0 && p.layerHeight < extent.height)) {
    return CUDA_ERROR_INVALID_VALUE;
  }
  *ptr = p.ptr;
  *pitch = p.rowLength;
  *height = p.layerHeight;
  return CUDA_SUCCESS;
}

CUresult batch_3d(std::size_t numOps, CUDA_MEMCPY3D_BATCH_OP* opList, std::size_t* failIdx,
                  unsigned long long flags, CUstream h, bool pt) {
  if (Driver::get() == nullptr) return CUDA_ERROR_NOT_INITIALIZED;
  if (numOps == 0 || opList == nullptr || flags != 0) {
    return fail(CUDA_ERROR_INVALID_VALUE, kNoCopy, failIdx);
  }
  std::vector<BatchCopy> copies(numOps);
  for (std::size_t i = 0; i < numOps; ++i) {
    const CUDA_MEMCPY3D_BATCH_OP& op = opList[i];
    const CUextent3D& e = op.extent;
    if (e.width == 0 || e.height == 0 || e.depth == 0 || !valid_flags(op.flags)) {
      return fail(CUDA_ERROR_INVALID_VALUE, i, failIdx);
    }
    CUDA_MEMCPY3D& p = copies[i].desc;
    p.srcMemoryType = p.dstMemoryType = CU_MEMORYTYPE_UNIFIED;
    if (CUresult rc = operand_of(op.src, e, &p.srcDevice, &p.srcPitch, &p.srcHeight);
        rc != CUDA_SUCCESS) {
      return fail(rc, i, failIdx);
    }
    if (CUresult rc = operand_of(op.dst, e, &p.dstDevice, &p.dstPitch, &p.dstHeight);
        rc != CUDA_SUCCESS) {
      return fail(rc, i, failIdx);
    }
    p.WidthInBytes = e.width;  // pointer-to-pointer copies have 1-byte elements
    p.Height = e.height;
    p.Depth = e.depth;
    copies[i].order = enum_value(op.srcAccessOrder);
  }
  return issue_batch(copies, failIdx, h, pt);
}

}  // namespace

CUDASIM_API CUresult cuMemcpyBatchAsync(CUdeviceptr* dsts, CUdeviceptr* srcs, size_t* sizes,
                                        size_t count, CUmemcpyAttributes* attrs, size_t* attrsIdxs,
                                        size_t numAttrs, size_t* failIdx, CUstream h) {
  return api([&] {
    return batch_1d(dsts, srcs, sizes, count, attrs, attrsIdxs, numAttrs, failIdx, h, false);
  });
}
CUDASIM_API CUresult cuMemcpyBatchAsync_ptsz(CUdeviceptr* dsts, CUdeviceptr* srcs, size_t* sizes,
                                             size_t count, CUmemcpyAttributes* attrs,
                                             size_t* attrsIdxs, size_t numAttrs, size_t* failIdx,
                                             CUstream h) {
  return api([&] {
    return batch_1d(dsts, srcs, sizes, count, attrs, attrsIdxs, numAttrs, failIdx, h, true);
  });
}
CUDASIM_API CUresult cuMemcpyBatchAsync_v2(CUdeviceptr* dsts, CUdeviceptr* srcs, size_t* sizes,
                                           size_t count, CUmemcpyAttributes* attrs,
                                           size_t* attrsIdxs, size_t numAttrs, CUstream h) {
  return api([&] {
    return batch_1d(dsts, srcs, sizes, count, attrs, attrsIdxs, numAttrs, nullptr, h, false);
  });
}
CUDASIM_API CUresult cuMemcpyBatchAsync_v2_ptsz(CUdeviceptr* dsts, CUdeviceptr* srcs, size_t* sizes,
                                                size_t count, CUmemcpyAttributes* attrs,
                                                size_t* attrsIdxs, size_t numAttrs, CUstream h) {
  return api([&] {
    return batch_1d(dsts, srcs, sizes, count, attrs, attrsIdxs, numAttrs, nullptr, h, true);
  });
}

CUDASIM_API CUresult cuMemcpy3DBatchAsync(size_t numOps, CUDA_MEMCPY3D_BATCH_OP* opList,
                                          size_t* failIdx, unsigned long long flags, CUstream h) {
  return api([&] { return batch_3d(numOps, opList, failIdx, flags, h, false); });
}
CUDASIM_API CUresult cuMemcpy3DBatchAsync_ptsz(size_t numOps, CUDA_MEMCPY3D_BATCH_OP* opList,
                                               size_t* failIdx, unsigned long long flags,
                                               CUstream h) {
  return api([&] { return batch_3d(numOps, opList, failIdx, flags, h, true); });
}
CUDASIM_API CUresult cuMemcpy3DBatchAsync_v2(size_t numOps, CUDA_MEMCPY3D_BATCH_OP* opList,
                                             unsigned long long flags, CUstream h) {
  return api([&] { return batch_3d(numOps, opList, nullptr, flags, h, false); });
}
CUDASIM_API CUresult cuMemcpy3DBatchAsync_v2_ptsz(size_t numOps, CUDA_MEMCPY3D_BATCH_OP* opList,
                                                  unsigned long long flags, CUstream h) {
  return api([&] { return batch_3d(numOps, opList, nullptr, flags, h, true); });
}
