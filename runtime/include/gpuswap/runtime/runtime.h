// The residency runtime of one process (DESIGN.md, "Regions and residency"):
// the arena and its regions, the physical page pool, the pinned host pool,
// the evict and restore streams and the policy, for the device whose context
// is current when it is created (one device per process for now).
//
// The hooks call it from many threads at once:
//   - lookups (region_at, decode_launch) take no lock;
//   - every state change (allocation, free, eviction, restore, pinning) and
//     every policy call happens under one runtime mutex, which is never held
//     while the application's own call is issued;
//   - prepare() pins what an operation touches for the duration of its
//     enqueue; the returned guard unpins without taking the mutex.
//
// docs/runtime.md describes the swap engine, its ordering rules, the budgets
// and what cuMemGetInfo reports.
#pragma once

#include <cuda.h>

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <span>
#include <unordered_map>
#include <vector>

#include "gpuswap/config/config.h"
#include "gpuswap/policy/policy.h"
#include "gpuswap/runtime/address_arena.h"
#include "gpuswap/runtime/driver_param_source.h"
#include "gpuswap/runtime/driver_table.h"
#include "gpuswap/runtime/host_pool.h"
#include "gpuswap/runtime/launch_reporter.h"
#include "gpuswap/runtime/page_pool.h"
#include "gpuswap/runtime/param_decoder.h"
#include "gpuswap/runtime/param_layout_cache.h"
#include "gpuswap/runtime/parked_chunks.h"
#include "gpuswap/runtime/quiet_streams.h"
#include "gpuswap/runtime/region.h"
#include "gpuswap/runtime/status.h"
#include "gpuswap/runtime/swap_stats.h"
#include "gpuswap/runtime/thread_slots.h"
#include "gpuswap/runtime/touched_regions.h"
#include "gpuswap/runtime/trace_writer.h"

namespace gpuswap::runtime {

// One region an operation touches, and how.
struct Touch {
  Region* region = nullptr;
  policy::AccessMode mode = policy::AccessMode::write;
};

// What the policy learns about an operation besides its regions.
struct OperationInfo {
  policy::OperationKind kind = policy::OperationKind::kernel;
  std::uint64_t signature = 0;
};

// Keeps the regions of one operation pinned (resident, not evictable) until
// it is destroyed or released: hold it across the real call. For a launch
// on the fast path it holds the thread's launch epoch instead, which keeps
// every region it checked resident the same way (thread_slots.h).
class PinGuard {
 public:
  PinGuard() = default;
  ~PinGuard() { release(); }
  PinGuard(PinGuard&& other) noexcept;
  PinGuard& operator=(PinGuard&& other) noexcept;
  PinGuard(const PinGuard&) = delete;
  PinGuard& operator=(const PinGuard&) = delete;

  // Inline: every launch that took a guard (the fast and slow paths) ends here.
  void release() noexcept {
    if (launch_ != nullptr) {
      launch_->end_launch();
      launch_ = nullptr;
    }
    if (!pinned_.empty()) unpin_all();
  }
  // Regions pinned one by one (none for a launch on the fast path).
  std::size_t size() const { return pinned_.size(); }
  // Whether the guard holds a launch epoch (the fast path was taken).
  bool in_launch_epoch() const { return launch_ != nullptr; }

 private:
  friend class Runtime;
  void unpin_all() noexcept;

  TouchedRegions pinned_;
  ThreadSlots::Slot* launch_ = nullptr;
};

class Runtime {
 public:
  // A runtime on the current context's device. `driver` must hold the real
  // driver functions (load_driver_table succeeded). The device budget is
  // config::device_budget_bytes() of what cuMemGetInfo reports now; the host
  // budget resolves percentages against physical memory.
  static Status create(const DriverTable& driver, const config::Config& config,
                       std::unique_ptr<policy::Policy> policy, std::unique_ptr<Runtime>* out);
  // Waits for the runtime's own copies, unmaps and releases every page and
  // all pinned host memory. The interposer never destroys its runtime (no
  // CUDA call once exit has begun); tests do.
  ~Runtime();
  Runtime(const Runtime&) = delete;
  Runtime& operator=(const Runtime&) = delete;

