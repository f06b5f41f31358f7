#include "gpuswap/runtime/runtime.h"

#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <limits>
#include <optional>
#include <thread>
#include <utility>

#include "gpuswap/runtime/log.h"

namespace gpuswap::runtime {
namespace {

using Clock = std::chrono::steady_clock;
using policy::AccessMode;
constexpr auto kRuntime = log::Subsystem::runtime;

// How long an operation that needs memory waits for other threads' enqueues
// to unpin regions it could evict, before it reports out of memory.
constexpr auto kPinWait = std::chrono::seconds(5);
constexpr auto kPinPoll = std::chrono::microseconds(200);
// Freed Region objects are destroyed only after this many later frees: a hook
// that looked a region up without a lock may still read it for the few
// instructions until it takes the runtime mutex and finds it gone.
constexpr std::size_t kRetiredKept = std::size_t{1} << 14;

std::uint64_t physical_memory_bytes() {
  const long pages = sysconf(_SC_PHYS_PAGES);
  const long page = sysconf(_SC_PAGE_SIZE);
  if (pages <= 0 || page <= 0) return 0;
  return static_cast<std::uint64_t>(pages) * static_cast<std::uint64_t>(page);
}

std::uint64_t elapsed_ns(Clock::time_point since) {
  return static_cast<std::uint64_t>(
      std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now() - since).count());
}

// The mode of a region two operands of one call share.
AccessMode merge(AccessMode a, AccessMode b) {
  if (a == b) return a;
  return AccessMode::write;  // any mix keeps the old contents and may change them
}

struct UniqueTouches {
  std::vector<Touch> items;
  std::vector<policy::Access> accesses;
};

const char* operation_name(policy::OperationKind kind) {
  switch (kind) {
    case policy::OperationKind::kernel:
      return "kernel";
    case policy::OperationKind::copy:
      return "copy";
    case policy::OperationKind::memset:
      return "memset";
    case policy::OperationKind::library:
      return "library";
  }
  return "operation";
}

// Per hooking thread, so that a warm thread allocates nothing here.
UniqueTouches& scratch() {
  thread_local UniqueTouches touches;
  return touches;
}

}  // namespace

PinGuard::PinGuard(PinGuard&& other) noexcept
    : pinned_(std::move(other.pinned_)), launch_(other.launch_) {
  other.pinned_.clear();
  other.launch_ = nullptr;
}

PinGuard& PinGuard::operator=(PinGuard&& other) noexcept {
  if (this != &other) {
    release();
    pinned_ = std::move(other.pinned_);
    other.pinned_.clear();
    launch_ = other.launch_;
    other.launch_ = nullptr;
  }
  return *this;
}

void PinGuard::unpin_all() noexcept {
  for (std::size_t i = 0; i < pinned_.size(); ++i) (void)pinned_[i]->unpin();
  pinned_.clear();
}

Runtime::Runtime(const DriverTable& driver, const config::Config& config,
                 std::unique_ptr<policy::Policy> policy)
    : driver_(driver), config_(config), policy_(std::move(policy)) {}

Status Runtime::create(const DriverTable& driver, const config::Config& config,
                       std::unique_ptr<policy::Policy> policy, std::unique_ptr<Runtime>* out) {
  if (out == nullptr || policy == nullptr) return Status(StatusCode::kInvalidValue);
  if (driver.cuCtxGetCurrent == nullptr || driver.cuMemAlloc == nullptr) {
    return Status(StatusCode::kNotSupported);
  }
  CUcontext context = nullptr;
  if (Status status = Status::driver(driver.cuCtxGetCurrent(&context)); !status) return status;
  if (context == nullptr) return Status::driver(CUDA_ERROR_INVALID_CONTEXT);
  CUdevice device = 0;
  if (Status status = Status::driver(driver.cuCtxGetDevice(&device)); !status) return status;

  std::unique_ptr<Runtime> runtime(new Runtime(driver, config, std::move(policy)));
  if (Status status = runtime->start(context, device); !status) return status;
  *out = std::move(runtime);
  return Status::ok();
}

Status Runtime::start(CUcontext context, CUdevice device) {
  context_ = context;
  device_ = device;
  std::size_t free = 0;
  std::size_t total = 0;
  if (Status status = Status::driver(driver_.cuMemGetInfo(&free, &total)); !status) return status;
  device_total_ = total;
  device_budget_ = config::device_budget_bytes(config_, total, free);
  evict_ahead_bytes_ = std::min(config_.evict_ahead.resolve(device_budget_), device_budget_);
  const std::uint64_t host_budget = config_.host_budget.resolve(physical_memory_bytes());

  if (Status status = AddressArena::reserve(
          driver_, suggested_arena_bytes(device_budget_, host_budget), &arena_);
      !status) {
    return status;
  }
  if (Status status = PagePool::create(driver_, device_, device_budget_, &pages_); !status) {
    return status;
  }
  host_pool_ = std::make_unique<HostPool>(driver_, host_budget);
  if (Status status =
          Status::driver(driver_.cuStreamCreate(&evict_stream_, CU_STREAM_NON_BLOCKING));
      !status) {
    return status;
  }
  if (Status status =
          Status::driver(driver_.cuStreamCreate(&restore_stream_, CU_STREAM_NON_BLOCKING));
      !status) {
    return status;
  }
  by_slot_.assign(arena_->page_map().slot_count(), Slot{});
  TraceHeader header;
  header.device_budget = device_budget_;
  trace_ = std::make_unique<TraceWriter>(config_.trace, header);
  if (!trace_->error().empty()) {
    log::warn(kRuntime, "swap trace disabled: {}", trace_->error());
  }
  // A trace of every operation (level full) records each launch in order as
  // it is issued, which the fast path's deferred reports would not.
  fast_launches_ = !trace_->wants(TraceKind::op);
  if (fast_launches_) {
    reporter_ = std::make_unique<LaunchReporter>([this] {
      // A few hundred records at a time, so that another thread waiting for
      // the lock waits for a few microseconds of replay, not a whole log.
      constexpr std::size_t kRecordsPerHold = 256;
      bool left = true;
      while (left) {
        std::lock_guard lock(mu_);
        left = drain_launch_logs_locked(nullptr, kRecordsPerHold);
      }
    });
    if (!reporter_->start()) reporter_.reset();
  }
  log::info(kRuntime, "device budget {} bytes of {}, host budget {} bytes, min_swappable {}",
            device_budget_, device_total_, host_budget, config_.min_swappable);
  return Status::ok();
}

Runtime::~Runtime() {
  if (reporter_ != nullptr) reporter_->stop();  // it replays into what is torn down below
  std::lock_guard lock(mu_);
  drain_launch_logs_locked();  // the logged launches' streams are waited for below
  reap_ahead_locked(std::numeric_limits<std::uint64_t>::max());
  if (evict_stream_ != nullptr) (void)driver_.cuStreamSynchronize(evict_stream_);
  if (restore_stream_ != nullptr) (void)driver_.cuStreamSynchronize(restore_stream_);
  for (auto& [id, entry] : regions_) {
    Region& region = *entry.region;
    RegionLock held = region.lock();
    (void)wait_for_users_locked(entry, held, nullptr);
    forget_ready_locked(entry);
    if (holds_device_pages(region.state(held))) release_pages_locked(region, held);
    if (void* host = region.host_backing(held); host != nullptr) (void)host_pool_->free(host);
    (void)arena_->remove(region.base());
  }
  (void)take_back_parked_locked(parked_.size(), 0, 0);
  reap_locked(true);
  for (CUevent event : spare_events_) (void)driver_.cuEventDestroy(event);
  if (evict_stream_ != nullptr) (void)driver_.cuStreamDestroy(evict_stream_);
  if (restore_stream_ != nullptr) (void)driver_.cuStreamDestroy(restore_stream_);
  if (successor_stream_ != nullptr) (void)driver_.cuStreamDestroy(successor_stream_);
  if (trace_ != nullptr) trace_->close();
}

