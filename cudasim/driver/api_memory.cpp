// Device and host memory: cuMemAlloc and friends, pinned host memory,
// pointer attributes, stream-ordered and managed allocation.
#include <cstring>

#include "api_common.h"

using namespace cudasim;

namespace {

// Holds the caller for what the call costs a real driver (CUDASIM_VMM_COST,
// vmm_cost.h), in proportion to the bytes it covers.
void charge(double VmmCost::*us_per_mib, std::uint64_t bytes) {
  Driver* d = nullptr;
  if (get_driver(&d) != CUDA_SUCCESS) return;
  spend_us(d->config.vmm_cost.*us_per_mib * static_cast<double>(bytes) / (1 << 20));
}

CUresult alloc(CUdeviceptr* dptr, size_t bytes, bool managed) {
  Driver* d = nullptr;
  Context* ctx = nullptr;
  if (CUresult rc = get_context(&d, &ctx); rc != CUDA_SUCCESS) return rc;
  if (dptr == nullptr) return CUDA_ERROR_INVALID_VALUE;
  return d->memory.allocate(ctx->device(), ctx, bytes, managed, dptr);
}

// Host pointer attributes of pinned memory; device ones of device memory.
CUresult pointer_attribute(Driver* d, void* data, int attribute, CUdeviceptr ptr) {
  Context* cur = current_context();
  const int asking = cur != nullptr ? cur->device()->ordinal() : 0;
  PointerInfo info;
  HostRange host;
  const bool is_device = d->memory.query(ptr, asking, &info) == CUDA_SUCCESS;
  const bool is_host = !is_device && d->host.find(ptr, 1, &host);
  if (!is_device && !is_host) return CUDA_ERROR_INVALID_VALUE;
  switch (attribute) {
    case CU_POINTER_ATTRIBUTE_CONTEXT:
      *static_cast<CUcontext*>(data) =
          reinterpret_cast<CUcontext>(is_device ? info.context : host.context);
      return CUDA_SUCCESS;
    case CU_POINTER_ATTRIBUTE_MEMORY_TYPE:
      *static_cast<unsigned*>(data) = is_device ? CU_MEMORYTYPE_DEVICE : CU_MEMORYTYPE_HOST;
      return CUDA_SUCCESS;
    case CU_POINTER_ATTRIBUTE_DEVICE_POINTER:
      *static_cast<CUdeviceptr*>(data) = ptr;
      return CUDA_SUCCESS;
    case CU_POINTER_ATTRIBUTE_HOST_POINTER:
      if (is_device && !info.managed) return CUDA_ERROR_INVALID_VALUE;
      *static_cast<void**>(data) = reinterpret_cast<void*>(ptr);
      return CUDA_SUCCESS;
    case CU_POINTER_ATTRIBUTE_SYNC_MEMOPS:
      *static_cast<int*>(data) = 1;
      return CUDA_SUCCESS;
    case CU_POINTER_ATTRIBUTE_BUFFER_ID:
      *static_cast<unsigned long long*>(data) = is_device ? info.buffer_id : host.buffer_id;
      return CUDA_SUCCESS;
    case CU_POINTER_ATTRIBUTE_IS_MANAGED:
      *static_cast<int*>(data) = is_device && info.managed ? 1 : 0;
      return CUDA_SUCCESS;
    case CU_POINTER_ATTRIBUTE_DEVICE_ORDINAL:
      *static_cast<int*>(data) =
          is_device ? info.device->ordinal()
                    : (host.context != nullptr ? host.context->device()->ordinal() : asking);
      return CUDA_SUCCESS;
    case CU_POINTER_ATTRIBUTE_IS_LEGACY_CUDA_IPC_CAPABLE:
      *static_cast<int*>(data) = 0;
      return CUDA_SUCCESS;
    case CU_POINTER_ATTRIBUTE_RANGE_START_ADDR:
    case CU_POINTER_ATTRIBUTE_MAPPING_BASE_ADDR:
      *static_cast<CUdeviceptr*>(data) = is_device ? info.base : host.base;
      return CUDA_SUCCESS;
    case CU_POINTER_ATTRIBUTE_RANGE_SIZE:
    case CU_POINTER_ATTRIBUTE_MAPPING_SIZE:
      *static_cast<size_t*>(data) = is_device ? info.size : host.size;
      return CUDA_SUCCESS;
    case CU_POINTER_ATTRIBUTE_MAPPED:
      *static_cast<int*>(data) = 1;
      return CUDA_SUCCESS;
    case CU_POINTER_ATTRIBUTE_ALLOWED_HANDLE_TYPES:
      *static_cast<unsigned long long*>(data) = is_device && info.vmm
                                                    ? CU_MEM_HANDLE_TYPE_POSIX_FILE_DESCRIPTOR
                                                    : CU_MEM_HANDLE_TYPE_NONE;
      return CUDA_SUCCESS;
    case CU_POINTER_ATTRIBUTE_IS_GPU_DIRECT_RDMA_CAPABLE:
      *static_cast<int*>(data) = 0;
      return CUDA_SUCCESS;
    case CU_POINTER_ATTRIBUTE_ACCESS_FLAGS:
      *static_cast<unsigned*>(data) = is_device ? (info.access == CU_MEM_ACCESS_FLAGS_PROT_READWRITE
                                                       ? CU_POINTER_ATTRIBUTE_ACCESS_FLAG_READWRITE
                                                   : info.access == CU_MEM_ACCESS_FLAGS_PROT_READ
                                                       ? CU_POINTER_ATTRIBUTE_ACCESS_FLAG_READ
                                                       : CU_POINTER_ATTRIBUTE_ACCESS_FLAG_NONE)
                                                : CU_POINTER_ATTRIBUTE_ACCESS_FLAG_READWRITE;
      return CUDA_SUCCESS;
    case CU_POINTER_ATTRIBUTE_MEMPOOL_HANDLE:
      *static_cast<CUmemoryPool*>(data) = nullptr;
      return CUDA_SUCCESS;
    case CU_POINTER_ATTRIBUTE_MEMORY_BLOCK_ID:
      *static_cast<unsigned long long*>(data) = is_device ? info.buffer_id : host.buffer_id;
      return CUDA_SUCCESS;
    case CU_POINTER_ATTRIBUTE_IS_HW_DECOMPRESS_CAPABLE:
      *static_cast<int*>(data) = 0;
      return CUDA_SUCCESS;
    default:
      return CUDA_ERROR_INVALID_VALUE;
  }
}

CUresult check_location(Driver* d, const CUmemLocation& loc) {
  if (enum_value(loc.type) != CU_MEM_LOCATION_TYPE_DEVICE) return CUDA_ERROR_INVALID_VALUE;
  return d->device(loc.id) != nullptr ? CUDA_SUCCESS : CUDA_ERROR_INVALID_DEVICE;
}

CUresult check_prop(Driver* d, const CUmemAllocationProp* prop) {
  if (prop == nullptr) return CUDA_ERROR_INVALID_VALUE;
  if (enum_value(prop->type) != CU_MEM_ALLOCATION_TYPE_PINNED) return CUDA_ERROR_INVALID_VALUE;
  if (CUresult rc = check_location(d, prop->location); rc != CUDA_SUCCESS) return rc;
  if (enum_value(prop->requestedHandleTypes) != CU_MEM_HANDLE_TYPE_NONE &&
      enum_value(prop->requestedHandleTypes) != CU_MEM_HANDLE_TYPE_POSIX_FILE_DESCRIPTOR) {
    return CUDA_ERROR_NOT_SUPPORTED;
  }
  return CUDA_SUCCESS;
}

}  // namespace

