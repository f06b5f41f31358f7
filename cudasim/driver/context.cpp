#include "context.h"

#include <algorithm>
#include <cinttypes>
#include <cstdio>

#include "driver.h"

namespace cudasim {

namespace {

thread_local std::vector<Context*> t_stack;

// The contexts in which this thread has a per-thread default stream. Contexts
// are never freed (destroyed ones stay allocated), so the pointers stay valid.
struct PerThreadStreams {
  std::vector<Context*> contexts;
  ~PerThreadStreams() {
    if (Driver::forked_child()) return;  // the parent's streams are not ours
    for (Context* c : contexts) c->retire_per_thread_stream(std::this_thread::get_id());
  }
};
thread_local PerThreadStreams t_per_thread;

}  // namespace

Context* current_context() {
  return t_stack.empty() ? nullptr : t_stack.back();
}

void set_current_context(Context* ctx) {
  if (t_stack.empty()) {
    if (ctx != nullptr) t_stack.push_back(ctx);
  } else if (ctx == nullptr) {
    t_stack.pop_back();
  } else {
    t_stack.back() = ctx;
  }
}

void push_current_context(Context* ctx) {
  t_stack.push_back(ctx);
}

Context* pop_current_context() {
  if (t_stack.empty()) return nullptr;
  Context* c = t_stack.back();
  t_stack.pop_back();
  return c;
}

void forget_current_context(Context* ctx) {
  if (!t_stack.empty() && t_stack.back() == ctx) t_stack.pop_back();
}

Context::Context(Device* dev, unsigned flags, bool primary)
    : dev_(dev), primary_(primary), flags_(flags) {
  static std::atomic<std::uint64_t> next_id{1};
  id_ = next_id.fetch_add(1);
}

Context::~Context() {
  deactivate();
}

void Context::activate() {
  std::lock_guard lock(mu_);
  if (active_.load()) return;
  sticky_.store(CUDA_SUCCESS);
  legacy_ = std::make_shared<Stream>(this, Stream::Kind::kLegacy, 0, 0);
  active_.store(true);
}

void Context::deactivate() {
  std::vector<std::shared_ptr<Stream>> all;
  {
    std::lock_guard lock(mu_);
    if (!active_.load()) return;
    active_.store(false);
    all = all_streams_locked();
    legacy_.reset();
    per_thread_.clear();
    streams_.clear();
    retiring_.clear();
    captures_.clear();
    active_captures_.store(0);
  }
  for (auto& s : all) s->retire();
  for (auto& s : all) s->join();
  sticky_.store(CUDA_SUCCESS);
}

void Context::report_fault(std::uintptr_t addr, const std::string& what, const Stream& s) {
  CUresult expected = CUDA_SUCCESS;
  sticky_.compare_exchange_strong(expected, CUDA_ERROR_ILLEGAL_ADDRESS);
  const char* kind = s.kind() == Stream::Kind::kLegacy      ? " (legacy default)"
                     : s.kind() == Stream::Kind::kPerThread ? " (per-thread default)"
                                                            : "";
  std::fprintf(stderr, "cudasim: illegal address 0x%" PRIxPTR " in %s on stream %" PRIu64 "%s\n",
               addr, what.c_str(), s.id(), kind);
}

std::shared_ptr<Stream> Context::legacy_stream() {
  std::lock_guard lock(mu_);
  return legacy_;
}

std::shared_ptr<Stream> Context::per_thread_stream() {
  std::lock_guard lock(mu_);
  if (!active_.load()) return nullptr;
  auto& s = per_thread_[std::this_thread::get_id()];
  if (!s) {
    s = std::make_shared<Stream>(this, Stream::Kind::kPerThread, 0, 0);
    auto& mine = t_per_thread.contexts;
    if (std::find(mine.begin(), mine.end(), this) == mine.end()) mine.push_back(this);
  }
  return s;
}

void Context::retire_per_thread_stream(std::thread::id tid) {
  std::lock_guard lock(mu_);
  auto it = per_thread_.find(tid);
  if (it == per_thread_.end()) return;
  it->second->retire();
  retiring_.push_back(std::move(it->second));
  per_thread_.erase(it);
}

std::shared_ptr<Stream> Context::create_stream(unsigned flags, int priority) {
  auto s = std::make_shared<Stream>(this, Stream::Kind::kUser, flags, priority);
  std::lock_guard lock(mu_);
  streams_.push_back(s);
  return s;
}

void Context::destroy_stream(const std::shared_ptr<Stream>& s) {
  std::lock_guard lock(mu_);
  std::erase(streams_, s);
  captures_.erase(s.get());
  active_captures_.store(static_cast<int>(captures_.size()));
  // Join those that have already drained, keep the rest until they do.
  std::erase_if(retiring_, [](const std::shared_ptr<Stream>& r) {
    if (!r->idle()) return false;
    r->join();
    return true;
  });
  s->retire();
  retiring_.push_back(s);
}

std::uint64_t Context::enqueue(const std::shared_ptr<Stream>& s, Op op) {
  std::lock_guard lock(mu_);
  if (s->kind() == Stream::Kind::kLegacy) {
    for (const auto& [tid, pt] : per_thread_) {
      if (!pt->idle()) op.after.push_back({pt, pt->last()});
    }
    for (const auto& u : streams_) {
      if (u->blocking() && !u->idle()) op.after.push_back({u, u->last()});
    }
  } else if (s->blocking() && legacy_ && !legacy_->idle()) {
    op.after.push_back({legacy_, legacy_->last()});
  }
  return s->push(std::move(op));
}

std::vector<std::shared_ptr<Stream>> Context::all_streams_locked() const {
  std::vector<std::shared_ptr<Stream>> all;
  if (legacy_) all.push_back(legacy_);
  for (const auto& [tid, s] : per_thread_) all.push_back(s);
  all.insert(all.end(), streams_.begin(), streams_.end());
  all.insert(all.end(), retiring_.begin(), retiring_.end());
  return all;
}

void Context::synchronize() {
  std::vector<std::pair<std::shared_ptr<Stream>, std::uint64_t>> points;
  {
    std::lock_guard lock(mu_);
    for (auto& s : all_streams_locked()) points.emplace_back(s, s->last());
  }
  for (auto& [s, seq] : points) s->wait(seq);
}

}  // namespace cudasim

