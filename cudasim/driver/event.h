// An event: the point of its most recent record in a stream, and the time at
// which the stream reached it.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>

#include "capture.h"
#include "cuda_api.h"
#include "stream.h"

namespace cudasim {

class Context;

class Event {
 public:
  Event(Context* ctx, unsigned flags) : ctx_(ctx), flags_(flags) {}

  Context* context() const { return ctx_; }
  unsigned flags() const { return flags_; }

  void record(Context& ctx, const std::shared_ptr<Stream>& s);
  // Recorded in a captured stream: the event marks a point of the capture
  // (streams that wait on it join the capture) instead of a stream point.
  void record_captured(CapturePoint p);
  CapturePoint captured() const;
  // The most recent record; no stream when never recorded.
  StreamPoint point() const;
  // CUDA_SUCCESS when never recorded or reached, CUDA_ERROR_NOT_READY otherwise.
  CUresult query() const;
  void synchronize() const;
  // Nanosecond timestamp of the record; false if not recorded or not reached.
  bool timestamp(std::int64_t* ns) const;

 private:
  Context* ctx_;
  unsigned flags_;
  mutable std::mutex mu_;
  StreamPoint point_;
  CapturePoint captured_;
  std::shared_ptr<std::atomic<std::int64_t>> time_;
};

}  // namespace cudasim