CUDASIM_API CUresult cuMemGetInfo_v2(size_t* free, size_t* total) {
  return api([&] {
    Driver* d = nullptr;
    Context* ctx = nullptr;
    if (CUresult rc = get_context(&d, &ctx); rc != CUDA_SUCCESS) return rc;
    if (free == nullptr || total == nullptr) return CUDA_ERROR_INVALID_VALUE;
    const Device* dev = ctx->device();
    const std::uint64_t used = dev->used();
    *total = dev->capacity();
    *free = used < dev->capacity() ? dev->capacity() - used : 0;
    return CUDA_SUCCESS;
  });
}

CUDASIM_API CUresult cuMemAlloc_v2(CUdeviceptr* dptr, size_t bytesize) {
  return api([&] {
    const CUresult rc = alloc(dptr, bytesize, false);
    if (rc == CUDA_SUCCESS) charge(&VmmCost::alloc_us_per_mib, bytesize);
    return rc;
  });
}

CUDASIM_API CUresult cuMemAllocManaged(CUdeviceptr* dptr, size_t bytesize, unsigned int flags) {
  return api([&] {
    if (flags != CU_MEM_ATTACH_GLOBAL && flags != CU_MEM_ATTACH_HOST)
      return CUDA_ERROR_INVALID_VALUE;
    return alloc(dptr, bytesize, true);
  });
}

CUDASIM_API CUresult cuMemAllocPitch_v2(CUdeviceptr* dptr, size_t* pPitch, size_t WidthInBytes,
                                        size_t Height, unsigned int ElementSizeBytes) {
  return api([&] {
    if (pPitch == nullptr || WidthInBytes == 0 || Height == 0) return CUDA_ERROR_INVALID_VALUE;
    if (ElementSizeBytes != 4 && ElementSizeBytes != 8 && ElementSizeBytes != 16)
      return CUDA_ERROR_INVALID_VALUE;
    const size_t pitch = (WidthInBytes + 511) / 512 * 512;
    if (Height > SIZE_MAX / pitch) return CUDA_ERROR_OUT_OF_MEMORY;
    CUresult rc = alloc(dptr, pitch * Height, false);
    if (rc == CUDA_SUCCESS) *pPitch = pitch;
    return rc;
  });
}

