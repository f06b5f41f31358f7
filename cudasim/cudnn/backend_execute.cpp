#include "backend_execute.h"

#include <cstdint>

#include "graph_kernel.h"
#include "handle.h"
#include "kernel_binding.h"

namespace cudasim::dnn::backend {

cudnnStatus_t bind(const GraphLayout& layout, const VariantPackValue& pack, GraphRecord* record) {
  if (pack.workspace == nullptr) return CUDNN_STATUS_BAD_PARAM_NULL_POINTER;
  *record = layout.record;
  auto* workspace = static_cast<char*>(pack.workspace);
  for (std::size_t i = 0; i < layout.slots.size(); ++i) {
    const GraphLayout::Slot& slot = layout.slots[i];
    void* data = nullptr;
    if (slot.is_virtual) {
      data = workspace + slot.workspace_offset;
    } else {
      if (!pack.find(slot.uid, &data)) return CUDNN_STATUS_BAD_PARAM;
      if (data == nullptr) return CUDNN_STATUS_BAD_PARAM_NULL_POINTER;
      if (reinterpret_cast<std::uintptr_t>(data) % static_cast<std::uintptr_t>(slot.alignment) !=
          0) {
        return CUDNN_STATUS_BAD_PARAM_MISALIGNED_POINTER;
      }
    }
    record->tensors[i].data = static_cast<float*>(data);
  }
  return CUDNN_STATUS_SUCCESS;
}

cudnnStatus_t execute(cudnnHandle_t handle, const ExecutionPlanDescriptor& plan,
                      const VariantPackDescriptor& pack) {
  GraphRecord record;
  if (const cudnnStatus_t st = bind(plan.layout(), pack.value(), &record);
      st != CUDNN_STATUS_SUCCESS) {
    return st;
  }
  const DriverApi& api = *handle->api;
  const GraphKernels* kernels = graph_kernels(api, handle->context);
  if (kernels == nullptr) return CUDNN_STATUS_INTERNAL_ERROR;
  // The record goes ahead of the kernel on the same stream; a pageable source
  // is staged at the call, so `record` may go out of scope.
  const auto workspace = reinterpret_cast<CUdeviceptr>(pack.value().workspace);
  if (api.cuMemcpyHtoDAsync(workspace, &record, sizeof(record), handle->stream) != CUDA_SUCCESS) {
    return CUDNN_STATUS_EXECUTION_FAILED;
  }
  const CUresult rc = launch_kernel(api, kernels->run_graph, handle->stream,
                                    static_cast<const GraphRecord*>(pack.value().workspace));
  return rc == CUDA_SUCCESS ? CUDNN_STATUS_SUCCESS : CUDNN_STATUS_EXECUTION_FAILED;
}

}  // namespace cudasim::dnn::backend
