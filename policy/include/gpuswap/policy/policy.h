// The interface between the runtime and a swapping policy (DESIGN.md,
// "Policy"). Plain values in, plain decisions out; nothing of CUDA, so the
// same policy drives the live runtime and, later, offline trace replay.
//
// Threading: a Policy is not thread-safe. The runtime serializes every call
// (it calls under the lock that guards its region table), which keeps
// decisions consistent with the residency they were made against.
//
// Residency as the policy sees it: a region starts not resident; on_resident
// and on_evicted move it in and out. Whether a resident region may be evicted
// right now (not pinned by configuration, not in use by an enqueue in flight,
// not already leaving) is the runtime's knowledge and is asked through the
// Evictable predicate, so no set has to be built or kept in sync.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string_view>
#include <vector>

namespace gpuswap::config {
struct Config;
}

namespace gpuswap::policy {

// Assigned by the runtime; unique among live regions (may be reused after
// on_freed).
using RegionId = std::uint64_t;
using StreamId = std::uint64_t;

enum class AccessMode : std::uint8_t {
  read,       // contents are needed
  write,      // part of the contents may change; the rest is needed
  overwrite,  // every byte is written before any is read: old contents are dead
};

enum class OperationKind : std::uint8_t { kernel, copy, memset, library };

struct Access {
  RegionId region;
  AccessMode mode;
};

struct Operation {
  // Stable across iterations for "the same" operation (function, launch shape,
  // operand roles), so a policy can learn the period of a training step.
  std::uint64_t signature;
  StreamId stream;
  OperationKind kind;
  std::span<const Access> accesses;  // valid only during the call
};

enum class Direction : std::uint8_t { to_host, to_device };

struct Transfer {
  RegionId region;
  Direction direction;
  std::uint64_t bytes;
  std::chrono::nanoseconds duration;
};

struct Victim {
  RegionId region;
  std::uint64_t bytes;
  // Contents are dead: unmap without copying to host (and restore without
  // copying back).
  bool discard;
};

struct VictimChoice {
  std::vector<Victim> victims;  // in the order to evict them
  std::uint64_t bytes = 0;      // sum of the victims' bytes
  std::uint64_t shortfall = 0;  // what was asked minus what was found, when not enough
  bool satisfied() const { return shortfall == 0; }
};

// Answers whether a resident region may be evicted now.
using Evictable = std::function<bool(RegionId)>;

class Policy {
 public:
  virtual ~Policy() = default;

  // The name the policy file selects it by ("lru").
  virtual std::string_view name() const = 0;

  // A region of `bytes` physical bytes was created (not yet resident).
  virtual void on_allocated(RegionId region, std::uint64_t bytes) = 0;
  // The region is gone; it is never chosen again. Unknown ids are ignored.
  virtual void on_freed(RegionId region) = 0;
  // The region's pages are mapped and its contents are in place (new region,
  // restore or prefetch done). Call before the operation that needs it.
  virtual void on_resident(RegionId region) = 0;
  // The runtime has committed to evicting the region (call when it leaves
  // the resident state, not when the copy ends).
  virtual void on_evicted(RegionId region) = 0;
  // An operation was issued on the regions it touches (all resident).
  virtual void on_operation(const Operation& operation) = 0;
  // A swap copy finished, with its measured duration.
  virtual void on_transfer(const Transfer& transfer) = 0;

  // Resident regions to evict so that at least `bytes` become free, among
  // those `evictable` accepts. A query: nothing changes until the runtime
  // reports on_evicted. When not enough can be found, `shortfall` says how
  // much is missing (the runtime then answers CUDA_ERROR_OUT_OF_MEMORY and
  // evicts nothing).
  virtual VictimChoice choose_victims(std::uint64_t bytes, const Evictable& evictable) = 0;
  // Non-resident regions to restore now, ahead of their use, most urgent first.
  virtual std::vector<RegionId> prefetch_now() = 0;
  // Resident regions worth evicting now although nobody asks for memory
  // (their next use is far off), among those `evictable` accepts.
  virtual std::vector<Victim> evict_early(const Evictable& evictable) = 0;
  // Whether the region's contents are dead (never written since allocation,
  // or next access overwrites them), so moving them would be wasted.
  virtual bool contents_dead(RegionId region) const = 0;
};

// The policy called `name`, or nullptr when there is none by that name
// (config::kPolicyNames lists the names that exist).
std::unique_ptr<Policy> make_policy(std::string_view name);
// The policy the configuration selects (Config::policy is validated, so
// this is never nullptr for a loaded Config).
std::unique_ptr<Policy> make_policy(const config::Config& config);

}  // namespace gpuswap::policy