CUDASIM_API CUresult cuMemFree_v2(CUdeviceptr dptr) {
  return api([&] {
    Driver* d = nullptr;
    Context* ctx = nullptr;
    if (CUresult rc = get_context(&d, &ctx); rc != CUDA_SUCCESS) return rc;
    // cuMemFree synchronises: work already issued may still use the memory.
    PointerInfo info;
    if (d->memory.query(dptr, 0, &info) == CUDA_SUCCESS && !info.vmm && info.context != nullptr &&
        info.context->active()) {
      info.context->synchronize();
    }
    const CUresult rc = d->memory.free(dptr);
    if (rc == CUDA_SUCCESS) {
      d->pool_allocations.remove(dptr);
      charge(&VmmCost::free_us_per_mib, info.size);
    }
    return rc;
  });
}

CUDASIM_API CUresult cuMemGetAddressRange_v2(CUdeviceptr* pbase, size_t* psize, CUdeviceptr dptr) {
  return api([&] {
    Driver* d = nullptr;
    Context* ctx = nullptr;
    if (CUresult rc = get_context(&d, &ctx); rc != CUDA_SUCCESS) return rc;
    PointerInfo info;
    if (CUresult rc = d->memory.query(dptr, ctx->device()->ordinal(), &info); rc != CUDA_SUCCESS) {
      return CUDA_ERROR_NOT_FOUND;
    }
    if (pbase != nullptr) *pbase = info.base;
    if (psize != nullptr) *psize = info.size;
    return CUDA_SUCCESS;
  });
}

CUDASIM_API CUresult cuMemAllocHost_v2(void** pp, size_t bytesize) {
  return api([&] {
    Driver* d = nullptr;
    Context* ctx = nullptr;
    if (CUresult rc = get_context(&d, &ctx); rc != CUDA_SUCCESS) return rc;
    if (pp == nullptr) return CUDA_ERROR_INVALID_VALUE;
    return d->host.allocate(bytesize, 0, ctx, pp);
  });
}

CUDASIM_API CUresult cuMemHostAlloc(void** pp, size_t bytesize, unsigned int Flags) {
  return api([&] {
    Driver* d = nullptr;
    Context* ctx = nullptr;
    if (CUresult rc = get_context(&d, &ctx); rc != CUDA_SUCCESS) return rc;
    if (pp == nullptr) return CUDA_ERROR_INVALID_VALUE;
    if (Flags &
        ~(CU_MEMHOSTALLOC_PORTABLE | CU_MEMHOSTALLOC_DEVICEMAP | CU_MEMHOSTALLOC_WRITECOMBINED)) {
      return CUDA_ERROR_INVALID_VALUE;
    }
    return d->host.allocate(bytesize, Flags, ctx, pp);
  });
}

CUDASIM_API CUresult cuMemFreeHost(void* p) {
  return api([&] {
    Driver* d = nullptr;
    Context* ctx = nullptr;
    if (CUresult rc = get_context(&d, &ctx); rc != CUDA_SUCCESS) return rc;
    return d->host.free(p);
  });
}

CUDASIM_API CUresult cuMemHostGetDevicePointer_v2(CUdeviceptr* pdptr, void* p, unsigned int Flags) {
  return api([&] {
    Driver* d = nullptr;
    Context* ctx = nullptr;
    if (CUresult rc = get_context(&d, &ctx); rc != CUDA_SUCCESS) return rc;
    if (pdptr == nullptr || Flags != 0) return CUDA_ERROR_INVALID_VALUE;
    if (!d->host.find(reinterpret_cast<std::uintptr_t>(p), 1, nullptr))
      return CUDA_ERROR_INVALID_VALUE;
    // Unified addressing: the device sees pinned memory at the host address.
    *pdptr = reinterpret_cast<CUdeviceptr>(p);
    return CUDA_SUCCESS;
  });
}

CUDASIM_API CUresult cuMemHostGetFlags(unsigned int* pFlags, void* p) {
  return api([&] {
    Driver* d = nullptr;
    Context* ctx = nullptr;
    if (CUresult rc = get_context(&d, &ctx); rc != CUDA_SUCCESS) return rc;
    HostRange r;
    if (pFlags == nullptr || !d->host.find(reinterpret_cast<std::uintptr_t>(p), 1, &r)) {
      return CUDA_ERROR_INVALID_VALUE;
    }
    *pFlags = r.flags;
    return CUDA_SUCCESS;
  });
}