void Runtime::stream_destroying(CUstream stream) {
  // The legacy and per-thread default streams are never destroyed.
  if (stream == nullptr || stream == CU_STREAM_LEGACY || stream == CU_STREAM_PER_THREAD) return;
  std::lock_guard lock(mu_);
  drain_launch_logs_locked();  // quiet launches on the stream join the stream sets first
  bool handed_over = false;    // the successor waits for the dead stream's work
  // Without a successor the stream stays: no event can be recorded on it
  // once it is gone, so the next wait for it synchronises the context.
  if (quiet_streams_.contains(stream) && (handed_over = hand_over_locked(stream))) {
    (void)quiet_streams_.replace(stream, successor_stream_);
  }
  for (auto& [id, entry] : regions_) {
    Region& region = *entry.region;
    RegionLock held = region.lock();
    if (!region.streams(held)->contains(stream)) continue;
    if (!handed_over && !(handed_over = hand_over_locked(stream))) return;
    // mutable_streams() also forgets the remembered stream: a stream created
    // later may get the dead one's handle, and must be noted anew.
    StreamSet* streams = region.mutable_streams(held);
    streams->erase(stream);
    streams->insert(successor_stream_);
  }
}

bool Runtime::hand_over_locked(CUstream stream) {
  ensure_context();
  if (successor_stream_ == nullptr &&
      driver_.cuStreamCreate(&successor_stream_, CU_STREAM_NON_BLOCKING) != CUDA_SUCCESS) {
    successor_stream_ = nullptr;
    return false;  // evictions fall back to synchronising the context
  }
  // Streams run in order, so an event recorded now completes after all the
  // work the application has issued to the stream; the successor inherits
  // that point (a wait captures the event as recorded at the time of the call,
  // so the event can be recycled at once).
  CUevent event = event_locked();
  if (event == nullptr) return false;
  const bool waits = driver_.cuEventRecord(event, stream) == CUDA_SUCCESS &&
                     driver_.cuStreamWaitEvent(successor_stream_, event, 0) == CUDA_SUCCESS;
  recycle_event_locked(event);
  return waits;
}

void Runtime::ensure_context() {
  // The runtime's own driver calls (pinning host memory, creating events,
  // allocating) need a current context; a thread that has none gets the
  // runtime's, as the CUDA runtime API does for a thread's first call.
  CUcontext current = nullptr;
  if (driver_.cuCtxGetCurrent(&current) == CUDA_SUCCESS && current == nullptr) {
    (void)driver_.cuCtxSetCurrent(context_);
  }
}

// ---------------------------------------------------------------------------
// Allocation and free

Status Runtime::mem_alloc(std::uint64_t bytes, CUdeviceptr* out) {
  if (out == nullptr || bytes == 0) return Status(StatusCode::kInvalidValue);
  ensure_context();
  std::unique_lock lock(mu_);
  const std::uint64_t index = allocation_index_++;

  if (bytes < config_.min_swappable) {
    const Clock::time_point deadline = Clock::now() + kPinWait;
    for (;;) {
      const Room room = make_room_locked(bytes);
      if (room == Room::kOk) break;
      if (room == Room::kOutOfMemory || Clock::now() > deadline) {
        ++stats_.out_of_memory;
        log::warn(kRuntime,
                  "out of memory: {} bytes (pass-through) do not fit the device budget of {} "
                  "bytes ({} in use)",
                  bytes, device_budget_, used_device_bytes_locked());
        emit(TraceKind::oom, TraceReason::budget, 0, bytes, 0);
        return Status(StatusCode::kOutOfMemory);
      }
      lock.unlock();
      std::this_thread::sleep_for(kPinPoll);
      lock.lock();
    }
    // Chunks the pool keeps for reuse still occupy the device: give back
    // enough that the budget really is free for the driver's allocator.
    const std::uint64_t created = pages_->created_chunks() * PagePool::chunk_bytes();
    if (created + pass_through_bytes_ + bytes > device_budget_) {
      const std::uint64_t excess = created + pass_through_bytes_ + bytes - device_budget_;
      const std::size_t chunks = static_cast<std::size_t>((excess + PagePool::chunk_bytes() - 1) /
                                                          PagePool::chunk_bytes());
      if (pages_->free_chunks() < chunks) {
        (void)take_back_parked_locked(chunks - pages_->free_chunks(), 0, 0);
      }
      (void)pages_->release_free(chunks);
    }
    CUdeviceptr pointer = 0;
    if (Status status = Status::driver(driver_.cuMemAlloc(&pointer, bytes)); !status) {
      if (status.driver_result() == CUDA_ERROR_OUT_OF_MEMORY) ++stats_.out_of_memory;
      return status;
    }
    pass_through_[pointer] = bytes;
    pass_through_bytes_ += bytes;
    *out = pointer;
    return Status::ok();
  }

  const std::uint64_t rounded = round_up_to_granule(bytes);
  const std::uint64_t capacity = device_budget_ + host_pool_->budget_bytes();
  if (live_region_bytes_ + pass_through_bytes_ + rounded > capacity) {
    ++stats_.out_of_memory;
    log::warn(kRuntime,
              "out of memory: an allocation of {} bytes exceeds device budget + host budget "
              "({} bytes; {} already allocated)",
              bytes, capacity, live_region_bytes_ + pass_through_bytes_);
    emit(TraceKind::oom, TraceReason::host, 0, bytes, 0);
    return Status(StatusCode::kOutOfMemory);
  }
  std::uintptr_t start = 0;
  if (Status status = arena_->place(bytes, &start); !status) {
    ++stats_.out_of_memory;
    log::warn(kRuntime, "out of memory: no room for {} bytes in the address arena", bytes);
    return status;
  }
  const RegionId id = next_id_++;
  auto region = std::make_unique<Region>(id, start, bytes, RegionState::kDiscarded, &unsettled_);
  // Quiet launches logged so far are decoded against the map without this
  // region: an address they named before it existed is not its use.
  drain_launch_logs_locked();
  if (Status status = arena_->publish(start, bytes, region.get()); !status) {
    region->leave_count();
    (void)arena_->remove(start);
    return status;
  }
  Entry& entry = regions_[id];
  entry.region = std::move(region);
  entry.config_pinned = config_.pinned(bytes, index);
  by_slot_[(start - arena_->base()) >> kGranuleShift] = Slot{&entry, entry.region.get()};
  live_region_bytes_ += rounded;
  policy_->on_allocated(id, rounded);
  emit(TraceKind::alloc, TraceReason::none, id, bytes, 0);
  *out = start;
  return Status::ok();
}

void Runtime::adopt_pass_through(CUdeviceptr pointer, std::uint64_t bytes) {
  std::lock_guard lock(mu_);
  auto [it, inserted] = pass_through_.try_emplace(pointer, bytes);
  if (inserted) pass_through_bytes_ += bytes;
}

