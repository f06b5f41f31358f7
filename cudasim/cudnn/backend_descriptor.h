// What a cudnnBackendDescriptor_t points to: one descriptor of the backend
// (graph) API, with the life cycle every type shares. Attributes are set
// while it is open; cudnnBackendFinalize validates them once and freezes the
// descriptor; only then can it be read, or referenced by another descriptor.
#pragma once

#include <cudnn.h>

#include "backend_attribute.h"

namespace cudasim::dnn::backend {

class Descriptor {
 public:
  explicit Descriptor(cudnnBackendDescriptorType_t type) : type_(type) {}
  virtual ~Descriptor() = default;
  Descriptor(const Descriptor&) = delete;
  Descriptor& operator=(const Descriptor&) = delete;

  cudnnBackendDescriptorType_t type() const { return type_; }
  bool finalized() const { return finalized_; }

  // NOT_INITIALIZED once finalized, as cuDNN answers.
  cudnnStatus_t set(const AttributeWrite& a);
  // NOT_INITIALIZED until finalized.
  cudnnStatus_t get(const AttributeRead& r) const;
  // BAD_PARAM when already finalized; otherwise the type's own validation.
  cudnnStatus_t finalize();
  // Back to the state cudnnBackendCreateDescriptor left it in.
  void reset();

 protected:
  virtual cudnnStatus_t set_attribute(const AttributeWrite& a) = 0;
  virtual cudnnStatus_t get_attribute(const AttributeRead& r) const = 0;
  virtual cudnnStatus_t validate() = 0;
  virtual void clear() = 0;

 private:
  cudnnBackendDescriptorType_t type_;
  bool finalized_ = false;
};

// The descriptors alive in the process, so that a stale or foreign handle is
// answered with BAD_PARAM rather than followed.
void track(Descriptor* d);
void untrack(Descriptor* d);
bool is_tracked(const void* handle);
Descriptor* tracked(cudnnBackendDescriptor_t handle);

// The finalized descriptor of `type` that a BACKEND_DESCRIPTOR attribute
// names, or the error cuDNN gives for it.
cudnnStatus_t referenced(const AttributeWrite& a, cudnnBackendDescriptorType_t type,
                         const Descriptor** out);

// Same, for a descriptor handle passed directly (cudnnBackendExecute).
cudnnStatus_t finalized_of_type(cudnnBackendDescriptor_t handle, cudnnBackendDescriptorType_t type,
                                const Descriptor** out);

}  // namespace cudasim::dnn::backend