static CUresult host_register(void* p, size_t bytesize, unsigned int Flags) {
  Driver* d = nullptr;
  Context* ctx = nullptr;
  if (CUresult rc = get_context(&d, &ctx); rc != CUDA_SUCCESS) return rc;
  if (Flags & ~(CU_MEMHOSTREGISTER_PORTABLE | CU_MEMHOSTREGISTER_DEVICEMAP |
                CU_MEMHOSTREGISTER_IOMEMORY | CU_MEMHOSTREGISTER_READ_ONLY)) {
    return CUDA_ERROR_INVALID_VALUE;
  }
  if (d->va.contains(reinterpret_cast<std::uintptr_t>(p))) return CUDA_ERROR_INVALID_VALUE;
  return d->host.register_range(p, bytesize, Flags, ctx);
}

CUDASIM_API CUresult cuMemHostRegister(void* p, size_t bytesize, unsigned int Flags) {
  return api([&] { return host_register(p, bytesize, Flags); });
}
CUDASIM_API CUresult cuMemHostRegister_v2(void* p, size_t bytesize, unsigned int Flags) {
  return api([&] { return host_register(p, bytesize, Flags); });
}

CUDASIM_API CUresult cuMemHostUnregister(void* p) {
  return api([&] {
    Driver* d = nullptr;
    Context* ctx = nullptr;
    if (CUresult rc = get_context(&d, &ctx); rc != CUDA_SUCCESS) return rc;
    return d->host.unregister(p);
  });
}

CUDASIM_API CUresult cuPointerGetAttribute(void* data, CUpointer_attribute attribute,
                                           CUdeviceptr ptr) {
  return api([&] {
    Driver* d = nullptr;
    if (CUresult rc = get_driver(&d); rc != CUDA_SUCCESS) return rc;
    if (data == nullptr) return CUDA_ERROR_INVALID_VALUE;
    return pointer_attribute(d, data, enum_value(attribute), ptr);
  });
}

CUDASIM_API CUresult cuPointerGetAttributes(unsigned int numAttributes,
                                            CUpointer_attribute* attributes, void** data,
                                            CUdeviceptr ptr) {
  return api([&] {
    Driver* d = nullptr;
    if (CUresult rc = get_driver(&d); rc != CUDA_SUCCESS) return rc;
    if (numAttributes == 0 || attributes == nullptr || data == nullptr)
      return CUDA_ERROR_INVALID_VALUE;
    for (unsigned i = 0; i < numAttributes; ++i) {
      if (data[i] == nullptr) return CUDA_ERROR_INVALID_VALUE;
      const int attr = enum_value(attributes[i]);
      const CUresult rc = pointer_attribute(d, data[i], attr, ptr);
      if (rc == CUDA_SUCCESS) continue;
      // Unlike cuPointerGetAttribute, an unknown pointer is not an error
      // here: memory type 0, context NULL, and so on.
      switch (attr) {
        case CU_POINTER_ATTRIBUTE_CONTEXT:
          *static_cast<CUcontext*>(data[i]) = nullptr;
          break;
        case CU_POINTER_ATTRIBUTE_MEMORY_TYPE:
          *static_cast<unsigned*>(data[i]) = 0;
          break;
        case CU_POINTER_ATTRIBUTE_DEVICE_POINTER:
        case CU_POINTER_ATTRIBUTE_RANGE_START_ADDR:
        case CU_POINTER_ATTRIBUTE_MAPPING_BASE_ADDR:
          *static_cast<CUdeviceptr*>(data[i]) = 0;
          break;
        case CU_POINTER_ATTRIBUTE_HOST_POINTER:
          *static_cast<void**>(data[i]) = nullptr;
          break;
        case CU_POINTER_ATTRIBUTE_BUFFER_ID:
        case CU_POINTER_ATTRIBUTE_MEMORY_BLOCK_ID:
        case CU_POINTER_ATTRIBUTE_ALLOWED_HANDLE_TYPES:
          *static_cast<unsigned long long*>(data[i]) = 0;
          break;
        case CU_POINTER_ATTRIBUTE_RANGE_SIZE:
        case CU_POINTER_ATTRIBUTE_MAPPING_SIZE:
          *static_cast<size_t*>(data[i]) = 0;
          break;
        case CU_POINTER_ATTRIBUTE_DEVICE_ORDINAL:
          *static_cast<int*>(data[i]) = -2;
          break;
        case CU_POINTER_ATTRIBUTE_ACCESS_FLAGS:
          *static_cast<unsigned*>(data[i]) = 0;
          break;
        case CU_POINTER_ATTRIBUTE_MEMPOOL_HANDLE:
          *static_cast<CUmemoryPool*>(data[i]) = nullptr;
          break;
        case CU_POINTER_ATTRIBUTE_P2P_TOKENS:
          return CUDA_ERROR_INVALID_VALUE;
        default:
          if (attr <= 0 || attr > CU_POINTER_ATTRIBUTE_IS_HW_DECOMPRESS_CAPABLE)
            return CUDA_ERROR_INVALID_VALUE;
          *static_cast<int*>(data[i]) = 0;
      }
    }
    return CUDA_SUCCESS;
  });
}

