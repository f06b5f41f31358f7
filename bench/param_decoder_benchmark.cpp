// The runtime's per-launch hot path alone: ParamDecoder::decode of a kernel
// with 8 pointer parameters against a page map holding 1,000 regions, the
// same shape as bench_launch but without a driver, hooks or locks. The
// difference between this and bench_launch's added cost is what the hook
// spends elsewhere (residency checks, pinning, stream bookkeeping).
#include <benchmark/benchmark.h>

#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

#include "gpuswap/runtime/page_map.h"
#include "gpuswap/runtime/param_decoder.h"
#include "gpuswap/runtime/param_layout.h"
#include "gpuswap/runtime/param_layout_cache.h"
#include "gpuswap/runtime/region.h"
#include "gpuswap/runtime/touched_regions.h"

namespace gpuswap::runtime {
namespace {

constexpr int kRegions = 1000;
constexpr std::uint32_t kParams = 8;
// Made-up arena addresses: the page map never dereferences what it maps.
constexpr std::uintptr_t kArenaBase = std::uintptr_t{0x7c00} << 32;

// Every function has 8 pointer parameters, as cuFuncGetParamInfo would say.
class EightPointers final : public ParamLayoutSource {
 public:
  Status param_info(const void*, FunctionKind, std::size_t index, std::size_t* offset,
                    std::size_t* size) override {
    if (index >= kParams) return Status(StatusCode::kNotFound);
    *offset = index * sizeof(void*);
    *size = sizeof(void*);
    return Status::ok();
  }
};

// 1,000 one-granule regions published in a page map, every other granule
// used so that misses between regions are possible too.
class Arena {
 public:
  Arena() : map_(kArenaBase, 2 * kRegions * kGranuleBytes) {
    for (int i = 0; i < kRegions; ++i) {
      const std::uintptr_t at = kArenaBase + 2 * static_cast<std::uintptr_t>(i) * kGranuleBytes;
      regions_.push_back(std::make_unique<Region>(static_cast<RegionId>(i + 1), at, kGranuleBytes,
                                                  RegionState::kResident));
      ok_ = ok_ && map_.publish(at, kGranuleBytes, regions_.back().get()).is_ok();
    }
  }
  bool ok() const { return ok_; }
  const PageMap& map() const { return map_; }
  std::uintptr_t address(std::size_t i) const { return regions_[i]->base() + 64 * (i % 7); }

 private:
  PageMap map_;
  std::vector<std::unique_ptr<Region>> regions_;
  bool ok_ = true;
};

const Arena& arena() {
  static const Arena instance;
  return instance;
}

void BM_DecodeKernelParams(benchmark::State& state) {
  if (!arena().ok()) {
    state.SkipWithError("page map setup failed");
    return;
  }
  EightPointers source;
  ParamLayoutCache layouts(source);
  const ParamDecoder decoder(layouts, arena().map());
  int function = 0;
  std::array<std::uintptr_t, kParams> values{};
  std::array<void*, kParams> params{};
  for (std::uint32_t p = 0; p < kParams; ++p) params[p] = &values[p];
  TouchedRegions touched;
  std::size_t next = 0;
  for (auto _ : state) {
    for (std::uint32_t p = 0; p < kParams; ++p) values[p] = arena().address(next + p);
    next = (next + kParams) % kRegions;
    const Status status =
        decoder.decode(&function, FunctionKind::kFunction, params.data(), nullptr, &touched);
    if (!status.is_ok() || touched.size() != kParams) {
      state.SkipWithError("decode did not find 8 regions");
      break;
    }
    benchmark::DoNotOptimize(touched);
  }
}
BENCHMARK(BM_DecodeKernelParams);

// The same 8 pointers passed in cuLaunchKernel's `extra` packed form.
void BM_DecodeExtra(benchmark::State& state) {
  if (!arena().ok()) {
    state.SkipWithError("page map setup failed");
    return;
  }
  EightPointers source;
  ParamLayoutCache layouts(source);
  const ParamDecoder decoder(layouts, arena().map());
  int function = 0;
  std::array<std::uintptr_t, kParams> packed{};
  std::size_t packed_size = sizeof(packed);
  void* extra[] = {CU_LAUNCH_PARAM_BUFFER_POINTER, packed.data(), CU_LAUNCH_PARAM_BUFFER_SIZE,
                   &packed_size, CU_LAUNCH_PARAM_END};
  TouchedRegions touched;
  std::size_t next = 0;
  for (auto _ : state) {
    for (std::uint32_t p = 0; p < kParams; ++p) packed[p] = arena().address(next + p);
    next = (next + kParams) % kRegions;
    const Status status =
        decoder.decode(&function, FunctionKind::kFunction, nullptr, extra, &touched);
    if (!status.is_ok() || touched.size() != kParams) {
      state.SkipWithError("decode did not find 8 regions");
      break;
    }
    benchmark::DoNotOptimize(touched);
  }
}
BENCHMARK(BM_DecodeExtra);

}  // namespace
}  // namespace gpuswap::runtime

BENCHMARK_MAIN();
