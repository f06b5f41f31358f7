// Initialisation, devices, primary and user contexts.
#include <cstdio>
#include <cstring>
#include <mutex>

#include "api_common.h"

using namespace cudasim;

namespace {

CUresult get_device(CUdevice dev, Driver** d, Device** out) {
  if (CUresult rc = get_driver(d); rc != CUDA_SUCCESS) return rc;
  *out = (*d)->device(dev);
  return *out != nullptr ? CUDA_SUCCESS : CUDA_ERROR_INVALID_DEVICE;
}

CUresult create_context(CUcontext* pctx, unsigned flags, CUdevice dev) {
  if (pctx == nullptr) return CUDA_ERROR_INVALID_VALUE;
  Driver* d = nullptr;
  Device* device = nullptr;
  if (CUresult rc = get_device(dev, &d, &device); rc != CUDA_SUCCESS) return rc;
  auto ctx = std::make_shared<Context>(device, flags, false);
  ctx->activate();
  d->contexts.add(ctx);
  push_current_context(ctx.get());
  *pctx = reinterpret_cast<CUcontext>(ctx.get());
  return CUDA_SUCCESS;
}

CUresult destroy_context(CUcontext h) {
  Driver* d = nullptr;
  if (CUresult rc = get_driver(&d); rc != CUDA_SUCCESS) return rc;
  if (h == nullptr) return CUDA_ERROR_INVALID_VALUE;
  for (const auto& dev : d->devices) {
    if (reinterpret_cast<CUcontext>(dev->primary) == h) return CUDA_ERROR_INVALID_CONTEXT;
  }
  auto ctx = d->contexts.remove(h);
  if (!ctx) return CUDA_ERROR_INVALID_CONTEXT;
  forget_current_context(ctx.get());
  ctx->deactivate();
  d->memory.free_all_of(ctx.get());
  d->retire_context(std::move(ctx));
  return CUDA_SUCCESS;
}

CUresult primary_release(CUdevice dev) {
  Driver* d = nullptr;
  Device* device = nullptr;
  if (CUresult rc = get_device(dev, &d, &device); rc != CUDA_SUCCESS) return rc;
  std::lock_guard lock(device->primary_mu);
  if (device->primary_refs == 0) return CUDA_ERROR_INVALID_CONTEXT;
  if (--device->primary_refs == 0) {
    device->primary->deactivate();
    d->memory.free_all_of(device->primary);
  }
  return CUDA_SUCCESS;
}

CUresult primary_reset(CUdevice dev) {
  Driver* d = nullptr;
  Device* device = nullptr;
  if (CUresult rc = get_device(dev, &d, &device); rc != CUDA_SUCCESS) return rc;
  std::lock_guard lock(device->primary_mu);
  const bool was_active = device->primary->active();
  device->primary->deactivate();
  d->memory.free_all_of(device->primary);
  // Still retained: the context stays usable, fresh.
  if (was_active && device->primary_refs > 0) device->primary->activate();
  return CUDA_SUCCESS;
}

CUresult primary_set_flags(CUdevice dev, unsigned flags) {
  Driver* d = nullptr;
  Device* device = nullptr;
  if (CUresult rc = get_device(dev, &d, &device); rc != CUDA_SUCCESS) return rc;
  if (flags &
      ~(CU_CTX_SCHED_MASK | CU_CTX_MAP_HOST | CU_CTX_LMEM_RESIZE_TO_MAX | CU_CTX_SYNC_MEMOPS)) {
    return CUDA_ERROR_INVALID_VALUE;
  }
  device->primary->set_flags(flags);
  return CUDA_SUCCESS;
}

CUresult ctx_get_device(CUdevice* device, Context* ctx) {
  if (device == nullptr) return CUDA_ERROR_INVALID_VALUE;
  *device = ctx->device()->ordinal();
  return CUDA_SUCCESS;
}

CUresult ctx_synchronize(Context* ctx) {
  ctx->synchronize();
  return ctx->sticky_error();
}

// The context a call names explicitly, or the current one for NULL.
CUresult named_or_current(CUcontext h, Driver** d, Context** ctx) {
  if (h == nullptr) return get_context(d, ctx);
  if (CUresult rc = get_driver(d); rc != CUDA_SUCCESS) return rc;
  Context* c = (*d)->context(h);
  if (c == nullptr || !c->active()) return CUDA_ERROR_INVALID_CONTEXT;
  if (CUresult rc = c->sticky_error(); rc != CUDA_SUCCESS) return rc;
  *ctx = c;
  return CUDA_SUCCESS;
}

}  // namespace