Status Runtime::mem_free(CUdeviceptr pointer) {
  if (pointer == 0) return Status::driver(driver_.cuMemFree(0));  // the driver's own answer
  ensure_context();
  std::unique_lock lock(mu_);
  if (Region* region = arena_->region_at(pointer); region != nullptr) {
    Entry* entry = entry_of(region);
    if (entry == nullptr || region->base() != pointer) {
      log::warn(kRuntime, "cuMemFree({:#x}): not the start of an allocation (it lies inside one)",
                pointer);
      return Status(StatusCode::kInvalidValue);
    }
    const RegionId id = region->id();
    if (region->state_snapshot() == RegionState::kEvicting) (void)cancel_ahead_locked(*entry);
    {
      RegionLock held = region->lock();
      // From here no launch can start using it; one already being issued
      // (an application bug: using a buffer while freeing it) is waited for,
      // so that its work is among the users waited for below.
      region->retire(held);
      quiesce_launches_locked(&held);
      if (region->pin_count() != 0) {
        log::warn(kRuntime, "cuMemFree({:#x}) while an operation using it is being issued",
                  pointer);
      }
      (void)wait_for_users_locked(*entry, held, nullptr);
      forget_ready_locked(*entry);
      // The pages stay mapped for the next region placed here (see
      // parked_chunks.h).
      if (holds_device_pages(region->state(held)))
        parked_.park(region->base(), region->chunks(held));
      if (void* host = region->host_backing(held); host != nullptr) {
        (void)host_pool_->free(host);
        (void)region->set_host_backing(nullptr, held);
      }
    }
    by_slot_[(region->base() - arena_->base()) >> kGranuleShift] = Slot{};
    (void)arena_->remove(region->base());
    region->leave_count();
    live_region_bytes_ -= region->size();
    policy_->on_freed(id);
    emit(TraceKind::free, TraceReason::free, id, region->requested_size(), 0);
    retire_locked(std::move(entry->region));
    regions_.erase(id);
    return Status::ok();
  }
  if (auto it = pass_through_.find(pointer); it != pass_through_.end()) {
    if (Status status = Status::driver(driver_.cuMemFree(pointer)); !status) return status;
    pass_through_bytes_ -= it->second;
    pass_through_.erase(it);
    return Status::ok();
  }
  if (arena_->page_map().contains(pointer)) {
    log::warn(kRuntime, "cuMemFree({:#x}): no allocation there (already freed?)", pointer);
    return Status(StatusCode::kInvalidValue);
  }
  // Not the runtime's: memory the driver handed out before the runtime
  // started, or no allocation at all. The caller asks the driver.
  return Status(StatusCode::kNotFound);
}

bool Runtime::forget_pass_through(CUdeviceptr pointer) {
  std::lock_guard lock(mu_);
  auto it = pass_through_.find(pointer);
  if (it == pass_through_.end()) return false;
  pass_through_bytes_ -= it->second;
  pass_through_.erase(it);
  return true;
}

void Runtime::retire_locked(std::unique_ptr<Region> region) {
  retired_.push_back(std::move(region));
  if (retired_.size() > kRetiredKept) retired_.pop_front();
}

Runtime::Entry* Runtime::entry_of(const Region* region) {
  const std::uintptr_t offset = region->base() - arena_->base();
  const std::size_t slot = static_cast<std::size_t>(offset >> kGranuleShift);
  if (slot >= by_slot_.size()) return nullptr;
  // The region is compared in the slot itself: the hot path then reads no
  // Entry at all.
  const Slot& found = by_slot_[slot];
  return found.region == region ? found.entry : nullptr;
}

// ---------------------------------------------------------------------------
// Making room: victims, eviction

std::uint64_t Runtime::used_device_bytes_locked() const {
  // Parked chunks are free memory for this purpose: taking them back costs
  // an unmap, not an eviction.
  return (pages_->chunks_in_use() - parked_.size()) * PagePool::chunk_bytes() + pass_through_bytes_;
}

void Runtime::update_launch_recording_locked() {
  if (!fast_launches_ || !config_.sample_launches) return;  // always recorded
  const std::uint64_t used = used_device_bytes_locked();
  const std::uint64_t free = device_budget_ > used ? device_budget_ - used : 0;
  // Room to spare is counted beyond what evicting ahead keeps free, whose
  // victims the policy chooses as well. Two marks, so that a job hovering
  // at one does not switch on every call.
  const std::uint64_t spare = free > evict_ahead_bytes_ ? free - evict_ahead_bytes_ : 0;
  const bool record = record_launches_.load(std::memory_order_relaxed) ? spare < device_budget_ / 4
                                                                       : spare < device_budget_ / 8;
  record_launches_.store(record, std::memory_order_relaxed);
}

bool Runtime::evictable_locked(policy::RegionId id, bool* saw_pinned) {
  auto it = regions_.find(id);
  if (it == regions_.end() || it->second.config_pinned) return false;
  const Region& region = *it->second.region;
  // Every state change happens under mu_, which the caller holds, so the
  // snapshot is exact; pins only ever drop without it.
  if (region.state_snapshot() != RegionState::kResident) return false;
  if (region.pin_count() != 0) {
    *saw_pinned = true;
    return false;
  }
  return true;
}

Runtime::Room Runtime::make_room_locked(std::uint64_t bytes) {
  for (;;) {
    const std::uint64_t used = used_device_bytes_locked();
    if (used + bytes <= device_budget_) return Room::kOk;
    if (ahead_bytes_ > 0) {
      // Copies begun ahead free their pages soonest: wait for them before
      // starting new ones. Each pass finishes at least one.
      reap_ahead_locked(used + bytes - device_budget_);
      continue;
    }
    drain_launch_logs_locked();
    bool saw_pinned = false;
    const policy::VictimChoice choice = policy_->choose_victims(
        used + bytes - device_budget_,
        [this, &saw_pinned](policy::RegionId id) { return evictable_locked(id, &saw_pinned); });
    if (!choice.satisfied()) return saw_pinned ? Room::kWaitForPins : Room::kOutOfMemory;
    if (!evict_victims_locked(choice.victims, TraceReason::budget)) return Room::kOutOfMemory;
    if (used_device_bytes_locked() >= used) return Room::kOutOfMemory;  // no progress
  }
}

Status Runtime::wait_for_users_locked(Entry& entry, const RegionLock& held, CUstream waiter) {
  Region& region = *entry.region;
  StreamSet* streams = region.mutable_streams(held);
  if (streams == nullptr) return Status(StatusCode::kInvalidValue);
  Status status;
  const auto wait_for = [&](CUevent event) {
    const Status waited = waiter != nullptr
                              ? Status::driver(driver_.cuStreamWaitEvent(waiter, event, 0))
                              : Status::driver(driver_.cuEventSynchronize(event));
    if (!waited && status) status = waited;
  };
  // False when no event could be recorded on the stream: then only waiting
  // for the whole context is safe.
  const auto wait_for_stream = [&](CUstream stream) {
    // The per-thread default stream names a different stream in this thread.
    if (stream == CU_STREAM_PER_THREAD) return false;
    CUevent event = event_locked();
    if (event == nullptr || driver_.cuEventRecord(event, stream) != CUDA_SUCCESS) {
      // A stream the application has destroyed meanwhile, for instance.
      if (event != nullptr) recycle_event_locked(event);
      return false;
    }
    wait_for(event);
    // A wait captures the event as recorded when it is issued (later records
    // do not move it), so the event can be reused at once.
    recycle_event_locked(event);
    return true;
  };
  bool whole_context = false;
  streams->for_each([&](CUstream stream) { whole_context |= !wait_for_stream(stream); });
  // Unrecorded launches may have used the region on any of these streams,
  // if its pages are still mapped: one without pages left kResident since
  // the last of them, and its departure waited for them (none can start
  // while a region is not resident).
  std::optional<CUstream> lost;
  if (const auto* chunks = region.chunks(held); chunks != nullptr && !chunks->empty()) {
    quiet_streams_.for_each([&](CUstream stream) {
      if (streams->contains(stream) || wait_for_stream(stream)) return;
      whole_context = true;
      lost = stream;
    });
  }
  // The region's restore, if its completion has not been seen yet: exactly
  // that copy, not the restore stream's latest point, which would also cover
  // restores of other regions issued since (an eviction would then never
  // overlap a restore on the link). The event stays the entry's.
  if (entry.ready != nullptr) wait_for(entry.ready);
  if (whole_context) {
    const Status synced = Status::driver(driver_.cuCtxSynchronize());
    if (!synced && status) status = synced;
    // The context's work is done, that stream's included: later waits need
    // not try it again (a launch on it is recorded from now on).
    if (synced && lost) (void)quiet_streams_.erase(*lost);
  }
  return status;
}

