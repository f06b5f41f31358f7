// The kernel behind cudnnBackendExecute, registered as module
// "cudasim.cudnn.graph" beside the legacy API's kernels.
#pragma once

#include <cuda.h>

#include "driver_api.h"
#include "graph_record.h"

namespace cudasim::dnn {

struct GraphKernels {
  // Parameter: the workspace, whose head holds the GraphRecord to run.
  CUfunction run_graph = nullptr;
};

// The graph kernel in `ctx`: registered once per process, loaded once per
// context. Null on failure.
const GraphKernels* graph_kernels(const DriverApi& api, CUcontext ctx);

}  // namespace cudasim::dnn