CUDASIM_API CUresult cuInit(unsigned int Flags) {
  return api([&] {
    if (Flags != 0) return CUDA_ERROR_INVALID_VALUE;
    return Driver::init();
  });
}

CUDASIM_API CUresult cuDriverGetVersion(int* driverVersion) {
  if (driverVersion == nullptr) return CUDA_ERROR_INVALID_VALUE;
  *driverVersion = CUDA_VERSION;
  return CUDA_SUCCESS;
}

CUDASIM_API CUresult cuDeviceGet(CUdevice* device, int ordinal) {
  return api([&] {
    Driver* d = nullptr;
    if (CUresult rc = get_driver(&d); rc != CUDA_SUCCESS) return rc;
    if (device == nullptr) return CUDA_ERROR_INVALID_VALUE;
    if (d->device(ordinal) == nullptr) return CUDA_ERROR_INVALID_DEVICE;
    *device = ordinal;
    return CUDA_SUCCESS;
  });
}

CUDASIM_API CUresult cuDeviceGetCount(int* count) {
  return api([&] {
    Driver* d = nullptr;
    if (CUresult rc = get_driver(&d); rc != CUDA_SUCCESS) return rc;
    if (count == nullptr) return CUDA_ERROR_INVALID_VALUE;
    *count = static_cast<int>(d->devices.size());
    return CUDA_SUCCESS;
  });
}

CUDASIM_API CUresult cuDeviceGetName(char* name, int len, CUdevice dev) {
  return api([&] {
    Driver* d = nullptr;
    Device* device = nullptr;
    if (CUresult rc = get_device(dev, &d, &device); rc != CUDA_SUCCESS) return rc;
    if (name == nullptr || len <= 0) return CUDA_ERROR_INVALID_VALUE;
    std::snprintf(name, static_cast<std::size_t>(len), "%s", device->name().c_str());
    return CUDA_SUCCESS;
  });
}

CUDASIM_API CUresult cuDeviceTotalMem_v2(size_t* bytes, CUdevice dev) {
  return api([&] {
    Driver* d = nullptr;
    Device* device = nullptr;
    if (CUresult rc = get_device(dev, &d, &device); rc != CUDA_SUCCESS) return rc;
    if (bytes == nullptr) return CUDA_ERROR_INVALID_VALUE;
    *bytes = device->capacity();
    return CUDA_SUCCESS;
  });
}

CUDASIM_API CUresult cuDeviceGetAttribute(int* pi, CUdevice_attribute attrib, CUdevice dev) {
  return api([&] {
    Driver* d = nullptr;
    Device* device = nullptr;
    if (CUresult rc = get_device(dev, &d, &device); rc != CUDA_SUCCESS) return rc;
    if (pi == nullptr) return CUDA_ERROR_INVALID_VALUE;
    return device->attribute(enum_value(attrib), pi);
  });
}

CUDASIM_API CUresult cuDeviceGetPCIBusId(char* pciBusId, int len, CUdevice dev) {
  return api([&] {
    Driver* d = nullptr;
    Device* device = nullptr;
    if (CUresult rc = get_device(dev, &d, &device); rc != CUDA_SUCCESS) return rc;
    if (pciBusId == nullptr || len <= 0) return CUDA_ERROR_INVALID_VALUE;
    std::snprintf(pciBusId, static_cast<std::size_t>(len), "%s", device->pci_bus_id().c_str());
    return CUDA_SUCCESS;
  });
}

CUDASIM_API CUresult cuDeviceGetByPCIBusId(CUdevice* dev, const char* pciBusId) {
  return api([&] {
    Driver* d = nullptr;
    if (CUresult rc = get_driver(&d); rc != CUDA_SUCCESS) return rc;
    if (dev == nullptr || pciBusId == nullptr) return CUDA_ERROR_INVALID_VALUE;
    unsigned dom = 0, bus = 0, slot = 0, fn = 0;
    // Accepts the short form "bus:device.function" as CUDA does.
    if (std::sscanf(pciBusId, "%x:%x:%x.%x", &dom, &bus, &slot, &fn) != 4) {
      dom = 0;
      if (std::sscanf(pciBusId, "%x:%x.%x", &bus, &slot, &fn) != 3) return CUDA_ERROR_INVALID_VALUE;
    }
    for (const auto& device : d->devices) {
      unsigned dd = 0, db = 0, ds = 0, df = 0;
      std::sscanf(device->pci_bus_id().c_str(), "%x:%x:%x.%x", &dd, &db, &ds, &df);
      if (dd == dom && db == bus && ds == slot && df == fn) {
        *dev = device->ordinal();
        return CUDA_SUCCESS;
      }
    }
    return CUDA_ERROR_INVALID_DEVICE;
  });
}

