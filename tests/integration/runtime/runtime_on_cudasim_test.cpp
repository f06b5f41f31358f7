// The runtime's pieces on cudasim's libcuda.so.1 (cudasim_driver_fixture.h).
#include <cuda.h>
#include <dlfcn.h>
#include <gtest/gtest.h>

#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <utility>
#include <vector>

#include "cudasim/kernel.h"
#include "cudasim_driver_fixture.h"
#include "gpuswap/runtime/address_arena.h"
#include "gpuswap/runtime/driver_param_source.h"
#include "gpuswap/runtime/driver_table.h"
#include "gpuswap/runtime/host_pool.h"
#include "gpuswap/runtime/page_pool.h"
#include "gpuswap/runtime/param_decoder.h"
#include "gpuswap/runtime/region.h"

namespace gpuswap::runtime {
namespace {

constexpr std::uint64_t kMiB = std::uint64_t{1} << 20;
constexpr std::uint64_t kChunk = PagePool::chunk_bytes();

// Adds 1 to n uint32 values: kernel(uint32_t* data, uint32_t n).
void add_one(const cudasimLaunch*, void** args) {
  auto* data = cudasim::arg<std::uint32_t*>(args, 0);
  const auto n = cudasim::arg<std::uint32_t>(args, 1);
  for (std::uint32_t i = 0; i < n; ++i) data[i] += 1;
}

struct Pair {
  float* first;
  int tag;
  float* second;
};
void touch_pair(const cudasimLaunch*, void**) {}

class RuntimeOnCudasim : public CudasimDriverFixture {
 protected:
  void SetUp() override {
    ASSERT_NO_FATAL_FAILURE(CudasimDriverFixture::SetUp());
    ASSERT_EQ(driver_.cuStreamCreate(&stream_, CU_STREAM_NON_BLOCKING), CUDA_SUCCESS);
  }

  void TearDown() override {
    if (stream_ != nullptr) {
      EXPECT_EQ(driver_.cuStreamDestroy(stream_), CUDA_SUCCESS);
    }
  }

  void copy_in(CUdeviceptr to, const void* from, std::size_t bytes) {
    ASSERT_EQ(driver_.cuMemcpyHtoDAsync(to, from, bytes, stream_), CUDA_SUCCESS);
    ASSERT_EQ(driver_.cuStreamSynchronize(stream_), CUDA_SUCCESS);
  }
  void copy_out(void* to, CUdeviceptr from, std::size_t bytes) {
    ASSERT_EQ(driver_.cuMemcpyDtoHAsync(to, from, bytes, stream_), CUDA_SUCCESS);
    ASSERT_EQ(driver_.cuStreamSynchronize(stream_), CUDA_SUCCESS);
  }

