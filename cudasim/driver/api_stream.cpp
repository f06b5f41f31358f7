// Streams, events, host functions and callbacks.
#include <utility>
#include <vector>

#include "api_common.h"

using namespace cudasim;

namespace {

CUresult stream_create(CUstream* ph, unsigned flags, int priority) {
  Driver* d = nullptr;
  Context* ctx = nullptr;
  if (CUresult rc = get_context(&d, &ctx); rc != CUDA_SUCCESS) return rc;
  if (ph == nullptr || (flags & ~CU_STREAM_NON_BLOCKING) != 0) return CUDA_ERROR_INVALID_VALUE;
  // Clamp into [greatest, least] = [-5, 0] as CUDA does.
  priority = priority > 0 ? 0 : priority < -5 ? -5 : priority;
  auto s = ctx->create_stream(flags, priority);
  d->streams.add(s);
  *ph = reinterpret_cast<CUstream>(s.get());
  return CUDA_SUCCESS;
}

CUresult stream_destroy(CUstream h) {
  Driver* d = nullptr;
  if (CUresult rc = get_driver(&d); rc != CUDA_SUCCESS) return rc;
  if (h == nullptr || h == CU_STREAM_LEGACY || h == CU_STREAM_PER_THREAD)
    return CUDA_ERROR_INVALID_HANDLE;
  auto s = d->streams.remove(h);
  if (!s) return CUDA_ERROR_INVALID_HANDLE;
  s->context()->destroy_stream(s);
  return CUDA_SUCCESS;
}

CUresult stream_sync(CUstream h, bool pt) {
  Driver* d = nullptr;
  Context* ctx = nullptr;
  std::shared_ptr<Stream> s;
  if (CUresult rc = get_stream(h, pt, &d, &ctx, &s); rc != CUDA_SUCCESS) return rc;
  if (ctx->captured(*s)) return CUDA_ERROR_STREAM_CAPTURE_UNSUPPORTED;
  s->wait(s->last());
  return ctx->sticky_error();
}

CUresult stream_query(CUstream h, bool pt) {
  Driver* d = nullptr;
  Context* ctx = nullptr;
  std::shared_ptr<Stream> s;
  if (CUresult rc = get_stream(h, pt, &d, &ctx, &s); rc != CUDA_SUCCESS) return rc;
  if (ctx->captured(*s)) return CUDA_ERROR_STREAM_CAPTURE_UNSUPPORTED;
  return s->idle() ? CUDA_SUCCESS : CUDA_ERROR_NOT_READY;
}

CUresult stream_wait_event(CUstream h, CUevent e, unsigned flags, bool pt) {
  Driver* d = nullptr;
  Context* ctx = nullptr;
  std::shared_ptr<Stream> s;
  if (CUresult rc = get_stream(h, pt, &d, &ctx, &s); rc != CUDA_SUCCESS) return rc;
  auto ev = d->events.find(e);
  if (!ev) return CUDA_ERROR_INVALID_HANDLE;
  if (flags != CU_EVENT_WAIT_DEFAULT && flags != CU_EVENT_WAIT_EXTERNAL)
    return CUDA_ERROR_INVALID_VALUE;
  if (CapturePoint cp = ev->captured(); cp.session) return ctx->join_capture(*s, cp);
  if (ctx->captured(*s)) return CUDA_ERROR_STREAM_CAPTURE_ISOLATION;
  // Waits for the record current at the time of this call; later records
  // do not move it.
  StreamPoint p = ev->point();
  if (!p.stream) return CUDA_SUCCESS;
  Op op;
  op.label = "stream wait";
  op.after.push_back(std::move(p));
  op.host = [](CUresult) {};
  return submit(ctx, s, std::move(op), false);
}

CUresult add_callback(CUstream h, CUstreamCallback cb, void* user, unsigned flags, bool pt) {
  Driver* d = nullptr;
  Context* ctx = nullptr;
  std::shared_ptr<Stream> s;
  if (CUresult rc = get_stream(h, pt, &d, &ctx, &s); rc != CUDA_SUCCESS) return rc;
  if (cb == nullptr || flags != 0) return CUDA_ERROR_INVALID_VALUE;
  Op op;
  op.label = "stream callback";
  op.node_type = CU_GRAPH_NODE_TYPE_HOST;
  CUstream handle = h;
  op.host = [cb, user, handle](CUresult status) { cb(handle, status, user); };
  return submit(ctx, s, std::move(op), false);
}

CUresult host_func(CUstream h, CUhostFn fn, void* user, bool pt) {
  Driver* d = nullptr;
  Context* ctx = nullptr;
  std::shared_ptr<Stream> s;
  if (CUresult rc = get_stream(h, pt, &d, &ctx, &s); rc != CUDA_SUCCESS) return rc;
  if (fn == nullptr) return CUDA_ERROR_INVALID_VALUE;
  Op op;
  op.label = "host function";
  op.node_type = CU_GRAPH_NODE_TYPE_HOST;
  // Like device work, a host function does not run once the context failed.
  op.host = [fn, user](CUresult status) {
    if (status == CUDA_SUCCESS) fn(user);
  };
  return submit(ctx, s, std::move(op), false);
}

template <typename F>
CUresult with_stream(CUstream h, bool pt, F&& f) {
  Driver* d = nullptr;
  Context* ctx = nullptr;
  std::shared_ptr<Stream> s;
  if (CUresult rc = get_stream(h, pt, &d, &ctx, &s); rc != CUDA_SUCCESS) return rc;
  return f(*ctx, *s);
}

CUresult event_record(CUevent e, CUstream h, unsigned flags, bool pt) {
  Driver* d = nullptr;
  Context* ctx = nullptr;
  std::shared_ptr<Stream> s;
  if (CUresult rc = get_stream(h, pt, &d, &ctx, &s); rc != CUDA_SUCCESS) return rc;
  auto ev = d->events.find(e);
  if (!ev) return CUDA_ERROR_INVALID_HANDLE;
  if (flags != CU_EVENT_RECORD_DEFAULT && flags != CU_EVENT_RECORD_EXTERNAL)
    return CUDA_ERROR_INVALID_VALUE;
  if (ev->context() != ctx) return CUDA_ERROR_INVALID_HANDLE;
  if (CapturePoint p = ctx->capture_point(*s); p.session) {
    ev->record_captured(std::move(p));
    return CUDA_SUCCESS;
  }
  ev->record(*ctx, s);
  return CUDA_SUCCESS;
}

CUresult event_destroy(CUevent e) {
  Driver* d = nullptr;
  if (CUresult rc = get_driver(&d); rc != CUDA_SUCCESS) return rc;
  // A pending record completes on its own; the event just stops being a handle.
  return d->events.remove(e) ? CUDA_SUCCESS : CUDA_ERROR_INVALID_HANDLE;
}

CUresult elapsed(float* ms, CUevent a, CUevent b) {
  Driver* d = nullptr;
  if (CUresult rc = get_driver(&d); rc != CUDA_SUCCESS) return rc;
  if (ms == nullptr) return CUDA_ERROR_INVALID_VALUE;
  auto start = d->events.find(a);
  auto end = d->events.find(b);
  if (!start || !end) return CUDA_ERROR_INVALID_HANDLE;
  if ((start->flags() | end->flags()) & CU_EVENT_DISABLE_TIMING) return CUDA_ERROR_INVALID_HANDLE;
  if (!start->point().stream || !end->point().stream) return CUDA_ERROR_INVALID_HANDLE;
  std::int64_t t0 = 0, t1 = 0;
  if (!start->timestamp(&t0) || !end->timestamp(&t1)) return CUDA_ERROR_NOT_READY;
  *ms = static_cast<float>(static_cast<double>(t1 - t0) / 1e6);
  return CUDA_SUCCESS;
}

}  // namespace

