// The Runtime on cudasim's libcuda.so.1 under a device budget far smaller
// than what the tests allocate: contents survive eviction and restore, the
// pages of a region stay mapped while work that uses it is in flight, and
// out of memory, bad frees and small allocations are answered as CUDA
// answers them. Each test plays the interposer's part: it decodes a launch,
// prepares its regions, issues the real call and releases the pins.
//
// The emulated device has 64 MiB (CUDASIM_DEVICE_MEMORY, set before the
// driver starts; ctest runs each test in its own process).
#include <cuda.h>
#include <dlfcn.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <functional>
#include <memory>
#include <random>
#include <thread>
#include <utility>
#include <vector>

#include "cudasim/kernel.h"
#include "cudasim_driver_fixture.h"
#include "gpuswap/config/config.h"
#include "gpuswap/policy/policy.h"
#include "gpuswap/runtime/driver_table.h"
#include "gpuswap/runtime/runtime.h"

namespace gpuswap::runtime {
namespace {

constexpr std::uint64_t kMiB = std::uint64_t{1} << 20;
constexpr std::uint64_t kBudget = 16 * kMiB;

std::uint32_t pattern(std::uint32_t seed, std::uint32_t i) {
  std::uint32_t x = seed * 0x9E3779B1u ^ (i + 0x7F4A7C15u);
  x ^= x >> 16;
  x *= 0x85EBCA6Bu;
  x ^= x >> 13;
  return x;
}

// fill(uint32_t* data, uint32_t n, uint32_t seed): data[i] = pattern(seed, i)
void fill_kernel(const cudasimLaunch*, void** args) {
  auto* data = cudasim::arg<std::uint32_t*>(args, 0);
  const auto n = cudasim::arg<std::uint32_t>(args, 1);
  const auto seed = cudasim::arg<std::uint32_t>(args, 2);
  for (std::uint32_t i = 0; i < n; ++i) data[i] = pattern(seed, i);
}

// add(uint32_t* data, uint32_t n, uint32_t k): data[i] += k * (i % 7 + 1)
void add_kernel(const cudasimLaunch*, void** args) {
  auto* data = cudasim::arg<std::uint32_t*>(args, 0);
  const auto n = cudasim::arg<std::uint32_t>(args, 1);
  const auto k = cudasim::arg<std::uint32_t>(args, 2);
  for (std::uint32_t i = 0; i < n; ++i) data[i] += k * (i % 7 + 1);
}

// mix(uint32_t* to, const uint32_t* from, uint32_t n): to[i] ^= from[i]
void mix_kernel(const cudasimLaunch*, void** args) {
  auto* to = cudasim::arg<std::uint32_t*>(args, 0);
  const auto* from = cudasim::arg<const std::uint32_t*>(args, 1);
  const auto n = cudasim::arg<std::uint32_t>(args, 2);
  for (std::uint32_t i = 0; i < n; ++i) to[i] ^= from[i];
}

// A host shadow of one device buffer.
struct Buffer {
  CUdeviceptr dptr = 0;
  std::vector<std::uint32_t> shadow;
  std::uint32_t words() const { return static_cast<std::uint32_t>(shadow.size()); }
};

// Runs `g_inside_host_alloc` (once) inside the runtime's next cuMemHostAlloc,
// which an eviction makes before the region leaves kResident: a test can act
// in that window.
std::function<void()> g_inside_host_alloc;
decltype(DriverTable::cuMemHostAlloc) g_real_host_alloc = nullptr;
CUresult host_alloc_with_hook(void** memory, std::size_t bytes, unsigned flags) {
  if (g_inside_host_alloc) std::exchange(g_inside_host_alloc, nullptr)();
  return g_real_host_alloc(memory, bytes, flags);
}

class SwapEngine : public CudasimDriverFixture {
 protected:
  void SetUp() override {
    ASSERT_NO_FATAL_FAILURE(CudasimDriverFixture::SetUp());
    launch_ = symbol<decltype(&cuLaunchKernel)>(lib_, "cuLaunchKernel");
    host_func_ = symbol<decltype(&cuLaunchHostFunc)>(lib_, "cuLaunchHostFunc");
    ASSERT_NE(launch_, nullptr);
    ASSERT_NE(host_func_, nullptr);
    fill_ = load_kernel("swap_engine", "fill", &fill_kernel, false);
    add_ = load_kernel("swap_engine", "add", &add_kernel, false);
    mix_ = load_kernel("swap_engine", "mix", &mix_kernel, true);
    ASSERT_EQ(driver_.cuStreamCreate(&stream_, CU_STREAM_NON_BLOCKING), CUDA_SUCCESS);
  }

  void TearDown() override {
    runtime_.reset();
    if (stream_ != nullptr) {
      EXPECT_EQ(driver_.cuStreamDestroy(stream_), CUDA_SUCCESS);
    }
  }

  config::Config tight_config() const {
    config::Config config;
    config.device_budget = config::Size::bytes(kBudget);
    config.device_reserve = config::Size::bytes(8 * kMiB);
    config.host_budget = config::Size::bytes(256 * kMiB);
    return config;
  }

  void start(const config::Config& config) {
    ASSERT_TRUE(Runtime::create(driver_, config, policy::make_policy(config), &runtime_).is_ok());
    ASSERT_EQ(runtime_->device_budget_bytes(), config.device_budget->byte_count());
  }

  // Every kernel here takes (pointer, uint32, uint32) or, with `two_pointers`,
  // (pointer, pointer, uint32).
  CUfunction load_kernel(const char* module, const char* name, cudasimKernelFn fn,
                         bool two_pointers) {
    const std::size_t offsets[3] = {0, 8, two_pointers ? std::size_t{16} : std::size_t{12}};
    const std::size_t sizes[3] = {8, two_pointers ? std::size_t{8} : std::size_t{4}, 4};
    return CudasimDriverFixture::load_kernel(module, name, fn, 3, offsets, sizes);
  }

  // What a launch hook does: the unrecorded path, else the quiet path, else
  // decode and prepare; then issue and unpin.
  Status launch(CUfunction function, void** params, CUstream stream) {
    PinGuard guard;
    if (Status status = prepare_launch(function, params, stream, &guard); !status) return status;
    return Status::driver(launch_(function, 1, 1, 1, 1, 1, 1, 0, stream, params, nullptr));
  }
  Status prepare_launch(CUfunction function, void** params, CUstream stream, PinGuard* guard) {
    if (runtime_->try_unrecorded_launch(stream, guard)) return Status::ok();
    if (runtime_->try_quiet_launch(function, FunctionKind::kFunction, params, stream, {}, guard)) {
      return Status::ok();
    }
    thread_local TouchedRegions touched;
    if (Status status =
            runtime_->decode_launch(function, FunctionKind::kFunction, params, nullptr, &touched);
        !status) {
      return status;
    }
    return runtime_->prepare(touched, stream, {}, guard);
  }

  Status fill(const Buffer& buffer, std::uint32_t seed, CUstream stream) {
    CUdeviceptr data = buffer.dptr;
    std::uint32_t n = buffer.words();
    void* params[] = {&data, &n, &seed};
    return launch(fill_, params, stream);
  }
  // add_kernel's arguments for `buffer`; params() points into the object,
  // so it must outlive the launch.
  struct AddArguments {
    AddArguments(const Buffer& buffer, std::uint32_t k_)
        : data(buffer.dptr), n(buffer.words()), k(k_) {}
    AddArguments(const AddArguments&) = delete;
    AddArguments& operator=(const AddArguments&) = delete;
    void** params() { return pointers.data(); }

    CUdeviceptr data;
    std::uint32_t n;
    std::uint32_t k;
    std::array<void*, 3> pointers{&data, &n, &k};
  };

  Status add(const Buffer& buffer, std::uint32_t k, CUstream stream) {
    AddArguments arguments(buffer, k);
    return launch(add_, arguments.params(), stream);
  }
  Status mix(const Buffer& to, const Buffer& from, CUstream stream) {
    CUdeviceptr a = to.dptr;
    CUdeviceptr b = from.dptr;
    std::uint32_t n = std::min(to.words(), from.words());
    void* params[] = {&a, &b, &n};
    return launch(mix_, params, stream);
  }

