// Building cuDNN backend-API graphs in tests: an owning descriptor handle and
// the attribute calls each descriptor type needs.
#pragma once

#include <cudnn.h>
#include <gtest/gtest.h>

#include <cstdint>
#include <utility>
#include <vector>

namespace cudasim::testing {

class Backend {
 public:
  explicit Backend(cudnnBackendDescriptorType_t type) {
    EXPECT_EQ(cudnnBackendCreateDescriptor(type, &d_), CUDNN_STATUS_SUCCESS);
  }
  ~Backend() {
    if (d_ != nullptr) cudnnBackendDestroyDescriptor(d_);
  }
  Backend(Backend&& o) noexcept : d_(std::exchange(o.d_, nullptr)) {}
  Backend& operator=(Backend&&) = delete;
  Backend(const Backend&) = delete;
  Backend& operator=(const Backend&) = delete;

  cudnnBackendDescriptor_t get() const { return d_; }

  template <typename T>
  cudnnStatus_t set(cudnnBackendAttributeName_t name, cudnnBackendAttributeType_t type,
                    const std::vector<T>& values) {
    return cudnnBackendSetAttribute(d_, name, type, static_cast<int64_t>(values.size()),
                                    values.data());
  }
  template <typename T>
  cudnnStatus_t set1(cudnnBackendAttributeName_t name, cudnnBackendAttributeType_t type,
                     const T& value) {
    return cudnnBackendSetAttribute(d_, name, type, 1, &value);
  }
  cudnnStatus_t set_desc(cudnnBackendAttributeName_t name, const Backend& other) {
    return set1(name, CUDNN_TYPE_BACKEND_DESCRIPTOR, other.get());
  }
  cudnnStatus_t finalize() { return cudnnBackendFinalize(d_); }

