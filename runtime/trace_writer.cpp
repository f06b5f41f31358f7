#include "gpuswap/runtime/trace_writer.h"

#include <fmt/format.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <condition_variable>
#include <cstring>
#include <ctime>
#include <iterator>
#include <mutex>
#include <thread>

#include "gpuswap/runtime/log.h"

namespace gpuswap::runtime {
namespace {

using Buffer = fmt::memory_buffer;

std::uint64_t clock_ns(clockid_t clock) {
  timespec ts{};
  clock_gettime(clock, &ts);
  return static_cast<std::uint64_t>(ts.tv_sec) * 1'000'000'000ull +
         static_cast<std::uint64_t>(ts.tv_nsec);
}

void append_json_string(Buffer& out, std::string_view text) {
  out.push_back('"');
  for (const char c : text) {
    const auto u = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      out.push_back('\\');
      out.push_back(c);
    } else if (u < 0x20) {
      fmt::format_to(std::back_inserter(out), "\\u{:04x}", u);
    } else {
      out.push_back(c);
    }
  }
  out.push_back('"');
}

std::size_t kind_index(TraceKind kind) {
  return static_cast<std::size_t>(kind);
}

// The wake-up period of the writer thread: how stale the file may get while
// the queue is less than half full.
constexpr std::chrono::milliseconds kFlushPeriod{50};

}  // namespace

struct TraceWriter::Queue {
  std::mutex mutex;
  std::condition_variable wake;
  std::vector<TraceEvent> pending;  // guarded by mutex, reserved to capacity_
  bool stopping = false;            // guarded by mutex
  std::mutex start_mutex;           // serialises starting and joining the thread
  std::unique_ptr<std::thread> thread;
};

TraceWriter::TraceWriter(const config::TraceConfig& config, TraceHeader header,
                         std::size_t capacity)
    : level_(config.level), header_(std::move(header)), capacity_(capacity == 0 ? 1 : capacity) {
  start_monotonic_ns_ = clock_ns(CLOCK_MONOTONIC);
  start_realtime_ns_ = clock_ns(CLOCK_REALTIME);
  if (!config.enabled()) return;
  // "e": close-on-exec, so a program the job starts does not inherit it.
  file_ = std::fopen(config.path.c_str(), "we");
  if (file_ == nullptr) {
    error_ = fmt::format("cannot open trace file {}: {}", config.path, std::strerror(errno));
    log::warn(log::Subsystem::runtime, "{}; no trace is written", error_);
    return;
  }
  try {
    queue_ = std::make_unique<Queue>();
    queue_->pending.reserve(capacity_);
  } catch (...) {
    queue_.reset();
    error_ = "no memory for the trace queue";
    std::fclose(file_);
    file_ = nullptr;
    return;
  }
  enabled_.store(true, std::memory_order_relaxed);
  write_header();
}

TraceWriter::~TraceWriter() {
  close();
}

bool TraceWriter::wants(TraceKind kind) const {
  if (!enabled()) return false;
  switch (level_) {
    case config::TraceLevel::off:
    case config::TraceLevel::summary:
      return false;
    case config::TraceLevel::events:
      return kind != TraceKind::op;
    case config::TraceLevel::full:
      return true;
  }
  return false;
}

std::uint64_t TraceWriter::now_ns() const {
  return clock_ns(CLOCK_MONOTONIC) - start_monotonic_ns_;
}

void TraceWriter::emit(const TraceEvent& event) noexcept {
  if (!enabled() || abandoned_ || closed_.load(std::memory_order_relaxed)) return;
  const std::size_t k = kind_index(event.kind);
  if (k >= static_cast<std::size_t>(kTraceKindCount)) return;
  if (!(event.kind == TraceKind::op && event.continued)) {
    count_[k].fetch_add(1, std::memory_order_relaxed);
  }
  bytes_[k].fetch_add(event.bytes, std::memory_order_relaxed);
  duration_ns_[k].fetch_add(event.duration_ns, std::memory_order_relaxed);
  if (!wants(event.kind)) return;
  if (!thread_started_.load(std::memory_order_acquire)) start_thread();

  std::size_t queued = 0;
  {
    std::lock_guard lock(queue_->mutex);
    std::vector<TraceEvent>& pending = queue_->pending;
    if (queue_->stopping) return;
    if (pending.size() >= capacity_) {
      dropped_.fetch_add(1, std::memory_order_relaxed);
      return;
    }
    pending.push_back(event);
    if (pending.back().timestamp_ns == 0) pending.back().timestamp_ns = now_ns();
    queued = pending.size();
  }
  // Wake the writer early only when the queue fills; otherwise it wakes on
  // its own period, so the common emit costs no system call.
  if (queued == capacity_ / 2 + 1) queue_->wake.notify_one();
}

