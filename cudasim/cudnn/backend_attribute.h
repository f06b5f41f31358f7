// One cudnnBackendSetAttribute or cudnnBackendGetAttribute call, with the
// checks every descriptor applies the same way: the attribute's type, its
// element count and the array pointer.
#pragma once

#include <cudnn.h>

#include <algorithm>
#include <cstdint>
#include <cstring>

namespace cudasim::dnn::backend {

struct AttributeWrite {
  cudnnBackendAttributeName_t name;
  cudnnBackendAttributeType_t type;
  std::int64_t count;
  const void* elements;

  // Type first (ATTRIBUTE_TYPE), then the count (BAD_PARAM), then the array.
  cudnnStatus_t check(cudnnBackendAttributeType_t expected, std::int64_t min_count,
                      std::int64_t max_count) const {
    if (type != expected) return CUDNN_STATUS_BAD_PARAM_ATTRIBUTE_TYPE;
    if (count < min_count || count > max_count) return CUDNN_STATUS_BAD_PARAM;
    if (count > 0 && elements == nullptr) return CUDNN_STATUS_BAD_PARAM_NULL_POINTER;
    return CUDNN_STATUS_SUCCESS;
  }

  // Exactly one element of `expected` type, copied into *out.
  template <typename T>
  cudnnStatus_t one(cudnnBackendAttributeType_t expected, T* out) const {
    const cudnnStatus_t st = check(expected, 1, 1);
    if (st == CUDNN_STATUS_SUCCESS) std::memcpy(out, elements, sizeof(T));
    return st;
  }

  template <typename T>
  const T* array() const {
    return static_cast<const T*>(elements);
  }
};

struct AttributeRead {
  cudnnBackendAttributeName_t name;
  cudnnBackendAttributeType_t type;
  std::int64_t requested;
  std::int64_t* count;
  void* elements;

  // Answers `n` values: *count is how many the attribute has, and at most
  // `requested` of them are written.
  template <typename T>
  cudnnStatus_t give(cudnnBackendAttributeType_t expected, const T* values, std::int64_t n) const {
    if (type != expected) return CUDNN_STATUS_BAD_PARAM_ATTRIBUTE_TYPE;
    if (requested < 0) return CUDNN_STATUS_BAD_PARAM;
    if (count == nullptr || (requested > 0 && elements == nullptr)) {
      return CUDNN_STATUS_BAD_PARAM_NULL_POINTER;
    }
    *count = n;
    const std::int64_t written = std::min(requested, n);
    if (written > 0) std::memcpy(elements, values, static_cast<std::size_t>(written) * sizeof(T));
    return CUDNN_STATUS_SUCCESS;
  }

  template <typename T>
  cudnnStatus_t give_one(cudnnBackendAttributeType_t expected, const T& value) const {
    return give(expected, &value, 1);
  }
};

}  // namespace cudasim::dnn::backend