  // cuMemAlloc: a region for bytes >= min_swappable (placed in the arena,
  // without pages until its first use), else the real cuMemAlloc, counted
  // against the device budget. kOutOfMemory (and a log line) when the live
  // regions would exceed device budget + host budget, or when room for a
  // pass-through allocation cannot be made; nothing existing is disturbed.
  Status mem_alloc(std::uint64_t bytes, CUdeviceptr* out);
  // cuMemFree. A region base waits for the work that touched the region,
  // unmaps it and returns its pages and host memory; a pass-through pointer
  // goes to the real cuMemFree. A pointer inside the arena that is no
  // region base (interior pointer, double free) is kInvalidValue with a log
  // line. A pointer outside the arena that the runtime did not allocate is
  // kNotFound: it may be the driver's own from before the runtime started,
  // so the caller hands it to the real cuMemFree (which answers
  // CUDA_ERROR_INVALID_VALUE for an unknown one). Nothing changes on error.
  Status mem_free(CUdeviceptr pointer);
  // Accounts a device allocation made elsewhere (cuMemAllocManaged,
  // cuMemAllocAsync) against the budget; mem_free then frees it.
  void adopt_pass_through(CUdeviceptr pointer, std::uint64_t bytes);
  // Stops accounting such an allocation (cuMemFreeAsync frees it); false
  // when it was not accounted.
  bool forget_pass_through(CUdeviceptr pointer);

  // Makes every touched region resident (restoring or evicting as needed),
  // pins them, notes `stream` on each and reports the operation to the
  // policy. On success `guard` holds the pins until the real call has been
  // issued. kOutOfMemory when the regions cannot all be resident at once;
  // nothing is lost then, and nothing stays pinned.
  Status prepare(std::span<const Touch> touched, CUstream stream, const OperationInfo& operation,
                 PinGuard* guard);
  // The same with every region in `write` mode (kernel launches: any
  // parameter may be read and written). When every region is resident and
  // already known to the policy as written, nothing is pending on it and
  // the stream is the one it was last used on, this takes no lock and pins
  // nothing: the guard holds the thread's launch epoch, and the policy hears
  // of the launch later, before its next decision (the fast path,
  // docs/runtime.md).
  Status prepare(const TouchedRegions& touched, CUstream stream, const OperationInfo& operation,
                 PinGuard* guard);

  // Before decoding: while no region is unsettled (region.h: every live
  // region resident, known as written, no restore pending, none being
  // freed), a launch in kernel-parameter form is issued without looking at
  // its regions at all. Its parameter words go to the thread's log and are
  // decoded under the lock later: before the policy's next decision, and
  // before any region leaves kResident or is freed (the quiet path,
  // docs/runtime.md). True when the guard now holds the thread's launch
  // epoch; false when the caller must decode and prepare.
  bool try_quiet_launch(const void* function, FunctionKind kind, void* const* kernel_params,
                        CUstream stream, const OperationInfo& operation, PinGuard* guard);
  // The same without a guard, for the launch hook: the thread's slot, whose
  // epoch the caller ends (Slot::end_launch) once the launch is issued, or
  // nullptr when the caller must decode and prepare.
  ThreadSlots::Slot* begin_quiet_launch(const void* function, FunctionKind kind,
                                        void* const* kernel_params, CUstream stream,
                                        std::uint64_t signature);

  // Before the quiet path, for the launch hook (inline: every launch): while
  // no region is unsettled and the device has room to spare (a quarter of
  // the budget free beyond what evict_ahead keeps free; recording resumes
  // below an eighth: update_launch_recording_locked), a launch on a
  // stream of quiet_streams_ is not recorded at all, only counted, except
  // about one in ThreadSlots::kSampleEvery, which goes on to the quiet path
  // so that the policy still sees which regions are in use. The thread's
  // slot, whose epoch the caller ends once the launch is issued, or nullptr
  // (the caller goes on to begin_quiet_launch). Evictions and frees wait for
  // every stream of quiet_streams_ (docs/runtime.md, "Unrecorded launches").
  [[gnu::always_inline]] ThreadSlots::Slot* begin_unrecorded_launch(CUstream stream) noexcept {
    if (unsettled_.load(std::memory_order_relaxed) != 0 ||
        record_launches_.load(std::memory_order_relaxed)) {
      return nullptr;
    }
    ThreadSlots::Slot* slot = slots_->mine();
    if (slot == nullptr || slot->in_launch() || slot->sample_due()) return nullptr;
    slot->begin_launch();
    // Inside the epoch, as for the quiet path: a region unsettled before
    // this load sends the launch on; one unsettled after it waits for the
    // epoch to end, and then waits for the stream, which the table holds.
    if (unsettled_.load(std::memory_order_seq_cst) != 0 || !quiet_streams_.contains(stream)) {
      slot->end_launch();
      return nullptr;
    }
    slot->count_unrecorded_launch();
    return slot;
  }