  // What a copy hook does, reading the whole buffer back.
  Status read_back(const Buffer& buffer, std::vector<std::uint32_t>* out, CUstream stream) {
    out->assign(buffer.shadow.size(), 0);
    Touch touch{runtime_->region_at(buffer.dptr), policy::AccessMode::read};
    PinGuard guard;
    if (touch.region != nullptr) {
      if (Status status = runtime_->prepare({&touch, 1}, stream, {}, &guard); !status) {
        return status;
      }
    }
    if (Status status = Status::driver(driver_.cuMemcpyDtoHAsync(
            out->data(), buffer.dptr, out->size() * sizeof(std::uint32_t), stream));
        !status) {
      return status;
    }
    guard.release();
    return Status::driver(driver_.cuStreamSynchronize(stream));
  }

  // Holds `stream` in a host function until `open` is set, as a GPU busy
  // with earlier work would hold it.
  CUresult hold(CUstream stream, std::atomic<bool>* open) {
    return host_func_(
        stream,
        [](void* flag) {
          while (!static_cast<std::atomic<bool>*>(flag)->load()) {
            std::this_thread::sleep_for(std::chrono::milliseconds(1));
          }
        },
        open);
  }

  // fill() on the device and on the shadow alike.
  void fill_shadowed(Buffer& buffer, std::uint32_t seed, CUstream stream) {
    ASSERT_TRUE(fill(buffer, seed, stream).is_ok());
    shadow_fill(buffer, seed);
  }

  // Fills the shadow as fill_kernel fills the device.
  static void shadow_fill(Buffer& buffer, std::uint32_t seed) {
    for (std::uint32_t i = 0; i < buffer.words(); ++i) buffer.shadow[i] = pattern(seed, i);
  }
  static void shadow_add(Buffer& buffer, std::uint32_t k) {
    for (std::uint32_t i = 0; i < buffer.words(); ++i) buffer.shadow[i] += k * (i % 7 + 1);
  }

  Buffer allocate(std::uint64_t bytes) {
    Buffer buffer;
    buffer.shadow.assign(bytes / sizeof(std::uint32_t), 0);
    EXPECT_TRUE(runtime_->mem_alloc(bytes, &buffer.dptr).is_ok());
    return buffer;
  }

  void expect_contents(const Buffer& buffer, CUstream stream) {
    std::vector<std::uint32_t> device;
    ASSERT_TRUE(read_back(buffer, &device, stream).is_ok());
    ASSERT_TRUE(device == buffer.shadow) << "contents of " << std::hex << buffer.dptr << " differ";
  }

  // A 4 MiB region filled on stream_ (the fill finished), and a new stream
  // that a host function holds shut until `open` is set.
  Buffer filled_beside_a_held_stream(CUstream* other, std::atomic<bool>* open) {
    Buffer buffer = allocate(4 * kMiB);
    fill_shadowed(buffer, 11, stream_);
    EXPECT_EQ(driver_.cuStreamSynchronize(stream_), CUDA_SUCCESS);
    EXPECT_EQ(driver_.cuStreamCreate(other, CU_STREAM_NON_BLOCKING), CUDA_SUCCESS);
    EXPECT_EQ(hold(*other, open), CUDA_SUCCESS);
    return buffer;
  }

  // Evicts `buffer` on another thread while work on it is held back by a
  // host function (see hold): the eviction must still be waiting after
  // 150 ms, with the region's pages in place, and finish once `open` is set.
  void expect_eviction_to_wait_until_opened(const Buffer& buffer, std::atomic<bool>* open) {
    std::atomic<bool> evicted{false};
    std::thread evictor([&] {
      (void)driver_.cuCtxSetCurrent(context_);
      EXPECT_TRUE(runtime_->evict(buffer.dptr).is_ok());
      evicted = true;
    });
    std::this_thread::sleep_for(std::chrono::milliseconds(150));
    // The kernel has not run: the pages must still be there.
    EXPECT_FALSE(evicted.load());
    EXPECT_EQ(runtime_->region_at(buffer.dptr)->state_snapshot(), RegionState::kEvicting);
    open->store(true);
    evictor.join();
    EXPECT_TRUE(evicted.load());
    EXPECT_EQ(runtime_->region_at(buffer.dptr)->state_snapshot(), RegionState::kEvicted);
  }

  // Another thread enters a launch of add() on a region through `enter`
  // (which must leave it holding its launch epoch, no pins) and issues it
  // only once an eviction of the region has begun: the eviction waits for
  // the launch, and the launch's work is copied out with the region.
  void expect_eviction_to_wait_for_a_launch_being_issued(
      const std::function<bool(Region*, void**, PinGuard*)>& enter) {
    using namespace std::chrono_literals;
    Buffer buffer = allocate(4 * kMiB);
    ASSERT_NO_FATAL_FAILURE(fill_shadowed(buffer, 3, stream_));
    Region* region = runtime_->region_at(buffer.dptr);
    std::atomic<bool> in_launch{false};
    std::atomic<bool> issue{false};
    std::atomic<bool> entered{false};
    std::thread launcher([&] {
      (void)driver_.cuCtxSetCurrent(context_);
      AddArguments arguments(buffer, 9);
      void** params = arguments.params();
      PinGuard guard;
      entered.store(enter(region, params, &guard));
      in_launch.store(true);
      while (!issue.load()) std::this_thread::yield();
      // The eviction may have begun (the region is leaving kResident) but its
      // pages must still be mapped while the launch is issued.
      if (!holds_device_pages(region->state_snapshot()) ||
          launch_(add_, 1, 1, 1, 1, 1, 1, 0, stream_, params, nullptr) != CUDA_SUCCESS) {
        entered.store(false);
      }
    });
    while (!in_launch.load()) std::this_thread::yield();
    ASSERT_TRUE(entered.load());
    std::atomic<bool> evicted{false};
    std::thread evictor([&] {
      (void)driver_.cuCtxSetCurrent(context_);
      evicted.store(runtime_->evict(buffer.dptr).is_ok());
    });
    std::this_thread::sleep_for(50ms);
    EXPECT_FALSE(evicted.load());
    issue.store(true);
    launcher.join();
    evictor.join();
    EXPECT_TRUE(entered.load());
    EXPECT_TRUE(evicted.load());
    EXPECT_EQ(region->state_snapshot(), RegionState::kEvicted);
    shadow_add(buffer, 9);
    expect_contents(buffer, stream_);  // the launch's work was copied out with it
  }

