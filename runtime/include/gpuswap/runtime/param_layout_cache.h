// Parameter layouts cached per function, read without a lock.
//
// Every launch looks its function up here, so a hit is a hash, a probe or
// two and two atomic loads. Misses (the first launch of each function) take a
// mutex, ask the source and insert. The table grows by copying into a table
// twice the size and publishing it; old tables and all layouts are kept
// until the cache is destroyed, so a reader holding an old table or layout
// never sees freed memory. Layouts are immutable once published.
//
// A function handle that the driver reuses after its module is unloaded
// would keep its old layout; module unload is not tracked yet.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <vector>

#include "gpuswap/runtime/param_layout.h"
#include "gpuswap/runtime/status.h"

namespace gpuswap::runtime {

class ParamLayoutCache {
 public:
  explicit ParamLayoutCache(ParamLayoutSource& source);
  ~ParamLayoutCache();
  ParamLayoutCache(const ParamLayoutCache&) = delete;
  ParamLayoutCache& operator=(const ParamLayoutCache&) = delete;

  // The layout of `function`, built on first use. Errors from the source are
  // returned and not cached, so a later launch asks again.
  Status lookup(const void* function, FunctionKind kind, const ParamLayout** out);
  // The layout of `function` if it was built already, else nullptr. Inline
  // and without a Status: the launch hook's quiet path asks this first.
  const ParamLayout* cached(const void* function, FunctionKind kind) const {
    return find(*table_.load(std::memory_order_acquire), key_of(function, kind));
  }

  std::size_t size() const;

 private:
  struct Slot {
    std::atomic<std::uintptr_t> key{0};
    std::atomic<const ParamLayout*> layout{nullptr};
  };
  struct Table {
    explicit Table(std::size_t capacity);
    std::size_t mask;
    std::unique_ptr<Slot[]> slots;
  };

  static std::uintptr_t key_of(const void* function, FunctionKind kind) {
    // The kind takes the low bit so that a CUfunction and a CUkernel with the
    // same address stay apart; 0 is reserved for "empty slot".
    return (reinterpret_cast<std::uintptr_t>(function) << 1) |
           (kind == FunctionKind::kKernel ? 1u : 0u);
  }
  static std::size_t hash_key(std::uintptr_t key) {
    // Function handles are aligned heap pointers; a multiplicative hash
    // spreads their low zero bits over the index.
    return static_cast<std::size_t>((key * 0x9E3779B97F4A7C15ull) >> 17);
  }
  static const ParamLayout* find(const Table& table, std::uintptr_t key) {
    for (std::size_t i = hash_key(key);; ++i) {
      const Slot& slot = table.slots[i & table.mask];
      const std::uintptr_t seen = slot.key.load(std::memory_order_acquire);
      if (seen == key) return slot.layout.load(std::memory_order_relaxed);
      if (seen == 0) return nullptr;
    }
  }
  static void insert(Table& table, std::uintptr_t key, const ParamLayout* layout);

  ParamLayoutSource& source_;
  std::atomic<Table*> table_;
  mutable std::mutex write_mu_;                 // guards everything below
  std::vector<std::unique_ptr<Table>> tables_;  // every table ever published
  std::vector<std::unique_ptr<ParamLayout>> layouts_;
};

}  // namespace gpuswap::runtime