// Stream-ordered allocation: the memory exists from the call (so the pointer
// can be handed out) and is given back when the stream reaches the free.
static CUresult alloc_from_pool(CUdeviceptr* dptr, size_t bytesize, CUmemoryPool hPool,
                                CUstream hStream, bool per_thread) {
  Driver* d = nullptr;
  Context* ctx = nullptr;
  std::shared_ptr<Stream> s;
  if (CUresult rc = get_stream(hStream, per_thread, &d, &ctx, &s); rc != CUDA_SUCCESS) return rc;
  if (dptr == nullptr) return CUDA_ERROR_INVALID_VALUE;
  std::shared_ptr<MemPool> pool =
      hPool != nullptr ? d->mem_pools.find(hPool) : d->current_pool(ctx->device()->ordinal());
  if (!pool) return CUDA_ERROR_INVALID_VALUE;
  if (CUresult rc = d->memory.allocate(pool->device(), ctx, bytesize, false, dptr);
      rc != CUDA_SUCCESS) {
    return rc;
  }
  d->pool_allocations.add(*dptr, std::move(pool), bytesize);
  return CUDA_SUCCESS;
}

static CUresult alloc_async(CUdeviceptr* dptr, size_t bytesize, CUstream hStream, bool per_thread) {
  return alloc_from_pool(dptr, bytesize, nullptr, hStream, per_thread);
}

static CUresult free_async(CUdeviceptr dptr, CUstream hStream, bool per_thread) {
  Driver* d = nullptr;
  Context* ctx = nullptr;
  std::shared_ptr<Stream> s;
  if (CUresult rc = get_stream(hStream, per_thread, &d, &ctx, &s); rc != CUDA_SUCCESS) return rc;
  PointerInfo info;
  if (d->memory.query(dptr, 0, &info) != CUDA_SUCCESS || info.vmm || info.base != dptr) {
    return CUDA_ERROR_INVALID_VALUE;
  }
  Op op;
  op.label = "free";
  op.node_type = CU_GRAPH_NODE_TYPE_MEM_FREE;
  op.host = [d, dptr](CUresult) {
    d->pool_allocations.remove(dptr);
    d->memory.free(dptr);
  };
  return submit(ctx, s, std::move(op), false);
}

CUDASIM_API CUresult cuMemAllocAsync(CUdeviceptr* dptr, size_t bytesize, CUstream hStream) {
  return api([&] { return alloc_async(dptr, bytesize, hStream, false); });
}
CUDASIM_API CUresult cuMemAllocAsync_ptsz(CUdeviceptr* dptr, size_t bytesize, CUstream hStream) {
  return api([&] { return alloc_async(dptr, bytesize, hStream, true); });
}
CUDASIM_API CUresult cuMemFreeAsync(CUdeviceptr dptr, CUstream hStream) {
  return api([&] { return free_async(dptr, hStream, false); });
}
CUDASIM_API CUresult cuMemFreeAsync_ptsz(CUdeviceptr dptr, CUstream hStream) {
  return api([&] { return free_async(dptr, hStream, true); });
}

// ---- Virtual memory management ----------------------------------------------

CUDASIM_API CUresult cuMemGetAllocationGranularity(size_t* granularity,
                                                   const CUmemAllocationProp* prop,
                                                   CUmemAllocationGranularity_flags option) {
  return api([&] {
    Driver* d = nullptr;
    if (CUresult rc = get_driver(&d); rc != CUDA_SUCCESS) return rc;
    if (granularity == nullptr) return CUDA_ERROR_INVALID_VALUE;
    if (CUresult rc = check_prop(d, prop); rc != CUDA_SUCCESS) return rc;
    if (enum_value(option) != CU_MEM_ALLOC_GRANULARITY_MINIMUM &&
        enum_value(option) != CU_MEM_ALLOC_GRANULARITY_RECOMMENDED) {
      return CUDA_ERROR_INVALID_VALUE;
    }
    *granularity = kGranularity;
    return CUDA_SUCCESS;
  });
}

CUDASIM_API CUresult cuMemAddressReserve(CUdeviceptr* ptr, size_t size, size_t alignment,
                                         CUdeviceptr addr, unsigned long long flags) {
  return api([&] {
    Driver* d = nullptr;
    if (CUresult rc = get_driver(&d); rc != CUDA_SUCCESS) return rc;
    if (ptr == nullptr || flags != 0) return CUDA_ERROR_INVALID_VALUE;
    return d->memory.reserve(size, alignment, addr, ptr);
  });
}

CUDASIM_API CUresult cuMemAddressFree(CUdeviceptr ptr, size_t size) {
  return api([&] {
    Driver* d = nullptr;
    if (CUresult rc = get_driver(&d); rc != CUDA_SUCCESS) return rc;
    return d->memory.address_free(ptr, size);
  });
}