Status Runtime::evict(CUdeviceptr base) {
  ensure_context();
  std::lock_guard lock(mu_);
  Region* region = arena_->region_at(base);
  Entry* entry = region != nullptr ? entry_of(region) : nullptr;
  if (entry == nullptr || region->base() != base) return Status(StatusCode::kInvalidValue);
  if (region->state_snapshot() != RegionState::kResident) return Status::ok();
  if (region->pin_count() != 0 || entry->config_pinned) return Status(StatusCode::kBusy);
  drain_launch_logs_locked();
  return evict_locked(*entry, policy_->contents_dead(region->id()), TraceReason::early);
}

Status Runtime::evict_locked(Entry& entry, bool discard, TraceReason reason) {
  const policy::Victim victim{entry.region->id(), entry.region->size(), discard};
  return evict_victims_locked({&victim, 1}, reason);
}

Status Runtime::evict_victims_locked(std::span<const policy::Victim> victims, TraceReason reason) {
  const Clock::time_point started = Clock::now();
  const std::uint64_t started_ns = trace_now();
  std::vector<EvictionInFlight>& flights = flights_;
  flights.clear();
  Status status;
  for (const policy::Victim& victim : victims) {
    auto it = regions_.find(victim.region);
    if (it == regions_.end()) continue;
    if (victim.discard) {
      status = discard_locked(it->second, reason);
    } else {
      EvictionInFlight flight;
      status = begin_evict_locked(it->second, &flight);
      if (status && flight.entry != nullptr) flights.push_back(flight);
    }
    if (!status) break;
  }
  if (flights.empty()) return status;
  // The host blocks here: the pages may be unmapped only once their copies
  // are complete, and whoever asked for room cannot go on without them. The
  // copies were enqueued back to back on the evict stream, which runs in
  // order, so one wait covers them all and the link never idles between them.
  const Status copied = Status::driver(driver_.cuEventSynchronize(flights.back().done));
  std::uint64_t bytes = 0;
  for (EvictionInFlight& flight : flights) {
    bytes += flight.entry->region->requested_size();
    const Status finished = finish_evict_locked(flight, copied, reason);
    if (!finished && status) status = finished;
  }
  // How long the caller was held up, waiting for the victims' last users as
  // well as for the copies: one stall for the batch.
  const std::uint64_t took = elapsed_ns(started);
  stats_.stall_ns += took;
  emit(TraceKind::stall, reason, flights.front().entry->region->id(), bytes, took, started_ns);
  flights.clear();
  return status;
}

void Runtime::evict_ahead_locked() {
  reap_ahead_locked(0);
  const std::uint64_t used = used_device_bytes_locked();
  const std::uint64_t free = device_budget_ > used ? device_budget_ - used : 0;
  if (free + ahead_bytes_ >= evict_ahead_bytes_) return;
  drain_launch_logs_locked();
  bool saw_pinned = false;
  const policy::VictimChoice choice = policy_->choose_victims(
      evict_ahead_bytes_ - free - ahead_bytes_,
      [this, &saw_pinned](policy::RegionId id) { return evictable_locked(id, &saw_pinned); });
  for (const policy::Victim& victim : choice.victims) {
    auto it = regions_.find(victim.region);
    // A region never written has nothing to copy; dropping it needs the host
    // to wait for its users, which is exactly what this avoids, so it is left
    // to an eviction on demand.
    if (it == regions_.end() || victim.discard) continue;
    EvictionInFlight flight;
    if (!begin_evict_locked(it->second, &flight) || flight.entry == nullptr) break;
    ahead_bytes_ += it->second.region->size();
    ahead_.push_back(AheadEviction{flight, false});
  }
}

void Runtime::reap_ahead_locked(std::uint64_t need) {
  std::uint64_t freed = 0;
  std::optional<Clock::time_point> waited_since;
  const std::uint64_t started_ns = trace_now();
  std::uint64_t waited_bytes = 0;
  RegionId first_waited = 0;
  while (!ahead_.empty()) {
    AheadEviction& front = ahead_.front();
    CUresult result = driver_.cuEventQuery(front.flight.done);
    if (result == CUDA_ERROR_NOT_READY) {
      if (freed >= need) break;
      if (!waited_since) waited_since = Clock::now();
      result = driver_.cuEventSynchronize(front.flight.done);
      if (!front.cancelled) {
        waited_bytes += front.flight.entry->region->requested_size();
        if (first_waited == 0) first_waited = front.flight.entry->region->id();
      }
    }
    const Status copied = Status::driver(result);
    if (front.cancelled) {
      if (front.flight.copy_start != nullptr) recycle_event_locked(front.flight.copy_start);
      recycle_event_locked(front.flight.done);
      (void)host_pool_->free(front.flight.host);
    } else {
      const std::uint64_t bytes = front.flight.entry->region->size();
      ahead_bytes_ -= bytes;
      if (finish_evict_locked(front.flight, copied, TraceReason::early)) {
        freed += bytes;
        ++stats_.evictions_ahead;
      }
    }
    ahead_.pop_front();
  }
  if (waited_since) {
    // Memory was needed before the copies ahead were done: a stall, smaller
    // than an eviction on demand would have been.
    const std::uint64_t took = elapsed_ns(*waited_since);
    stats_.stall_ns += took;
    emit(TraceKind::stall, TraceReason::early, first_waited, waited_bytes, took, started_ns);
  }
}

bool Runtime::cancel_ahead_locked(Entry& entry) {
  for (AheadEviction& ahead : ahead_) {
    if (ahead.cancelled || ahead.flight.entry != &entry) continue;
    RegionLock held = entry.region->lock();
    if (!entry.region->transition(RegionState::kResident, held)) return false;
    // The copy still reads the pages: whoever unmaps them later (a free, a
    // discard, a take-back of parked chunks after a free) waits for the
    // evict stream as for any other user.
    (void)entry.region->note_stream(evict_stream_, held);
    ahead.cancelled = true;
    ahead_bytes_ -= entry.region->size();
    ++stats_.ahead_cancelled;
    return true;
  }
  return false;
}

Status Runtime::discard_locked(Entry& entry, TraceReason reason) {
  Region& region = *entry.region;
  RegionLock held = region.lock();
  if (region.state(held) != RegionState::kResident) return Status::ok();
  if (region.pin_count() != 0) return Status(StatusCode::kBusy);
  const Clock::time_point started = Clock::now();
  // Out of kResident first, so that no launch starts using it; then the
  // launches that saw it resident, then the work they and others enqueued:
  // the pages may only go once that has finished (cuMemUnmap does not wait).
  if (Status status = region.transition(RegionState::kDiscarded, held); !status) return status;
  quiesce_launches_locked(&held);
  if (Status status = wait_for_users_locked(entry, held, nullptr); !status) {
    (void)region.transition(RegionState::kResident, held);  // nothing was lost
    return status;
  }
  forget_ready_locked(entry);
  release_pages_locked(region, held);
  region.mutable_streams(held)->clear();
  policy_->on_evicted(region.id());
  ++stats_.discards;
  stats_.stall_ns += elapsed_ns(started);
  emit(TraceKind::discard, reason, region.id(), region.requested_size(), elapsed_ns(started));
  return Status::ok();
}