  // The same with a guard, as try_quiet_launch (tests play the hook's part
  // with guards): true when the guard now holds the thread's launch epoch.
  bool try_unrecorded_launch(CUstream stream, PinGuard* guard) {
    if (guard == nullptr) return false;
    guard->release();
    guard->launch_ = begin_unrecorded_launch(stream);
    return guard->launch_ != nullptr;
  }

  // The kernel's name as the driver gives it (for a CUfunction or a
  // CUkernel), or "?" when it does not; for log lines.
  const char* function_name(const void* function) const;

  // The regions a launch touches (ParamDecoder over the runtime's layout
  // cache). Lock-free once the function has been seen.
  Status decode_launch(const void* function, FunctionKind kind, void* const* kernel_params,
                       void* const* extra, TouchedRegions* out);

  // Evicts the region whose base is `base` now (copy to host unless its
  // contents are dead), waiting for the work that uses it. kBusy when an
  // enqueue holds it pinned or the policy file's pin list names it,
  // kInvalidValue for anything but a region base;
  // a region that is not resident is left as it is.
  Status evict(CUdeviceptr base);

  // The application is about to destroy `stream` (call before the real
  // cuStreamDestroy). Regions whose stream set names it get, in its place, a
  // stream of the runtime's that waits (GPU-side) for everything issued to
  // it so far, so that a later eviction or free still waits for that work
  // without an event on a dead stream, and without synchronising the whole
  // context. O(regions) when some region names the stream; streams are
  // seldom destroyed.
  void stream_destroying(CUstream stream);

  // Frees the host copies of restores whose copy in has completed and
  // reports them (trace, policy), without waiting for any. Costs one atomic
  // load when none is pending; the sync-point hooks call it.
  void collect_finished();

  // cuMemGetInfo as the application sees it (docs/runtime.md).
  Status mem_get_info(std::uint64_t* free, std::uint64_t* total);

  // The region any byte of [pointer, pointer + 1) belongs to, or null. No lock.
  Region* region_at(CUdeviceptr pointer) const { return arena_->region_at(pointer); }
  // cuMemGetAddressRange for region pointers: the region's base and the size
  // the application asked for. kNotFound for other pointers.
  Status address_range(CUdeviceptr pointer, CUdeviceptr* base, std::uint64_t* size) const;

  const PageMap& page_map() const { return arena_->page_map(); }
  CUcontext context() const { return context_; }
  CUdevice device() const { return device_; }
  std::uint64_t device_budget_bytes() const { return device_budget_; }
  std::uint64_t host_budget_bytes() const { return host_pool_->budget_bytes(); }
  SwapStats stats() const;
  // At process exit: logs what was swapped (info level) and closes the swap
  // trace, writing its totals. Makes no CUDA call, and skips the summary
  // rather than wait when another thread holds the runtime.
  void finish() noexcept;
  // In a forked child at exit, in place of finish(): the parent's threads
  // (launch reporter, trace writer) are not this process's to stop.
  void abandon_after_fork() noexcept;

 private:
  struct Entry {
    std::unique_ptr<Region> region;
    bool config_pinned = false;
    // Recorded on the restore stream after the copy in; users wait on it
    // until it is known complete.
    CUevent ready = nullptr;
  };
  struct PendingHostFree {
    void* host;
    CUevent start;  // recorded before the copy in, for its duration
    CUevent done;
    CUevent ready;  // the region's Entry::ready when the copy was enqueued
    RegionId region;
    std::uint64_t bytes;
    std::chrono::steady_clock::time_point started;
    std::uint64_t issued_ns;  // trace clock when the copy was issued
  };
  enum class Room { kOk, kOutOfMemory, kWaitForPins };

  Runtime(const DriverTable& driver, const config::Config& config,
          std::unique_ptr<policy::Policy> policy);
  Status start(CUcontext context, CUdevice device);

