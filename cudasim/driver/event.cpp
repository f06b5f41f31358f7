#include "event.h"

#include "context.h"
#include "link.h"

namespace cudasim {

void Event::record(Context& ctx, const std::shared_ptr<Stream>& s) {
  auto time = std::make_shared<std::atomic<std::int64_t>>(0);
  Op op;
  op.label = "event record";
  op.host = [time](CUresult) { time->store(monotonic_ns()); };
  // Hold the lock across the enqueue so that concurrent records and waits see
  // one order.
  std::lock_guard lock(mu_);
  const std::uint64_t seq = ctx.enqueue(s, std::move(op));
  point_ = StreamPoint{s, seq};
  time_ = std::move(time);
  captured_ = CapturePoint{};
}

void Event::record_captured(CapturePoint p) {
  std::lock_guard lock(mu_);
  captured_ = std::move(p);
}

CapturePoint Event::captured() const {
  std::lock_guard lock(mu_);
  return captured_;
}

StreamPoint Event::point() const {
  std::lock_guard lock(mu_);
  return point_;
}

CUresult Event::query() const {
  const StreamPoint p = point();
  if (!p.stream) return CUDA_SUCCESS;
  return p.stream->done(p.seq) ? CUDA_SUCCESS : CUDA_ERROR_NOT_READY;
}

void Event::synchronize() const {
  const StreamPoint p = point();
  if (p.stream) p.stream->wait(p.seq);
}

bool Event::timestamp(std::int64_t* ns) const {
  std::shared_ptr<std::atomic<std::int64_t>> t;
  StreamPoint p;
  {
    std::lock_guard lock(mu_);
    t = time_;
    p = point_;
  }
  if (!p.stream || !p.stream->done(p.seq)) return false;
  *ns = t->load();
  return true;
}

}  // namespace cudasim