 private:
  cudnnBackendDescriptor_t d_ = nullptr;
};

// Packed strides of `dims` (last dimension fastest).
inline std::vector<int64_t> packed_strides(const std::vector<int64_t>& dims) {
  std::vector<int64_t> strides(dims.size(), 1);
  for (std::size_t i = dims.size() - 1; i > 0; --i) strides[i - 1] = strides[i] * dims[i];
  return strides;
}

inline Backend tensor(int64_t uid, const std::vector<int64_t>& dims, bool is_virtual = false,
                      cudnnDataType_t type = CUDNN_DATA_FLOAT) {
  Backend t(CUDNN_BACKEND_TENSOR_DESCRIPTOR);
  const int64_t alignment = 16;
  EXPECT_EQ(t.set1(CUDNN_ATTR_TENSOR_UNIQUE_ID, CUDNN_TYPE_INT64, uid), CUDNN_STATUS_SUCCESS);
  EXPECT_EQ(t.set1(CUDNN_ATTR_TENSOR_DATA_TYPE, CUDNN_TYPE_DATA_TYPE, type), CUDNN_STATUS_SUCCESS);
  EXPECT_EQ(t.set(CUDNN_ATTR_TENSOR_DIMENSIONS, CUDNN_TYPE_INT64, dims), CUDNN_STATUS_SUCCESS);
  EXPECT_EQ(t.set(CUDNN_ATTR_TENSOR_STRIDES, CUDNN_TYPE_INT64, packed_strides(dims)),
            CUDNN_STATUS_SUCCESS);
  EXPECT_EQ(t.set1(CUDNN_ATTR_TENSOR_BYTE_ALIGNMENT, CUDNN_TYPE_INT64, alignment),
            CUDNN_STATUS_SUCCESS);
  EXPECT_EQ(t.set1(CUDNN_ATTR_TENSOR_IS_VIRTUAL, CUDNN_TYPE_BOOLEAN, is_virtual),
            CUDNN_STATUS_SUCCESS);
  EXPECT_EQ(t.finalize(), CUDNN_STATUS_SUCCESS);
  return t;
}

inline Backend pointwise_mode(cudnnPointwiseMode_t mode) {
  Backend pw(CUDNN_BACKEND_POINTWISE_DESCRIPTOR);
  EXPECT_EQ(pw.set1(CUDNN_ATTR_POINTWISE_MODE, CUDNN_TYPE_POINTWISE_MODE, mode),
            CUDNN_STATUS_SUCCESS);
  EXPECT_EQ(pw.set1(CUDNN_ATTR_POINTWISE_MATH_PREC, CUDNN_TYPE_DATA_TYPE, CUDNN_DATA_FLOAT),
            CUDNN_STATUS_SUCCESS);
  EXPECT_EQ(pw.finalize(), CUDNN_STATUS_SUCCESS);
  return pw;
}

// y = mode(alpha1 * x, alpha2 * b); b is null for unary modes.
inline Backend pointwise_op(cudnnPointwiseMode_t mode, const Backend& x, const Backend* b,
                            const Backend& y, float alpha1 = 1.0f, float alpha2 = 1.0f) {
  const Backend pw = pointwise_mode(mode);
  Backend op(CUDNN_BACKEND_OPERATION_POINTWISE_DESCRIPTOR);
  EXPECT_EQ(op.set_desc(CUDNN_ATTR_OPERATION_POINTWISE_PW_DESCRIPTOR, pw), CUDNN_STATUS_SUCCESS);
  EXPECT_EQ(op.set_desc(CUDNN_ATTR_OPERATION_POINTWISE_XDESC, x), CUDNN_STATUS_SUCCESS);
  if (b != nullptr) {
    EXPECT_EQ(op.set_desc(CUDNN_ATTR_OPERATION_POINTWISE_BDESC, *b), CUDNN_STATUS_SUCCESS);
  }
  EXPECT_EQ(op.set_desc(CUDNN_ATTR_OPERATION_POINTWISE_YDESC, y), CUDNN_STATUS_SUCCESS);
  if (alpha1 != 1.0f) {
    EXPECT_EQ(op.set1(CUDNN_ATTR_OPERATION_POINTWISE_ALPHA1, CUDNN_TYPE_FLOAT, alpha1),
              CUDNN_STATUS_SUCCESS);
  }
  if (alpha2 != 1.0f) {
    EXPECT_EQ(op.set1(CUDNN_ATTR_OPERATION_POINTWISE_ALPHA2, CUDNN_TYPE_FLOAT, alpha2),
              CUDNN_STATUS_SUCCESS);
  }
  EXPECT_EQ(op.finalize(), CUDNN_STATUS_SUCCESS);
  return op;
}

inline Backend operation_graph(cudnnHandle_t handle, const std::vector<const Backend*>& ops) {
  Backend graph(CUDNN_BACKEND_OPERATIONGRAPH_DESCRIPTOR);
  std::vector<cudnnBackendDescriptor_t> raw;
  for (const Backend* op : ops) raw.push_back(op->get());
  EXPECT_EQ(graph.set1(CUDNN_ATTR_OPERATIONGRAPH_HANDLE, CUDNN_TYPE_HANDLE, handle),
            CUDNN_STATUS_SUCCESS);
  EXPECT_EQ(graph.set(CUDNN_ATTR_OPERATIONGRAPH_OPS, CUDNN_TYPE_BACKEND_DESCRIPTOR, raw),
            CUDNN_STATUS_SUCCESS);
  EXPECT_EQ(graph.finalize(), CUDNN_STATUS_SUCCESS);
  return graph;
}

// Engine 0 of `graph`, its configuration and a finalized plan.
inline Backend execution_plan(cudnnHandle_t handle, const Backend& graph) {
  Backend engine(CUDNN_BACKEND_ENGINE_DESCRIPTOR);
  const int64_t index = 0;
  EXPECT_EQ(engine.set_desc(CUDNN_ATTR_ENGINE_OPERATION_GRAPH, graph), CUDNN_STATUS_SUCCESS);
  EXPECT_EQ(engine.set1(CUDNN_ATTR_ENGINE_GLOBAL_INDEX, CUDNN_TYPE_INT64, index),
            CUDNN_STATUS_SUCCESS);
  EXPECT_EQ(engine.finalize(), CUDNN_STATUS_SUCCESS);
  Backend config(CUDNN_BACKEND_ENGINECFG_DESCRIPTOR);
  EXPECT_EQ(config.set_desc(CUDNN_ATTR_ENGINECFG_ENGINE, engine), CUDNN_STATUS_SUCCESS);
  EXPECT_EQ(config.finalize(), CUDNN_STATUS_SUCCESS);
  Backend plan(CUDNN_BACKEND_EXECUTION_PLAN_DESCRIPTOR);
  EXPECT_EQ(plan.set1(CUDNN_ATTR_EXECUTION_PLAN_HANDLE, CUDNN_TYPE_HANDLE, handle),
            CUDNN_STATUS_SUCCESS);
  EXPECT_EQ(plan.set_desc(CUDNN_ATTR_EXECUTION_PLAN_ENGINE_CONFIG, config), CUDNN_STATUS_SUCCESS);
  EXPECT_EQ(plan.finalize(), CUDNN_STATUS_SUCCESS);
  return plan;
}

inline int64_t workspace_size(const Backend& plan) {
  int64_t size = -1;
  int64_t count = 0;
  EXPECT_EQ(cudnnBackendGetAttribute(plan.get(), CUDNN_ATTR_EXECUTION_PLAN_WORKSPACE_SIZE,
                                     CUDNN_TYPE_INT64, 1, &count, &size),
            CUDNN_STATUS_SUCCESS);
  EXPECT_EQ(count, 1);
  return size;
}

inline Backend variant_pack(const std::vector<int64_t>& uids, const std::vector<void*>& pointers,
                            void* workspace, bool finalize = true) {
  Backend pack(CUDNN_BACKEND_VARIANT_PACK_DESCRIPTOR);
  EXPECT_EQ(pack.set(CUDNN_ATTR_VARIANT_PACK_UNIQUE_IDS, CUDNN_TYPE_INT64, uids),
            CUDNN_STATUS_SUCCESS);
  EXPECT_EQ(pack.set(CUDNN_ATTR_VARIANT_PACK_DATA_POINTERS, CUDNN_TYPE_VOID_PTR, pointers),
            CUDNN_STATUS_SUCCESS);
  EXPECT_EQ(pack.set1(CUDNN_ATTR_VARIANT_PACK_WORKSPACE, CUDNN_TYPE_VOID_PTR, workspace),
            CUDNN_STATUS_SUCCESS);
  if (finalize) {
    EXPECT_EQ(pack.finalize(), CUDNN_STATUS_SUCCESS);
  }
  return pack;
}

}  // namespace cudasim::testing