  CUstream stream_ = nullptr;
  decltype(&cuLaunchKernel) launch_ = nullptr;
  decltype(&cuLaunchHostFunc) host_func_ = nullptr;
  CUfunction fill_ = nullptr;
  CUfunction add_ = nullptr;
  CUfunction mix_ = nullptr;
  std::unique_ptr<Runtime> runtime_;
};

TEST_F(SwapEngine, FourTimesTheBudgetKeepsEveryByteAcrossEvictAndRestore) {
  start(tight_config());
  // 64 MiB of regions against 16 MiB of pages; odd sizes so that copies move
  // the requested bytes, not whole granules.
  std::vector<Buffer> buffers;
  for (int i = 0; i < 16; ++i) {
    buffers.push_back(allocate(i % 3 == 0 ? 5 * kMiB + 4096 * i : 4 * kMiB + 64 * i));
  }
  std::uint64_t total = 0;
  for (const Buffer& b : buffers) total += b.shadow.size() * 4;
  ASSERT_GE(total, 4 * kBudget);

  for (std::size_t i = 0; i < buffers.size(); ++i) {
    ASSERT_NO_FATAL_FAILURE(fill_shadowed(buffers[i], static_cast<std::uint32_t>(i + 1), stream_));
  }
  std::mt19937 random(7);
  for (std::uint32_t round = 1; round <= 4; ++round) {
    std::vector<std::size_t> order(buffers.size());
    for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
    std::shuffle(order.begin(), order.end(), random);
    for (std::size_t i : order) {
      ASSERT_TRUE(add(buffers[i], round * 3 + static_cast<std::uint32_t>(i), stream_).is_ok());
      shadow_add(buffers[i], round * 3 + static_cast<std::uint32_t>(i));
      // Two regions in one launch: both resident at once.
      const std::size_t j = order[(i + 5) % order.size()];
      if (j != i) {
        ASSERT_TRUE(mix(buffers[i], buffers[j], stream_).is_ok());
        const std::uint32_t n = std::min(buffers[i].words(), buffers[j].words());
        for (std::uint32_t w = 0; w < n; ++w) buffers[i].shadow[w] ^= buffers[j].shadow[w];
      }
    }
  }
  for (const Buffer& b : buffers) expect_contents(b, stream_);

  const SwapStats stats = runtime_->stats();
  EXPECT_GT(stats.evictions, 40u);
  EXPECT_GT(stats.restores, 40u);
  EXPECT_GT(stats.bytes_to_host, total);  // every byte went out at least once
  EXPECT_EQ(stats.out_of_memory, 0u);
  for (const Buffer& b : buffers) EXPECT_TRUE(runtime_->mem_free(b.dptr).is_ok());
}

TEST_F(SwapEngine, EvictionWaitsForTheKernelThatUsesTheRegion) {
  start(tight_config());
  Buffer buffer = allocate(4 * kMiB);
  ASSERT_NO_FATAL_FAILURE(fill_shadowed(buffer, 11, stream_));

  // Hold the stream in a host function, then queue a kernel on the region.
  std::atomic<bool> open{false};
  ASSERT_EQ(hold(stream_, &open), CUDA_SUCCESS);
  ASSERT_TRUE(add(buffer, 5, stream_).is_ok());
  shadow_add(buffer, 5);

  expect_eviction_to_wait_until_opened(buffer, &open);
  EXPECT_EQ(runtime_->stats().evictions, 1u);
  // What comes back includes the kernel's work.
  expect_contents(buffer, stream_);
  EXPECT_EQ(runtime_->stats().restores, 1u);
}

// The same on the legacy default stream (a null CUstream), which a region
// must remember like any other. Here the region's only stream is destroyed
// first, so that the region remembers no stream at all: "none" must not read
// as the null stream.
TEST_F(SwapEngine, EvictionWaitsForTheDefaultStreamsKernel) {
  start(tight_config());
  Buffer buffer = allocate(4 * kMiB);
  CUstream doomed = nullptr;
  ASSERT_EQ(driver_.cuStreamCreate(&doomed, CU_STREAM_NON_BLOCKING), CUDA_SUCCESS);
  ASSERT_NO_FATAL_FAILURE(fill_shadowed(buffer, 11, doomed));
  ASSERT_EQ(driver_.cuStreamSynchronize(doomed), CUDA_SUCCESS);
  runtime_->stream_destroying(doomed);
  ASSERT_EQ(driver_.cuStreamDestroy(doomed), CUDA_SUCCESS);

  std::atomic<bool> open{false};
  ASSERT_EQ(hold(nullptr, &open), CUDA_SUCCESS);
  ASSERT_TRUE(add(buffer, 5, nullptr).is_ok());
  shadow_add(buffer, 5);

  expect_eviction_to_wait_until_opened(buffer, &open);
  expect_contents(buffer, stream_);
}

// A stream the application destroys while work on a region is still queued
// on it: the eviction still waits for that work (on the stream that stands in
// for the dead one), and does not synchronise the whole context to do so
// (another stream, held shut, would keep it waiting).
TEST_F(SwapEngine, ADestroyedStreamsWorkIsWaitedForWithoutSynchronisingTheContext) {
  start(tight_config());
  Buffer buffer = allocate(4 * kMiB);
  CUstream doomed = nullptr;
  CUstream other = nullptr;
  ASSERT_EQ(driver_.cuStreamCreate(&doomed, CU_STREAM_NON_BLOCKING), CUDA_SUCCESS);
  ASSERT_EQ(driver_.cuStreamCreate(&other, CU_STREAM_NON_BLOCKING), CUDA_SUCCESS);
  ASSERT_NO_FATAL_FAILURE(fill_shadowed(buffer, 21, doomed));

  std::atomic<bool> doomed_open{false};
  std::atomic<bool> other_open{false};
  ASSERT_EQ(hold(doomed, &doomed_open), CUDA_SUCCESS);
  ASSERT_TRUE(add(buffer, 9, doomed).is_ok());
  shadow_add(buffer, 9);
  ASSERT_EQ(hold(other, &other_open), CUDA_SUCCESS);

  runtime_->stream_destroying(doomed);
  ASSERT_EQ(driver_.cuStreamDestroy(doomed), CUDA_SUCCESS);

  std::atomic<bool> evicted{false};
  std::thread evictor([&] {
    EXPECT_TRUE(runtime_->evict(buffer.dptr).is_ok());
    evicted = true;
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(150));
  EXPECT_FALSE(evicted.load()) << "the eviction did not wait for the destroyed stream's kernel";
  doomed_open = true;
  for (int i = 0; i < 5000 && !evicted.load(); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  EXPECT_TRUE(evicted.load()) << "the eviction waited for an unrelated stream";
  other_open = true;  // never leave the evictor (or the test) hanging
  evictor.join();
  EXPECT_EQ(runtime_->stats().evictions, 1u);
  expect_contents(buffer, stream_);
  EXPECT_EQ(driver_.cuStreamSynchronize(other), CUDA_SUCCESS);
  EXPECT_EQ(driver_.cuStreamDestroy(other), CUDA_SUCCESS);
}

// A slow link (CUDASIM_LINK_GBPS, read when the driver starts; ctest runs
// each test in a process of its own) keeps a restore's copy in flight long
// enough for an eviction to be issued behind it.
class SlowLinkSwapEngine : public SwapEngine {
 protected:
  void SetUp() override {
    setenv("CUDASIM_LINK_GBPS", "0.25", 1);
    SwapEngine::SetUp();
  }
};

// An eviction issued while the region's restore is still copying in must
// wait for that copy, or it would copy out half-restored pages. Nothing ran
// on the region since the restore; the eviction waits for the operation's
// stream (made to wait for the restore) and for the restore's own event.
TEST_F(SlowLinkSwapEngine, AnEvictionWaitsForTheRegionsRestoreStillInFlight) {
  start(tight_config());
  Buffer buffer = allocate(4 * kMiB);
  ASSERT_NO_FATAL_FAILURE(fill_shadowed(buffer, 31, stream_));
  ASSERT_TRUE(runtime_->evict(buffer.dptr).is_ok());
  ASSERT_EQ(runtime_->region_at(buffer.dptr)->state_snapshot(), RegionState::kEvicted);

  // Made resident for an operation that then issues nothing: the restore
  // (4 MiB at 0.25 GB/s, about 17 ms) is the only work on the region.
  {
    Touch touch{runtime_->region_at(buffer.dptr), policy::AccessMode::read};
    PinGuard guard;
    ASSERT_TRUE(runtime_->prepare({&touch, 1}, stream_, {}, &guard).is_ok());
  }
  ASSERT_EQ(runtime_->stats().restores, 1u);
  ASSERT_TRUE(runtime_->evict(buffer.dptr).is_ok());
  EXPECT_EQ(runtime_->stats().evictions, 2u);
  expect_contents(buffer, stream_);
}

// evict_ahead: 8 MiB of the 16 MiB budget are kept free by copying least
// recently used regions out in the background.
config::Config ahead_config(const config::Config& base) {
  config::Config config = base;
  config.evict_ahead = config::Size::bytes(8 * kMiB);
  return config;
}

TEST_F(SwapEngine, EvictionsAheadKeepRoomFreeAndLoseNothing) {
  start(ahead_config(tight_config()));
  std::vector<Buffer> buffers;
  for (std::uint32_t i = 0; i < 6; ++i) {
    buffers.push_back(allocate(4 * kMiB));
    ASSERT_NO_FATAL_FAILURE(fill_shadowed(buffers.back(), 60 + i, stream_));
  }
  // 24 MiB were filled into a 16 MiB budget that keeps 8 free: the oldest
  // went out ahead of need.
  ASSERT_EQ(driver_.cuStreamSynchronize(stream_), CUDA_SUCCESS);
  for (int round = 0; round < 3; ++round) {
    for (std::uint32_t i = 0; i < buffers.size(); ++i) {
      ASSERT_TRUE(add(buffers[i], round + 1, stream_).is_ok());
      shadow_add(buffers[i], round + 1);
    }
  }
  for (const Buffer& b : buffers) expect_contents(b, stream_);
  const SwapStats stats = runtime_->stats();
  EXPECT_GT(stats.evictions_ahead, 0u);
  EXPECT_LE(stats.evictions_ahead, stats.evictions);
  for (const Buffer& b : buffers) EXPECT_TRUE(runtime_->mem_free(b.dptr).is_ok());
}

TEST_F(SlowLinkSwapEngine, ARegionWantedBackWhileItsCopyAheadRunsStaysResident) {
  start(ahead_config(tight_config()));
  Buffer old = allocate(4 * kMiB);
  ASSERT_NO_FATAL_FAILURE(fill_shadowed(old, 71, stream_));
  Buffer next = allocate(6 * kMiB);
  ASSERT_NO_FATAL_FAILURE(fill_shadowed(next, 72, stream_));
  // 10 of 16 MiB in use, 6 free: `old` is being copied out ahead (4 MiB at
  // 0.25 GB/s, about 17 ms).
  ASSERT_EQ(runtime_->region_at(old.dptr)->state_snapshot(), RegionState::kEvicting);
  ASSERT_TRUE(add(old, 5, stream_).is_ok());
  shadow_add(old, 5);
  EXPECT_EQ(runtime_->region_at(old.dptr)->state_snapshot(), RegionState::kResident);
  const SwapStats stats = runtime_->stats();
  EXPECT_EQ(stats.ahead_cancelled, 1u);
  EXPECT_EQ(stats.restores, 0u);  // it never left
  expect_contents(old, stream_);
  expect_contents(next, stream_);
}

TEST_F(SlowLinkSwapEngine, ARegionFreedWhileItsCopyAheadRunsIsFreed) {
  start(ahead_config(tight_config()));
  Buffer old = allocate(4 * kMiB);
  ASSERT_TRUE(fill(old, 81, stream_).is_ok());
  Buffer next = allocate(6 * kMiB);
  ASSERT_NO_FATAL_FAILURE(fill_shadowed(next, 82, stream_));
  ASSERT_EQ(runtime_->region_at(old.dptr)->state_snapshot(), RegionState::kEvicting);
  EXPECT_TRUE(runtime_->mem_free(old.dptr).is_ok());
  EXPECT_EQ(runtime_->region_at(old.dptr), nullptr);
  EXPECT_EQ(runtime_->stats().ahead_cancelled, 1u);
  // Its pages serve the next region placed there, and nothing was lost.
  Buffer again = allocate(4 * kMiB);
  ASSERT_NO_FATAL_FAILURE(fill_shadowed(again, 83, stream_));
  expect_contents(again, stream_);
  expect_contents(next, stream_);
}

TEST_F(SwapEngine, AnOperationLargerThanTheBudgetFailsAndLosesNothing) {
  start(tight_config());
  Buffer a = allocate(10 * kMiB);
  Buffer b = allocate(10 * kMiB);
  ASSERT_TRUE(fill(a, 1, stream_).is_ok());
  ASSERT_TRUE(fill(b, 2, stream_).is_ok());
  shadow_fill(a, 1);
  shadow_fill(b, 2);
  ASSERT_EQ(driver_.cuStreamSynchronize(stream_), CUDA_SUCCESS);

  const Status status = mix(a, b, stream_);
  EXPECT_EQ(status.code(), StatusCode::kOutOfMemory);
  EXPECT_EQ(status.to_cuda(), CUDA_ERROR_OUT_OF_MEMORY);
  EXPECT_GE(runtime_->stats().out_of_memory, 1u);
  EXPECT_EQ(runtime_->region_at(a.dptr)->pin_count(), 0u);
  EXPECT_EQ(runtime_->region_at(b.dptr)->pin_count(), 0u);
  expect_contents(a, stream_);
  expect_contents(b, stream_);
}

TEST_F(SwapEngine, AllocationsBeyondDeviceAndHostBudgetAreRefused) {
  config::Config config = tight_config();
  config.host_budget = config::Size::bytes(32 * kMiB);
  start(config);
  Buffer kept = allocate(8 * kMiB);
  ASSERT_NO_FATAL_FAILURE(fill_shadowed(kept, 3, stream_));

  CUdeviceptr huge = 0;
  const Status status = runtime_->mem_alloc(48 * kMiB, &huge);
  EXPECT_EQ(status.to_cuda(), CUDA_ERROR_OUT_OF_MEMORY);
  EXPECT_EQ(huge, 0u);
  CUdeviceptr fits = 0;
  EXPECT_TRUE(runtime_->mem_alloc(40 * kMiB, &fits).is_ok());  // 8 + 40 = 48 = 16 + 32
  CUdeviceptr one_more = 0;
  EXPECT_EQ(runtime_->mem_alloc(2 * kMiB, &one_more).to_cuda(), CUDA_ERROR_OUT_OF_MEMORY);
  expect_contents(kept, stream_);
}

TEST_F(SwapEngine, BadFreesAreInvalidValueAndChangeNothing) {
  start(tight_config());
  Buffer buffer = allocate(6 * kMiB);
  ASSERT_NO_FATAL_FAILURE(fill_shadowed(buffer, 9, stream_));

  EXPECT_EQ(runtime_->mem_free(buffer.dptr + 4096).to_cuda(), CUDA_ERROR_INVALID_VALUE);
  EXPECT_EQ(runtime_->mem_free(buffer.dptr + 3 * kMiB).to_cuda(), CUDA_ERROR_INVALID_VALUE);
  // Outside the arena and never allocated here: the driver's to answer.
  EXPECT_EQ(runtime_->mem_free(0x1234000).code(), StatusCode::kNotFound);
  EXPECT_EQ(driver_.cuMemFree(0x1234000), CUDA_ERROR_INVALID_VALUE);
  expect_contents(buffer, stream_);

  Buffer other = allocate(2 * kMiB);
  EXPECT_TRUE(runtime_->mem_free(other.dptr).is_ok());
  EXPECT_EQ(runtime_->mem_free(other.dptr).to_cuda(), CUDA_ERROR_INVALID_VALUE);  // double
  EXPECT_EQ(runtime_->region_at(other.dptr), nullptr);
  expect_contents(buffer, stream_);

  CUdeviceptr small = 0;
  ASSERT_TRUE(runtime_->mem_alloc(4096, &small).is_ok());
  EXPECT_TRUE(runtime_->mem_free(small).is_ok());
  EXPECT_EQ(runtime_->mem_free(small).code(), StatusCode::kNotFound);
  EXPECT_EQ(driver_.cuMemFree(small), CUDA_ERROR_INVALID_VALUE);
  EXPECT_TRUE(runtime_->mem_free(buffer.dptr).is_ok());
}

TEST_F(SwapEngine, SmallAllocationsPassThroughAndCountAgainstTheBudget) {
  start(tight_config());
  std::uint64_t free_before = 0;
  std::uint64_t total = 0;
  ASSERT_TRUE(runtime_->mem_get_info(&free_before, &total).is_ok());
  EXPECT_EQ(total, 64 * kMiB);
  EXPECT_EQ(free_before, kBudget);

  // Fill the whole budget with resident regions.
  std::vector<Buffer> regions;
  for (int i = 0; i < 4; ++i) {
    regions.push_back(allocate(4 * kMiB));
    ASSERT_NO_FATAL_FAILURE(fill_shadowed(regions.back(), 20 + i, stream_));
  }
  EXPECT_EQ(runtime_->stats().evictions, 0u);

  // A small allocation is the driver's own memory, outside the arena; room
  // for it is made by evicting a region.
  Buffer small;
  small.shadow.assign(1000, 0);
  ASSERT_TRUE(runtime_->mem_alloc(4000, &small.dptr).is_ok());
  EXPECT_EQ(runtime_->region_at(small.dptr), nullptr);
  EXPECT_FALSE(runtime_->page_map().contains(small.dptr));
  EXPECT_EQ(runtime_->stats().evictions, 1u);
  for (std::uint32_t i = 0; i < 1000; ++i) small.shadow[i] = i * 3;
  ASSERT_EQ(driver_.cuMemcpyHtoDAsync(small.dptr, small.shadow.data(), 4000, stream_),
            CUDA_SUCCESS);
  ASSERT_TRUE(add(small, 2, stream_).is_ok());  // a launch on a pointer that is no region
  shadow_add(small, 2);
  expect_contents(small, stream_);

  std::uint64_t free_after = 0;
  ASSERT_TRUE(runtime_->mem_get_info(&free_after, &total).is_ok());
  EXPECT_EQ(free_after, kBudget - 4000);
  for (const Buffer& b : regions) expect_contents(b, stream_);
  EXPECT_TRUE(runtime_->mem_free(small.dptr).is_ok());
  ASSERT_TRUE(runtime_->mem_get_info(&free_after, &total).is_ok());
  EXPECT_EQ(free_after, kBudget);
}

TEST_F(SwapEngine, AFreedRegionsPagesServeTheNextRegionPlacedThere) {
  start(tight_config());
  Buffer first = allocate(6 * kMiB);
  ASSERT_TRUE(fill(first, 31, stream_).is_ok());
  const CUdeviceptr address = first.dptr;
  ASSERT_TRUE(runtime_->mem_free(first.dptr).is_ok());

  // First-fit puts the next region of that size where the freed one was; it
  // takes the pages that are still mapped there, and its own contents are
  // what its kernel writes.
  Buffer second = allocate(6 * kMiB);
  ASSERT_EQ(second.dptr, address);
  ASSERT_NO_FATAL_FAILURE(fill_shadowed(second, 32, stream_));
  expect_contents(second, stream_);
  EXPECT_EQ(runtime_->stats().reused_mappings, 1u);
  EXPECT_EQ(runtime_->stats().fresh_pages, 2u);

  // Larger than the hole: part of it on parked pages, the rest mapped anew.
  ASSERT_TRUE(runtime_->mem_free(second.dptr).is_ok());
  Buffer third = allocate(10 * kMiB);
  ASSERT_EQ(third.dptr, address);
  ASSERT_NO_FATAL_FAILURE(fill_shadowed(third, 33, stream_));
  expect_contents(third, stream_);
  EXPECT_EQ(runtime_->stats().reused_mappings, 1u);
  EXPECT_EQ(runtime_->stats().evictions, 0u);
}

TEST_F(SwapEngine, ParkedPagesAreTakenBackBeforeAnyRegionIsEvicted) {
  start(tight_config());  // 16 MiB
  Buffer freed = allocate(8 * kMiB);
  Buffer kept = allocate(4 * kMiB);
  ASSERT_TRUE(fill(freed, 41, stream_).is_ok());
  ASSERT_NO_FATAL_FAILURE(fill_shadowed(kept, 42, stream_));
  ASSERT_TRUE(runtime_->mem_free(freed.dptr).is_ok());

  // 10 MiB does not fit the 8 MiB hole, so it lands past `kept`; with 4 MiB
  // resident, 14 MiB fit the budget, but only by reusing the parked chunks.
  Buffer big = allocate(10 * kMiB);
  ASSERT_GT(big.dptr, kept.dptr);
  ASSERT_NO_FATAL_FAILURE(fill_shadowed(big, 43, stream_));
  EXPECT_EQ(runtime_->stats().evictions, 0u);
  expect_contents(big, stream_);
  expect_contents(kept, stream_);

  // The hole has no pages left: a region there is mapped anew, and now the
  // budget really is short, so something is evicted.
  Buffer again = allocate(8 * kMiB);
  ASSERT_EQ(again.dptr, freed.dptr);
  ASSERT_NO_FATAL_FAILURE(fill_shadowed(again, 44, stream_));
  EXPECT_GT(runtime_->stats().evictions, 0u);
  expect_contents(again, stream_);
  expect_contents(big, stream_);
  expect_contents(kept, stream_);
}

TEST_F(SwapEngine, ParkedPagesMakeWayForPassThroughAllocations) {
  start(tight_config());
  std::vector<Buffer> regions;
  for (int i = 0; i < 4; ++i) {
    regions.push_back(allocate(4 * kMiB));
    ASSERT_TRUE(fill(regions.back(), 50 + i, stream_).is_ok());
  }
  for (const Buffer& b : regions) ASSERT_TRUE(runtime_->mem_free(b.dptr).is_ok());
  // The whole budget is parked; a small allocation gets room without any
  // eviction, and the driver really has the memory for it.
  CUdeviceptr small = 0;
  ASSERT_TRUE(runtime_->mem_alloc(4000, &small).is_ok());
  EXPECT_EQ(runtime_->stats().evictions, 0u);
  std::uint64_t free = 0;
  std::uint64_t total = 0;
  ASSERT_TRUE(runtime_->mem_get_info(&free, &total).is_ok());
  EXPECT_EQ(free, kBudget - 4000);
  EXPECT_TRUE(runtime_->mem_free(small).is_ok());
}

TEST_F(SwapEngine, OverwrittenRegionsComeBackWithoutACopy) {
  start(tight_config());
  std::vector<Buffer> buffers;
  for (int i = 0; i < 6; ++i) {
    buffers.push_back(allocate(4 * kMiB));
    ASSERT_TRUE(fill(buffers.back(), 40 + i, stream_).is_ok());
  }
  // Six 4 MiB regions in 16 MiB: the first ones were evicted with their contents.
  ASSERT_EQ(runtime_->region_at(buffers[0].dptr)->state_snapshot(), RegionState::kEvicted);
  const SwapStats before = runtime_->stats();
  Touch touch{runtime_->region_at(buffers[0].dptr), policy::AccessMode::overwrite};
  {
    PinGuard guard;
    ASSERT_TRUE(
        runtime_->prepare({&touch, 1}, stream_, {policy::OperationKind::copy, 0}, &guard).is_ok());
    EXPECT_EQ(guard.size(), 1u);
    EXPECT_EQ(touch.region->pin_count(), 1u);
    shadow_fill(buffers[0], 77);
    ASSERT_EQ(
        driver_.cuMemcpyHtoDAsync(buffers[0].dptr, buffers[0].shadow.data(), 4 * kMiB, stream_),
        CUDA_SUCCESS);
  }
  EXPECT_EQ(touch.region->pin_count(), 0u);
  const SwapStats after = runtime_->stats();
  EXPECT_EQ(after.restores, before.restores);
  EXPECT_EQ(after.fresh_pages, before.fresh_pages + 1);
  expect_contents(buffers[0], stream_);
}

TEST_F(SwapEngine, AddressRangeAndInfoDescribeRegions) {
  start(tight_config());
  Buffer buffer = allocate(3 * kMiB + 100);
  CUdeviceptr base = 0;
  std::uint64_t size = 0;
  ASSERT_TRUE(runtime_->address_range(buffer.dptr + 2 * kMiB + 7, &base, &size).is_ok());
  EXPECT_EQ(base, buffer.dptr);
  EXPECT_EQ(size, 3 * kMiB + 100);
  EXPECT_EQ(runtime_->address_range(buffer.dptr + 3 * kMiB + 100, &base, &size).code(),
            StatusCode::kNotFound);
  EXPECT_EQ(runtime_->address_range(0x1000, &base, &size).code(), StatusCode::kNotFound);

  config::Config reported = tight_config();
  reported.report_memory = config::Size::bytes(1024 * kMiB);
  runtime_.reset();
  start(reported);
  Buffer held = allocate(10 * kMiB);
  std::uint64_t free = 0;
  std::uint64_t total = 0;
  ASSERT_TRUE(runtime_->mem_get_info(&free, &total).is_ok());
  EXPECT_EQ(total, 1024 * kMiB);
  EXPECT_EQ(free, 1024 * kMiB - 10 * kMiB);
}

TEST_F(SwapEngine, RegionsThePinListNamesAreNeverEvicted) {
  config::Config config = tight_config();
  config::PinRule first;  // the process's first allocation
  first.first_index = 0;
  first.last_index = 0;
  config.pin.push_back(first);
  start(config);
  Buffer pinned = allocate(4 * kMiB);
  ASSERT_NO_FATAL_FAILURE(fill_shadowed(pinned, 5, stream_));
  std::vector<Buffer> others;
  for (int i = 0; i < 6; ++i) {
    others.push_back(allocate(4 * kMiB));
    ASSERT_NO_FATAL_FAILURE(fill_shadowed(others.back(), 60 + i, stream_));
    EXPECT_EQ(runtime_->region_at(pinned.dptr)->state_snapshot(), RegionState::kResident);
  }
  EXPECT_EQ(runtime_->evict(pinned.dptr).code(), StatusCode::kBusy);
  for (const Buffer& b : others) expect_contents(b, stream_);
  EXPECT_EQ(runtime_->region_at(pinned.dptr)->state_snapshot(), RegionState::kResident);
  expect_contents(pinned, stream_);

  // 14 MiB fit the budget, but not beside the 4 pinned ones.
  Buffer big = allocate(14 * kMiB);
  EXPECT_EQ(fill(big, 1, stream_).to_cuda(), CUDA_ERROR_OUT_OF_MEMORY);
  expect_contents(pinned, stream_);
}

TEST_F(SwapEngine, ThreadsPrepareLaunchAndFreeAtOnce) {
  start(tight_config());
  constexpr int kThreads = 4;
  std::vector<std::thread> threads;
  std::atomic<int> failures{0};
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      CUstream stream = nullptr;
      if (driver_.cuCtxSetCurrent(context_) != CUDA_SUCCESS ||
          driver_.cuStreamCreate(&stream, CU_STREAM_NON_BLOCKING) != CUDA_SUCCESS) {
        ++failures;
        return;
      }
      std::mt19937 random(100 + t);
      std::vector<Buffer> mine;
      for (int step = 0; step < 40; ++step) {
        const int action = static_cast<int>(random() % 10);
        if (mine.size() < 2 || (action == 0 && mine.size() < 4)) {
          Buffer buffer = allocate((2 + random() % 3) * kMiB + (random() % 4) * 4096);
          if (buffer.dptr == 0) {
            ++failures;
            continue;
          }
          const std::uint32_t seed = static_cast<std::uint32_t>(random());
          if (!fill(buffer, seed, stream)) ++failures;
          shadow_fill(buffer, seed);
          mine.push_back(std::move(buffer));
        } else if (action == 1) {
          const std::size_t i = random() % mine.size();
          std::vector<std::uint32_t> device;
          if (!read_back(mine[i], &device, stream) || device != mine[i].shadow) ++failures;
          if (!runtime_->mem_free(mine[i].dptr)) ++failures;
          mine.erase(mine.begin() + static_cast<std::ptrdiff_t>(i));
        } else {
          const std::size_t i = random() % mine.size();
          const std::uint32_t k = static_cast<std::uint32_t>(random() % 1000);
          if (!add(mine[i], k, stream)) ++failures;
          shadow_add(mine[i], k);
        }
      }
      for (Buffer& buffer : mine) {
        std::vector<std::uint32_t> device;
        if (!read_back(buffer, &device, stream) || device != buffer.shadow) ++failures;
        if (!runtime_->mem_free(buffer.dptr)) ++failures;
      }
      (void)driver_.cuStreamDestroy(stream);
    });
  }
  for (std::thread& thread : threads) thread.join();
  EXPECT_EQ(failures.load(), 0);
  const SwapStats stats = runtime_->stats();
  EXPECT_GT(stats.evictions + stats.discards, 10u);
}

// The fast path: once a region is resident, known to the policy as written
// and in use on the stream, a launch takes no lock and pins nothing.
TEST_F(SwapEngine, LaunchesOnResidentRegionsTakeTheFastPath) {
  start(tight_config());
  Buffer a = allocate(4 * kMiB);
  Buffer b = allocate(4 * kMiB);
  ASSERT_TRUE(fill(a, 1, stream_).is_ok());  // first uses: the slow path
  ASSERT_TRUE(fill(b, 2, stream_).is_ok());
  shadow_fill(a, 1);
  shadow_fill(b, 2);
  const std::uint64_t before = runtime_->stats().fast_launches;
  for (std::uint32_t k = 1; k <= 10; ++k) {
    ASSERT_TRUE(mix(a, b, stream_).is_ok());
    for (std::uint32_t i = 0; i < a.words(); ++i) a.shadow[i] ^= b.shadow[i];
    ASSERT_TRUE(add(b, k, stream_).is_ok());
    shadow_add(b, k);
  }
  EXPECT_EQ(runtime_->stats().fast_launches, before + 20);

  TouchedRegions touched;
  touched.add(runtime_->region_at(a.dptr));
  {
    PinGuard guard;
    ASSERT_TRUE(runtime_->prepare(touched, stream_, {}, &guard).is_ok());
    EXPECT_TRUE(guard.in_launch_epoch());
    EXPECT_EQ(guard.size(), 0u);
    EXPECT_EQ(touched[0]->pin_count(), 0u);
  }
  // Another stream too: it joins the region's stream set when the launch
  // is replayed (AnEvictionWaitsForAFastLaunchOnANewStream).
  CUstream other = nullptr;
  ASSERT_EQ(driver_.cuStreamCreate(&other, CU_STREAM_NON_BLOCKING), CUDA_SUCCESS);
  {
    PinGuard guard;
    ASSERT_TRUE(runtime_->prepare(touched, other, {}, &guard).is_ok());
    EXPECT_TRUE(guard.in_launch_epoch());
    EXPECT_EQ(guard.size(), 0u);
  }
  // A region not settled (never written) sends a launch the slow way.
  Buffer fresh = allocate(4 * kMiB);
  TouchedRegions with_fresh = touched;
  with_fresh.add(runtime_->region_at(fresh.dptr));
  {
    PinGuard guard;
    ASSERT_TRUE(runtime_->prepare(with_fresh, stream_, {}, &guard).is_ok());
    EXPECT_FALSE(guard.in_launch_epoch());
    EXPECT_EQ(guard.size(), 2u);
  }
  expect_contents(a, stream_);
  expect_contents(b, stream_);
  EXPECT_EQ(driver_.cuStreamDestroy(other), CUDA_SUCCESS);
}

// The fast path's reports reach the policy before it chooses victims: the
// region used most recently (by fast launches only) is not the one evicted.
TEST_F(SwapEngine, LeastRecentlyUsedCountsFastLaunches) {
  start(tight_config());
  std::vector<Buffer> buffers;
  for (int i = 0; i < 4; ++i) {  // 4 x 4 MiB: the whole budget
    buffers.push_back(allocate(4 * kMiB));
    ASSERT_NO_FATAL_FAILURE(fill_shadowed(buffers.back(), 10 + i, stream_));
  }
  const std::uint64_t fast_before = runtime_->stats().fast_launches;
  ASSERT_TRUE(add(buffers[0], 5, stream_).is_ok());  // the oldest, now the newest
  shadow_add(buffers[0], 5);
  ASSERT_EQ(runtime_->stats().fast_launches, fast_before + 1);
  ASSERT_EQ(runtime_->stats().evictions, 0u);

  Buffer fifth = allocate(4 * kMiB);
  ASSERT_NO_FATAL_FAILURE(fill_shadowed(fifth, 20, stream_));
  EXPECT_EQ(runtime_->region_at(buffers[0].dptr)->state_snapshot(), RegionState::kResident);
  EXPECT_EQ(runtime_->region_at(buffers[1].dptr)->state_snapshot(), RegionState::kEvicted);
  for (const Buffer& buffer : buffers) expect_contents(buffer, stream_);
  expect_contents(fifth, stream_);
}

// An eviction waits for a launch that another thread is issuing on the
// fast path (it holds no pin, only its launch epoch).
TEST_F(SwapEngine, AnEvictionWaitsForALaunchBeingIssued) {
  start(tight_config());
  expect_eviction_to_wait_for_a_launch_being_issued([&](Region* region, void**, PinGuard* guard) {
    TouchedRegions touched;
    touched.add(region);
    return runtime_->prepare(touched, stream_, {}, guard).is_ok() && guard->in_launch_epoch();
  });
}

// The same for a quiet launch: its epoch is all it holds, and its region
// was never looked at.
TEST_F(SwapEngine, AnEvictionWaitsForAQuietLaunchBeingIssued) {
  start(tight_config());
  expect_eviction_to_wait_for_a_launch_being_issued([&](Region*, void** params, PinGuard* guard) {
    return runtime_->try_quiet_launch(add_, FunctionKind::kFunction, params, stream_, {}, guard);
  });
}

// While no region is unsettled (evicted, being restored, fresh, freed), a
// launch is not even decoded; an eviction anywhere turns that off until
// every region is settled again.
TEST_F(SwapEngine, LaunchesGoQuietlyWhileEveryRegionIsSettled) {
  start(tight_config());
  Buffer a = allocate(4 * kMiB);
  Buffer b = allocate(4 * kMiB);
  const std::uint64_t before = runtime_->stats().quiet_launches;
  ASSERT_NO_FATAL_FAILURE(fill_shadowed(a, 1, stream_));  // a: settled; b: fresh
  ASSERT_NO_FATAL_FAILURE(fill_shadowed(a, 2, stream_));
  EXPECT_EQ(runtime_->stats().quiet_launches, before);
  ASSERT_NO_FATAL_FAILURE(fill_shadowed(b, 3, stream_));  // the first use of b: slow
  ASSERT_TRUE(add(a, 4, stream_).is_ok());
  shadow_add(a, 4);
  ASSERT_TRUE(mix(b, a, stream_).is_ok());
  for (std::uint32_t i = 0; i < b.words(); ++i) b.shadow[i] ^= a.shadow[i];
  EXPECT_EQ(runtime_->stats().quiet_launches, before + 2);

  ASSERT_TRUE(runtime_->evict(a.dptr).is_ok());
  const SwapStats evicted = runtime_->stats();
  ASSERT_TRUE(add(b, 5, stream_).is_ok());  // b alone: fast, but not quiet
  shadow_add(b, 5);
  EXPECT_EQ(runtime_->stats().quiet_launches, evicted.quiet_launches);
  EXPECT_EQ(runtime_->stats().fast_launches, evicted.fast_launches + 1);

  ASSERT_TRUE(add(a, 6, stream_).is_ok());  // restores a
  shadow_add(a, 6);
  ASSERT_EQ(driver_.cuStreamSynchronize(stream_), CUDA_SUCCESS);
  runtime_->collect_finished();  // the restore is known complete
  ASSERT_TRUE(add(a, 7, stream_).is_ok());
  shadow_add(a, 7);
  EXPECT_EQ(runtime_->stats().quiet_launches, evicted.quiet_launches + 1);
  expect_contents(a, stream_);
  expect_contents(b, stream_);
}

// A quiet launch names a stream its region never saw, and is still queued
// behind other work when the region is evicted: the eviction must wait for
// it, so its stream must be in the region's set by then (the logs are
// replayed after the launches in flight are waited for). Without that the
// copy runs first and cudasim faults on the kernel, or its work is lost.
TEST_F(SwapEngine, AnEvictionWaitsForAQuietLaunchOnANewStream) {
  start(tight_config());
  std::atomic<bool> open{false};
  CUstream other = nullptr;
  Buffer buffer;
  ASSERT_NO_FATAL_FAILURE(buffer = filled_beside_a_held_stream(&other, &open));
  const std::uint64_t quiet = runtime_->stats().quiet_launches;
  ASSERT_TRUE(add(buffer, 5, other).is_ok());
  ASSERT_EQ(runtime_->stats().quiet_launches, quiet + 1);
  shadow_add(buffer, 5);

  expect_eviction_to_wait_until_opened(buffer, &open);
  expect_contents(buffer, stream_);
  EXPECT_EQ(driver_.cuStreamDestroy(other), CUDA_SUCCESS);
}

// The same for a launch on the fast path (a fresh region elsewhere keeps
// the quiet path off): it names a stream its region never saw, and the
// eviction must still wait for that stream.
TEST_F(SwapEngine, AnEvictionWaitsForAFastLaunchOnANewStream) {
  start(tight_config());
  std::atomic<bool> open{false};
  CUstream other = nullptr;
  Buffer buffer;
  ASSERT_NO_FATAL_FAILURE(buffer = filled_beside_a_held_stream(&other, &open));
  const Buffer fresh = allocate(2 * kMiB);  // unsettled until written
  const SwapStats before = runtime_->stats();
  ASSERT_TRUE(add(buffer, 5, other).is_ok());
  ASSERT_EQ(runtime_->stats().fast_launches, before.fast_launches + 1);
  ASSERT_EQ(runtime_->stats().quiet_launches, before.quiet_launches);
  shadow_add(buffer, 5);

  expect_eviction_to_wait_until_opened(buffer, &open);
  expect_contents(buffer, stream_);
  EXPECT_TRUE(runtime_->mem_free(fresh.dptr).is_ok());
  EXPECT_EQ(driver_.cuStreamDestroy(other), CUDA_SUCCESS);
}

// The narrowest window: a quiet launch on a new stream begins after the
// eviction replayed the logs but before the region leaves kResident. The
// eviction waits for the launch to be issued, and must then replay its
// record so that it also waits for the launch's stream.
TEST_F(SwapEngine, AQuietLaunchBegunAsAnEvictionStartsIsWaitedForOnItsStream) {
  using namespace std::chrono_literals;
  DriverTable hooked = driver_;
  g_real_host_alloc = driver_.cuMemHostAlloc;
  hooked.cuMemHostAlloc = &host_alloc_with_hook;
  const config::Config config = tight_config();
  ASSERT_TRUE(Runtime::create(hooked, config, policy::make_policy(config), &runtime_).is_ok());
  std::atomic<bool> open{false};
  CUstream other = nullptr;
  Buffer buffer;
  ASSERT_NO_FATAL_FAILURE(buffer = filled_beside_a_held_stream(&other, &open));

  std::atomic<int> stage{0};  // 1: the launch holds its epoch; 2: issue it
  std::atomic<bool> quiet{false};
  std::thread launcher;
  g_inside_host_alloc = [&] {
    launcher = std::thread([&] {
      (void)driver_.cuCtxSetCurrent(context_);
      AddArguments arguments(buffer, 5);
      void** params = arguments.params();
      PinGuard guard;
      quiet.store(
          runtime_->try_quiet_launch(add_, FunctionKind::kFunction, params, other, {}, &guard));
      stage.store(1);
      while (stage.load() != 2) std::this_thread::yield();
      if (launch_(add_, 1, 1, 1, 1, 1, 1, 0, other, params, nullptr) != CUDA_SUCCESS) {
        quiet.store(false);
      }
    });
    while (stage.load() != 1) std::this_thread::yield();
  };
  std::atomic<bool> evicted{false};
  std::thread evictor([&] {
    (void)driver_.cuCtxSetCurrent(context_);
    evicted.store(runtime_->evict(buffer.dptr).is_ok());
  });
  std::this_thread::sleep_for(50ms);
  EXPECT_FALSE(evicted.load());  // waiting for the launch being issued
  stage.store(2);
  std::this_thread::sleep_for(150ms);
  EXPECT_FALSE(evicted.load());  // waiting for the kernel, queued on `other`
  open = true;
  evictor.join();
  ASSERT_TRUE(launcher.joinable()) << "the eviction allocated no pinned memory";
  launcher.join();
  EXPECT_TRUE(quiet.load());
  EXPECT_TRUE(evicted.load());
  shadow_add(buffer, 5);
  expect_contents(buffer, stream_);
  EXPECT_EQ(driver_.cuStreamDestroy(other), CUDA_SUCCESS);
}

// Unrecorded launches (room to spare): a launch on a stream of the runtime's
// quiet streams is only counted. A stream joins them once a recorded launch
// on it has been reported while the device had room to spare.
class UnrecordedLaunches : public SwapEngine {
 protected:
  // `a` (2 MiB) and `b` (4 MiB) filled on stream_, then a recorded launch
  // on `other` (a new stream) that uses `a` alone, reported by a read of
  // `a`: from then on launches on `other` may go unrecorded, and `b`'s own
  // stream set has never named it.
  void start_with_a_quiet_stream(Buffer* a, Buffer* b, CUstream* other) {
    start(tight_config());
    *a = allocate(2 * kMiB);
    *b = allocate(4 * kMiB);
    ASSERT_NO_FATAL_FAILURE(fill_shadowed(*a, 1, stream_));
    ASSERT_NO_FATAL_FAILURE(fill_shadowed(*b, 2, stream_));
    ASSERT_EQ(driver_.cuStreamSynchronize(stream_), CUDA_SUCCESS);
    ASSERT_EQ(driver_.cuStreamCreate(other, CU_STREAM_NON_BLOCKING), CUDA_SUCCESS);
    const std::uint64_t unrecorded = runtime_->stats().unrecorded_launches;
    ASSERT_TRUE(add(*a, 3, *other).is_ok());
    shadow_add(*a, 3);
    ASSERT_EQ(runtime_->stats().unrecorded_launches, unrecorded);  // not yet a quiet stream
    ASSERT_EQ(driver_.cuStreamSynchronize(*other), CUDA_SUCCESS);
    ASSERT_NO_FATAL_FAILURE(expect_contents(*a, stream_));
  }
  // Holds `other` shut (see hold) and queues behind that an unrecorded
  // launch adding `k` to `b`.
  void queue_unrecorded_add(Buffer& b, std::uint32_t k, CUstream other, std::atomic<bool>* open) {
    ASSERT_EQ(hold(other, open), CUDA_SUCCESS);
    const std::uint64_t unrecorded = runtime_->stats().unrecorded_launches;
    ASSERT_TRUE(add(b, k, other).is_ok());
    ASSERT_EQ(runtime_->stats().unrecorded_launches, unrecorded + 1);
    shadow_add(b, k);
  }
};

TEST_F(UnrecordedLaunches, AreOnlyCountedAndKeepTheirResults) {
  Buffer a, b;
  CUstream other = nullptr;
  ASSERT_NO_FATAL_FAILURE(start_with_a_quiet_stream(&a, &b, &other));
  const SwapStats before = runtime_->stats();
  for (std::uint32_t k = 4; k < 14; ++k) {
    ASSERT_TRUE(add(b, k, other).is_ok());
    shadow_add(b, k);
  }
  const SwapStats after = runtime_->stats();
  EXPECT_EQ(after.unrecorded_launches, before.unrecorded_launches + 10);
  EXPECT_EQ(after.quiet_launches, before.quiet_launches + 10);
  EXPECT_EQ(after.fast_launches, before.fast_launches + 10);
  ASSERT_EQ(driver_.cuStreamSynchronize(other), CUDA_SUCCESS);
  expect_contents(b, stream_);
  EXPECT_EQ(driver_.cuStreamDestroy(other), CUDA_SUCCESS);
}

// The eviction of `b` must wait for an unrecorded launch on `other` still
// queued behind held work, though nothing ever put `other` into `b`'s stream
// set: it waits for every quiet stream. Without that the copy runs first and
// cudasim faults on the kernel, or its work is lost.
TEST_F(UnrecordedLaunches, AreWaitedForByAnEvictionOnTheirStream) {
  Buffer a, b;
  CUstream other = nullptr;
  ASSERT_NO_FATAL_FAILURE(start_with_a_quiet_stream(&a, &b, &other));
  std::atomic<bool> open{false};
  ASSERT_NO_FATAL_FAILURE(queue_unrecorded_add(b, 5, other, &open));
  expect_eviction_to_wait_until_opened(b, &open);
  expect_contents(b, stream_);
  expect_contents(a, stream_);
  EXPECT_EQ(driver_.cuStreamDestroy(other), CUDA_SUCCESS);
}

// The same once the stream is destroyed with the launch still queued: the
// runtime's successor stream, which waits for it, takes its place.
TEST_F(UnrecordedLaunches, OnAStreamDestroyedSinceAreStillWaitedFor) {
  Buffer a, b;
  CUstream other = nullptr;
  ASSERT_NO_FATAL_FAILURE(start_with_a_quiet_stream(&a, &b, &other));
  std::atomic<bool> open{false};
  ASSERT_NO_FATAL_FAILURE(queue_unrecorded_add(b, 6, other, &open));
  runtime_->stream_destroying(other);
  ASSERT_EQ(driver_.cuStreamDestroy(other), CUDA_SUCCESS);
  expect_eviction_to_wait_until_opened(b, &open);
  expect_contents(b, stream_);
}

// Once less than an eighth of the budget is free, every launch is recorded
// (until a quarter is free again).
TEST_F(UnrecordedLaunches, StopWhenTheDeviceIsNearlyFull) {
  Buffer a, b;
  CUstream other = nullptr;
  ASSERT_NO_FATAL_FAILURE(start_with_a_quiet_stream(&a, &b, &other));
  Buffer c = allocate(10 * kMiB);  // all 16 MiB in use
  ASSERT_NO_FATAL_FAILURE(fill_shadowed(c, 7, stream_));
  ASSERT_NO_FATAL_FAILURE(expect_contents(c, stream_));  // reported: no room to spare
  const SwapStats before = runtime_->stats();
  for (std::uint32_t k = 8; k < 12; ++k) {
    ASSERT_TRUE(add(b, k, other).is_ok());
    shadow_add(b, k);
  }
  EXPECT_EQ(runtime_->stats().unrecorded_launches, before.unrecorded_launches);
  EXPECT_EQ(runtime_->stats().quiet_launches, before.quiet_launches + 4);
  ASSERT_EQ(driver_.cuStreamSynchronize(other), CUDA_SUCCESS);
  expect_contents(b, stream_);
  EXPECT_EQ(driver_.cuStreamDestroy(other), CUDA_SUCCESS);
}

// What evicting ahead keeps free is not room to spare: the policy chooses
// its victims too, so it must see every launch.
TEST_F(UnrecordedLaunches, CountRoomToSpareBeyondWhatEvictingAheadKeepsFree) {
  config::Config config = tight_config();
  config.evict_ahead = config::Size::bytes(13 * kMiB);  // of the 16 MiB
  start(config);
  Buffer a = allocate(2 * kMiB);  // 14 MiB free: 1 to spare
  ASSERT_NO_FATAL_FAILURE(fill_shadowed(a, 1, stream_));
  for (std::uint32_t k = 2; k < 6; ++k) {
    ASSERT_NO_FATAL_FAILURE(expect_contents(a, stream_));  // reports what came before
    ASSERT_TRUE(add(a, k, stream_).is_ok());
    shadow_add(a, k);
  }
  EXPECT_EQ(runtime_->stats().unrecorded_launches, 0u);
  EXPECT_GE(runtime_->stats().quiet_launches, 3u);
  expect_contents(a, stream_);
}

TEST_F(UnrecordedLaunches, AreOffWhenThePolicyFileAsksForEveryLaunch) {
  config::Config config = tight_config();
  config.sample_launches = false;
  start(config);
  Buffer a = allocate(2 * kMiB);
  ASSERT_NO_FATAL_FAILURE(fill_shadowed(a, 1, stream_));
  for (std::uint32_t k = 2; k < 6; ++k) {
    ASSERT_NO_FATAL_FAILURE(expect_contents(a, stream_));  // reports what came before
    ASSERT_TRUE(add(a, k, stream_).is_ok());
    shadow_add(a, k);
  }
  EXPECT_EQ(runtime_->stats().unrecorded_launches, 0u);
  EXPECT_GE(runtime_->stats().quiet_launches, 3u);
  expect_contents(a, stream_);
}

// One launch in about ThreadSlots::kSampleEvery is recorded all the same, so
// that the policy still sees which regions are in use: `x`, used only by
// unrecorded launches since `y` was last used, must still count as the more
// recent of the two when room has to be made.
TEST_F(UnrecordedLaunches, AreSampledSoThatRegionsInUseStayRecent) {
  Buffer x, y;
  CUstream other = nullptr;
  ASSERT_NO_FATAL_FAILURE(start_with_a_quiet_stream(&x, &y, &other));  // y used last
  ASSERT_NO_FATAL_FAILURE(expect_contents(y, stream_));
  // Small launches: each adds to x's first word only.
  const std::uint64_t before = runtime_->stats().unrecorded_launches;
  for (std::uint32_t i = 0; i < 2 * ThreadSlots::kSampleEvery + 1; ++i) {
    AddArguments arguments(x, 1);
    arguments.n = 1;
    PinGuard guard;
    ASSERT_TRUE(prepare_launch(add_, arguments.params(), other, &guard).is_ok());
    ASSERT_EQ(launch_(add_, 1, 1, 1, 1, 1, 1, 0, other, arguments.params(), nullptr), CUDA_SUCCESS);
    x.shadow[0] += 1;
  }
  const std::uint64_t unrecorded = runtime_->stats().unrecorded_launches - before;
  EXPECT_GT(unrecorded, ThreadSlots::kSampleEvery);
  EXPECT_LT(unrecorded, 2 * ThreadSlots::kSampleEvery + 1);  // at least one was sampled
  ASSERT_EQ(driver_.cuStreamSynchronize(other), CUDA_SUCCESS);
  // 10 MiB more than the 16 MiB budget holds with x and y: one must go.
  Buffer z = allocate(12 * kMiB);
  ASSERT_NO_FATAL_FAILURE(fill_shadowed(z, 9, stream_));
  EXPECT_EQ(runtime_->region_at(x.dptr)->state_snapshot(), RegionState::kResident);
  EXPECT_EQ(runtime_->region_at(y.dptr)->state_snapshot(), RegionState::kEvicted);
  expect_contents(x, stream_);
  expect_contents(y, stream_);
  expect_contents(z, stream_);
  EXPECT_EQ(driver_.cuStreamDestroy(other), CUDA_SUCCESS);
}

// A launch that names a region freed meanwhile is refused, fast path or not.
TEST_F(SwapEngine, ALaunchOnAFreedRegionIsRefused) {
  start(tight_config());
  Buffer buffer = allocate(4 * kMiB);
  ASSERT_TRUE(fill(buffer, 3, stream_).is_ok());
  Region* region = runtime_->region_at(buffer.dptr);
  TouchedRegions touched;
  touched.add(region);
  {
    PinGuard guard;
    ASSERT_TRUE(runtime_->prepare(touched, stream_, {}, &guard).is_ok());
    ASSERT_TRUE(guard.in_launch_epoch());
  }
  ASSERT_TRUE(runtime_->mem_free(buffer.dptr).is_ok());
  PinGuard guard;
  EXPECT_EQ(runtime_->prepare(touched, stream_, {}, &guard).code(), StatusCode::kInvalidValue);
  EXPECT_FALSE(guard.in_launch_epoch());
  EXPECT_EQ(guard.size(), 0u);
}

}  // namespace
}  // namespace gpuswap::runtime