Status Runtime::begin_evict_locked(Entry& entry, EvictionInFlight* flight) {
  *flight = EvictionInFlight{};
  Region& region = *entry.region;
  RegionLock held = region.lock();
  if (region.state(held) != RegionState::kResident) return Status::ok();  // nothing to do
  if (region.pin_count() != 0) return Status(StatusCode::kBusy);

  void* host = nullptr;
  Status status = host_pool_->allocate(region.requested_size(), &host);
  if (status.code() == StatusCode::kOutOfMemory) {
    reap_locked(true);  // host copies of finished restores may still be held
    status = host_pool_->allocate(region.requested_size(), &host);
  }
  if (status.code() == StatusCode::kOutOfMemory) {
    log::warn(kRuntime, "cannot evict region {} ({} bytes): host budget of {} bytes exhausted",
              region.id(), region.requested_size(), host_pool_->budget_bytes());
    emit(TraceKind::oom, TraceReason::host, region.id(), region.requested_size(), 0);
    return status;
  }
  if (!status) {
    log::error(kRuntime, "cannot evict region {}: pinning host memory failed ({})", region.id(),
               driver_error_name(driver_, status.driver_result()));
    return status;
  }
  if (status = region.transition(RegionState::kEvicting, held); !status) {
    (void)host_pool_->free(host);
    return status;
  }
  // Launches that saw the region resident are enqueued (and their streams
  // noted) before its users are waited for.
  quiesce_launches_locked(&held);
  // GPU-side ordering: the copy starts once every stream that used the
  // region has reached the point where this event is recorded.
  const std::uint64_t issued_ns = trace_now();
  status = wait_for_users_locked(entry, held, evict_stream_);
  CUevent copy_start = status ? event_locked() : nullptr;
  CUevent done = nullptr;
  if (copy_start != nullptr) (void)driver_.cuEventRecord(copy_start, evict_stream_);
  if (status) {
    status = Status::driver(
        driver_.cuMemcpyDtoHAsync(host, region.base(), region.requested_size(), evict_stream_));
  }
  if (status) {
    done = event_locked();
    status = done != nullptr ? Status::driver(driver_.cuEventRecord(done, evict_stream_))
                             : Status(StatusCode::kOutOfMemory);
  }
  if (!status) {
    // Nothing was lost: the pages are still mapped. Wait for whatever was
    // enqueued before giving the host memory back.
    (void)driver_.cuStreamSynchronize(evict_stream_);
    if (copy_start != nullptr) recycle_event_locked(copy_start);
    if (done != nullptr) recycle_event_locked(done);
    (void)region.transition(RegionState::kResident, held);
    (void)host_pool_->free(host);
    log::error(kRuntime, "eviction of region {} failed: {}", region.id(),
               driver_error_name(driver_, status.driver_result()));
    return status;
  }
  *flight = EvictionInFlight{&entry, host, copy_start, done, issued_ns};
  return Status::ok();
}

Status Runtime::finish_evict_locked(EvictionInFlight& flight, Status copied, TraceReason reason) {
  Entry& entry = *flight.entry;
  Region& region = *entry.region;
  RegionLock held = region.lock();
  const std::uint64_t transfer_ns = copied ? elapsed_between(flight.copy_start, flight.done) : 0;
  if (flight.copy_start != nullptr) recycle_event_locked(flight.copy_start);
  recycle_event_locked(flight.done);
  if (!copied) {
    (void)region.transition(RegionState::kResident, held);
    (void)host_pool_->free(flight.host);
    log::error(kRuntime, "eviction of region {} failed: {}", region.id(),
               driver_error_name(driver_, copied.driver_result()));
    return copied;
  }
  forget_ready_locked(entry);
  release_pages_locked(region, held);
  (void)region.set_host_backing(flight.host, held);
  (void)region.transition(RegionState::kEvicted, held);
  region.mutable_streams(held)->clear();
  policy_->on_evicted(region.id());
  ++stats_.evictions;
  stats_.bytes_to_host += region.requested_size();
  policy_->on_transfer({region.id(), policy::Direction::to_host, region.requested_size(),
                        std::chrono::nanoseconds(transfer_ns)});
  emit(TraceKind::evict, reason, region.id(), region.requested_size(), transfer_ns,
       flight.issued_ns);
  return Status::ok();
}

void Runtime::release_pages_locked(Region& region, const RegionLock& held) {
  std::vector<ChunkHandle>& chunks = *region.chunks(held);
  (void)pages_->unmap(region.base(), chunks.size());
  pages_->give_back(&chunks);
}

// ---------------------------------------------------------------------------
// Restore and prepare

Status Runtime::map_pages_locked(Region& region, std::vector<ChunkHandle>* chunks) {
  const std::size_t count = static_cast<std::size_t>(region.size() / PagePool::chunk_bytes());
  std::vector<bool> adopted;
  const std::size_t found = parked_.adopt(region.base(), count, chunks, &adopted);
  if (found == count) {
    ++stats_.reused_mappings;
    return Status::ok();
  }
  std::vector<ChunkHandle> taken;
  Status status = take_pages_locked(region, count - found, &taken);
  // Runs of chunks that were not parked here, each mapped with one call.
  std::size_t next_taken = 0;
  std::size_t mapped_runs_end = 0;  // chunks [0, mapped_runs_end) are mapped or adopted
  for (std::size_t i = 0; status && i < count;) {
    if (adopted[i]) {
      mapped_runs_end = ++i;
      continue;
    }
    std::size_t end = i;
    while (end < count && !adopted[end]) ++end;
    const std::vector<ChunkHandle> run(
        taken.begin() + static_cast<std::ptrdiff_t>(next_taken),
        taken.begin() + static_cast<std::ptrdiff_t>(next_taken + end - i));
    status = pages_->map(region.base() + i * PagePool::chunk_bytes(), run);
    if (!status) break;
    std::copy(run.begin(), run.end(), chunks->begin() + static_cast<std::ptrdiff_t>(i));
    next_taken += end - i;
    mapped_runs_end = i = end;
  }
  if (status) return status;
  // Undo: runs mapped so far are unmapped, and every chunk goes back to the
  // pool, adopted ones included (they are unmapped with the rest).
  for (std::size_t i = 0; i < mapped_runs_end; ++i) {
    if (!adopted[i]) (void)pages_->unmap(region.base() + i * PagePool::chunk_bytes(), 1);
  }
  std::vector<ChunkHandle> back;
  for (std::size_t i = 0; i < count; ++i) {
    if (adopted[i]) {
      (void)pages_->unmap(region.base() + i * PagePool::chunk_bytes(), 1);
      back.push_back((*chunks)[i]);
    }
  }
  back.insert(back.end(), taken.begin(), taken.end());
  pages_->give_back(&back);
  chunks->clear();
  return status;
}

std::size_t Runtime::take_back_parked_locked(std::size_t count, CUdeviceptr avoid_begin,
                                             CUdeviceptr avoid_end) {
  std::vector<ParkedChunks::Parked> parked;
  parked_.take_back(count, avoid_begin, avoid_end, &parked);
  std::vector<ChunkHandle> chunks;
  chunks.reserve(parked.size());
  for (const ParkedChunks::Parked& chunk : parked) {
    (void)pages_->unmap(chunk.address, 1);
    chunks.push_back(chunk.handle);
  }
  pages_->give_back(&chunks);
  return parked.size();
}

Status Runtime::take_pages_locked(Region& region, std::size_t count,
                                  std::vector<ChunkHandle>* chunks) {
  if (count == 0) return Status::ok();
  Status status = pages_->take(count, chunks);
  if (status.code() != StatusCode::kOutOfMemory) return status;
  // The pool is at the budget: chunks parked elsewhere come back first.
  if (take_back_parked_locked(count, region.base(), region.base() + region.size()) > 0) {
    status = pages_->take(count, chunks);
    if (status.code() != StatusCode::kOutOfMemory) return status;
  }
  // The budget allowed it, but the device itself is short (another allocator
  // holds memory): evict regions to reuse their chunks.
  bool saw_pinned = false;
  const policy::VictimChoice choice = policy_->choose_victims(
      count * PagePool::chunk_bytes(),
      [this, &saw_pinned](policy::RegionId id) { return evictable_locked(id, &saw_pinned); });
  (void)evict_victims_locked(choice.victims, TraceReason::budget);
  return pages_->take(count, chunks);
}

