// The device virtual address space: one large PROT_NONE reservation made at
// cuInit, out of which every device address (cuMemAlloc, cuMemAddressReserve)
// is carved at 2 MiB granularity. Keeping all device addresses in one range is
// what lets the fault guard tell a device fault from a host bug.
#pragma once

#include "cuda_api.h"

#include <cstddef>
#include <cstdint>
#include <map>
#include <mutex>

namespace cudasim {

inline constexpr std::uint64_t kGranularity = 2ull << 20;

inline constexpr std::uint64_t round_up(std::uint64_t v, std::uint64_t a) {
  return (v + a - 1) / a * a;
}

class AddressSpace {
 public:
  AddressSpace() = default;
  AddressSpace(const AddressSpace&) = delete;
  AddressSpace& operator=(const AddressSpace&) = delete;

  // Reserves `size` bytes of address space (no memory is committed).
  CUresult init(std::uint64_t size);

  std::uintptr_t base() const { return base_; }
  std::uintptr_t size() const { return size_; }
  bool contains(std::uintptr_t p, std::uint64_t n = 1) const {
    return p >= base_ && n <= size_ && p - base_ <= size_ - n;
  }

  // A free range of `size` bytes (a multiple of kGranularity) aligned to
  // `alignment` (0: granularity); `hint` is honoured when that range is free.
  CUresult allocate(std::uint64_t size, std::uint64_t alignment, std::uintptr_t hint,
                    std::uintptr_t* out);
  void release(std::uintptr_t addr, std::uint64_t size);

  // Puts back an inaccessible reservation over [addr, addr + size), dropping
  // whatever was mapped there.
  static bool make_inaccessible(std::uintptr_t addr, std::uint64_t size);

  // Faults in every page of a writable mapping now, so that the first copy
  // into it does not take a page fault per 4 KiB page. Contents do not change.
  // A hint: where the kernel cannot (before Linux 5.14, or for memory it
  // cannot fault in), nothing happens and the pages fault on first touch.
  static void populate_writable(std::uintptr_t addr, std::uint64_t size);

 private:
  std::mutex mu_;
  std::uintptr_t base_ = 0;
  std::uintptr_t size_ = 0;
  std::map<std::uintptr_t, std::uint64_t> free_;  // start -> length
};

}  // namespace cudasim