  CUstream stream_ = nullptr;
};

TEST_F(RuntimeOnCudasim, EveryDriverEntryResolves) {
  DriverTable table;
  const DriverTableLoad load = load_driver_table(table, &resolve_dlsym, lib_);
  EXPECT_TRUE(load.status.is_ok());
  EXPECT_EQ(load.missing_optional, 0);
  int version = 0;
  ASSERT_EQ(table.cuDriverGetVersion(&version), CUDA_SUCCESS);
  EXPECT_GE(version, 12040);  // cuFuncGetParamInfo exists from 12.4
  EXPECT_STREQ(driver_error_name(table, CUDA_ERROR_OUT_OF_MEMORY), "CUDA_ERROR_OUT_OF_MEMORY");
}

// Pages from the pool mapped into an arena region hold data a kernel can
// update, and the pinned host pool is a valid copy target both ways.
TEST_F(RuntimeOnCudasim, RegionPagesCarryDataThroughAKernel) {
  std::unique_ptr<AddressArena> arena;
  ASSERT_TRUE(AddressArena::reserve(driver_, 64 * kChunk, &arena).is_ok());
  std::unique_ptr<PagePool> pages;
  ASSERT_TRUE(PagePool::create(driver_, device_, 16 * kMiB, &pages).is_ok());
  HostPool host(driver_, 32 * kMiB, 8 * kMiB);

  const std::uint64_t bytes = 5 * kMiB;  // three chunks, the last one partly used
  std::uintptr_t base = 0;
  ASSERT_TRUE(arena->place(bytes, &base).is_ok());
  Region region(1, base, bytes, RegionState::kDiscarded);
  ASSERT_TRUE(arena->publish(base, bytes, &region).is_ok());
  {
    RegionLock held = region.lock();
    ASSERT_TRUE(pages->take(region.size() / kChunk, region.chunks(held)).is_ok());
    ASSERT_TRUE(pages->map(base, *region.chunks(held)).is_ok());
    ASSERT_TRUE(region.transition(RegionState::kResident, held).is_ok());
  }

  const std::uint32_t n = static_cast<std::uint32_t>(bytes / sizeof(std::uint32_t));
  void* staging = nullptr;
  ASSERT_TRUE(host.allocate(bytes, &staging).is_ok());
  auto* values = static_cast<std::uint32_t*>(staging);
  for (std::uint32_t i = 0; i < n; ++i) values[i] = i * 2654435761u;
  copy_in(base, staging, bytes);

  using layout = cudasim::ParamLayout<std::uint32_t*, std::uint32_t>;
  CUfunction kernel = load_kernel("runtime_test", "add_one", &add_one, layout::count,
                                  layout::offsets.data(), layout::sizes.data());
  auto device_data = reinterpret_cast<std::uint32_t*>(base);
  std::uint32_t count = n;
  void* params[] = {&device_data, &count};
  auto launch = symbol<decltype(&cuLaunchKernel)>(lib_, "cuLaunchKernel");
  ASSERT_EQ(launch(kernel, 1, 1, 1, 1, 1, 1, 0, stream_, params, nullptr), CUDA_SUCCESS);

  void* result = nullptr;
  ASSERT_TRUE(host.allocate(bytes, &result).is_ok());
  copy_out(result, base, bytes);
  const auto* out = static_cast<const std::uint32_t*>(result);
  for (std::uint32_t i = 0; i < n; ++i) ASSERT_EQ(out[i], i * 2654435761u + 1) << i;

  // The decoder sees the launch touch exactly this region.
  DriverParamSource source(driver_);
  ParamLayoutCache cache(source);
  ParamDecoder decoder(cache, arena->page_map());
  TouchedRegions touched;
  ASSERT_TRUE(decoder.decode(kernel, FunctionKind::kFunction, params, nullptr, &touched).is_ok());
  ASSERT_EQ(touched.size(), 1u);
  EXPECT_EQ(touched[0], &region);

  RegionLock held = region.lock();
  ASSERT_TRUE(pages->unmap(base, region.chunks(held)->size()).is_ok());
  pages->give_back(region.chunks(held));
  EXPECT_EQ(pages->chunks_in_use(), 0u);
  ASSERT_TRUE(host.free(staging).is_ok());
  ASSERT_TRUE(host.free(result).is_ok());
  ASSERT_TRUE(arena->remove(base).is_ok());
}

// A chunk's contents live in the chunk, not the address: unmapped and mapped
// again elsewhere (as a restore does with reused chunks), the data follows.
TEST_F(RuntimeOnCudasim, ChunksKeepTheirContentsWhenMappedElsewhere) {
  std::unique_ptr<AddressArena> arena;
  ASSERT_TRUE(AddressArena::reserve(driver_, 16 * kChunk, &arena).is_ok());
  std::unique_ptr<PagePool> pages;
  ASSERT_TRUE(PagePool::create(driver_, device_, 8 * kMiB, &pages).is_ok());
  std::uintptr_t a = 0, b = 0;
  ASSERT_TRUE(arena->place(2 * kChunk, &a).is_ok());
  ASSERT_TRUE(arena->place(2 * kChunk, &b).is_ok());
  std::vector<ChunkHandle> chunks;
  ASSERT_TRUE(pages->take(2, &chunks).is_ok());
  ASSERT_TRUE(pages->map(a, chunks).is_ok());
  std::vector<unsigned char> pattern(2 * kChunk);
  for (std::size_t i = 0; i < pattern.size(); ++i)
    pattern[i] = static_cast<unsigned char>(i * 31 + 7);
  copy_in(a, pattern.data(), pattern.size());
  ASSERT_TRUE(pages->unmap(a, 2).is_ok());

  ASSERT_TRUE(pages->map(b, chunks).is_ok());
  std::vector<unsigned char> back(pattern.size());
  copy_out(back.data(), b, back.size());
  EXPECT_EQ(back, pattern);
  ASSERT_TRUE(pages->unmap(b, 2).is_ok());
  pages->give_back(&chunks);

  // The old address is no longer backed: a copy there faults, reported when
  // it is enqueued or when it runs (last, since the fault is sticky for the
  // context, as on a GPU).
  const CUresult enqueued = driver_.cuMemcpyHtoDAsync(a, pattern.data(), 16, stream_);
  const CUresult ran = driver_.cuStreamSynchronize(stream_);
  EXPECT_TRUE(enqueued != CUDA_SUCCESS || ran != CUDA_SUCCESS);
  stream_ = nullptr;
}

TEST_F(RuntimeOnCudasim, PagePoolStopsAtItsBudgetAndReusesChunks) {
  std::unique_ptr<PagePool> pages;
  ASSERT_TRUE(PagePool::create(driver_, device_, 8 * kMiB, &pages).is_ok());
  std::vector<ChunkHandle> a, b;
  ASSERT_TRUE(pages->take(4, &a).is_ok());
  EXPECT_EQ(pages->take(1, &b).code(), StatusCode::kOutOfMemory);
  std::size_t free_bytes = 0, total = 0;
  ASSERT_EQ(driver_.cuMemGetInfo(&free_bytes, &total), CUDA_SUCCESS);
  const std::size_t free_before_reuse = free_bytes;
  b.assign(a.begin() + 2, a.end());
  a.resize(2);
  pages->give_back(&b);
  ASSERT_TRUE(pages->take(2, &b).is_ok());
  EXPECT_EQ(pages->created_chunks(), 4u);
  ASSERT_EQ(driver_.cuMemGetInfo(&free_bytes, &total), CUDA_SUCCESS);
  EXPECT_EQ(free_bytes, free_before_reuse);  // reuse took nothing more from the device
  pages->give_back(&a);
  pages->give_back(&b);
}

TEST_F(RuntimeOnCudasim, DeviceRunsOutBeforeAGenerousBudget) {
  std::unique_ptr<PagePool> pages;
  ASSERT_TRUE(PagePool::create(driver_, device_, 1024 * kMiB, &pages).is_ok());
  std::vector<ChunkHandle> chunks;
  // 64 MiB of device memory cannot give 40 chunks (80 MiB).
  EXPECT_EQ(pages->take(40, &chunks).code(), StatusCode::kOutOfMemory);
  EXPECT_TRUE(chunks.empty());
  EXPECT_LE(pages->created_chunks(), 32u);
  ASSERT_TRUE(pages->take(16, &chunks).is_ok());  // what was made is kept and handed out
  EXPECT_EQ(chunks.size(), 16u);
  pages->give_back(&chunks);
}

TEST_F(RuntimeOnCudasim, HostPoolRefusesBeyondItsBudget) {
  HostPool host(driver_, 8 * kMiB, 4 * kMiB);
  void* a = nullptr;
  void* b = nullptr;
  void* c = nullptr;
  ASSERT_TRUE(host.allocate(4 * kMiB, &a).is_ok());
  ASSERT_TRUE(host.allocate(3 * kMiB, &b).is_ok());
  EXPECT_EQ(host.allocate(2 * kMiB, &c).code(), StatusCode::kOutOfMemory);
  EXPECT_EQ(host.pinned_bytes(), 8 * kMiB);
  ASSERT_TRUE(host.free(a).is_ok());
  ASSERT_TRUE(host.allocate(2 * kMiB, &c).is_ok());
  EXPECT_EQ(c, a);
  std::memset(c, 0x11, 2 * kMiB);
}

TEST_F(RuntimeOnCudasim, DriverLayoutsDecodeStructsAndExtraBuffers) {
  using layout = cudasim::ParamLayout<int, Pair, float*>;
  CUfunction kernel = load_kernel("runtime_test_pair", "touch_pair", &touch_pair, layout::count,
                                  layout::offsets.data(), layout::sizes.data());
  CUkernel library = library_kernel("runtime_test_pair", "touch_pair");
  DriverParamSource source(driver_);
  ParamLayoutCache cache(source);
  // The CUfunction; the CUkernel; and the CUkernel passed where a CUfunction
  // goes, as the CUDA runtime passes it to cuLaunchKernel (the driver's
  // cuFuncGetParamInfo does not know that handle).
  const std::pair<const void*, FunctionKind> handles[] = {{kernel, FunctionKind::kFunction},
                                                          {library, FunctionKind::kKernel},
                                                          {library, FunctionKind::kFunction}};
  for (const auto& [handle, kind] : handles) {
    const ParamLayout* found = nullptr;
    ASSERT_TRUE(cache.lookup(handle, kind, &found).is_ok());
    ASSERT_EQ(found->param_count(), 3u);
    for (std::size_t i = 0; i < 3; ++i) {
      EXPECT_EQ(found->params()[i].offset, layout::offsets[i]);
      EXPECT_EQ(found->params()[i].size, layout::sizes[i]);
    }
  }
  // A CUfunction is no CUkernel: asked as one, the driver refuses it.
  std::size_t param_offset = 0;
  std::size_t param_size = 0;
  EXPECT_EQ(source.param_info(kernel, FunctionKind::kKernel, 0, &param_offset, &param_size).code(),
            StatusCode::kDriverError);

  std::unique_ptr<AddressArena> arena;
  ASSERT_TRUE(AddressArena::reserve(driver_, 16 * kChunk, &arena).is_ok());
  std::vector<std::unique_ptr<Region>> regions;
  for (int i = 0; i < 4; ++i) {
    std::uintptr_t at = 0;
    ASSERT_TRUE(arena->place(kMiB, &at).is_ok());
    regions.push_back(std::make_unique<Region>(i, at, kMiB, RegionState::kDiscarded));
    ASSERT_TRUE(arena->publish(at, kMiB, regions.back().get()).is_ok());
  }
  int scalar = 3;
  Pair pair{reinterpret_cast<float*>(regions[0]->base() + 8), 1,
            reinterpret_cast<float*>(regions[1]->base())};
  auto* last = reinterpret_cast<float*>(regions[2]->base() + kMiB - 4);
  void* params[] = {&scalar, &pair, &last};
  ParamDecoder decoder(cache, arena->page_map());
  TouchedRegions touched;
  ASSERT_TRUE(decoder.decode(kernel, FunctionKind::kFunction, params, nullptr, &touched).is_ok());
  EXPECT_EQ(touched.size(), 3u);
  for (int i = 0; i < 3; ++i)
    EXPECT_TRUE(touched.contains(regions[static_cast<std::size_t>(i)].get()));

  // The same arguments packed for the `extra` form.
  alignas(8) unsigned char packed[layout::offsets[2] + sizeof(float*)] = {};
  std::memcpy(packed + layout::offsets[0], &scalar, sizeof(scalar));
  std::memcpy(packed + layout::offsets[1], &pair, sizeof(pair));
  std::memcpy(packed + layout::offsets[2], &last, sizeof(last));
  std::size_t size = sizeof(packed);
  void* extra[] = {CU_LAUNCH_PARAM_BUFFER_POINTER, packed, CU_LAUNCH_PARAM_BUFFER_SIZE, &size,
                   CU_LAUNCH_PARAM_END};
  ASSERT_TRUE(decoder.decode(kernel, FunctionKind::kFunction, nullptr, extra, &touched).is_ok());
  EXPECT_EQ(touched.size(), 3u);
  EXPECT_FALSE(touched.contains(regions[3].get()));
  // The real driver accepts the same launch (nothing is mapped, and the
  // kernel touches nothing).
  auto launch = symbol<decltype(&cuLaunchKernel)>(lib_, "cuLaunchKernel");
  EXPECT_EQ(launch(kernel, 1, 1, 1, 1, 1, 1, 0, stream_, nullptr, extra), CUDA_SUCCESS);
  EXPECT_EQ(driver_.cuStreamSynchronize(stream_), CUDA_SUCCESS);
}

}  // namespace
}  // namespace gpuswap::runtime