CUDASIM_API CUresult cuDeviceGetUuid(CUuuid* uuid, CUdevice dev) {
  return api([&] {
    Driver* d = nullptr;
    Device* device = nullptr;
    if (CUresult rc = get_device(dev, &d, &device); rc != CUDA_SUCCESS) return rc;
    if (uuid == nullptr) return CUDA_ERROR_INVALID_VALUE;
    *uuid = device->uuid();
    return CUDA_SUCCESS;
  });
}

CUDASIM_API CUresult cuDeviceGetUuid_v2(CUuuid* uuid, CUdevice dev) {
  return cuDeviceGetUuid(uuid, dev);
}

CUDASIM_API CUresult cuDeviceCanAccessPeer(int* canAccessPeer, CUdevice dev, CUdevice peerDev) {
  return api([&] {
    Driver* d = nullptr;
    Device* a = nullptr;
    Device* b = nullptr;
    if (CUresult rc = get_device(dev, &d, &a); rc != CUDA_SUCCESS) return rc;
    if (CUresult rc = get_device(peerDev, &d, &b); rc != CUDA_SUCCESS) return rc;
    if (canAccessPeer == nullptr) return CUDA_ERROR_INVALID_VALUE;
    *canAccessPeer = dev != peerDev ? 1 : 0;
    return CUDA_SUCCESS;
  });
}

CUDASIM_API CUresult cuDevicePrimaryCtxRetain(CUcontext* pctx, CUdevice dev) {
  return api([&] {
    Driver* d = nullptr;
    Device* device = nullptr;
    if (CUresult rc = get_device(dev, &d, &device); rc != CUDA_SUCCESS) return rc;
    if (pctx == nullptr) return CUDA_ERROR_INVALID_VALUE;
    std::lock_guard lock(device->primary_mu);
    if (device->primary_refs++ == 0) device->primary->activate();
    *pctx = reinterpret_cast<CUcontext>(device->primary);
    return CUDA_SUCCESS;
  });
}

CUDASIM_API CUresult cuDevicePrimaryCtxRelease(CUdevice dev) {
  return api([&] { return primary_release(dev); });
}
CUDASIM_API CUresult cuDevicePrimaryCtxRelease_v2(CUdevice dev) {
  return api([&] { return primary_release(dev); });
}
CUDASIM_API CUresult cuDevicePrimaryCtxReset(CUdevice dev) {
  return api([&] { return primary_reset(dev); });
}
CUDASIM_API CUresult cuDevicePrimaryCtxReset_v2(CUdevice dev) {
  return api([&] { return primary_reset(dev); });
}
CUDASIM_API CUresult cuDevicePrimaryCtxSetFlags(CUdevice dev, unsigned int flags) {
  return api([&] { return primary_set_flags(dev, flags); });
}
CUDASIM_API CUresult cuDevicePrimaryCtxSetFlags_v2(CUdevice dev, unsigned int flags) {
  return api([&] { return primary_set_flags(dev, flags); });
}

CUDASIM_API CUresult cuDevicePrimaryCtxGetState(CUdevice dev, unsigned int* flags, int* active) {
  return api([&] {
    Driver* d = nullptr;
    Device* device = nullptr;
    if (CUresult rc = get_device(dev, &d, &device); rc != CUDA_SUCCESS) return rc;
    if (flags == nullptr || active == nullptr) return CUDA_ERROR_INVALID_VALUE;
    *flags = device->primary->flags();
    *active = device->primary->active() ? 1 : 0;
    return CUDA_SUCCESS;
  });
}

