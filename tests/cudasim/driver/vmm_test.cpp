// Virtual memory management: reserve, create, map, access, unmap, release.
#include <cstring>

#include "driver_test_util.h"

using namespace cudasim_test;

namespace {

constexpr size_t kGran = 2 << 20;

CUmemAllocationProp prop_for(int dev) {
  CUmemAllocationProp prop{};
  prop.type = CU_MEM_ALLOCATION_TYPE_PINNED;
  prop.location.type = CU_MEM_LOCATION_TYPE_DEVICE;
  prop.location.id = dev;
  return prop;
}

CUmemAccessDesc rw(int dev, CUmemAccess_flags f = CU_MEM_ACCESS_FLAGS_PROT_READWRITE) {
  CUmemAccessDesc d{};
  d.location.type = CU_MEM_LOCATION_TYPE_DEVICE;
  d.location.id = dev;
  d.flags = f;
  return d;
}

}  // namespace

using Vmm = DriverTest;

TEST_F(Vmm, Granularity) {
  CUmemAllocationProp prop = prop_for(0);
  size_t g = 0;
  ASSERT_CU(cuMemGetAllocationGranularity(&g, &prop, CU_MEM_ALLOC_GRANULARITY_MINIMUM));
  EXPECT_EQ(g, kGran);
  ASSERT_CU(cuMemGetAllocationGranularity(&g, &prop, CU_MEM_ALLOC_GRANULARITY_RECOMMENDED));
  EXPECT_EQ(g, kGran);
  prop.location.id = 5;
  EXPECT_EQ(cuMemGetAllocationGranularity(&g, &prop, CU_MEM_ALLOC_GRANULARITY_MINIMUM),
            CUDA_ERROR_INVALID_DEVICE);
}

TEST_F(Vmm, ReserveMapAccessUnmap) {
  CUdeviceptr va = 0;
  ASSERT_CU(cuMemAddressReserve(&va, 8 * kGran, 0, 0, 0));
  EXPECT_EQ(va % kGran, 0u);
  CUmemAllocationProp prop = prop_for(0);
  CUmemGenericAllocationHandle h = 0;
  size_t free0 = 0, free1 = 0, total = 0;
  ASSERT_CU(cuMemGetInfo(&free0, &total));
  ASSERT_CU(cuMemCreate(&h, 2 * kGran, &prop, 0));
  ASSERT_CU(cuMemGetInfo(&free1, &total));
  EXPECT_EQ(free0 - free1, 2 * kGran);

  EXPECT_EQ(cuMemMap(va + 4096, 2 * kGran, 0, h, 0),
            CUDA_ERROR_INVALID_VALUE);                                        // misaligned address
  EXPECT_EQ(cuMemMap(va, kGran + 4096, 0, h, 0), CUDA_ERROR_INVALID_VALUE);   // misaligned size
  EXPECT_EQ(cuMemMap(va, 2 * kGran, kGran, h, 0), CUDA_ERROR_INVALID_VALUE);  // beyond the handle
  EXPECT_EQ(cuMemMap(va, 2 * kGran, 0, h + 1, 0), CUDA_ERROR_INVALID_VALUE);  // unknown handle
  ASSERT_CU(cuMemMap(va, 2 * kGran, 0, h, 0));
  EXPECT_EQ(cuMemMap(va + kGran, 2 * kGran, 0, h, 0),
            CUDA_ERROR_INVALID_VALUE);  // overlaps a mapping

  unsigned long long flags = 99;
  CUmemLocation loc{CU_MEM_LOCATION_TYPE_DEVICE, 0};
  ASSERT_CU(cuMemGetAccess(&flags, &loc, va));
  EXPECT_EQ(flags, static_cast<unsigned long long>(CU_MEM_ACCESS_FLAGS_PROT_NONE));
  CUmemAccessDesc desc = rw(0);
  EXPECT_EQ(cuMemSetAccess(va, 4 * kGran, &desc, 1), CUDA_ERROR_INVALID_VALUE);  // not all mapped
  ASSERT_CU(cuMemSetAccess(va, 2 * kGran, &desc, 1));
  ASSERT_CU(cuMemGetAccess(&flags, &loc, va + kGran));
  EXPECT_EQ(flags, static_cast<unsigned long long>(CU_MEM_ACCESS_FLAGS_PROT_READWRITE));

  // Contents are visible through the mapping.
  std::vector<int> in(1024, 5), out(1024, 0);
  ASSERT_CU(cuMemcpyHtoD(va + kGran, in.data(), 4096));
  ASSERT_CU(cuMemcpyDtoH(out.data(), va + kGran, 4096));
  EXPECT_EQ(out, in);

  // The handle can be released while mapped: the memory stays until unmapped.
  ASSERT_CU(cuMemRelease(h));
  EXPECT_EQ(cuMemRelease(h), CUDA_ERROR_INVALID_VALUE);
  ASSERT_CU(cuMemcpyDtoH(out.data(), va + kGran, 4096));
  EXPECT_EQ(out, in);
  ASSERT_CU(cuMemGetInfo(&free1, &total));
  EXPECT_EQ(free0 - free1, 2 * kGran);

  EXPECT_EQ(cuMemUnmap(va, kGran), CUDA_ERROR_INVALID_VALUE);              // part of a mapping
  EXPECT_EQ(cuMemUnmap(va + 2 * kGran, kGran), CUDA_ERROR_INVALID_VALUE);  // nothing mapped
  EXPECT_EQ(cuMemAddressFree(va, 8 * kGran), CUDA_ERROR_INVALID_VALUE);    // still mapped
  ASSERT_CU(cuMemUnmap(va, 2 * kGran));
  ASSERT_CU(cuMemGetInfo(&free1, &total));
  EXPECT_EQ(free1, free0);
  EXPECT_EQ(cuMemUnmap(va, 2 * kGran), CUDA_ERROR_INVALID_VALUE);
  EXPECT_EQ(cuMemAddressFree(va, 4 * kGran), CUDA_ERROR_INVALID_VALUE);  // wrong size
  ASSERT_CU(cuMemAddressFree(va, 8 * kGran));
  EXPECT_EQ(cuMemAddressFree(va, 8 * kGran), CUDA_ERROR_INVALID_VALUE);
}

