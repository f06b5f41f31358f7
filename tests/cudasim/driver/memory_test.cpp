// cuMemAlloc and friends: capacity, errors, pinned host memory, attributes.
#include <dlfcn.h>

#include <vector>

#include "driver_test_util.h"

using namespace cudasim_test;

using Memory = DriverTest;

TEST_F(Memory, AllocFreeAndInfo) {
  size_t free0 = 0, total = 0;
  ASSERT_CU(cuMemGetInfo(&free0, &total));
  EXPECT_EQ(total, 256u << 20);
  CUdeviceptr p = 0;
  ASSERT_CU(cuMemAlloc(&p, 64 << 20));
  EXPECT_NE(p, 0u);
  size_t free1 = 0;
  ASSERT_CU(cuMemGetInfo(&free1, &total));
  EXPECT_EQ(free0 - free1, 64u << 20);
  CUdeviceptr base = 0;
  size_t size = 0;
  ASSERT_CU(cuMemGetAddressRange(&base, &size, p + 12345));
  EXPECT_EQ(base, p);
  EXPECT_EQ(size, 64u << 20);
  EXPECT_EQ(cuMemFree(p + 16), CUDA_ERROR_INVALID_VALUE);  // interior pointer
  ASSERT_CU(cuMemFree(p));
  EXPECT_EQ(cuMemFree(p), CUDA_ERROR_INVALID_VALUE);  // double free
  ASSERT_CU(cuMemGetInfo(&free1, &total));
  EXPECT_EQ(free1, free0);
  EXPECT_EQ(cuMemAlloc(&p, 0), CUDA_ERROR_INVALID_VALUE);
  int host = 0;
  EXPECT_EQ(cuMemFree(reinterpret_cast<CUdeviceptr>(&host)), CUDA_ERROR_INVALID_VALUE);
}

TEST_F(Memory, OutOfMemoryAtCapacity) {
  CUdeviceptr a = 0, b = 0, c = 0;
  ASSERT_CU(cuMemAlloc(&a, 200 << 20));
  EXPECT_EQ(cuMemAlloc(&b, 100 << 20), CUDA_ERROR_OUT_OF_MEMORY);
  ASSERT_CU(cuMemAlloc(&b, 50 << 20));
  ASSERT_CU(cuMemFree(a));
  ASSERT_CU(cuMemAlloc(&c, 150 << 20));
  ASSERT_CU(cuMemFree(b));
  ASSERT_CU(cuMemFree(c));
  EXPECT_EQ(cuMemAlloc(&a, size_t{1} << 40), CUDA_ERROR_OUT_OF_MEMORY);
}

TEST_F(Memory, AllocPitch) {
  CUdeviceptr p = 0;
  size_t pitch = 0;
  ASSERT_CU(cuMemAllocPitch(&p, &pitch, 1000, 10, 4));
  EXPECT_GE(pitch, 1000u);
  EXPECT_EQ(pitch % 512, 0u);
  ASSERT_CU(cuMemFree(p));
  EXPECT_EQ(cuMemAllocPitch(&p, &pitch, 1000, 10, 3), CUDA_ERROR_INVALID_VALUE);
}

