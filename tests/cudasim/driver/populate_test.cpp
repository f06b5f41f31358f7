// Granting read-write access faults the mapping's pages in at once (so that
// the first copy into fresh pages does not fault page by page), without
// changing what they hold; read-only access populates nothing.
#include <sys/mman.h>
#include <unistd.h>

#include <cstdint>
#include <vector>

#include "driver_test_util.h"

using namespace cudasim_test;

namespace {

constexpr size_t kGran = 2 << 20;

CUmemAccessDesc access(CUmemAccess_flags flags) {
  CUmemAccessDesc d{};
  d.location.type = CU_MEM_LOCATION_TYPE_DEVICE;
  d.location.id = 0;
  d.flags = flags;
  return d;
}

// Pages of [p, p + bytes) that are in memory.
size_t resident_pages(CUdeviceptr p, size_t bytes) {
  const size_t page = static_cast<size_t>(sysconf(_SC_PAGESIZE));
  std::vector<unsigned char> in_core(bytes / page);
  if (mincore(reinterpret_cast<void*>(p), bytes, in_core.data()) != 0) return 0;
  size_t n = 0;
  for (unsigned char c : in_core) n += c & 1;
  return n;
}

// Whether this kernel can populate a writable mapping (Linux 5.14 and later).
bool kernel_populates() {
#ifdef MADV_POPULATE_WRITE
  const size_t page = static_cast<size_t>(sysconf(_SC_PAGESIZE));
  void* probe = mmap(nullptr, page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (probe == MAP_FAILED) return false;
  const bool ok = madvise(probe, page, MADV_POPULATE_WRITE) == 0;
  munmap(probe, page);
  return ok;
#else
  return false;
#endif
}

}  // namespace

using Populate = DriverTest;

TEST_F(Populate, ReadWriteAccessFaultsPagesInAndKeepsContents) {
  const size_t page = static_cast<size_t>(sysconf(_SC_PAGESIZE));
  CUmemAllocationProp prop{};
  prop.type = CU_MEM_ALLOCATION_TYPE_PINNED;
  prop.location.type = CU_MEM_LOCATION_TYPE_DEVICE;
  prop.location.id = 0;
  CUmemGenericAllocationHandle h = 0;
  ASSERT_CU(cuMemCreate(&h, 2 * kGran, &prop, 0));
  CUdeviceptr a = 0, b = 0;
  ASSERT_CU(cuMemAddressReserve(&a, 2 * kGran, 0, 0, 0));
  ASSERT_CU(cuMemAddressReserve(&b, 2 * kGran, 0, 0, 0));

  // Fresh memory, mapped read-only: nothing is faulted in by the grant.
  ASSERT_CU(cuMemMap(a, 2 * kGran, 0, h, 0));
  const CUmemAccessDesc ro = access(CU_MEM_ACCESS_FLAGS_PROT_READ);
  ASSERT_CU(cuMemSetAccess(a, 2 * kGran, &ro, 1));
  EXPECT_EQ(resident_pages(a, 2 * kGran), 0u);

  // Read-write on the second granule only: its pages, and only those, are in.
  const CUmemAccessDesc rw = access(CU_MEM_ACCESS_FLAGS_PROT_READWRITE);
  ASSERT_CU(cuMemSetAccess(a + kGran, kGran, &rw, 1));
  if (kernel_populates()) {
    EXPECT_EQ(resident_pages(a + kGran, kGran), kGran / page);
    EXPECT_EQ(resident_pages(a, kGran), 0u);
  }
  auto* words = reinterpret_cast<std::uint32_t*>(a + kGran);
  for (size_t i = 0; i < kGran / 4; ++i) ASSERT_EQ(words[i], 0u) << i;  // fresh memory reads 0
  for (size_t i = 0; i < kGran / 4; ++i) words[i] = static_cast<std::uint32_t>(i * 2654435761u);
  ASSERT_CU(cuMemUnmap(a, 2 * kGran));

  // The same memory elsewhere: granting access again changes no byte.
  ASSERT_CU(cuMemMap(b, 2 * kGran, 0, h, 0));
  ASSERT_CU(cuMemSetAccess(b, 2 * kGran, &rw, 1));
  if (kernel_populates()) {
    EXPECT_EQ(resident_pages(b, 2 * kGran), 2 * kGran / page);
  }
  const auto* first = reinterpret_cast<const std::uint32_t*>(b);
  const auto* second = reinterpret_cast<const std::uint32_t*>(b + kGran);
  for (size_t i = 0; i < kGran / 4; ++i) {
    ASSERT_EQ(first[i], 0u) << i;
    ASSERT_EQ(second[i], static_cast<std::uint32_t>(i * 2654435761u)) << i;
  }
  ASSERT_CU(cuMemUnmap(b, 2 * kGran));
  ASSERT_CU(cuMemRelease(h));
  ASSERT_CU(cuMemAddressFree(a, 2 * kGran));
  ASSERT_CU(cuMemAddressFree(b, 2 * kGran));
}
