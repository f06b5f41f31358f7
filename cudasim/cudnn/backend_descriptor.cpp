#include "backend_descriptor.h"

#include <mutex>
#include <unordered_set>

namespace cudasim::dnn::backend {
namespace {

// Leaked on purpose: descriptors may be destroyed from exit handlers.
std::mutex& registry_mutex() {
  static auto* m = new std::mutex;
  return *m;
}
std::unordered_set<const void*>& registry() {
  static auto* s = new std::unordered_set<const void*>;
  return *s;
}

}  // namespace

cudnnStatus_t Descriptor::set(const AttributeWrite& a) {
  if (finalized_) return CUDNN_STATUS_NOT_INITIALIZED;
  return set_attribute(a);
}

cudnnStatus_t Descriptor::get(const AttributeRead& r) const {
  if (!finalized_) return CUDNN_STATUS_NOT_INITIALIZED;
  return get_attribute(r);
}

cudnnStatus_t Descriptor::finalize() {
  if (finalized_) return CUDNN_STATUS_BAD_PARAM;
  const cudnnStatus_t st = validate();
  finalized_ = st == CUDNN_STATUS_SUCCESS;
  return st;
}

void Descriptor::reset() {
  clear();
  finalized_ = false;
}

void track(Descriptor* d) {
  std::lock_guard lock(registry_mutex());
  registry().insert(d);
}

void untrack(Descriptor* d) {
  std::lock_guard lock(registry_mutex());
  registry().erase(d);
}

bool is_tracked(const void* handle) {
  std::lock_guard lock(registry_mutex());
  return registry().count(handle) != 0;
}

Descriptor* tracked(cudnnBackendDescriptor_t handle) {
  return is_tracked(handle) ? static_cast<Descriptor*>(handle) : nullptr;
}

cudnnStatus_t finalized_of_type(cudnnBackendDescriptor_t handle, cudnnBackendDescriptorType_t type,
                                const Descriptor** out) {
  if (handle == nullptr) return CUDNN_STATUS_BAD_PARAM_NULL_POINTER;
  const Descriptor* d = tracked(handle);
  if (d == nullptr) return CUDNN_STATUS_BAD_PARAM;
  if (d->type() != type) return CUDNN_STATUS_BAD_PARAM_DESCRIPTOR_TYPE;
  if (!d->finalized()) return CUDNN_STATUS_BAD_PARAM_NOT_FINALIZED;
  *out = d;
  return CUDNN_STATUS_SUCCESS;
}

cudnnStatus_t referenced(const AttributeWrite& a, cudnnBackendDescriptorType_t type,
                         const Descriptor** out) {
  if (const cudnnStatus_t st = a.check(CUDNN_TYPE_BACKEND_DESCRIPTOR, 1, 1);
      st != CUDNN_STATUS_SUCCESS) {
    return st;
  }
  return finalized_of_type(*a.array<cudnnBackendDescriptor_t>(), type, out);
}

}  // namespace cudasim::dnn::backend