Status Runtime::make_resident_locked(Entry& entry, AccessMode mode, Room* room) {
  Region& region = *entry.region;
  const RegionState state = region.state_snapshot();
  if (state == RegionState::kResident) return Status::ok();
  if (state == RegionState::kEvicting && cancel_ahead_locked(entry)) return Status::ok();
  if (state != RegionState::kEvicted && state != RegionState::kDiscarded) {
    return Status(StatusCode::kBusy);  // other mid-copy states never outlive mu_
  }
  ensure_context();
  *room = make_room_locked(region.size());
  if (*room == Room::kOutOfMemory) {
    log::warn(kRuntime,
              "out of memory: region {} ({} bytes) cannot be made resident; of the {} budget "
              "bytes, {} are in use and too few of them can be evicted now",
              region.id(), region.size(), device_budget_, used_device_bytes_locked());
  }
  if (*room != Room::kOk) return Status(StatusCode::kOutOfMemory);
  std::vector<ChunkHandle> taken;
  if (Status status = map_pages_locked(region, &taken); !status) {
    if (status.code() == StatusCode::kOutOfMemory) *room = Room::kOutOfMemory;
    return status;
  }
  RegionLock held = region.lock();
  *region.chunks(held) = std::move(taken);

  if (state == RegionState::kEvicted && mode == AccessMode::overwrite) {
    // Every byte is about to be replaced: the host copy is dead.
    (void)host_pool_->free(region.host_backing(held));
    (void)region.set_host_backing(nullptr, held);
    (void)region.transition(RegionState::kDiscarded, held);
    emit(TraceKind::discard, TraceReason::overwrite, region.id(), region.requested_size(), 0);
  }
  if (region.state(held) == RegionState::kDiscarded) {
    (void)region.transition(RegionState::kResident, held);
    ++stats_.fresh_pages;
    policy_->on_resident(region.id());
    return Status::ok();
  }

  void* host = region.host_backing(held);
  (void)region.transition(RegionState::kRestoring, held);
  const Clock::time_point started = Clock::now();
  CUevent copy_start = event_locked();
  if (copy_start != nullptr) (void)driver_.cuEventRecord(copy_start, restore_stream_);
  Status status = Status::driver(
      driver_.cuMemcpyHtoDAsync(region.base(), host, region.requested_size(), restore_stream_));
  CUevent ready = nullptr;
  CUevent copied = nullptr;
  // `copied` first: both mark the same point of the restore stream, but the
  // application's streams wait on `ready`, and whatever waking them costs
  // the emulated device must not count as copy time.
  if (status) {
    ready = event_locked();
    copied = event_locked();
    status = ready != nullptr && copied != nullptr
                 ? Status::driver(driver_.cuEventRecord(copied, restore_stream_))
                 : Status(StatusCode::kOutOfMemory);
  }
  if (status) status = Status::driver(driver_.cuEventRecord(ready, restore_stream_));
  if (!status) {
    if (copy_start != nullptr) recycle_event_locked(copy_start);
    if (ready != nullptr) recycle_event_locked(ready);
    if (copied != nullptr) recycle_event_locked(copied);
    // Nothing was lost: the host copy stays where it was.
    (void)driver_.cuStreamSynchronize(restore_stream_);
    release_pages_locked(region, held);
    (void)region.transition(RegionState::kEvicted, held);
    log::error(kRuntime, "restore of region {} failed: {}", region.id(),
               driver_error_name(driver_, status.driver_result()));
    return status;
  }
  // Before it is resident again: a launch on the fast path must not use it
  // until its users have been made to wait for the copy.
  region.set_restore_pending(true);
  (void)region.transition(RegionState::kResident, held);
  (void)region.set_host_backing(nullptr, held);
  // Later evictions and frees wait for the copy in through `ready`, as the
  // application's streams do (wait_for_users_locked).
  entry.ready = ready;
  pending_host_frees_.push_back({host, copy_start, copied, ready, region.id(),
                                 region.requested_size(), started, trace_now()});
  pending_count_.store(pending_host_frees_.size(), std::memory_order_relaxed);
  ++stats_.restores;
  stats_.bytes_to_device += region.requested_size();
  policy_->on_resident(region.id());
  return Status::ok();
}

void Runtime::forget_ready_locked(Entry& entry) {
  if (entry.ready == nullptr) return;
  entry.region->set_restore_pending(false);
  // Callers have waited for the region's users, the restore stream among them.
  recycle_event_locked(entry.ready);
  entry.ready = nullptr;
}

void Runtime::reap_locked(bool wait) {
  while (!pending_host_frees_.empty()) {
    PendingHostFree& pending = pending_host_frees_.front();
    const CUresult result =
        wait ? driver_.cuEventSynchronize(pending.done) : driver_.cuEventQuery(pending.done);
    if (result == CUDA_ERROR_NOT_READY) return;  // copies complete in order
    (void)host_pool_->free(pending.host);
    // The copy's own time on the restore stream; without a start event, from
    // enqueue to the moment it was seen complete (an upper bound).
    const std::uint64_t took = pending.start != nullptr
                                   ? elapsed_between(pending.start, pending.done)
                                   : elapsed_ns(pending.started);
    if (pending.start != nullptr) recycle_event_locked(pending.start);
    recycle_event_locked(pending.done);
    policy_->on_transfer({pending.region, policy::Direction::to_device, pending.bytes,
                          std::chrono::nanoseconds(took)});
    emit(TraceKind::restore, TraceReason::demand, pending.region, pending.bytes, took,
         pending.issued_ns);
    // The ready event was recorded just before `done`, so it has completed
    // too: users need not wait for it any more. This keeps "a region has a
    // ready event" implying "a restore is pending", which lets the hot path
    // skip the check when none is.
    if (auto it = regions_.find(pending.region);
        it != regions_.end() && it->second.ready == pending.ready) {
      forget_ready_locked(it->second);
    }
    pending_host_frees_.pop_front();
    pending_count_.store(pending_host_frees_.size(), std::memory_order_relaxed);
  }
}

void Runtime::collect_finished() {
  if (pending_count_.load(std::memory_order_relaxed) == 0) return;
  std::lock_guard lock(mu_);
  reap_locked(false);
}

template <typename Get>
Status Runtime::try_prepare_locked(std::size_t count, const Get& get, bool distinct,
                                   CUstream stream, const OperationInfo& operation, PinGuard* guard,
                                   Room* room) {
  UniqueTouches& unique = scratch();
  unique.items.clear();
  std::uint64_t total = 0;
  for (std::size_t i = 0; i < count; ++i) {
    const Touch touch = get(i);
    if (touch.region == nullptr) continue;
    if (!distinct) {
      auto same = std::find_if(unique.items.begin(), unique.items.end(),
                               [&](const Touch& t) { return t.region == touch.region; });
      if (same != unique.items.end()) {
        same->mode = merge(same->mode, touch.mode);
        continue;
      }
    }
    if (entry_of(touch.region) == nullptr) {
      log::warn(kRuntime, "an operation uses {:#x}, which has been freed", touch.region->base());
      return Status(StatusCode::kInvalidValue);
    }
    unique.items.push_back(touch);
    total += touch.region->size();
  }
  if (total + pass_through_bytes_ > device_budget_) {
    *room = Room::kOutOfMemory;
    log::warn(kRuntime,
              "out of memory: one operation touches {} bytes of regions; the device budget is {} "
              "bytes ({} held by small allocations)",
              total, device_budget_, pass_through_bytes_);
    return Status(StatusCode::kOutOfMemory);
  }

  // Pin what is resident first, so that restoring the rest cannot evict it.
  // Pinning needs no lock; the stream is noted once pinned (noting it for an
  // operation that then fails only makes a later eviction wait for it too).
  bool all_pinned = true;
  for (const Touch& touch : unique.items) {
    Region& region = *touch.region;
    if (!region.try_pin()) {
      all_pinned = false;
      continue;
    }
    guard->pinned_.add_distinct(&region);
    if (!region.noted_recently(stream)) {
      RegionLock held = region.lock();
      (void)region.note_stream(stream, held);
    }
  }
  for (std::size_t i = 0; !all_pinned && i < unique.items.size(); ++i) {
    const Touch& touch = unique.items[i];
    if (guard->pinned_.contains(touch.region)) continue;
    if (Status status = make_resident_locked(*entry_of(touch.region), touch.mode, room); !status) {
      return status;
    }
    RegionLock held = touch.region->lock();
    if (Status status = touch.region->pin(held); !status) return status;
    guard->pinned_.add_distinct(touch.region);
    (void)touch.region->note_stream(stream, held);
  }

  unique.accesses.clear();
  // A region has a ready event only while its restore's host copy is pending.
  const bool restores_pending = !pending_host_frees_.empty();
  for (const Touch& touch : unique.items) {
    const Region& region = *touch.region;
    Entry& entry = *entry_of(touch.region);
    if (restores_pending && entry.ready != nullptr) {
      // The copy in may still be running: the application's stream waits
      // for it on the GPU, the host does not.
      if (driver_.cuEventQuery(entry.ready) == CUDA_SUCCESS) {
        forget_ready_locked(entry);
      } else if (Status status = Status::driver(driver_.cuStreamWaitEvent(stream, entry.ready, 0));
                 !status) {
        return status;
      }
    }
    unique.accesses.push_back({region.id(), touch.mode});
    // Told the policy just below, under the same lock: no decision can come
    // between the flag and the report.
    if (touch.mode != AccessMode::read) touch.region->note_write_reported();
  }
  policy_->on_operation({operation.signature, reinterpret_cast<policy::StreamId>(stream),
                         operation.kind, unique.accesses});
  if (trace_ != nullptr && trace_->enabled()) {
    // `full` traces record every operation's regions, so a run can be
    // replayed under another policy.
    thread_local std::vector<std::uint64_t> ids;
    ids.clear();
    for (const policy::Access& access : unique.accesses) ids.push_back(access.region);
    trace_->emit_op(operation_name(operation.kind), reinterpret_cast<std::uintptr_t>(stream), ids);
  }
  if (!pending_host_frees_.empty()) reap_locked(false);
  if (evict_ahead_bytes_ != 0) evict_ahead_locked();
  return Status::ok();
}

