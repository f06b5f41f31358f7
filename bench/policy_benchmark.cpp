// What the policy costs a launch: LruPolicy::on_operation with 8 regions out
// of 1,000, as bench_launch's kernel touches them. Runs without a driver; the
// runtime calls it under its mutex on every operation.
#include <benchmark/benchmark.h>

#include <array>
#include <cstdint>

#include "gpuswap/policy/lru_policy.h"

namespace {

constexpr int kRegions = 1000;
constexpr int kParams = 8;

void BM_LruOnOperation(benchmark::State& state) {
  gpuswap::policy::LruPolicy policy;
  for (int id = 1; id <= kRegions; ++id) {
    policy.on_allocated(static_cast<gpuswap::policy::RegionId>(id), 2u << 20);
    policy.on_resident(static_cast<gpuswap::policy::RegionId>(id));
  }
  std::array<gpuswap::policy::Access, kParams> accesses{};
  std::uint64_t next = 0;
  for (auto _ : state) {
    for (auto& access : accesses) {
      access = {next % kRegions + 1, gpuswap::policy::AccessMode::write};
      ++next;
    }
    policy.on_operation({1, 0, gpuswap::policy::OperationKind::kernel, accesses});
  }
  state.counters["ns/region"] =
      benchmark::Counter(static_cast<double>(state.iterations()) * kParams,
                         benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
}
BENCHMARK(BM_LruOnOperation);

}  // namespace

BENCHMARK_MAIN();
