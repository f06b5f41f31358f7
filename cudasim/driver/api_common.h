// What every exported entry point starts with: the driver, the context and
// the stream it acts on, each checked the way CUDA checks them, and a wrapper
// that keeps C++ exceptions from crossing the C boundary.
#pragma once

#include <memory>
#include <new>

#include "context.h"
#include "cuda_api.h"
#include "driver.h"

namespace cudasim {

template <typename F>
CUresult api(F&& f) noexcept {
  try {
    return f();
  } catch (const std::bad_alloc&) {
    return CUDA_ERROR_OUT_OF_MEMORY;
  } catch (...) {
    return CUDA_ERROR_UNKNOWN;
  }
}

// CUDA_ERROR_NOT_INITIALIZED before cuInit.
CUresult get_driver(Driver** d);

// The calling thread's current context, usable and without a sticky error.
CUresult get_context(Driver** d, Context** ctx);

// The stream a handle names: 0 is the legacy default stream, or the calling
// thread's per-thread default stream for the _ptds/_ptsz entry points;
// CU_STREAM_LEGACY and CU_STREAM_PER_THREAD are honoured everywhere. Checks the
// stream's context like get_context.
CUresult get_stream(CUstream h, bool per_thread, Driver** d, Context** ctx,
                    std::shared_ptr<Stream>* s);

// Enqueues and, for a synchronous entry point, waits and returns the
// context's sticky error if the work (or earlier work) faulted.
// A captured stream (capture.h) gets the work as a graph node instead; a
// synchronous call on it is CUDA_ERROR_STREAM_CAPTURE_UNSUPPORTED.
CUresult submit(Context* ctx, const std::shared_ptr<Stream>& s, Op op, bool wait);
// Enqueues (and waits) regardless of capture.
CUresult enqueue_now(Context* ctx, const std::shared_ptr<Stream>& s, Op op, bool wait);

}  // namespace cudasim