void TraceWriter::count_ops(std::uint64_t n) noexcept {
  if (n == 0 || wants(TraceKind::op)) return;
  if (enabled() && !abandoned_ && !closed_.load(std::memory_order_relaxed)) {
    count_[kind_index(TraceKind::op)].fetch_add(n, std::memory_order_relaxed);
  }
}

void TraceWriter::emit_op(const char* name, std::uint64_t stream,
                          std::span<const std::uint64_t> regions,
                          std::uint64_t timestamp_ns) noexcept {
  if (!wants(TraceKind::op)) {
    count_ops(1);  // still counted in the totals
    return;
  }
  TraceEvent event;
  event.kind = TraceKind::op;
  event.name = name;
  event.stream = stream;
  event.timestamp_ns = timestamp_ns != 0 ? timestamp_ns : now_ns();
  std::size_t done = 0;
  do {
    const std::size_t n = std::min(regions.size() - done, TraceEvent::kOpRegions);
    event.continued = done != 0;
    event.region_count = static_cast<std::uint8_t>(n);
    for (std::size_t i = 0; i < n; ++i) event.regions[i] = regions[done + i];
    emit(event);
    done += n;
  } while (done < regions.size());
}

void TraceWriter::start_thread() {
  std::lock_guard lock(queue_->start_mutex);
  // close() sets closed_ before it takes start_mutex to join: a thread
  // started after that would never be joined.
  if (thread_started_.load(std::memory_order_relaxed) || closed_.load()) return;
  try {
    queue_->thread = std::make_unique<std::thread>([this] { run(); });
  } catch (...) {
    // No thread, no trace: stop recording rather than write on the caller's time.
    enabled_.store(false, std::memory_order_relaxed);
    return;
  }
  thread_started_.store(true, std::memory_order_release);
}

void TraceWriter::run() {
  std::vector<TraceEvent> batch;
  batch.reserve(capacity_);
  Queue& q = *queue_;
  std::unique_lock lock(q.mutex);
  for (;;) {
    q.wake.wait_for(lock, kFlushPeriod,
                    [&] { return q.stopping || q.pending.size() > capacity_ / 2; });
    // Both vectors keep capacity_ reserved, so producers never allocate.
    batch.swap(q.pending);
    const bool stop = q.stopping;
    lock.unlock();
    write_batch(batch);
    batch.clear();
    write_dropped_if_new();
    std::fflush(file_);
    lock.lock();
    if (stop && q.pending.empty()) return;
  }
}

void TraceWriter::close() noexcept {
  if (abandoned_ || closed_.exchange(true)) return;
  if (file_ == nullptr) return;
  {
    std::lock_guard lock(queue_->mutex);
    queue_->stopping = true;
  }
  queue_->wake.notify_one();
  {
    std::lock_guard lock(queue_->start_mutex);
    if (queue_->thread && queue_->thread->joinable()) queue_->thread->join();
  }
  // Events queued when the thread could not start.
  write_batch(queue_->pending);
  queue_->pending.clear();
  write_dropped_if_new();
  write_trailer();
  std::fclose(file_);
  file_ = nullptr;
}

void TraceWriter::abandon_after_fork() noexcept {
  abandoned_ = true;
  enabled_.store(false, std::memory_order_relaxed);
  // The parent owns the file and the thread: closing the stream here would
  // flush the parent's buffered lines a second time, the thread object names
  // a thread this process does not have, and destroying a condition variable
  // the parent's thread was waiting on blocks forever.
  file_ = nullptr;
  static_cast<void>(queue_.release());
}

