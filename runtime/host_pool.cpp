#include "gpuswap/runtime/host_pool.h"

#include <algorithm>
#include <iterator>

namespace gpuswap::runtime {
namespace {

constexpr std::uint64_t round_up(std::uint64_t bytes, std::uint64_t unit) {
  return (bytes + unit - 1) / unit * unit;
}

}  // namespace

HostPool::HostPool(const DriverTable& driver, std::uint64_t budget_bytes, std::uint64_t slab_bytes,
                   unsigned host_alloc_flags)
    : driver_(driver),
      budget_(budget_bytes / kUnitBytes * kUnitBytes),
      slab_bytes_(std::max(kUnitBytes, round_up(slab_bytes, kUnitBytes))),
      flags_(host_alloc_flags) {}

HostPool::~HostPool() {
  for (auto& [base, slab] : slabs_) (void)driver_.cuMemFreeHost(reinterpret_cast<void*>(base));
}

Status HostPool::allocate(std::uint64_t bytes, void** out) {
  if (bytes == 0 || out == nullptr) return Status(StatusCode::kInvalidValue);
  if (bytes > budget_) return Status(StatusCode::kOutOfMemory);
  const std::uint64_t rounded = round_up(bytes, kUnitBytes);
  const std::uint64_t units = rounded / kUnitBytes;
  std::lock_guard lock(mu_);
  for (auto& [base, slab] : slabs_) {
    std::uint64_t start = 0;
    if (slab.units.allocate(units, &start)) {
      used_ += rounded;
      *out = reinterpret_cast<void*>(base + start * kUnitBytes);
      return Status::ok();
    }
  }

  // A new slab: the usual size if the budget allows, else just what is asked.
  const std::uint64_t left = budget_ - pinned_;
  if (rounded > left) return Status(StatusCode::kOutOfMemory);
  const std::uint64_t slab_bytes = std::min(left, std::max(slab_bytes_, rounded));
  if (driver_.cuMemHostAlloc == nullptr) return Status(StatusCode::kNotSupported);
  void* memory = nullptr;
  const CUresult result = driver_.cuMemHostAlloc(&memory, slab_bytes, flags_);
  if (result != CUDA_SUCCESS) {
    return result == CUDA_ERROR_OUT_OF_MEMORY ? Status(StatusCode::kOutOfMemory)
                                              : Status::driver(result);
  }
  const auto base = reinterpret_cast<std::uintptr_t>(memory);
  auto [slab, inserted] =
      slabs_.emplace(base, Slab{slab_bytes, RangeAllocator(slab_bytes / kUnitBytes)});
  (void)inserted;
  pinned_ += slab_bytes;
  std::uint64_t start = 0;
  if (Status status = slab->second.units.allocate(units, &start); !status) return status;
  used_ += rounded;
  *out = reinterpret_cast<void*>(base + start * kUnitBytes);
  return Status::ok();
}

Status HostPool::free(void* pointer) {
  if (pointer == nullptr) return Status(StatusCode::kInvalidValue);
  const auto address = reinterpret_cast<std::uintptr_t>(pointer);
  std::lock_guard lock(mu_);
  auto slab = slabs_.upper_bound(address);
  if (slab == slabs_.begin()) return Status(StatusCode::kInvalidValue);
  slab = std::prev(slab);
  const std::uint64_t offset = address - slab->first;
  if (offset >= slab->second.bytes || offset % kUnitBytes != 0) {
    return Status(StatusCode::kInvalidValue);
  }
  const std::uint64_t units = slab->second.units.allocated_size(offset / kUnitBytes);
  if (Status status = slab->second.units.free(offset / kUnitBytes); !status) return status;
  used_ -= units * kUnitBytes;
  return Status::ok();
}

std::uint64_t HostPool::pinned_bytes() const {
  std::lock_guard lock(mu_);
  return pinned_;
}

std::uint64_t HostPool::used_bytes() const {
  std::lock_guard lock(mu_);
  return used_;
}

std::size_t HostPool::slab_count() const {
  std::lock_guard lock(mu_);
  return slabs_.size();
}

}  // namespace gpuswap::runtime