  // `distinct`: the touches name no region twice (TouchedRegions), so the
  // quadratic merge of modes is skipped.
  // The fast path of prepare(TouchedRegions); false when it does not apply
  // (nothing is held then).
  bool try_prepare_launch(const TouchedRegions& touched, CUstream stream,
                          const OperationInfo& operation, PinGuard* guard);
  // The fast and quiet paths' shared steps: the calling thread's slot when
  // its log has room for `words` and it is not already in a launch (else
  // null), and, once the launch is logged, the epoch handed to the guard,
  // the launch counted and the reporter nudged when the log passed half.
  ThreadSlots::Slot* launch_slot(std::size_t words);
  // Counts a launch that took the fast (or quiet) path and nudges the
  // reporter once its log has passed half full.
  void note_fast_launch(ThreadSlots::Slot* slot, bool quiet);
  // Reports the launches logged by the fast and quiet paths to the policy
  // (and the trace's totals). Call before any policy decision. `held`, when
  // given, is a region lock the caller holds (a region the logs may name is
  // leaving kResident). `most`: at most that many records from each log
  // (the launch reporter, which releases the lock in between); returns
  // whether records were left.
  bool drain_launch_logs_locked(RegionLock* held = nullptr, std::size_t most = SIZE_MAX);
  // Looks a logged launch's addresses up in the page map, into
  // drained_accesses_ and drained_ids_, noting the stream and the write on
  // each region found.
  void replay_launch_locked(const LoggedOperation& logged, RegionLock* held);
  // A region is leaving kResident or being freed: returns once no launch
  // that may have seen it resident is still being issued, and reports them
  // (their streams are in the regions' stream sets after this).
  void quiesce_launches_locked(RegionLock* held) {
    slots_->wait_for_launches();
    drain_launch_logs_locked(held);
  }

  template <typename Get>
  Status prepare_impl(std::size_t count, const Get& get, bool distinct, CUstream stream,
                      const OperationInfo& operation, PinGuard* guard);
  template <typename Get>
  Status try_prepare_locked(std::size_t count, const Get& get, bool distinct, CUstream stream,
                            const OperationInfo& operation, PinGuard* guard, Room* room);

  void ensure_context();
  Entry* entry_of(const Region* region);  // under mu_; null when retired
  Status make_resident_locked(Entry& entry, policy::AccessMode mode, Room* room);
  Room make_room_locked(std::uint64_t bytes);
  bool evictable_locked(policy::RegionId id, bool* saw_pinned);
  // An eviction whose copy out is enqueued; its pages are still mapped.
  struct EvictionInFlight {
    Entry* entry = nullptr;  // null: nothing was begun
    void* host = nullptr;
    CUevent copy_start = nullptr;
    CUevent done = nullptr;
    std::uint64_t issued_ns = 0;  // trace clock when the copy was issued
  };
  Status evict_locked(Entry& entry, bool discard, TraceReason reason);
  // Evicts (or discards) the victims: every copy is enqueued first, then the
  // host waits once, then the pages go. Stops at the first failure; what was
  // begun is finished either way.
  Status evict_victims_locked(std::span<const policy::Victim> victims, TraceReason reason);
  Status discard_locked(Entry& entry, TraceReason reason);
  // Makes successor_stream_ (created on first need) wait for everything
  // issued to `stream` so far; false when that cannot be arranged.
  bool hand_over_locked(CUstream stream);
  // Leaves flight->entry null when the region is not resident (nothing to do).
  Status begin_evict_locked(Entry& entry, EvictionInFlight* flight);
  // After the copy's completion was waited for (`copied` says how that went).
  Status finish_evict_locked(EvictionInFlight& flight, Status copied, TraceReason reason);
  // Records an event on every stream of the region's stream set, and takes
  // the entry's restore event while it is set; `waiter` waits for them
  // GPU-side, or, when null, the host does. `held` locks the entry's region.
  Status wait_for_users_locked(Entry& entry, const RegionLock& held, CUstream waiter);
  // Maps the region's chunks: those parked at its addresses as they are,
  // the rest from the pool (taking back parked chunks elsewhere, then
  // evicting, when the pool runs short). On failure nothing is taken.
  Status map_pages_locked(Region& region, std::vector<ChunkHandle>* chunks);
  Status take_pages_locked(Region& region, std::size_t count, std::vector<ChunkHandle>* chunks);
  // Unmaps up to `count` parked chunks outside [avoid_begin, avoid_end) and
  // returns them to the pool; how many.
  std::size_t take_back_parked_locked(std::size_t count, CUdeviceptr avoid_begin,
                                      CUdeviceptr avoid_end);
  // Unmaps the region's chunks and returns them to the pool (the caller has
  // waited for the work that used them: cuMemUnmap does not).
  void release_pages_locked(Region& region, const RegionLock& held);
  // Frees the host copies of restores whose copy in has completed (all of
  // them, waiting, when `wait`).
  void reap_locked(bool wait);
  // Evictions ahead of need (config evict_ahead): once less than
  // evict_ahead_bytes_ of the budget is free, copies of least recently used
  // regions are begun, and nobody waits for them.
  void evict_ahead_locked();
  // Finishes the evictions ahead whose copies have completed, oldest first;
  // while fewer than `need` bytes have been freed that way, waits for the
  // next one.
  void reap_ahead_locked(std::uint64_t need);
  // A region wanted back while its copy ahead is still running stays
  // resident; the copy's host memory is freed once it completes. False when
  // the region has no eviction ahead.
  bool cancel_ahead_locked(Entry& entry);
  void forget_ready_locked(Entry& entry);
  // `timestamp_ns` (trace clock; 0: now) is when the event began.
  void emit(TraceKind kind, TraceReason reason, RegionId region, std::uint64_t bytes,
            std::uint64_t duration_ns, std::uint64_t timestamp_ns = 0);
  // The trace clock now, 0 without a trace.
  std::uint64_t trace_now() const;
  CUevent event_locked();
  // Nanoseconds between two completed events, 0 when the driver cannot tell.
  std::uint64_t elapsed_between(CUevent start, CUevent end) const;
  void recycle_event_locked(CUevent event);
  void retire_locked(std::unique_ptr<Region> region);
  std::uint64_t used_device_bytes_locked() const;
  // Sets record_launches_ from what is free of the budget (see
  // begin_unrecorded_launch); before each replay of the logs.
  void update_launch_recording_locked();