TraceTotals TraceWriter::totals() const {
  TraceTotals totals;
  for (std::size_t i = 0; i < static_cast<std::size_t>(kTraceKindCount); ++i) {
    totals.count[i] = count_[i].load(std::memory_order_relaxed);
    totals.bytes[i] = bytes_[i].load(std::memory_order_relaxed);
    totals.duration_ns[i] = duration_ns_[i].load(std::memory_order_relaxed);
  }
  return totals;
}

void TraceWriter::write_header() {
  Buffer out;
  fmt::format_to(std::back_inserter(out),
                 "{{\"gpuswap_trace\":1,\"pid\":{},\"start\":{},\"level\":", getpid(),
                 start_realtime_ns_);
  append_json_string(out, config::to_string(level_));
  fmt::format_to(std::back_inserter(out), ",\"device\":");
  append_json_string(out, header_.device);
  fmt::format_to(std::back_inserter(out), ",\"device_budget\":{}}}\n", header_.device_budget);
  std::fwrite(out.data(), 1, out.size(), file_);
  std::fflush(file_);
}

void TraceWriter::write_batch(const std::vector<TraceEvent>& batch) {
  if (batch.empty()) return;
  Buffer out;
  for (const TraceEvent& e : batch) {
    auto it = std::back_inserter(out);
    if (e.kind == TraceKind::op) {
      fmt::format_to(it, "{{\"t\":{},\"ev\":\"op\",\"name\":", e.timestamp_ns);
      append_json_string(out, e.name != nullptr ? e.name : "");
      fmt::format_to(std::back_inserter(out), ",\"stream\":{},\"regions\":[", e.stream);
      for (std::size_t i = 0; i < e.region_count && i < TraceEvent::kOpRegions; ++i) {
        fmt::format_to(std::back_inserter(out), "{}{}", i == 0 ? "" : ",", e.regions[i]);
      }
      out.push_back(']');
      if (e.continued) fmt::format_to(std::back_inserter(out), ",\"cont\":true");
      out.append(std::string_view("}\n"));
    } else {
      fmt::format_to(it,
                     "{{\"t\":{},\"ev\":\"{}\",\"region\":{},\"bytes\":{},\"dur\":{},"
                     "\"stream\":{},\"reason\":\"{}\"}}\n",
                     e.timestamp_ns, to_string(e.kind), e.region, e.bytes, e.duration_ns, e.stream,
                     to_string(e.reason));
    }
    // Keep the buffer small; the stream buffers again anyway.
    if (out.size() > 64 * 1024) {
      std::fwrite(out.data(), 1, out.size(), file_);
      out.clear();
    }
  }
  std::fwrite(out.data(), 1, out.size(), file_);
}

void TraceWriter::write_dropped_if_new() {
  const std::uint64_t dropped = dropped_.load(std::memory_order_relaxed);
  if (dropped == dropped_written_) return;
  const std::string line = fmt::format("{{\"t\":{},\"ev\":\"dropped\",\"count\":{}}}\n", now_ns(),
                                       dropped - dropped_written_);
  std::fwrite(line.data(), 1, line.size(), file_);
  dropped_written_ = dropped;
}

void TraceWriter::write_trailer() {
  const TraceTotals t = totals();
  Buffer out;
  fmt::format_to(std::back_inserter(out), "{{\"t\":{},\"ev\":\"end\",\"dropped\":{},\"totals\":{{",
                 now_ns(), dropped());
  for (std::size_t i = 0; i < static_cast<std::size_t>(kTraceKindCount); ++i) {
    fmt::format_to(std::back_inserter(out), "{}\"{}\":{{\"count\":{},\"bytes\":{},\"dur\":{}}}",
                   i == 0 ? "" : ",", to_string(static_cast<TraceKind>(i)), t.count[i], t.bytes[i],
                   t.duration_ns[i]);
  }
  out.append(std::string_view("}}\n"));
  std::fwrite(out.data(), 1, out.size(), file_);
  std::fflush(file_);
}

}  // namespace gpuswap::runtime
