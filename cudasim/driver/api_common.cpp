#include "api_common.h"

namespace cudasim {

CUresult get_driver(Driver** d) {
  *d = Driver::get();
  return *d != nullptr ? CUDA_SUCCESS : CUDA_ERROR_NOT_INITIALIZED;
}

namespace {

CUresult usable(Context* c) {
  if (c == nullptr || !c->active()) return CUDA_ERROR_INVALID_CONTEXT;
  return c->sticky_error();
}

}  // namespace

CUresult get_context(Driver** d, Context** ctx) {
  if (CUresult rc = get_driver(d); rc != CUDA_SUCCESS) return rc;
  Context* c = current_context();
  if (c == nullptr) return CUDA_ERROR_INVALID_CONTEXT;
  // The thread may still name a context that was destroyed meanwhile.
  if ((*d)->context(reinterpret_cast<CUcontext>(c)) != c) return CUDA_ERROR_CONTEXT_IS_DESTROYED;
  if (CUresult rc = usable(c); rc != CUDA_SUCCESS) return rc;
  *ctx = c;
  return CUDA_SUCCESS;
}

CUresult get_stream(CUstream h, bool per_thread, Driver** d, Context** ctx,
                    std::shared_ptr<Stream>* s) {
  if (h == nullptr || h == CU_STREAM_LEGACY || h == CU_STREAM_PER_THREAD) {
    if (CUresult rc = get_context(d, ctx); rc != CUDA_SUCCESS) return rc;
    const bool pt = h == CU_STREAM_PER_THREAD || (h == nullptr && per_thread);
    *s = pt ? (*ctx)->per_thread_stream() : (*ctx)->legacy_stream();
    return *s ? CUDA_SUCCESS : CUDA_ERROR_INVALID_CONTEXT;
  }
  if (CUresult rc = get_driver(d); rc != CUDA_SUCCESS) return rc;
  *s = (*d)->streams.find(h);
  if (!*s) return CUDA_ERROR_INVALID_HANDLE;
  Context* c = (*s)->context();
  if (CUresult rc = usable(c); rc != CUDA_SUCCESS) return rc;
  *ctx = c;
  return CUDA_SUCCESS;
}

CUresult submit(Context* ctx, const std::shared_ptr<Stream>& s, Op op, bool wait) {
  if (!ctx->captured(*s)) return enqueue_now(ctx, s, std::move(op), wait);
  // Captured: the work becomes a graph node. Waiting for it is impossible.
  if (wait) return CUDA_ERROR_STREAM_CAPTURE_UNSUPPORTED;
  auto shared = std::make_shared<Op>(std::move(op));
  auto node = std::make_unique<GraphNode>();
  node->type = shared->node_type;
  node->op = shared;
  CUresult rc = CUDA_SUCCESS;
  if (ctx->capture(*s, node, &rc)) return rc;
  return enqueue_now(ctx, s, std::move(*shared), false);  // the capture ended meanwhile
}

CUresult enqueue_now(Context* ctx, const std::shared_ptr<Stream>& s, Op op, bool wait) {
  const std::uint64_t seq = ctx->enqueue(s, std::move(op));
  if (!wait) return CUDA_SUCCESS;  // a fault shows up in later calls, as on a GPU
  s->wait(seq);
  return ctx->sticky_error();
}

}  // namespace cudasim
