// The entry points of cuDNN's backend (graph) API: descriptors created,
// set, finalized, read and destroyed by handle, and plans executed.
#include <cudnn.h>

#include <memory>
#include <new>

#include "backend_descriptor.h"
#include "backend_engine.h"
#include "backend_engine_config.h"
#include "backend_execute.h"
#include "backend_execution_plan.h"
#include "backend_operation_graph.h"
#include "backend_pointwise.h"
#include "backend_pointwise_operation.h"
#include "backend_tensor.h"
#include "backend_variant_pack.h"
#include "export.h"

namespace backend = cudasim::dnn::backend;

namespace {

// Null for a descriptor type cudasim does not implement.
std::unique_ptr<backend::Descriptor> make(cudnnBackendDescriptorType_t type) {
  switch (type) {
    case CUDNN_BACKEND_TENSOR_DESCRIPTOR:
      return std::make_unique<backend::TensorDescriptor>();
    case CUDNN_BACKEND_POINTWISE_DESCRIPTOR:
      return std::make_unique<backend::PointwiseDescriptor>();
    case CUDNN_BACKEND_OPERATION_POINTWISE_DESCRIPTOR:
      return std::make_unique<backend::PointwiseOperationDescriptor>();
    case CUDNN_BACKEND_OPERATIONGRAPH_DESCRIPTOR:
      return std::make_unique<backend::OperationGraphDescriptor>();
    case CUDNN_BACKEND_ENGINE_DESCRIPTOR:
      return std::make_unique<backend::EngineDescriptor>();
    case CUDNN_BACKEND_ENGINECFG_DESCRIPTOR:
      return std::make_unique<backend::EngineConfigDescriptor>();
    case CUDNN_BACKEND_EXECUTION_PLAN_DESCRIPTOR:
      return std::make_unique<backend::ExecutionPlanDescriptor>();
    case CUDNN_BACKEND_VARIANT_PACK_DESCRIPTOR:
      return std::make_unique<backend::VariantPackDescriptor>();
    default:
      return nullptr;
  }
}

// Descriptors hold vectors and maps: an allocation failure inside one becomes
// cuDNN's status, never an exception across the C boundary.
template <typename Body>
cudnnStatus_t guarded(Body body) noexcept {
  try {
    return body();
  } catch (const std::bad_alloc&) {
    return CUDNN_STATUS_INTERNAL_ERROR_HOST_ALLOCATION_FAILED;
  } catch (...) {
    return CUDNN_STATUS_INTERNAL_ERROR;
  }
}

}  // namespace

CUDASIM_CUDNN_EXPORT cudnnStatus_t cudnnBackendCreateDescriptor(
    cudnnBackendDescriptorType_t descriptorType, cudnnBackendDescriptor_t* descriptor) {
  if (descriptor == nullptr) return CUDNN_STATUS_BAD_PARAM_NULL_POINTER;
  return guarded([&] {
    std::unique_ptr<backend::Descriptor> d = make(descriptorType);
    if (d == nullptr) return CUDNN_STATUS_NOT_SUPPORTED;
    backend::track(d.get());
    *descriptor = d.release();
    return CUDNN_STATUS_SUCCESS;
  });
}

CUDASIM_CUDNN_EXPORT cudnnStatus_t
cudnnBackendDestroyDescriptor(cudnnBackendDescriptor_t descriptor) {
  backend::Descriptor* d = backend::tracked(descriptor);
  if (d == nullptr) return CUDNN_STATUS_BAD_PARAM;
  backend::untrack(d);
  delete d;
  return CUDNN_STATUS_SUCCESS;
}

CUDASIM_CUDNN_EXPORT cudnnStatus_t cudnnBackendInitialize(cudnnBackendDescriptor_t descriptor) {
  backend::Descriptor* d = backend::tracked(descriptor);
  if (d == nullptr) return CUDNN_STATUS_BAD_PARAM;
  return guarded([&] {
    d->reset();
    return CUDNN_STATUS_SUCCESS;
  });
}

CUDASIM_CUDNN_EXPORT cudnnStatus_t cudnnBackendFinalize(cudnnBackendDescriptor_t descriptor) {
  backend::Descriptor* d = backend::tracked(descriptor);
  if (d == nullptr) return CUDNN_STATUS_BAD_PARAM;
  return guarded([&] { return d->finalize(); });
}

CUDASIM_CUDNN_EXPORT cudnnStatus_t cudnnBackendSetAttribute(
    cudnnBackendDescriptor_t descriptor, cudnnBackendAttributeName_t attributeName,
    cudnnBackendAttributeType_t attributeType, int64_t elementCount, const void* arrayOfElements) {
  backend::Descriptor* d = backend::tracked(descriptor);
  if (d == nullptr) return CUDNN_STATUS_BAD_PARAM;
  return guarded([&] {
    return d->set({attributeName, attributeType, elementCount, arrayOfElements});
  });
}

CUDASIM_CUDNN_EXPORT cudnnStatus_t cudnnBackendGetAttribute(
    cudnnBackendDescriptor_t const descriptor, cudnnBackendAttributeName_t attributeName,
    cudnnBackendAttributeType_t attributeType, int64_t requestedElementCount, int64_t* elementCount,
    void* arrayOfElements) {
  const backend::Descriptor* d = backend::tracked(descriptor);
  if (d == nullptr) return CUDNN_STATUS_BAD_PARAM;
  return guarded([&] {
    return d->get(
        {attributeName, attributeType, requestedElementCount, elementCount, arrayOfElements});
  });
}

CUDASIM_CUDNN_EXPORT cudnnStatus_t cudnnBackendExecute(cudnnHandle_t handle,
                                                       cudnnBackendDescriptor_t executionPlan,
                                                       cudnnBackendDescriptor_t variantPack) {
  if (handle == nullptr) return CUDNN_STATUS_BAD_PARAM;
  const backend::Descriptor* plan = nullptr;
  const backend::Descriptor* pack = nullptr;
  if (const cudnnStatus_t st =
          backend::finalized_of_type(executionPlan, CUDNN_BACKEND_EXECUTION_PLAN_DESCRIPTOR, &plan);
      st != CUDNN_STATUS_SUCCESS) {
    return st;
  }
  if (const cudnnStatus_t st =
          backend::finalized_of_type(variantPack, CUDNN_BACKEND_VARIANT_PACK_DESCRIPTOR, &pack);
      st != CUDNN_STATUS_SUCCESS) {
    return st;
  }
  return guarded([&] {
    return backend::execute(handle, *static_cast<const backend::ExecutionPlanDescriptor*>(plan),
                            *static_cast<const backend::VariantPackDescriptor*>(pack));
  });
}
