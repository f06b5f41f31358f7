// A stream: an in-order queue of operations run by its own worker thread.
// An operation may wait for points of other streams first (events, legacy
// default-stream ordering); device work runs under the fault guard, and once
// the context has a sticky error it is skipped while host callbacks still run
// (with that status), as on a GPU.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "cuda_api.h"

namespace cudasim {

class Context;
class Stream;

struct StreamPoint {
  std::shared_ptr<Stream> stream;
  std::uint64_t seq = 0;
};

struct Op {
  std::string label;                   // reported on a fault
  std::function<void()> work;          // device work; may fault
  std::function<void(CUresult)> host;  // host callback: runs even after an error
  std::vector<StreamPoint> after;      // points that must complete first
  // What the work is as a graph node, when it is captured.
  CUgraphNodeType node_type = CU_GRAPH_NODE_TYPE_EMPTY;
};

class Stream {
 public:
  enum class Kind { kUser, kLegacy, kPerThread };

  Stream(Context* ctx, Kind kind, unsigned flags, int priority);
  ~Stream();
  Stream(const Stream&) = delete;
  Stream& operator=(const Stream&) = delete;

  Context* context() const { return ctx_; }
  Kind kind() const { return kind_; }
  unsigned flags() const { return flags_; }
  int priority() const { return priority_; }
  std::uint64_t id() const { return id_; }
  // Synchronises with the legacy default stream (CUDA's "blocking" stream).
  bool blocking() const { return kind_ != Kind::kLegacy && (flags_ & CU_STREAM_NON_BLOCKING) == 0; }

  // Appends `op`; returns its sequence number (use Context::enqueue).
  std::uint64_t push(Op op);
  std::uint64_t last() const;
  bool done(std::uint64_t seq) const;
  void wait(std::uint64_t seq) const;
  // Everything pushed so far has completed.
  bool idle() const { return done(last()); }

  // The worker finishes what is queued, then exits; join() waits for that.
  void retire();
  void join();

 private:
  void run();
  // Waits (mu_ held through `lock`) until there is work or the stream retires.
  void await_work(std::unique_lock<std::mutex>& lock);
  void run_one(Op& op);

  Context* ctx_;
  Kind kind_;
  unsigned flags_;
  int priority_;
  std::uint64_t id_;
  mutable std::mutex mu_;
  mutable std::condition_variable work_cv_;
  mutable std::condition_variable done_cv_;
  std::deque<std::pair<std::uint64_t, Op>> queue_;
  std::uint64_t pushed_ = 0;
  std::atomic<std::uint64_t> completed_{0};
  mutable std::atomic<int> waiters_{0};  // threads in wait(), for the worker's notify
  bool retiring_ = false;
  bool sleeping_ = false;  // the worker waits on work_cv_: push must wake it
  std::thread worker_;
};

}  // namespace cudasim