TEST_F(Memory, PinnedHostAndPointerAttributes) {
  void* h = nullptr;
  ASSERT_CU(cuMemAllocHost(&h, 1 << 20));
  unsigned type = 0;
  ASSERT_CU(cuPointerGetAttribute(&type, CU_POINTER_ATTRIBUTE_MEMORY_TYPE,
                                  reinterpret_cast<CUdeviceptr>(h)));
  EXPECT_EQ(type, static_cast<unsigned>(CU_MEMORYTYPE_HOST));
  CUdeviceptr dp = 0;
  ASSERT_CU(cuMemHostGetDevicePointer(&dp, h, 0));
  EXPECT_EQ(dp, reinterpret_cast<CUdeviceptr>(h));

  CUdeviceptr d = 0;
  ASSERT_CU(cuMemAlloc(&d, 3 << 20));
  ASSERT_CU(cuPointerGetAttribute(&type, CU_POINTER_ATTRIBUTE_MEMORY_TYPE, d + 100));
  EXPECT_EQ(type, static_cast<unsigned>(CU_MEMORYTYPE_DEVICE));
  CUcontext c = nullptr;
  ASSERT_CU(cuPointerGetAttribute(&c, CU_POINTER_ATTRIBUTE_CONTEXT, d));
  EXPECT_EQ(c, ctx_);
  int ordinal = -1;
  ASSERT_CU(cuPointerGetAttribute(&ordinal, CU_POINTER_ATTRIBUTE_DEVICE_ORDINAL, d));
  EXPECT_EQ(ordinal, 0);
  CUdeviceptr start = 0;
  size_t size = 0;
  ASSERT_CU(cuPointerGetAttribute(&start, CU_POINTER_ATTRIBUTE_RANGE_START_ADDR, d + 5000));
  ASSERT_CU(cuPointerGetAttribute(&size, CU_POINTER_ATTRIBUTE_RANGE_SIZE, d + 5000));
  EXPECT_EQ(start, d);
  EXPECT_EQ(size, 3u << 20);
  int managed = 1;
  ASSERT_CU(cuPointerGetAttribute(&managed, CU_POINTER_ATTRIBUTE_IS_MANAGED, d));
  EXPECT_EQ(managed, 0);
  unsigned long long id1 = 0, id2 = 0;
  CUdeviceptr d2 = 0;
  ASSERT_CU(cuMemAlloc(&d2, 4096));
  ASSERT_CU(cuPointerGetAttribute(&id1, CU_POINTER_ATTRIBUTE_BUFFER_ID, d));
  ASSERT_CU(cuPointerGetAttribute(&id2, CU_POINTER_ATTRIBUTE_BUFFER_ID, d2));
  EXPECT_NE(id1, id2);

  // Several at once; unknown pointers are not an error there.
  CUpointer_attribute attrs[2] = {CU_POINTER_ATTRIBUTE_MEMORY_TYPE,
                                  CU_POINTER_ATTRIBUTE_DEVICE_ORDINAL};
  unsigned t = 99;
  int o = 99;
  void* data[2] = {&t, &o};
  ASSERT_CU(cuPointerGetAttributes(2, attrs, data, d2));
  EXPECT_EQ(t, static_cast<unsigned>(CU_MEMORYTYPE_DEVICE));
  EXPECT_EQ(o, 0);
  int stack = 0;
  ASSERT_CU(cuPointerGetAttributes(2, attrs, data, reinterpret_cast<CUdeviceptr>(&stack)));
  EXPECT_EQ(t, 0u);
  EXPECT_EQ(cuPointerGetAttribute(&type, CU_POINTER_ATTRIBUTE_MEMORY_TYPE,
                                  reinterpret_cast<CUdeviceptr>(&stack)),
            CUDA_ERROR_INVALID_VALUE);
  ASSERT_CU(cuMemFree(d));
  EXPECT_EQ(cuPointerGetAttribute(&type, CU_POINTER_ATTRIBUTE_MEMORY_TYPE, d),
            CUDA_ERROR_INVALID_VALUE);
  ASSERT_CU(cuMemFree(d2));
  EXPECT_EQ(cuMemFreeHost(static_cast<char*>(h) + 8), CUDA_ERROR_INVALID_VALUE);
  ASSERT_CU(cuMemFreeHost(h));
  EXPECT_EQ(cuMemFreeHost(h), CUDA_ERROR_INVALID_VALUE);
}

TEST_F(Memory, HostRegister) {
  std::vector<char> buf(1 << 16);
  ASSERT_CU(cuMemHostRegister(buf.data(), buf.size(), 0));
  EXPECT_EQ(cuMemHostRegister(buf.data() + 100, 10, 0), CUDA_ERROR_HOST_MEMORY_ALREADY_REGISTERED);
  unsigned type = 0;
  ASSERT_CU(cuPointerGetAttribute(&type, CU_POINTER_ATTRIBUTE_MEMORY_TYPE,
                                  reinterpret_cast<CUdeviceptr>(buf.data() + 10)));
  EXPECT_EQ(type, static_cast<unsigned>(CU_MEMORYTYPE_HOST));
  EXPECT_EQ(cuMemHostUnregister(buf.data() + 1), CUDA_ERROR_HOST_MEMORY_NOT_REGISTERED);
  ASSERT_CU(cuMemHostUnregister(buf.data()));
  EXPECT_EQ(cuMemHostUnregister(buf.data()), CUDA_ERROR_HOST_MEMORY_NOT_REGISTERED);
}

TEST_F(Memory, ManagedIsHostAccessible) {
  CUdeviceptr m = 0;
  ASSERT_CU(cuMemAllocManaged(&m, 4096, CU_MEM_ATTACH_GLOBAL));
  reinterpret_cast<int*>(m)[3] = 42;
  int managed = 0;
  ASSERT_CU(cuPointerGetAttribute(&managed, CU_POINTER_ATTRIBUTE_IS_MANAGED, m));
  EXPECT_EQ(managed, 1);
  int out = 0;
  ASSERT_CU(cuMemcpyDtoH(&out, m + 12, 4));
  EXPECT_EQ(out, 42);
  ASSERT_CU(cuMemFree(m));
}