CUDASIM_API CUresult cuMemCreate(CUmemGenericAllocationHandle* handle, size_t size,
                                 const CUmemAllocationProp* prop, unsigned long long flags) {
  return api([&] {
    Driver* d = nullptr;
    if (CUresult rc = get_driver(&d); rc != CUDA_SUCCESS) return rc;
    if (handle == nullptr || flags != 0) return CUDA_ERROR_INVALID_VALUE;
    if (CUresult rc = check_prop(d, prop); rc != CUDA_SUCCESS) return rc;
    const CUresult rc = d->memory.create(d->device(prop->location.id), size, handle);
    if (rc == CUDA_SUCCESS) charge(&VmmCost::create_us_per_mib, size);
    return rc;
  });
}

CUDASIM_API CUresult cuMemRelease(CUmemGenericAllocationHandle handle) {
  return api([&] {
    Driver* d = nullptr;
    if (CUresult rc = get_driver(&d); rc != CUDA_SUCCESS) return rc;
    const CUresult rc = d->memory.release(handle);
    if (rc == CUDA_SUCCESS) spend_us(d->config.vmm_cost.release_us_per_call);
    return rc;
  });
}

CUDASIM_API CUresult cuMemMap(CUdeviceptr ptr, size_t size, size_t offset,
                              CUmemGenericAllocationHandle handle, unsigned long long flags) {
  return api([&] {
    Driver* d = nullptr;
    if (CUresult rc = get_driver(&d); rc != CUDA_SUCCESS) return rc;
    if (flags != 0) return CUDA_ERROR_INVALID_VALUE;
    const CUresult rc = d->memory.map(ptr, size, offset, handle);
    if (rc == CUDA_SUCCESS) spend_us(d->config.vmm_cost.map_us_per_call);
    return rc;
  });
}

CUDASIM_API CUresult cuMemUnmap(CUdeviceptr ptr, size_t size) {
  return api([&] {
    Driver* d = nullptr;
    if (CUresult rc = get_driver(&d); rc != CUDA_SUCCESS) return rc;
    const CUresult rc = d->memory.unmap(ptr, size);
    if (rc == CUDA_SUCCESS) charge(&VmmCost::unmap_us_per_mib, size);
    return rc;
  });
}

CUDASIM_API CUresult cuMemSetAccess(CUdeviceptr ptr, size_t size, const CUmemAccessDesc* desc,
                                    size_t count) {
  return api([&] {
    Driver* d = nullptr;
    if (CUresult rc = get_driver(&d); rc != CUDA_SUCCESS) return rc;
    const CUresult rc =
        d->memory.set_access(ptr, size, desc, count, static_cast<int>(d->devices.size()));
    if (rc == CUDA_SUCCESS) charge(&VmmCost::set_access_us_per_mib, size);
    return rc;
  });
}

CUDASIM_API CUresult cuMemGetAccess(unsigned long long* flags, const CUmemLocation* location,
                                    CUdeviceptr ptr) {
  return api([&] {
    Driver* d = nullptr;
    if (CUresult rc = get_driver(&d); rc != CUDA_SUCCESS) return rc;
    if (flags == nullptr || location == nullptr) return CUDA_ERROR_INVALID_VALUE;
    if (CUresult rc = check_location(d, *location); rc != CUDA_SUCCESS) return rc;
    return d->memory.get_access(ptr, location->id, flags);
  });
}

CUDASIM_API CUresult cuMemGetAllocationPropertiesFromHandle(CUmemAllocationProp* prop,
                                                            CUmemGenericAllocationHandle handle) {
  return api([&] {
    Driver* d = nullptr;
    if (CUresult rc = get_driver(&d); rc != CUDA_SUCCESS) return rc;
    if (prop == nullptr) return CUDA_ERROR_INVALID_VALUE;
    Device* dev = nullptr;
    std::uint64_t size = 0;
    if (CUresult rc = d->memory.handle_device(handle, &dev, &size); rc != CUDA_SUCCESS) return rc;
    std::memset(prop, 0, sizeof *prop);
    prop->type = CU_MEM_ALLOCATION_TYPE_PINNED;
    prop->location.type = CU_MEM_LOCATION_TYPE_DEVICE;
    prop->location.id = dev->ordinal();
    return CUDA_SUCCESS;
  });
}

CUDASIM_API CUresult cuMemRetainAllocationHandle(CUmemGenericAllocationHandle* handle, void* addr) {
  return api([&] {
    Driver* d = nullptr;
    if (CUresult rc = get_driver(&d); rc != CUDA_SUCCESS) return rc;
    if (handle == nullptr) return CUDA_ERROR_INVALID_VALUE;
    return d->memory.retain_handle(reinterpret_cast<CUdeviceptr>(addr), handle);
  });
}

// ---- Managed memory hints ------------------------------------------------------
// Managed memory is always resident and accessible here, so prefetches and
// advice only need their arguments checked.