CUDASIM_API CUresult cuCtxCreate(CUcontext* pctx, unsigned int flags, CUdevice dev) {
  return api([&] { return create_context(pctx, flags, dev); });
}
CUDASIM_API CUresult cuCtxCreate_v2(CUcontext* pctx, unsigned int flags, CUdevice dev) {
  return api([&] { return create_context(pctx, flags, dev); });
}
CUDASIM_API CUresult cuCtxCreate_v3(CUcontext* pctx, CUexecAffinityParam* paramsArray,
                                    int numParams, unsigned int flags, CUdevice dev) {
  return api([&] {
    if (numParams < 0 || (numParams > 0 && paramsArray == nullptr)) return CUDA_ERROR_INVALID_VALUE;
    if (numParams > 0) return CUDA_ERROR_UNSUPPORTED_EXEC_AFFINITY;
    return create_context(pctx, flags, dev);
  });
}
CUDASIM_API CUresult cuCtxCreate_v4(CUcontext* pctx, CUctxCreateParams* ctxCreateParams,
                                    unsigned int flags, CUdevice dev) {
  return api([&] {
    if (ctxCreateParams != nullptr &&
        (ctxCreateParams->numExecAffinityParams != 0 || ctxCreateParams->cigParams != nullptr)) {
      return CUDA_ERROR_NOT_SUPPORTED;
    }
    return create_context(pctx, flags, dev);
  });
}

CUDASIM_API CUresult cuCtxDestroy(CUcontext ctx) {
  return api([&] { return destroy_context(ctx); });
}
CUDASIM_API CUresult cuCtxDestroy_v2(CUcontext ctx) {
  return api([&] { return destroy_context(ctx); });
}

CUDASIM_API CUresult cuCtxSetCurrent(CUcontext ctx) {
  return api([&] {
    Driver* d = nullptr;
    if (CUresult rc = get_driver(&d); rc != CUDA_SUCCESS) return rc;
    if (ctx == nullptr) {
      set_current_context(nullptr);
      return CUDA_SUCCESS;
    }
    Context* c = d->context(ctx);
    if (c == nullptr) return CUDA_ERROR_INVALID_CONTEXT;
    set_current_context(c);
    return CUDA_SUCCESS;
  });
}

CUDASIM_API CUresult cuCtxGetCurrent(CUcontext* pctx) {
  return api([&] {
    Driver* d = nullptr;
    if (CUresult rc = get_driver(&d); rc != CUDA_SUCCESS) return rc;
    if (pctx == nullptr) return CUDA_ERROR_INVALID_VALUE;
    *pctx = reinterpret_cast<CUcontext>(current_context());
    return CUDA_SUCCESS;
  });
}

static CUresult push_current(CUcontext ctx) {
  Driver* d = nullptr;
  if (CUresult rc = get_driver(&d); rc != CUDA_SUCCESS) return rc;
  Context* c = d->context(ctx);
  if (c == nullptr) return CUDA_ERROR_INVALID_CONTEXT;
  push_current_context(c);
  return CUDA_SUCCESS;
}

static CUresult pop_current(CUcontext* pctx) {
  Driver* d = nullptr;
  if (CUresult rc = get_driver(&d); rc != CUDA_SUCCESS) return rc;
  if (current_context() == nullptr) return CUDA_ERROR_INVALID_CONTEXT;
  Context* c = pop_current_context();
  if (pctx != nullptr) *pctx = reinterpret_cast<CUcontext>(c);
  return CUDA_SUCCESS;
}

CUDASIM_API CUresult cuCtxPushCurrent(CUcontext ctx) {
  return api([&] { return push_current(ctx); });
}
CUDASIM_API CUresult cuCtxPushCurrent_v2(CUcontext ctx) {
  return api([&] { return push_current(ctx); });
}
CUDASIM_API CUresult cuCtxPopCurrent(CUcontext* pctx) {
  return api([&] { return pop_current(pctx); });
}
CUDASIM_API CUresult cuCtxPopCurrent_v2(CUcontext* pctx) {
  return api([&] { return pop_current(pctx); });
}

CUDASIM_API CUresult cuCtxGetDevice(CUdevice* device) {
  return api([&] {
    Driver* d = nullptr;
    Context* ctx = nullptr;
    if (CUresult rc = get_context(&d, &ctx); rc != CUDA_SUCCESS) return rc;
    return ctx_get_device(device, ctx);
  });
}