template <typename Get>
Status Runtime::prepare_impl(std::size_t count, const Get& get, bool distinct, CUstream stream,
                             const OperationInfo& operation, PinGuard* guard) {
  if (guard == nullptr) return Status(StatusCode::kInvalidValue);
  guard->release();
  if (count == 0) return Status::ok();
  std::unique_lock lock(mu_);
  std::optional<Clock::time_point> deadline;  // read the clock only when waiting
  for (;;) {
    // The launches logged so far come before this operation.
    drain_launch_logs_locked();
    Room room = Room::kOk;
    const Status status = try_prepare_locked(count, get, distinct, stream, operation, guard, &room);
    if (status) return status;
    guard->release();  // nothing stays pinned on failure
    if (room == Room::kWaitForPins && !deadline) deadline = Clock::now() + kPinWait;
    if (room == Room::kWaitForPins && Clock::now() < *deadline) {
      lock.unlock();
      std::this_thread::sleep_for(kPinPoll);
      lock.lock();
      continue;
    }
    if (status.code() == StatusCode::kOutOfMemory) {
      ++stats_.out_of_memory;
      emit(TraceKind::oom, TraceReason::demand, 0, 0, 0);
    }
    return status;
  }
}

Status Runtime::prepare(std::span<const Touch> touched, CUstream stream,
                        const OperationInfo& operation, PinGuard* guard) {
  return prepare_impl(
      touched.size(), [&](std::size_t i) { return touched[i]; }, false, stream, operation, guard);
}

// Inlined: both callers are the launch hot path.
[[gnu::always_inline]] inline ThreadSlots::Slot* Runtime::launch_slot(std::size_t words) {
  ThreadSlots::Slot* slot = slots_->mine();
  // A hook called from inside a launch (no driver does this) takes the slow
  // path rather than nest epochs.
  if (slot == nullptr || slot->in_launch()) return nullptr;
  // A full log: the slow path replays the logs.
  return slot->log().has_room(words) ? slot : nullptr;
}

[[gnu::always_inline]] inline void Runtime::note_fast_launch(ThreadSlots::Slot* slot, bool quiet) {
  slot->count_fast_launch(quiet);
  if (reporter_ != nullptr && slot->log().passed_half()) reporter_->nudge();
}

bool Runtime::try_prepare_launch(const TouchedRegions& touched, CUstream stream,
                                 const OperationInfo& operation, PinGuard* guard) {
  if (!fast_launches_ || touched.empty()) return false;
  ThreadSlots::Slot* slot = launch_slot(touched.size());
  if (slot == nullptr) return false;
  slot->begin_launch();
  // The stream need not be in the regions' stream sets yet: the replay of
  // this record puts it there, before anyone waits for those sets (as for
  // the quiet path).
  for (std::size_t i = 0; i < touched.size(); ++i) {
    if (!touched[i]->settled()) {
      slot->end_launch();
      return false;
    }
  }
  (void)slot->log().append(operation.signature, reinterpret_cast<std::uint64_t>(stream),
                           touched.size(), [&](std::size_t i, std::uint64_t* out) {
                             *out = touched[i]->base();
                             return true;
                           });
  note_fast_launch(slot, false);
  guard->launch_ = slot;
  return true;
}

bool Runtime::try_quiet_launch(const void* function, FunctionKind kind, void* const* kernel_params,
                               CUstream stream, const OperationInfo& operation, PinGuard* guard) {
  if (guard == nullptr) return false;
  guard->release();
  guard->launch_ = begin_quiet_launch(function, kind, kernel_params, stream, operation.signature);
  return guard->launch_ != nullptr;
}

ThreadSlots::Slot* Runtime::begin_quiet_launch(const void* function, FunctionKind kind,
                                               void* const* kernel_params, CUstream stream,
                                               std::uint64_t signature) {
  // A plain load first: under memory pressure some region is nearly always
  // unsettled, and the launch goes on to decode at once.
  if (!fast_launches_ || kernel_params == nullptr ||
      unsettled_.load(std::memory_order_relaxed) != 0) {
    return nullptr;
  }
  // The first launch of a function builds its layout (out of line).
  const ParamLayout* layout = layouts_.cached(function, kind);
  if (layout == nullptr && !layouts_.lookup(function, kind, &layout)) return nullptr;
  // A local pointer: the log's stores could alias the vector's own, which
  // the loop would otherwise read again for every word.
  const ScanWord* words = layout->scan_words().data();
  const std::size_t count = layout->scan_words().size();
  if (count == 0) return nullptr;  // nothing to report: decoding costs nothing
  ThreadSlots::Slot* slot = launch_slot(count);
  if (slot == nullptr) return nullptr;
  slot->begin_launch();
  const auto word_of = [&](std::size_t i, std::uint64_t* out) {
    const auto* value = static_cast<const unsigned char*>(kernel_params[words[i].param]);
    if (value == nullptr) return false;  // the decoder refuses it
    std::memcpy(out, value + words[i].offset, sizeof(*out));
    return true;
  };
  // Seen after the epoch began: a region unsettled before this load makes
  // the launch decode; one unsettled after it waits for the epoch to end
  // and then reads this launch's words from the log.
  const bool logged =
      unsettled_.load(std::memory_order_seq_cst) == 0 &&
      slot->log().append(signature, reinterpret_cast<std::uint64_t>(stream), count, word_of);
  if (!logged) {
    slot->end_launch();
    return nullptr;
  }
  note_fast_launch(slot, true);
  return slot;
}

void Runtime::replay_launch_locked(const LoggedOperation& logged, RegionLock* held) {
  drained_regions_.clear();
  drained_accesses_.clear();
  drained_ids_.clear();
  for (std::uint64_t word : logged.addresses) drained_regions_.add(arena_->region_at(word));
  const auto stream = reinterpret_cast<CUstream>(logged.stream);
  // Later launches on the stream may go unrecorded: from now on every
  // eviction and free waits for it (begin_unrecorded_launch).
  if (!record_launches_.load(std::memory_order_relaxed)) (void)quiet_streams_.add(stream);
  for (std::size_t i = 0; i < drained_regions_.size(); ++i) {
    Region& region = *drained_regions_[i];
    region.note_write_reported();
    if (!region.noted_recently(stream)) {
      if (held != nullptr && region.locked_by(*held)) {
        (void)region.note_stream(stream, *held);
      } else {
        RegionLock lock = region.lock();
        (void)region.note_stream(stream, lock);
      }
    }
    drained_accesses_.push_back({region.id(), AccessMode::write});
    drained_ids_.push_back(region.id());
  }
}

