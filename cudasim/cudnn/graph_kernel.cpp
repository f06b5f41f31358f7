#include "graph_kernel.h"

#include "graph_math.h"
#include "kernel_binding.h"
#include "library_context.h"

namespace cudasim::dnn {
namespace kernels {

// The record is read out of device memory first: a workspace that is not
// mapped faults here, before any output is written. The copy is on the
// stack, since a kernel that faults is abandoned where it stands.
void run_graph(const GraphRecord* workspace) {
  const GraphRecord record = *workspace;
  if (record.magic != kGraphRecordMagic) return;
  dnn::run_graph(record);
}

}  // namespace kernels

namespace {

constexpr const char* kModule = "cudasim.cudnn.graph";

bool load(const DriverApi& api, GraphKernels* out) {
  CUmodule module = nullptr;
  return api.cuModuleLoadData(&module, api.moduleImage(kModule)) == CUDA_SUCCESS &&
         api.cuModuleGetFunction(&out->run_graph, module, "run_graph") == CUDA_SUCCESS;
}

}  // namespace

const GraphKernels* graph_kernels(const DriverApi& api, CUcontext ctx) {
  static const bool registered =
      KernelBinding<&kernels::run_graph>::register_with(api, kModule, "run_graph") == CUDA_SUCCESS;
  if (!registered) return nullptr;
  return kernels_in_context<GraphKernels>(api, ctx, load);
}

}  // namespace cudasim::dnn