  DriverTable driver_;
  const config::Config config_;
  std::unique_ptr<policy::Policy> policy_;
  CUcontext context_ = nullptr;
  CUdevice device_ = 0;
  std::uint64_t device_total_ = 0;
  std::uint64_t device_budget_ = 0;

  std::unique_ptr<AddressArena> arena_;
  std::unique_ptr<PagePool> pages_;
  std::unique_ptr<HostPool> host_pool_;
  DriverParamSource param_source_{driver_};
  ParamLayoutCache layouts_{param_source_};
  CUstream evict_stream_ = nullptr;
  CUstream restore_stream_ = nullptr;
  // Stands in for destroyed application streams (stream_destroying); made on
  // first need, under mu_.
  CUstream successor_stream_ = nullptr;
  std::unique_ptr<TraceWriter> trace_;
  // Launch epochs and logs of the hooking threads (the fast path).
  std::shared_ptr<ThreadSlots> slots_ = ThreadSlots::create();
  // False while every operation must reach the trace as it happens.
  bool fast_launches_ = true;
  // Live regions not settled (region.h); launches go quietly while it is zero.
  UnsettledCount unsettled_{0};
  // Whether every quiet launch must be recorded (begin_unrecorded_launch):
  // true until the device has room to spare, with sample_launches off, or
  // with the trace writing every operation. Written under mu_.
  std::atomic<bool> record_launches_{true};
  // Streams on which launches may go unrecorded; only added to while
  // record_launches_ is false.
  QuietStreams quiet_streams_;
  // Replays the launch logs off the launching threads; null without the
  // fast path.
  std::unique_ptr<LaunchReporter> reporter_;

  // On a line of its own: every launch reads the fields above it, and the
  // launch reporter takes this lock every few hundred launches.
  alignas(64) mutable std::mutex mu_;
  // Everything below is guarded by mu_.
  std::unordered_map<RegionId, Entry> regions_;
  // Arena granule of a region's base -> its entry, and the region itself so
  // that a lookup can be checked without reading the entry.
  struct Slot {
    Entry* entry = nullptr;
    const Region* region = nullptr;
  };
  std::vector<Slot> by_slot_;
  std::unordered_map<CUdeviceptr, std::uint64_t> pass_through_;
  std::uint64_t pass_through_bytes_ = 0;
  std::uint64_t live_region_bytes_ = 0;
  std::uint64_t allocation_index_ = 0;
  // Unrecorded launches already counted in the trace's totals.
  std::uint64_t unrecorded_counted_ = 0;
  RegionId next_id_ = 1;
  std::deque<PendingHostFree> pending_host_frees_;
  // pending_host_frees_.size(), readable without mu_.
  std::atomic<std::size_t> pending_count_{0};
  std::vector<CUevent> spare_events_;
  // Scratch for drain_launch_logs_locked.
  std::vector<policy::Access> drained_accesses_;
  std::vector<std::uint64_t> drained_ids_;
  TouchedRegions drained_regions_;
  std::vector<EvictionInFlight> flights_;  // scratch for evict_victims_locked
  struct AheadEviction {
    EvictionInFlight flight;
    bool cancelled = false;  // the region stayed resident; only the host copy waits
  };
  std::deque<AheadEviction> ahead_;  // oldest first: the evict stream runs in order
  std::uint64_t ahead_bytes_ = 0;    // region bytes of the flights not cancelled
  std::uint64_t evict_ahead_bytes_ = 0;
  std::deque<std::unique_ptr<Region>> retired_;
  ParkedChunks parked_;  // chunks of freed regions, still mapped
  SwapStats stats_;
};

}  // namespace gpuswap::runtime
