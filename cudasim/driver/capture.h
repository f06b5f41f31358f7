// Stream capture: while a stream is captured, the work issued to it becomes
// nodes of a graph instead of running. Streams join a capture by waiting on
// an event recorded in it (fork/join); the capture ends on the stream that
// began it.
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "cuda_api.h"
#include "graph.h"

namespace cudasim {

class Stream;

struct CaptureSession {
  std::shared_ptr<Graph> graph;
  std::uint64_t id = 0;
  const Stream* origin = nullptr;
  CUstreamCaptureMode mode = CU_STREAM_CAPTURE_MODE_GLOBAL;
};

// Where a captured stream (or an event recorded in one) stands: the nodes the
// next captured work depends on.
struct CapturePoint {
  std::shared_ptr<CaptureSession> session;
  std::vector<CUgraphNode> nodes;
};

}  // namespace cudasim