namespace {

CUresult check_managed_range(Driver* d, CUdeviceptr p, size_t count) {
  PointerInfo info;
  if (count == 0 || d->memory.query(p, 0, &info) != CUDA_SUCCESS || !info.managed)
    return CUDA_ERROR_INVALID_VALUE;
  if (p - info.base > info.size || count > info.size - (p - info.base))
    return CUDA_ERROR_INVALID_VALUE;
  return CUDA_SUCCESS;
}

CUresult check_target(Driver* d, const CUmemLocation& loc) {
  const int type = enum_value(loc.type);
  if (type == CU_MEM_LOCATION_TYPE_HOST) return CUDA_SUCCESS;
  if (type != CU_MEM_LOCATION_TYPE_DEVICE) return CUDA_ERROR_INVALID_VALUE;
  return d->device(loc.id) != nullptr ? CUDA_SUCCESS : CUDA_ERROR_INVALID_DEVICE;
}

CUresult prefetch(CUdeviceptr p, size_t count, CUmemLocation loc, unsigned flags, CUstream h,
                  bool pt) {
  Driver* d = nullptr;
  Context* ctx = nullptr;
  std::shared_ptr<Stream> s;
  if (CUresult rc = get_stream(h, pt, &d, &ctx, &s); rc != CUDA_SUCCESS) return rc;
  if (flags != 0) return CUDA_ERROR_INVALID_VALUE;
  if (CUresult rc = check_target(d, loc); rc != CUDA_SUCCESS) return rc;
  return check_managed_range(d, p, count);
}

CUresult advise(CUdeviceptr p, size_t count, int advice, CUmemLocation loc) {
  Driver* d = nullptr;
  if (CUresult rc = get_driver(&d); rc != CUDA_SUCCESS) return rc;
  if (advice < CU_MEM_ADVISE_SET_READ_MOSTLY || advice > CU_MEM_ADVISE_UNSET_ACCESSED_BY) {
    return CUDA_ERROR_INVALID_VALUE;
  }
  const bool needs_location =
      advice != CU_MEM_ADVISE_SET_READ_MOSTLY && advice != CU_MEM_ADVISE_UNSET_READ_MOSTLY;
  if (needs_location) {
    if (CUresult rc = check_target(d, loc); rc != CUDA_SUCCESS) return rc;
  }
  return check_managed_range(d, p, count);
}

CUmemLocation device_location(CUdevice dev) {
  CUmemLocation loc{};
  if (dev == CU_DEVICE_CPU) {
    loc.type = CU_MEM_LOCATION_TYPE_HOST;
  } else {
    loc.type = CU_MEM_LOCATION_TYPE_DEVICE;
    loc.id = dev;
  }
  return loc;
}

}  // namespace

CUDASIM_API CUresult cuMemPrefetchAsync_v2(CUdeviceptr p, size_t count, CUmemLocation loc,
                                           unsigned int flags, CUstream h) {
  return api([&] { return prefetch(p, count, loc, flags, h, false); });
}
CUDASIM_API CUresult cuMemPrefetchAsync_v2_ptsz(CUdeviceptr p, size_t count, CUmemLocation loc,
                                                unsigned int flags, CUstream h) {
  return api([&] { return prefetch(p, count, loc, flags, h, true); });
}
CUDASIM_API CUresult cuMemPrefetchAsync(CUdeviceptr p, size_t count, CUdevice dev, CUstream h) {
  return api([&] { return prefetch(p, count, device_location(dev), 0, h, false); });
}
CUDASIM_API CUresult cuMemPrefetchAsync_ptsz(CUdeviceptr p, size_t count, CUdevice dev,
                                             CUstream h) {
  return api([&] { return prefetch(p, count, device_location(dev), 0, h, true); });
}
CUDASIM_API CUresult cuMemAdvise_v2(CUdeviceptr p, size_t count, CUmem_advise advice,
                                    CUmemLocation loc) {
  return api([&] { return advise(p, count, enum_value(advice), loc); });
}
CUDASIM_API CUresult cuMemAdvise(CUdeviceptr p, size_t count, CUmem_advise advice, CUdevice dev) {
  return api([&] { return advise(p, count, enum_value(advice), device_location(dev)); });
}

// ---- Memory pools ----------------------------------------------------------------

CUDASIM_API CUresult cuMemAllocFromPoolAsync(CUdeviceptr* dptr, size_t bytesize, CUmemoryPool pool,
                                             CUstream hStream) {
  return api([&] {
    return pool == nullptr ? CUDA_ERROR_INVALID_VALUE
                           : alloc_from_pool(dptr, bytesize, pool, hStream, false);
  });
}
CUDASIM_API CUresult cuMemAllocFromPoolAsync_ptsz(CUdeviceptr* dptr, size_t bytesize,
                                                  CUmemoryPool pool, CUstream hStream) {
  return api([&] {
    return pool == nullptr ? CUDA_ERROR_INVALID_VALUE
                           : alloc_from_pool(dptr, bytesize, pool, hStream, true);
  });
}