CUDASIM_API CUresult cuStreamCreate(CUstream* phStream, unsigned int Flags) {
  return api([&] { return stream_create(phStream, Flags, 0); });
}
CUDASIM_API CUresult cuStreamCreateWithPriority(CUstream* phStream, unsigned int flags,
                                                int priority) {
  return api([&] { return stream_create(phStream, flags, priority); });
}
CUDASIM_API CUresult cuStreamDestroy(CUstream h) {
  return api([&] { return stream_destroy(h); });
}
CUDASIM_API CUresult cuStreamDestroy_v2(CUstream h) {
  return api([&] { return stream_destroy(h); });
}
CUDASIM_API CUresult cuStreamSynchronize(CUstream h) {
  return api([&] { return stream_sync(h, false); });
}
CUDASIM_API CUresult cuStreamSynchronize_ptsz(CUstream h) {
  return api([&] { return stream_sync(h, true); });
}
CUDASIM_API CUresult cuStreamQuery(CUstream h) {
  return api([&] { return stream_query(h, false); });
}
CUDASIM_API CUresult cuStreamQuery_ptsz(CUstream h) {
  return api([&] { return stream_query(h, true); });
}
CUDASIM_API CUresult cuStreamWaitEvent(CUstream h, CUevent e, unsigned int Flags) {
  return api([&] { return stream_wait_event(h, e, Flags, false); });
}
CUDASIM_API CUresult cuStreamWaitEvent_ptsz(CUstream h, CUevent e, unsigned int Flags) {
  return api([&] { return stream_wait_event(h, e, Flags, true); });
}
CUDASIM_API CUresult cuStreamAddCallback(CUstream h, CUstreamCallback cb, void* user,
                                         unsigned int flags) {
  return api([&] { return add_callback(h, cb, user, flags, false); });
}
CUDASIM_API CUresult cuStreamAddCallback_ptsz(CUstream h, CUstreamCallback cb, void* user,
                                              unsigned int flags) {
  return api([&] { return add_callback(h, cb, user, flags, true); });
}
CUDASIM_API CUresult cuLaunchHostFunc(CUstream h, CUhostFn fn, void* user) {
  return api([&] { return host_func(h, fn, user, false); });
}
CUDASIM_API CUresult cuLaunchHostFunc_ptsz(CUstream h, CUhostFn fn, void* user) {
  return api([&] { return host_func(h, fn, user, true); });
}