TEST_F(Memory, StreamOrderedAllocFree) {
  CUstream s = nullptr;
  ASSERT_CU(cuStreamCreate(&s, 0));
  size_t free0 = 0, free1 = 0, total = 0;
  ASSERT_CU(cuMemGetInfo(&free0, &total));
  CUdeviceptr p = 0;
  ASSERT_CU(cuMemAllocAsync(&p, 8 << 20, s));
  ASSERT_CU(cuMemsetD32Async(p, 7, 1024, s));
  ASSERT_CU(cuMemFreeAsync(p, s));
  ASSERT_CU(cuStreamSynchronize(s));
  ASSERT_CU(cuMemGetInfo(&free1, &total));
  EXPECT_EQ(free1, free0);
  unsigned type = 0;
  EXPECT_EQ(cuPointerGetAttribute(&type, CU_POINTER_ATTRIBUTE_MEMORY_TYPE, p),
            CUDA_ERROR_INVALID_VALUE);
  ASSERT_CU(cuStreamDestroy(s));
}

TEST_F(Memory, LegacyAbiCannotReturnDeviceAddresses) {
  // The pre-3.2 cuMemAlloc returns a 32-bit pointer; device addresses do not
  // fit, so it fails without leaking the allocation.
  using V1Alloc = CUresult (*)(unsigned int*, unsigned int);
  auto v1 = reinterpret_cast<V1Alloc>(dlsym(RTLD_DEFAULT, "cuMemAlloc"));
  ASSERT_NE(v1, nullptr);
  size_t free0 = 0, free1 = 0, total = 0;
  ASSERT_CU(cuMemGetInfo(&free0, &total));
  unsigned int p = 0;
  EXPECT_EQ(v1(&p, 1 << 20), CUDA_ERROR_NOT_SUPPORTED);
  ASSERT_CU(cuMemGetInfo(&free1, &total));
  EXPECT_EQ(free1, free0);
}

TEST_F(Memory, EachDeviceHasItsOwnCapacity) {
  CUcontext other = nullptr;
  ASSERT_CU(cuCtxCreate(&other, nullptr, 0, 1));
  CUdeviceptr on1 = 0;
  ASSERT_CU(cuMemAlloc(&on1, 200 << 20));
  size_t free1 = 0, total = 0;
  ASSERT_CU(cuMemGetInfo(&free1, &total));
  EXPECT_EQ(free1, total - (200u << 20));
  ASSERT_CU(cuCtxSetCurrent(ctx_));
  size_t free0 = 0;
  ASSERT_CU(cuMemGetInfo(&free0, &total));
  EXPECT_EQ(free0, total);
  CUdeviceptr on0 = 0;
  ASSERT_CU(cuMemAlloc(&on0, 200 << 20));
  int ordinal = -1;
  ASSERT_CU(cuPointerGetAttribute(&ordinal, CU_POINTER_ATTRIBUTE_DEVICE_ORDINAL, on1));
  EXPECT_EQ(ordinal, 1);
  ASSERT_CU(cuMemFree(on0));
  ASSERT_CU(cuCtxDestroy(other));  // frees what it allocated
  ASSERT_CU(cuCtxSetCurrent(ctx_));
  ASSERT_CU(cuCtxCreate(&other, nullptr, 0, 1));
  ASSERT_CU(cuMemGetInfo(&free1, &total));
  EXPECT_EQ(free1, total);
  ASSERT_CU(cuCtxDestroy(other));
  ASSERT_CU(cuCtxSetCurrent(ctx_));
}

TEST_F(Memory, ManagedHintsCheckTheirArguments) {
  CUdeviceptr m = 0, plain = 0;
  ASSERT_CU(cuMemAllocManaged(&m, 1 << 20, CU_MEM_ATTACH_GLOBAL));
  ASSERT_CU(cuMemAlloc(&plain, 1 << 20));
  CUmemLocation dev0{CU_MEM_LOCATION_TYPE_DEVICE, 0};
  CUmemLocation host{CU_MEM_LOCATION_TYPE_HOST, 0};
  CUmemLocation dev9{CU_MEM_LOCATION_TYPE_DEVICE, 9};
  EXPECT_CU(cuMemPrefetchAsync(m, 1 << 20, dev0, 0, nullptr));
  EXPECT_CU(cuMemPrefetchAsync(m + 4096, 4096, host, 0, nullptr));
  EXPECT_EQ(cuMemPrefetchAsync(m, 2 << 20, dev0, 0, nullptr),
            CUDA_ERROR_INVALID_VALUE);  // past the end
  EXPECT_EQ(cuMemPrefetchAsync(plain, 4096, dev0, 0, nullptr),
            CUDA_ERROR_INVALID_VALUE);  // not managed
  EXPECT_EQ(cuMemPrefetchAsync(m, 4096, dev9, 0, nullptr), CUDA_ERROR_INVALID_DEVICE);
  EXPECT_CU(cuMemAdvise(m, 4096, CU_MEM_ADVISE_SET_PREFERRED_LOCATION, dev0));
  EXPECT_EQ(cuMemAdvise(m, 4096, static_cast<CUmem_advise>(42), dev0), CUDA_ERROR_INVALID_VALUE);
  ASSERT_CU(cuMemFree(m));
  ASSERT_CU(cuMemFree(plain));
}