bool Runtime::drain_launch_logs_locked(RegionLock* held, std::size_t most) {
  const bool count_ops = trace_ != nullptr && trace_->enabled();
  update_launch_recording_locked();
  if (count_ops) {
    // Unrecorded launches count in the trace's totals all the same.
    const std::uint64_t unrecorded = slots_->unrecorded_launches();
    trace_->count_ops(unrecorded - unrecorded_counted_);
    unrecorded_counted_ = unrecorded;
  }
  bool left = false;
  slots_->for_each([&](ThreadSlots::Slot& slot) {
    if (slot.log().empty()) return;
    const std::size_t drained = slot.log().drain(
        [&](const LoggedOperation& logged) {
          replay_launch_locked(logged, held);
          if (drained_ids_.empty()) return;  // no region after all
          policy_->on_operation(
              {logged.signature, logged.stream, policy::OperationKind::kernel, drained_accesses_});
          // Counted in the trace's totals (fast launches happen only when op
          // records themselves are not written).
          if (count_ops) {
            trace_->emit_op(operation_name(policy::OperationKind::kernel), logged.stream,
                            drained_ids_);
          }
        },
        most);
    left = left || (drained == most && !slot.log().empty());
  });
  return left;
}

Status Runtime::prepare(const TouchedRegions& touched, CUstream stream,
                        const OperationInfo& operation, PinGuard* guard) {
  if (guard == nullptr) return Status(StatusCode::kInvalidValue);
  guard->release();
  if (try_prepare_launch(touched, stream, operation, guard)) return Status::ok();
  return prepare_impl(
      touched.size(),
      [&](std::size_t i) {
        return Touch{touched[i], AccessMode::write};
      },
      true, stream, operation, guard);
}

const char* Runtime::function_name(const void* function) const {
  auto* handle = const_cast<void*>(function);
  const char* name = nullptr;
  if (driver_.cuFuncGetName != nullptr &&
      driver_.cuFuncGetName(&name, static_cast<CUfunction>(handle)) == CUDA_SUCCESS &&
      name != nullptr) {
    return name;
  }
  if (driver_.cuKernelGetName != nullptr &&
      driver_.cuKernelGetName(&name, static_cast<CUkernel>(handle)) == CUDA_SUCCESS &&
      name != nullptr) {
    return name;
  }
  return "?";
}

Status Runtime::decode_launch(const void* function, FunctionKind kind, void* const* kernel_params,
                              void* const* extra, TouchedRegions* out) {
  const ParamDecoder decoder(layouts_, arena_->page_map());
  return decoder.decode(function, kind, kernel_params, extra, out);
}

// ---------------------------------------------------------------------------
// Queries

Status Runtime::mem_get_info(std::uint64_t* free, std::uint64_t* total) {
  if (free == nullptr || total == nullptr) return Status(StatusCode::kInvalidValue);
  std::lock_guard lock(mu_);
  const std::uint64_t held = live_region_bytes_ + pass_through_bytes_;
  if (config_.report_memory.has_value()) {
    *total = config_.report_memory->resolve(device_total_);
    *free = *total > held ? *total - held : 0;
    return Status::ok();
  }
  // What one more allocation could get on the device: the budget less what
  // cannot be evicted (small allocations), bounded by what is left of
  // device + host budget and by the card itself.
  *total = device_total_;
  std::uint64_t available =
      device_budget_ > pass_through_bytes_ ? device_budget_ - pass_through_bytes_ : 0;
  const std::uint64_t capacity = device_budget_ + host_pool_->budget_bytes();
  available = std::min(available, capacity > held ? capacity - held : 0);
  *free = std::min(available, device_total_);
  return Status::ok();
}

Status Runtime::address_range(CUdeviceptr pointer, CUdeviceptr* base, std::uint64_t* size) const {
  const Region* region = arena_->region_at(pointer);
  if (region == nullptr) return Status(StatusCode::kNotFound);
  if (base != nullptr) *base = region->base();
  if (size != nullptr) *size = region->requested_size();
  return Status::ok();
}

SwapStats Runtime::stats() const {
  std::lock_guard lock(mu_);
  SwapStats stats = stats_;
  stats.fast_launches = slots_->fast_launches();
  stats.quiet_launches = slots_->quiet_launches();
  stats.unrecorded_launches = slots_->unrecorded_launches();
  return stats;
}

void Runtime::finish() noexcept {
  // First, so that it cannot hold the lock when the summary wants it.
  if (reporter_ != nullptr) reporter_->stop();
  std::unique_lock lock(mu_, std::try_to_lock);
  if (lock.owns_lock()) {
    drain_launch_logs_locked();  // the trace's totals count them
    const SwapStats& s = stats_;
    log::info(kRuntime,
              "swapped: {} evictions ({} bytes to host), {} restores ({} bytes to device), {} "
              "discards, {} fresh regions ({} on pages left mapped by freed ones), {:.1f} ms "
              "stalled, {} refused for lack of memory",
              s.evictions, s.bytes_to_host, s.restores, s.bytes_to_device, s.discards,
              s.fresh_pages, s.reused_mappings, static_cast<double>(s.stall_ns) / 1e6,
              s.out_of_memory);
    log::info(kRuntime,
              "{} kernel launches took the fast path (no lock, no pins), {} of them the quiet "
              "path (no region evicted: not even decoded at launch), {} of those unrecorded "
              "(room to spare: counted only)",
              slots_->fast_launches(), slots_->quiet_launches(), slots_->unrecorded_launches());
    if (evict_ahead_bytes_ != 0) {
      log::info(kRuntime, "evicting ahead: {} of the evictions ahead ({} taken back)",
                s.evictions_ahead, s.ahead_cancelled);
    }
    lock.unlock();
  }
  if (trace_ != nullptr) trace_->close();
}

void Runtime::abandon_after_fork() noexcept {
  if (reporter_ != nullptr) reporter_->abandon_after_fork();
  if (trace_ != nullptr) trace_->abandon_after_fork();
}

// ---------------------------------------------------------------------------
// Events and the trace

CUevent Runtime::event_locked() {
  if (!spare_events_.empty()) {
    CUevent event = spare_events_.back();
    spare_events_.pop_back();
    return event;
  }
  // Timed: the swap copies' durations are read off their events.
  CUevent event = nullptr;
  if (driver_.cuEventCreate(&event, CU_EVENT_DEFAULT) != CUDA_SUCCESS) return nullptr;
  return event;
}

std::uint64_t Runtime::elapsed_between(CUevent start, CUevent end) const {
  float ms = 0.0f;
  if (start == nullptr || end == nullptr || driver_.cuEventElapsedTime == nullptr ||
      driver_.cuEventElapsedTime(&ms, start, end) != CUDA_SUCCESS || ms < 0.0f) {
    return 0;
  }
  return static_cast<std::uint64_t>(static_cast<double>(ms) * 1e6);
}

void Runtime::recycle_event_locked(CUevent event) {
  spare_events_.push_back(event);
}

std::uint64_t Runtime::trace_now() const {
  return trace_ != nullptr && trace_->enabled() ? trace_->now_ns() : 0;
}

void Runtime::emit(TraceKind kind, TraceReason reason, RegionId region, std::uint64_t bytes,
                   std::uint64_t duration_ns, std::uint64_t timestamp_ns) {
  if (trace_ == nullptr || !trace_->enabled() || !trace_->wants(kind)) return;
  TraceEvent event;
  event.timestamp_ns = timestamp_ns;
  event.kind = kind;
  event.reason = reason;
  event.region = region;
  event.bytes = bytes;
  event.duration_ns = duration_ns;
  trace_->emit(event);
}

}  // namespace gpuswap::runtime