CUDASIM_API CUresult cuCtxGetDevice_v2(CUdevice* device, CUcontext h) {
  return api([&] {
    Driver* d = nullptr;
    Context* ctx = nullptr;
    if (CUresult rc = named_or_current(h, &d, &ctx); rc != CUDA_SUCCESS) return rc;
    return ctx_get_device(device, ctx);
  });
}

CUDASIM_API CUresult cuCtxSynchronize(void) {
  return api([&] {
    Driver* d = nullptr;
    Context* ctx = nullptr;
    if (CUresult rc = get_context(&d, &ctx); rc != CUDA_SUCCESS) return rc;
    return ctx_synchronize(ctx);
  });
}

CUDASIM_API CUresult cuCtxSynchronize_v2(CUcontext h) {
  return api([&] {
    Driver* d = nullptr;
    Context* ctx = nullptr;
    if (CUresult rc = named_or_current(h, &d, &ctx); rc != CUDA_SUCCESS) return rc;
    return ctx_synchronize(ctx);
  });
}

CUDASIM_API CUresult cuCtxGetFlags(unsigned int* flags) {
  return api([&] {
    Driver* d = nullptr;
    Context* ctx = nullptr;
    if (CUresult rc = get_context(&d, &ctx); rc != CUDA_SUCCESS) return rc;
    if (flags == nullptr) return CUDA_ERROR_INVALID_VALUE;
    *flags = ctx->flags();
    return CUDA_SUCCESS;
  });
}

CUDASIM_API CUresult cuCtxSetFlags(unsigned int flags) {
  return api([&] {
    Driver* d = nullptr;
    Context* ctx = nullptr;
    if (CUresult rc = get_context(&d, &ctx); rc != CUDA_SUCCESS) return rc;
    ctx->set_flags(flags);
    return CUDA_SUCCESS;
  });
}

CUDASIM_API CUresult cuCtxGetId(CUcontext h, unsigned long long* ctxId) {
  return api([&] {
    Driver* d = nullptr;
    Context* ctx = nullptr;
    if (CUresult rc = named_or_current(h, &d, &ctx); rc != CUDA_SUCCESS) return rc;
    if (ctxId == nullptr) return CUDA_ERROR_INVALID_VALUE;
    *ctxId = ctx->id();
    return CUDA_SUCCESS;
  });
}

CUDASIM_API CUresult cuCtxGetApiVersion(CUcontext h, unsigned int* version) {
  return api([&] {
    Driver* d = nullptr;
    Context* ctx = nullptr;
    if (CUresult rc = named_or_current(h, &d, &ctx); rc != CUDA_SUCCESS) return rc;
    if (version == nullptr) return CUDA_ERROR_INVALID_VALUE;
    *version = 3020;
    return CUDA_SUCCESS;
  });
}

CUDASIM_API CUresult cuCtxGetStreamPriorityRange(int* leastPriority, int* greatestPriority) {
  return api([&] {
    Driver* d = nullptr;
    Context* ctx = nullptr;
    if (CUresult rc = get_context(&d, &ctx); rc != CUDA_SUCCESS) return rc;
    if (leastPriority != nullptr) *leastPriority = 0;
    if (greatestPriority != nullptr) *greatestPriority = -5;
    return CUDA_SUCCESS;
  });
}

CUDASIM_API CUresult cuCtxGetLimit(size_t* pvalue, CUlimit limit) {
  return api([&] {
    Driver* d = nullptr;
    Context* ctx = nullptr;
    if (CUresult rc = get_context(&d, &ctx); rc != CUDA_SUCCESS) return rc;
    if (pvalue == nullptr) return CUDA_ERROR_INVALID_VALUE;
    switch (enum_value(limit)) {
      case CU_LIMIT_STACK_SIZE:
        *pvalue = 1024;
        break;
      case CU_LIMIT_PRINTF_FIFO_SIZE:
        *pvalue = 1 << 20;
        break;
      case CU_LIMIT_MALLOC_HEAP_SIZE:
        *pvalue = 8 << 20;
        break;
      case CU_LIMIT_DEV_RUNTIME_PENDING_LAUNCH_COUNT:
        *pvalue = 2048;
        break;
      case CU_LIMIT_MAX_L2_FETCH_GRANULARITY:
        *pvalue = 64;
        break;
      case CU_LIMIT_PERSISTING_L2_CACHE_SIZE:
        *pvalue = 0;
        break;
      default:
        return CUDA_ERROR_UNSUPPORTED_LIMIT;
    }
    return CUDA_SUCCESS;
  });
}