// A device's default pool, or the one cuMemAllocAsync currently draws from.
static CUresult device_pool(CUmemoryPool* out, CUdevice dev, bool current) {
  Driver* d = nullptr;
  if (CUresult rc = get_driver(&d); rc != CUDA_SUCCESS) return rc;
  if (out == nullptr) return CUDA_ERROR_INVALID_VALUE;
  if (d->device(dev) == nullptr) return CUDA_ERROR_INVALID_DEVICE;
  const auto pool = current ? d->current_pool(dev) : d->default_pool(dev);
  *out = reinterpret_cast<CUmemoryPool>(pool.get());
  return CUDA_SUCCESS;
}

CUDASIM_API CUresult cuDeviceGetDefaultMemPool(CUmemoryPool* pool_out, CUdevice dev) {
  return api([&] { return device_pool(pool_out, dev, false); });
}

CUDASIM_API CUresult cuDeviceGetMemPool(CUmemoryPool* pool, CUdevice dev) {
  return api([&] { return device_pool(pool, dev, true); });
}

CUDASIM_API CUresult cuDeviceSetMemPool(CUdevice dev, CUmemoryPool pool) {
  return api([&] {
    Driver* d = nullptr;
    if (CUresult rc = get_driver(&d); rc != CUDA_SUCCESS) return rc;
    if (d->device(dev) == nullptr) return CUDA_ERROR_INVALID_DEVICE;
    auto p = d->mem_pools.find(pool);
    if (!p || p->device() != d->device(dev)) return CUDA_ERROR_INVALID_VALUE;
    d->set_current_pool(dev, std::move(p));
    return CUDA_SUCCESS;
  });
}

CUDASIM_API CUresult cuMemPoolCreate(CUmemoryPool* pool, const CUmemPoolProps* props) {
  return api([&] {
    Driver* d = nullptr;
    if (CUresult rc = get_driver(&d); rc != CUDA_SUCCESS) return rc;
    if (pool == nullptr || props == nullptr) return CUDA_ERROR_INVALID_VALUE;
    if (enum_value(props->allocType) != CU_MEM_ALLOCATION_TYPE_PINNED)
      return CUDA_ERROR_INVALID_VALUE;
    if (CUresult rc = check_location(d, props->location); rc != CUDA_SUCCESS) return rc;
    const int handles = enum_value(props->handleTypes);
    if (handles != CU_MEM_HANDLE_TYPE_NONE && handles != CU_MEM_HANDLE_TYPE_POSIX_FILE_DESCRIPTOR) {
      return CUDA_ERROR_NOT_SUPPORTED;
    }
    auto p = std::make_shared<MemPool>(d->device(props->location.id), false);
    d->mem_pools.add(p);
    *pool = reinterpret_cast<CUmemoryPool>(p.get());
    return CUDA_SUCCESS;
  });
}

CUDASIM_API CUresult cuMemPoolDestroy(CUmemoryPool pool) {
  return api([&] {
    Driver* d = nullptr;
    if (CUresult rc = get_driver(&d); rc != CUDA_SUCCESS) return rc;
    auto p = d->mem_pools.find(pool);
    if (!p || p->is_default()) return CUDA_ERROR_INVALID_VALUE;
    // A pool that is some device's current pool goes back to the default.
    const int dev = p->device()->ordinal();
    if (d->current_pool(dev) == p) d->set_current_pool(dev, d->default_pool(dev));
    d->mem_pools.remove(pool);
    return CUDA_SUCCESS;
  });
}

CUDASIM_API CUresult cuMemPoolSetAttribute(CUmemoryPool pool, CUmemPool_attribute attr,
                                           void* value) {
  return api([&] {
    Driver* d = nullptr;
    if (CUresult rc = get_driver(&d); rc != CUDA_SUCCESS) return rc;
    auto p = d->mem_pools.find(pool);
    if (!p) return CUDA_ERROR_INVALID_VALUE;
    return p->set_attribute(enum_value(attr), value);
  });
}

CUDASIM_API CUresult cuMemPoolGetAttribute(CUmemoryPool pool, CUmemPool_attribute attr,
                                           void* value) {
  return api([&] {
    Driver* d = nullptr;
    if (CUresult rc = get_driver(&d); rc != CUDA_SUCCESS) return rc;
    auto p = d->mem_pools.find(pool);
    if (!p) return CUDA_ERROR_INVALID_VALUE;
    return p->get_attribute(enum_value(attr), value);
  });
}

CUDASIM_API CUresult cuMemPoolTrimTo(CUmemoryPool pool, size_t minBytesToKeep) {
  return api([&] {
    (void)minBytesToKeep;  // nothing is cached, so there is nothing to trim
    Driver* d = nullptr;
    if (CUresult rc = get_driver(&d); rc != CUDA_SUCCESS) return rc;
    return d->mem_pools.find(pool) ? CUDA_SUCCESS : CUDA_ERROR_INVALID_VALUE;
  });
}
