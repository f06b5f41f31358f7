// A CUDA context: its device, its streams (the legacy default stream, one
// per-thread default stream per host thread, and the user's), the ordering
// rules between them, and the sticky error a fault leaves behind.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include "capture.h"
#include "cuda_api.h"
#include "graph.h"
#include "stream.h"

namespace cudasim {

class Device;

class Context {
 public:
  Context(Device* dev, unsigned flags, bool primary);
  ~Context();
  Context(const Context&) = delete;
  Context& operator=(const Context&) = delete;

  Device* device() const { return dev_; }
  bool primary() const { return primary_; }
  unsigned flags() const { return flags_.load(); }
  void set_flags(unsigned f) { flags_.store(f); }
  std::uint64_t id() const { return id_; }

  // A context is usable between activate() and deactivate() (for a primary
  // context: while retained; otherwise: from creation to destruction).
  bool active() const { return active_.load(); }
  void activate();
  // Completes all work, stops every stream and clears the sticky error.
  void deactivate();

  CUresult sticky_error() const { return sticky_.load(); }
  // A stream worker touched inaccessible device memory.
  void report_fault(std::uintptr_t addr, const std::string& what, const Stream& s);

  std::shared_ptr<Stream> legacy_stream();
  std::shared_ptr<Stream> per_thread_stream();
  // The calling thread is exiting: its per-thread stream finishes its work in
  // the background, then goes away.
  void retire_per_thread_stream(std::thread::id tid);
  std::shared_ptr<Stream> create_stream(unsigned flags, int priority);
  // The stream finishes its work in the background, then goes away.
  void destroy_stream(const std::shared_ptr<Stream>& s);

  // Appends `op` to `s` with CUDA's legacy default stream rules: work on the
  // legacy stream waits for all earlier work of the blocking streams, work on
  // a blocking stream waits for earlier legacy-stream work.
  std::uint64_t enqueue(const std::shared_ptr<Stream>& s, Op op);

  // Waits until every stream of the context is idle.
  void synchronize();

  // Stream capture (capture.h). begin: CUDA_ERROR_STREAM_CAPTURE_UNSUPPORTED
  // for the legacy stream, CUDA_ERROR_ILLEGAL_STATE if already captured.
  CUresult begin_capture(const Stream& s, CUstreamCaptureMode mode);
  // Only on the stream that began it; every joined stream leaves with it.
  CUresult end_capture(const Stream& s, std::shared_ptr<Graph>* graph);
  // The stream's capture point; no session when it is not captured.
  CapturePoint capture_point(const Stream& s) const;
  bool captured(const Stream& s) const {
    return active_captures_.load(std::memory_order_relaxed) != 0 &&
           capture_point(s).session != nullptr;
  }
  // Adds `node` after the stream's current capture point; false (and the node
  // untouched) when the stream is not captured.
  bool capture(const Stream& s, std::unique_ptr<GraphNode>& node, CUresult* rc);
  // `s` waits on a point of a capture: it joins the capture (or, already in
  // it, adds the point's nodes to its dependencies).
  CUresult join_capture(const Stream& s, const CapturePoint& p);

 private:
  std::vector<std::shared_ptr<Stream>> all_streams_locked() const;

  Device* dev_;
  bool primary_;
  std::atomic<unsigned> flags_;
  std::uint64_t id_;
  std::atomic<bool> active_{false};
  std::atomic<CUresult> sticky_{CUDA_SUCCESS};

  mutable std::mutex mu_;  // guards the streams and orders enqueues
  std::shared_ptr<Stream> legacy_;
  std::unordered_map<std::thread::id, std::shared_ptr<Stream>> per_thread_;
  std::vector<std::shared_ptr<Stream>> streams_;
  std::vector<std::shared_ptr<Stream>> retiring_;
  std::unordered_map<const Stream*, CapturePoint> captures_;
  std::atomic<int> active_captures_{0};  // captures_.size(), read without the lock
};

// The calling thread's context stack (cuCtxPush/Pop/Set/GetCurrent).
Context* current_context();
void set_current_context(Context* ctx);
void push_current_context(Context* ctx);
Context* pop_current_context();
// Removes `ctx` from the calling thread's stack (it is being destroyed).
void forget_current_context(Context* ctx);

}  // namespace cudasim