CUDASIM_API CUresult cuCtxSetLimit(CUlimit limit, size_t value) {
  return api([&] {
    Driver* d = nullptr;
    Context* ctx = nullptr;
    if (CUresult rc = get_context(&d, &ctx); rc != CUDA_SUCCESS) return rc;
    (void)value;
    return enum_value(limit) >= CU_LIMIT_STACK_SIZE && enum_value(limit) < CU_LIMIT_MAX
               ? CUDA_SUCCESS
               : CUDA_ERROR_UNSUPPORTED_LIMIT;
  });
}

CUDASIM_API CUresult cuCtxEnablePeerAccess(CUcontext peerContext, unsigned int Flags) {
  return api([&] {
    Driver* d = nullptr;
    Context* ctx = nullptr;
    if (CUresult rc = get_context(&d, &ctx); rc != CUDA_SUCCESS) return rc;
    Context* peer = d->context(peerContext);
    if (peer == nullptr) return CUDA_ERROR_INVALID_HANDLE;
    if (Flags != 0) return CUDA_ERROR_INVALID_VALUE;
    if (peer->device() == ctx->device()) return CUDA_ERROR_INVALID_DEVICE;
    return CUDA_SUCCESS;
  });
}

CUDASIM_API CUresult cuCtxDisablePeerAccess(CUcontext peerContext) {
  return api([&] {
    Driver* d = nullptr;
    Context* ctx = nullptr;
    if (CUresult rc = get_context(&d, &ctx); rc != CUDA_SUCCESS) return rc;
    return d->context(peerContext) != nullptr ? CUDA_SUCCESS : CUDA_ERROR_INVALID_HANDLE;
  });
}

CUDASIM_API CUresult cuCtxGetCacheConfig(CUfunc_cache* pconfig) {
  return api([&] {
    Driver* d = nullptr;
    Context* ctx = nullptr;
    if (CUresult rc = get_context(&d, &ctx); rc != CUDA_SUCCESS) return rc;
    if (pconfig == nullptr) return CUDA_ERROR_INVALID_VALUE;
    *pconfig = CU_FUNC_CACHE_PREFER_NONE;
    return CUDA_SUCCESS;
  });
}

CUDASIM_API CUresult cuCtxSetCacheConfig(CUfunc_cache config) {
  return api([&] {
    Driver* d = nullptr;
    Context* ctx = nullptr;
    if (CUresult rc = get_context(&d, &ctx); rc != CUDA_SUCCESS) return rc;
    const int c = enum_value(config);
    // A preference only: accepted and without effect, as on devices without
    // a configurable L1/shared split.
    return c >= CU_FUNC_CACHE_PREFER_NONE && c <= CU_FUNC_CACHE_PREFER_EQUAL
               ? CUDA_SUCCESS
               : CUDA_ERROR_INVALID_VALUE;
  });
}

CUDASIM_API CUresult cuDeviceGetP2PAttribute(int* value, CUdevice_P2PAttribute attrib,
                                             CUdevice srcDevice, CUdevice dstDevice) {
  return api([&] {
    Driver* d = nullptr;
    Device* a = nullptr;
    Device* b = nullptr;
    if (CUresult rc = get_device(srcDevice, &d, &a); rc != CUDA_SUCCESS) return rc;
    if (CUresult rc = get_device(dstDevice, &d, &b); rc != CUDA_SUCCESS) return rc;
    if (value == nullptr || srcDevice == dstDevice) return CUDA_ERROR_INVALID_DEVICE;
    switch (enum_value(attrib)) {
      case CU_DEVICE_P2P_ATTRIBUTE_PERFORMANCE_RANK:
        *value = 0;
        break;
      case CU_DEVICE_P2P_ATTRIBUTE_ACCESS_SUPPORTED:
        *value = 1;
        break;
      case CU_DEVICE_P2P_ATTRIBUTE_NATIVE_ATOMIC_SUPPORTED:
        *value = 0;
        break;
      case CU_DEVICE_P2P_ATTRIBUTE_CUDA_ARRAY_ACCESS_SUPPORTED:
        *value = 0;
        break;
      default:
        return CUDA_ERROR_INVALID_VALUE;
    }
    return CUDA_SUCCESS;
  });
}
