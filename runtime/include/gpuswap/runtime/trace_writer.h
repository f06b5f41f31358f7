// Writes the swap trace (docs/swap-log.md) off the hot path. emit() copies the
// event into a bounded queue under a short lock and returns; a background
// thread, started by the first event, formats and writes it. When the queue
// is full the event is counted as dropped (the totals still include it). The
// destructor or close() drains the queue, writes the totals and closes the
// file.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <cstdio>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "gpuswap/config/config.h"
#include "gpuswap/runtime/trace_event.h"

namespace gpuswap::runtime {

// What the first line of the trace says about the process.
struct TraceHeader {
  std::string device;  // e.g. the device name; may be empty
  std::uint64_t device_budget = 0;
};

// Per-kind totals, exact even when events were dropped.
struct TraceTotals {
  std::array<std::uint64_t, kTraceKindCount> count{};
  std::array<std::uint64_t, kTraceKindCount> bytes{};
  std::array<std::uint64_t, kTraceKindCount> duration_ns{};
};

class TraceWriter {
 public:
  static constexpr std::size_t kDefaultCapacity = 1 << 14;

  // Opens nothing yet when the config is disabled; otherwise opens (truncates)
  // the file now so that a bad path is reported once, up front.
  explicit TraceWriter(const config::TraceConfig& config, TraceHeader header = {},
                       std::size_t capacity = kDefaultCapacity);
  ~TraceWriter();
  TraceWriter(const TraceWriter&) = delete;
  TraceWriter& operator=(const TraceWriter&) = delete;

  // Whether events are recorded at all (a path, a level other than off, and
  // the file opened).
  bool enabled() const { return enabled_.load(std::memory_order_relaxed); }
  // Whether an event of this kind would be written (lets callers skip
  // building one); totals are kept for every kind whenever enabled().
  bool wants(TraceKind kind) const;
  // Empty, or why the file could not be opened.
  const std::string& error() const { return error_; }

  // Nanoseconds since the trace started (CLOCK_MONOTONIC).
  std::uint64_t now_ns() const;

  // Never blocks on I/O; safe from any thread; a no-op once closed.
  void emit(const TraceEvent& event) noexcept;
  // An `op` record with all its regions (split over continuation records).
  void emit_op(const char* name, std::uint64_t stream, std::span<const std::uint64_t> regions,
               std::uint64_t timestamp_ns = 0) noexcept;
  // `n` operations that were issued without a record of their own (kernel
  // launches that went unrecorded): counted in the totals only. Only while
  // op records themselves are not wanted.
  void count_ops(std::uint64_t n) noexcept;

  // Drains, writes the totals and closes; later emits are ignored. Idempotent.
  void close() noexcept;

  // In a forked child the writer thread does not exist: stop recording
  // without touching the parent's file or joining anything.
  void abandon_after_fork() noexcept;

  std::uint64_t dropped() const { return dropped_.load(std::memory_order_relaxed); }
  TraceTotals totals() const;

 private:
  void start_thread();
  void run();
  void write_header();
  void write_batch(const std::vector<TraceEvent>& batch);
  void write_dropped_if_new();
  void write_trailer();

  const config::TraceLevel level_;
  const TraceHeader header_;
  const std::size_t capacity_;
  std::atomic<bool> enabled_{false};
  std::string error_;
  std::FILE* file_ = nullptr;
  std::uint64_t start_monotonic_ns_ = 0;
  std::uint64_t start_realtime_ns_ = 0;

  // The queue, its locks and the writer thread. On the heap so that a forked
  // child can forget them: there the thread is gone and a lock or condition
  // variable may be left held or waited on by it.
  struct Queue;
  std::unique_ptr<Queue> queue_;
  std::atomic<bool> closed_{false};
  bool abandoned_ = false;  // set in a forked child, which is single-threaded then
  std::atomic<bool> thread_started_{false};

  std::atomic<std::uint64_t> dropped_{0};
  std::uint64_t dropped_written_ = 0;  // writer thread only
  std::array<std::atomic<std::uint64_t>, kTraceKindCount> count_{};
  std::array<std::atomic<std::uint64_t>, kTraceKindCount> bytes_{};
  std::array<std::atomic<std::uint64_t>, kTraceKindCount> duration_ns_{};
};

}  // namespace gpuswap::runtime