TEST_F(Vmm, ErrorsAndCapacity) {
  CUdeviceptr va = 0;
  EXPECT_EQ(cuMemAddressReserve(&va, kGran + 1, 0, 0, 0), CUDA_ERROR_INVALID_VALUE);
  CUmemAllocationProp prop = prop_for(0);
  CUmemGenericAllocationHandle h = 0;
  EXPECT_EQ(cuMemCreate(&h, kGran / 2, &prop, 0), CUDA_ERROR_INVALID_VALUE);
  EXPECT_EQ(cuMemCreate(&h, 512ull << 20, &prop, 0), CUDA_ERROR_OUT_OF_MEMORY);
  prop.location.id = 9;
  EXPECT_EQ(cuMemCreate(&h, kGran, &prop, 0), CUDA_ERROR_INVALID_DEVICE);
  EXPECT_EQ(cuMemRelease(0xdead), CUDA_ERROR_INVALID_VALUE);
  // Large reservations (gpuswap reserves arenas of up to about a TiB).
  ASSERT_CU(cuMemAddressReserve(&va, 1ull << 40, 0, 0, 0));
  ASSERT_CU(cuMemAddressFree(va, 1ull << 40));
}

TEST_F(Vmm, ReadOnlyAccessAndRetainHandle) {
  CUdeviceptr va = 0;
  ASSERT_CU(cuMemAddressReserve(&va, kGran, 0, 0, 0));
  CUmemAllocationProp prop = prop_for(1);
  CUmemGenericAllocationHandle h = 0, h2 = 0;
  ASSERT_CU(cuMemCreate(&h, kGran, &prop, 0));
  ASSERT_CU(cuMemMap(va, kGran, 0, h, 0));
  CUmemAccessDesc desc = rw(0, CU_MEM_ACCESS_FLAGS_PROT_READ);
  ASSERT_CU(cuMemSetAccess(va, kGran, &desc, 1));
  ASSERT_CU(cuMemRetainAllocationHandle(&h2, reinterpret_cast<void*>(va)));
  EXPECT_EQ(h2, h);
  CUmemAllocationProp back{};
  ASSERT_CU(cuMemGetAllocationPropertiesFromHandle(&back, h));
  EXPECT_EQ(back.location.id, 1);
  int ordinal = -1;
  ASSERT_CU(cuPointerGetAttribute(&ordinal, CU_POINTER_ATTRIBUTE_DEVICE_ORDINAL, va));
  EXPECT_EQ(ordinal, 1);
  ASSERT_CU(cuMemRelease(h2));
  ASSERT_CU(cuMemRelease(h));
  ASSERT_CU(cuMemUnmap(va, kGran));
  ASSERT_CU(cuMemAddressFree(va, kGran));
}