namespace cudasim {

CUresult Context::begin_capture(const Stream& s, CUstreamCaptureMode mode) {
  static std::atomic<std::uint64_t> next_id{1};
  if (s.kind() == Stream::Kind::kLegacy) return CUDA_ERROR_STREAM_CAPTURE_UNSUPPORTED;
  std::lock_guard lock(mu_);
  if (captures_.count(&s) != 0) return CUDA_ERROR_ILLEGAL_STATE;
  auto session = std::make_shared<CaptureSession>();
  session->graph = std::make_shared<Graph>();
  session->id = next_id.fetch_add(1);
  session->origin = &s;
  session->mode = mode;
  captures_[&s] = CapturePoint{std::move(session), {}};
  active_captures_.store(static_cast<int>(captures_.size()));
  return CUDA_SUCCESS;
}

CUresult Context::end_capture(const Stream& s, std::shared_ptr<Graph>* graph) {
  std::lock_guard lock(mu_);
  auto it = captures_.find(&s);
  if (it == captures_.end()) return CUDA_ERROR_ILLEGAL_STATE;
  if (it->second.session->origin != &s) return CUDA_ERROR_STREAM_CAPTURE_UNMATCHED;
  const std::shared_ptr<CaptureSession> session = it->second.session;
  std::erase_if(captures_, [&](const auto& kv) { return kv.second.session == session; });
  active_captures_.store(static_cast<int>(captures_.size()));
  *graph = session->graph;
  return CUDA_SUCCESS;
}

CapturePoint Context::capture_point(const Stream& s) const {
  std::lock_guard lock(mu_);
  auto it = captures_.find(&s);
  return it == captures_.end() ? CapturePoint{} : it->second;
}

bool Context::capture(const Stream& s, std::unique_ptr<GraphNode>& node, CUresult* rc) {
  std::lock_guard lock(mu_);
  auto it = captures_.find(&s);
  if (it == captures_.end()) return false;
  CapturePoint& p = it->second;
  CUgraphNode added = nullptr;
  *rc = p.session->graph->add(std::move(node), p.nodes.data(), p.nodes.size(), &added);
  if (*rc == CUDA_SUCCESS) p.nodes.assign(1, added);
  return true;
}

CUresult Context::join_capture(const Stream& s, const CapturePoint& p) {
  std::lock_guard lock(mu_);
  // The capture may have ended since the event was recorded.
  const bool live = std::any_of(captures_.begin(), captures_.end(),
                                [&](const auto& kv) { return kv.second.session == p.session; });
  if (!live) return CUDA_ERROR_STREAM_CAPTURE_INVALIDATED;
  auto it = captures_.find(&s);
  if (it == captures_.end()) {
    captures_[&s] = p;
    active_captures_.store(static_cast<int>(captures_.size()));
    return CUDA_SUCCESS;
  }
  if (it->second.session != p.session) return CUDA_ERROR_STREAM_CAPTURE_MERGE;
  for (CUgraphNode n : p.nodes) {
    auto& mine = it->second.nodes;
    if (std::find(mine.begin(), mine.end(), n) == mine.end()) mine.push_back(n);
  }
  return CUDA_SUCCESS;
}

}  // namespace cudasim