#define CUDASIM_STREAM_GETTER_PT(name, T, expr, pt)            \
  CUDASIM_API CUresult name(CUstream h, T* out) {              \
    return api([&] {                                           \
      if (out == nullptr) return CUDA_ERROR_INVALID_VALUE;     \
      return with_stream(h, pt, [&](Context& ctx, Stream& s) { \
        (void)ctx;                                             \
        (void)s;                                               \
        *out = (expr);                                         \
        return CUDA_SUCCESS;                                   \
      });                                                      \
    });                                                        \
  }
#define CUDASIM_STREAM_GETTER(name, T, expr)     \
  CUDASIM_STREAM_GETTER_PT(name, T, expr, false) \
  CUDASIM_STREAM_GETTER_PT(name##_ptsz, T, expr, true)

CUDASIM_STREAM_GETTER(cuStreamGetFlags, unsigned int, s.flags())
CUDASIM_STREAM_GETTER(cuStreamGetPriority, int, s.priority())
CUDASIM_STREAM_GETTER(cuStreamGetCtx, CUcontext, reinterpret_cast<CUcontext>(&ctx))
CUDASIM_STREAM_GETTER(cuStreamGetId, unsigned long long, s.id())
CUDASIM_STREAM_GETTER(cuStreamGetDevice, CUdevice, ctx.device()->ordinal())

CUDASIM_API CUresult cuEventCreate(CUevent* phEvent, unsigned int Flags) {
  return api([&] {
    Driver* d = nullptr;
    Context* ctx = nullptr;
    if (CUresult rc = get_context(&d, &ctx); rc != CUDA_SUCCESS) return rc;
    if (phEvent == nullptr) return CUDA_ERROR_INVALID_VALUE;
    if (Flags & ~(CU_EVENT_BLOCKING_SYNC | CU_EVENT_DISABLE_TIMING | CU_EVENT_INTERPROCESS)) {
      return CUDA_ERROR_INVALID_VALUE;
    }
    if ((Flags & CU_EVENT_INTERPROCESS) && !(Flags & CU_EVENT_DISABLE_TIMING))
      return CUDA_ERROR_INVALID_VALUE;
    auto ev = std::make_shared<Event>(ctx, Flags);
    d->events.add(ev);
    *phEvent = reinterpret_cast<CUevent>(ev.get());
    return CUDA_SUCCESS;
  });
}

CUDASIM_API CUresult cuEventRecord(CUevent e, CUstream h) {
  return api([&] { return event_record(e, h, 0, false); });
}
CUDASIM_API CUresult cuEventRecord_ptsz(CUevent e, CUstream h) {
  return api([&] { return event_record(e, h, 0, true); });
}
CUDASIM_API CUresult cuEventRecordWithFlags(CUevent e, CUstream h, unsigned int flags) {
  return api([&] { return event_record(e, h, flags, false); });
}
CUDASIM_API CUresult cuEventRecordWithFlags_ptsz(CUevent e, CUstream h, unsigned int flags) {
  return api([&] { return event_record(e, h, flags, true); });
}

CUDASIM_API CUresult cuEventQuery(CUevent e) {
  return api([&] {
    Driver* d = nullptr;
    if (CUresult rc = get_driver(&d); rc != CUDA_SUCCESS) return rc;
    auto ev = d->events.find(e);
    if (!ev) return CUDA_ERROR_INVALID_HANDLE;
    const CUresult rc = ev->query();
    if (rc == CUDA_SUCCESS && ev->point().stream) return ev->context()->sticky_error();
    return rc;
  });
}

CUDASIM_API CUresult cuEventSynchronize(CUevent e) {
  return api([&] {
    Driver* d = nullptr;
    if (CUresult rc = get_driver(&d); rc != CUDA_SUCCESS) return rc;
    auto ev = d->events.find(e);
    if (!ev) return CUDA_ERROR_INVALID_HANDLE;
    ev->synchronize();
    return ev->context()->sticky_error();
  });
}

CUDASIM_API CUresult cuEventDestroy(CUevent e) {
  return api([&] { return event_destroy(e); });
}
CUDASIM_API CUresult cuEventDestroy_v2(CUevent e) {
  return api([&] { return event_destroy(e); });
}
CUDASIM_API CUresult cuEventElapsedTime(float* ms, CUevent a, CUevent b) {
  return api([&] { return elapsed(ms, a, b); });
}
CUDASIM_API CUresult cuEventElapsedTime_v2(float* ms, CUevent a, CUevent b) {
  return api([&] { return elapsed(ms, a, b); });
}

// ---- Stream capture ------------------------------------------------------------

namespace {

CUresult capture_info(CUstream h, bool pt, CUstreamCaptureStatus* status, cuuint64_t* id,
                      CUgraph* graph, const CUgraphNode** deps, const CUgraphEdgeData** edges,
                      size_t* ndeps) {
  return with_stream(h, pt, [&](Context& ctx, Stream& s) {
    if (status == nullptr) return CUDA_ERROR_INVALID_VALUE;
    const CapturePoint p = ctx.capture_point(s);
    *status = p.session ? CU_STREAM_CAPTURE_STATUS_ACTIVE : CU_STREAM_CAPTURE_STATUS_NONE;
    if (id != nullptr) *id = p.session ? p.session->id : 0;
    if (graph != nullptr) {
      *graph = p.session ? reinterpret_cast<CUgraph>(p.session->graph.get()) : nullptr;
    }
    // The dependency array must stay valid after this call (CUDA: until the
    // next call on the stream); one per thread is enough for that.
    thread_local std::vector<CUgraphNode> t_deps;
    t_deps = p.nodes;
    if (deps != nullptr) *deps = t_deps.empty() ? nullptr : t_deps.data();
    if (edges != nullptr) *edges = nullptr;
    if (ndeps != nullptr) *ndeps = t_deps.size();
    return CUDA_SUCCESS;
  });
}

CUresult begin_capture(CUstream h, CUstreamCaptureMode mode, bool pt) {
  const int m = enum_value(mode);
  if (m != CU_STREAM_CAPTURE_MODE_GLOBAL && m != CU_STREAM_CAPTURE_MODE_THREAD_LOCAL &&
      m != CU_STREAM_CAPTURE_MODE_RELAXED) {
    return CUDA_ERROR_INVALID_VALUE;
  }
  // Context::begin_capture refuses the legacy default stream; the per-thread
  // one can be captured.
  return with_stream(h, pt, [&](Context& ctx, Stream& s) { return ctx.begin_capture(s, mode); });
}

CUresult end_capture(CUstream h, CUgraph* phGraph, bool pt) {
  if (phGraph == nullptr) return CUDA_ERROR_INVALID_VALUE;
  Driver* d = nullptr;
  Context* ctx = nullptr;
  std::shared_ptr<Stream> s;
  if (CUresult rc = get_stream(h, pt, &d, &ctx, &s); rc != CUDA_SUCCESS) return rc;
  std::shared_ptr<Graph> g;
  if (CUresult rc = ctx->end_capture(*s, &g); rc != CUDA_SUCCESS) return rc;
  d->graphs.add(g);
  *phGraph = reinterpret_cast<CUgraph>(g.get());
  return CUDA_SUCCESS;
}

}  // namespace

CUDASIM_API CUresult cuStreamIsCapturing(CUstream h, CUstreamCaptureStatus* status) {
  return api(
      [&] { return capture_info(h, false, status, nullptr, nullptr, nullptr, nullptr, nullptr); });
}
CUDASIM_API CUresult cuStreamIsCapturing_ptsz(CUstream h, CUstreamCaptureStatus* status) {
  return api(
      [&] { return capture_info(h, true, status, nullptr, nullptr, nullptr, nullptr, nullptr); });
}
CUDASIM_API CUresult cuStreamGetCaptureInfo(CUstream h, CUstreamCaptureStatus* status,
                                            cuuint64_t* id) {
  return api(
      [&] { return capture_info(h, false, status, id, nullptr, nullptr, nullptr, nullptr); });
}
CUDASIM_API CUresult cuStreamGetCaptureInfo_ptsz(CUstream h, CUstreamCaptureStatus* status,
                                                 cuuint64_t* id) {
  return api([&] { return capture_info(h, true, status, id, nullptr, nullptr, nullptr, nullptr); });
}
CUDASIM_API CUresult cuStreamGetCaptureInfo_v2(CUstream h, CUstreamCaptureStatus* status,
                                               cuuint64_t* id, CUgraph* graph,
                                               const CUgraphNode** deps, size_t* ndeps) {
  return api([&] { return capture_info(h, false, status, id, graph, deps, nullptr, ndeps); });
}
CUDASIM_API CUresult cuStreamGetCaptureInfo_v2_ptsz(CUstream h, CUstreamCaptureStatus* status,
                                                    cuuint64_t* id, CUgraph* graph,
                                                    const CUgraphNode** deps, size_t* ndeps) {
  return api([&] { return capture_info(h, true, status, id, graph, deps, nullptr, ndeps); });
}
CUDASIM_API CUresult cuStreamGetCaptureInfo_v3(CUstream h, CUstreamCaptureStatus* status,
                                               cuuint64_t* id, CUgraph* graph,
                                               const CUgraphNode** deps,
                                               const CUgraphEdgeData** edges, size_t* ndeps) {
  return api([&] { return capture_info(h, false, status, id, graph, deps, edges, ndeps); });
}
CUDASIM_API CUresult cuStreamGetCaptureInfo_v3_ptsz(CUstream h, CUstreamCaptureStatus* status,
                                                    cuuint64_t* id, CUgraph* graph,
                                                    const CUgraphNode** deps,
                                                    const CUgraphEdgeData** edges, size_t* ndeps) {
  return api([&] { return capture_info(h, true, status, id, graph, deps, edges, ndeps); });
}

CUDASIM_API CUresult cuThreadExchangeStreamCaptureMode(CUstreamCaptureMode* mode) {
  return api([&] {
    Driver* d = nullptr;
    if (CUresult rc = get_driver(&d); rc != CUDA_SUCCESS) return rc;
    if (mode == nullptr) return CUDA_ERROR_INVALID_VALUE;
    const int m = enum_value(*mode);
    if (m != CU_STREAM_CAPTURE_MODE_GLOBAL && m != CU_STREAM_CAPTURE_MODE_THREAD_LOCAL &&
        m != CU_STREAM_CAPTURE_MODE_RELAXED) {
      return CUDA_ERROR_INVALID_VALUE;
    }
    // Per thread, as in CUDA: the previous mode comes back.
    thread_local CUstreamCaptureMode current = CU_STREAM_CAPTURE_MODE_GLOBAL;
    std::swap(current, *mode);
    return CUDA_SUCCESS;
  });
}

CUDASIM_API CUresult cuStreamBeginCapture(CUstream h) {
  return api([&] { return begin_capture(h, CU_STREAM_CAPTURE_MODE_GLOBAL, false); });
}
CUDASIM_API CUresult cuStreamBeginCapture_ptsz(CUstream h) {
  return api([&] { return begin_capture(h, CU_STREAM_CAPTURE_MODE_GLOBAL, true); });
}
CUDASIM_API CUresult cuStreamBeginCapture_v2(CUstream h, CUstreamCaptureMode mode) {
  return api([&] { return begin_capture(h, mode, false); });
}
CUDASIM_API CUresult cuStreamBeginCapture_v2_ptsz(CUstream h, CUstreamCaptureMode mode) {
  return api([&] { return begin_capture(h, mode, true); });
}
CUDASIM_API CUresult cuStreamEndCapture(CUstream h, CUgraph* phGraph) {
  return api([&] { return end_capture(h, phGraph, false); });
}
CUDASIM_API CUresult cuStreamEndCapture_ptsz(CUstream h, CUgraph* phGraph) {
  return api([&] { return end_capture(h, phGraph, true); });
}
