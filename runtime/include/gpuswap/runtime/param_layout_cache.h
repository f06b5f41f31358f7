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

  static std::uintptr_t key_of(const void* function, FunctionKind kind);
  static const ParamLayout* find(const Table& table, std::uintptr_t key);
  static void insert(Table& table, std::uintptr_t key, const ParamLayout* layout);

  ParamLayoutSource& source_;
  std::atomic<Table*> table_;
  mutable std::mutex write_mu_;                 // guards everything below
  std::vector<std::unique_ptr<Table>> tables_;  // every table ever published
  std::vector<std::unique_ptr<ParamLayout>> layouts_;
};

}  // namespace gpuswap::runtime
