// cudnnBackendExecute: binds a variant pack to a plan's graph and enqueues
// the graph kernel on the handle's stream.
#pragma once

#include <cudnn.h>

#include "backend_execution_plan.h"
#include "backend_variant_pack.h"

namespace cudasim::dnn::backend {

// The record for one execution: every non-virtual tensor bound to its
// variant-pack pointer, every virtual one to its workspace slice. BAD_PARAM
// for a uid the pack lacks, BAD_PARAM_NULL_POINTER for a null data pointer or
// workspace, BAD_PARAM_MISALIGNED_POINTER for a pointer off its tensor's
// byte alignment.
cudnnStatus_t bind(const GraphLayout& layout, const VariantPackValue& pack, GraphRecord* record);

cudnnStatus_t execute(cudnnHandle_t handle, const ExecutionPlanDescriptor& plan,
                      const VariantPackDescriptor& pack);

}  // namespace cudasim::dnn::backend
