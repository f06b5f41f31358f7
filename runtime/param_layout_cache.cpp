#include "gpuswap/runtime/param_layout_cache.h"

namespace gpuswap::runtime {
namespace {

constexpr std::size_t kInitialCapacity = 64;

}  // namespace

ParamLayoutCache::Table::Table(std::size_t capacity)
    : mask(capacity - 1), slots(std::make_unique<Slot[]>(capacity)) {}

ParamLayoutCache::ParamLayoutCache(ParamLayoutSource& source) : source_(source) {
  tables_.push_back(std::make_unique<Table>(kInitialCapacity));
  table_.store(tables_.back().get(), std::memory_order_release);
}

ParamLayoutCache::~ParamLayoutCache() = default;

void ParamLayoutCache::insert(Table& table, std::uintptr_t key, const ParamLayout* layout) {
  for (std::size_t i = hash_key(key);; ++i) {
    Slot& slot = table.slots[i & table.mask];
    if (slot.key.load(std::memory_order_relaxed) != 0) continue;
    // The layout goes first: a reader that sees the key also sees it.
    slot.layout.store(layout, std::memory_order_relaxed);
    slot.key.store(key, std::memory_order_release);
    return;
  }
}

Status ParamLayoutCache::lookup(const void* function, FunctionKind kind, const ParamLayout** out) {
  if (function == nullptr || out == nullptr) return Status(StatusCode::kInvalidValue);
  if (const ParamLayout* hit = cached(function, kind)) {
    *out = hit;
    return Status::ok();
  }
  const std::uintptr_t key = key_of(function, kind);

  std::lock_guard lock(write_mu_);
  Table* table = table_.load(std::memory_order_relaxed);
  if (const ParamLayout* hit = find(*table, key)) {  // another thread won the race
    *out = hit;
    return Status::ok();
  }
  std::vector<ParamSpan> params;
  if (Status status = build_param_layout(source_, function, kind, &params); !status) return status;
  layouts_.push_back(std::make_unique<ParamLayout>(std::move(params)));
  const ParamLayout* layout = layouts_.back().get();

  // Keep the load at most one half so that probes stay short and a miss
  // always meets an empty slot.
  if ((layouts_.size()) * 2 > table->mask + 1) {
    auto bigger = std::make_unique<Table>((table->mask + 1) * 2);
    for (std::size_t i = 0; i <= table->mask; ++i) {
      const std::uintptr_t old_key = table->slots[i].key.load(std::memory_order_relaxed);
      if (old_key != 0) {
        insert(*bigger, old_key, table->slots[i].layout.load(std::memory_order_relaxed));
      }
    }
    table = bigger.get();
    tables_.push_back(std::move(bigger));
  }
  insert(*table, key, layout);
  table_.store(table, std::memory_order_release);
  *out = layout;
  return Status::ok();
}

std::size_t ParamLayoutCache::size() const {
  std::lock_guard lock(write_mu_);
  return layouts_.size();
}

}  // namespace gpuswap::runtime