TEST_F(Memory, PoolsCountTheirAllocations) {
  CUmemoryPool def = nullptr, cur = nullptr;
  ASSERT_CU(cuDeviceGetDefaultMemPool(&def, 0));
  ASSERT_CU(cuDeviceGetMemPool(&cur, 0));
  EXPECT_EQ(def, cur);
  CUmemPoolProps props{};
  props.allocType = CU_MEM_ALLOCATION_TYPE_PINNED;
  props.location.type = CU_MEM_LOCATION_TYPE_DEVICE;
  props.location.id = 0;
  CUmemoryPool mine = nullptr;
  ASSERT_CU(cuMemPoolCreate(&mine, &props));
  cuuint64_t threshold = 1 << 20, v = 0;
  ASSERT_CU(cuMemPoolSetAttribute(mine, CU_MEMPOOL_ATTR_RELEASE_THRESHOLD, &threshold));
  ASSERT_CU(cuMemPoolGetAttribute(mine, CU_MEMPOOL_ATTR_RELEASE_THRESHOLD, &v));
  EXPECT_EQ(v, threshold);

  CUstream s = nullptr;
  ASSERT_CU(cuStreamCreate(&s, 0));
  CUdeviceptr a = 0, b = 0;
  ASSERT_CU(cuMemAllocFromPoolAsync(&a, 3 << 20, mine, s));
  ASSERT_CU(cuMemAllocFromPoolAsync(&b, 1 << 20, mine, s));
  ASSERT_CU(cuMemPoolGetAttribute(mine, CU_MEMPOOL_ATTR_USED_MEM_CURRENT, &v));
  EXPECT_EQ(v, 4u << 20);
  ASSERT_CU(cuMemFreeAsync(a, s));
  ASSERT_CU(cuStreamSynchronize(s));
  ASSERT_CU(cuMemPoolGetAttribute(mine, CU_MEMPOOL_ATTR_USED_MEM_CURRENT, &v));
  EXPECT_EQ(v, 1u << 20);
  ASSERT_CU(cuMemPoolGetAttribute(mine, CU_MEMPOOL_ATTR_USED_MEM_HIGH, &v));
  EXPECT_EQ(v, 4u << 20);
  ASSERT_CU(cuMemFree(b));  // a synchronous free counts too
  ASSERT_CU(cuMemPoolGetAttribute(mine, CU_MEMPOOL_ATTR_USED_MEM_CURRENT, &v));
  EXPECT_EQ(v, 0u);
  cuuint64_t zero = 0, one = 1;
  ASSERT_CU(cuMemPoolSetAttribute(mine, CU_MEMPOOL_ATTR_USED_MEM_HIGH, &zero));
  ASSERT_CU(cuMemPoolGetAttribute(mine, CU_MEMPOOL_ATTR_USED_MEM_HIGH, &v));
  EXPECT_EQ(v, 0u);
  EXPECT_EQ(cuMemPoolSetAttribute(mine, CU_MEMPOOL_ATTR_USED_MEM_HIGH, &one),
            CUDA_ERROR_INVALID_VALUE);
  EXPECT_EQ(cuMemPoolSetAttribute(mine, CU_MEMPOOL_ATTR_USED_MEM_CURRENT, &zero),
            CUDA_ERROR_INVALID_VALUE);

  // cuMemAllocAsync uses the device's current pool.
  ASSERT_CU(cuDeviceSetMemPool(0, mine));
  ASSERT_CU(cuMemAllocAsync(&a, 2 << 20, s));
  ASSERT_CU(cuMemPoolGetAttribute(mine, CU_MEMPOOL_ATTR_USED_MEM_CURRENT, &v));
  EXPECT_EQ(v, 2u << 20);
  ASSERT_CU(cuMemFreeAsync(a, s));
  ASSERT_CU(cuStreamSynchronize(s));
  EXPECT_EQ(cuMemPoolDestroy(def), CUDA_ERROR_INVALID_VALUE);  // the default pool stays
  ASSERT_CU(cuMemPoolDestroy(mine));
  ASSERT_CU(cuDeviceGetMemPool(&cur, 0));
  EXPECT_EQ(cur, def);
  EXPECT_EQ(cuMemPoolTrimTo(mine, 0), CUDA_ERROR_INVALID_VALUE);
  ASSERT_CU(cuStreamDestroy(s));
}
