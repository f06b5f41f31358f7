// cudasim's cuDNN backend (graph) API on cudasim's driver: pointwise graphs
// compute what the host computes, bit for bit; the plan asks for a workspace
// and uses it; execution is asynchronous on the handle's stream; and bad
// descriptors, attributes and variant packs get cuDNN's status codes.
#include <cudnn.h>

#include <cstring>
#include <vector>

#include "backend_graph_builder.h"
#include "device_session.h"

namespace cudasim::testing {
namespace {

void expect_bitwise_equal(const std::vector<float>& got, const std::vector<float>& want) {
  ASSERT_EQ(got.size(), want.size());
  EXPECT_EQ(0, std::memcmp(got.data(), want.data(), got.size() * sizeof(float)));
}

std::vector<float> ramp(std::size_t n, float scale, float offset) {
  std::vector<float> v(n);
  for (std::size_t i = 0; i < n; ++i) {
    v[i] = static_cast<float>(static_cast<int>(i * 37 % 101) - 50) * scale + offset;
  }
  return v;
}

bool is_bad_param(cudnnStatus_t st) {
  return CUDNN_STATUS_CATEGORY(st) == CUDNN_STATUS_BAD_PARAM;
}

class CudnnBackend : public DeviceSession {
 protected:
  void SetUp() override {
    DeviceSession::SetUp();
    ASSERT_EQ(cudnnCreate(&handle_), CUDNN_STATUS_SUCCESS);
  }
  void TearDown() override {
    if (handle_ != nullptr) {
      EXPECT_EQ(api().cuCtxSynchronize_v2(nullptr), CUDA_SUCCESS);
      cudnnDestroy(handle_);
    }
    DeviceSession::TearDown();
  }
  void* ptr(CUdeviceptr p) const { return reinterpret_cast<void*>(static_cast<uintptr_t>(p)); }

  cudnnHandle_t handle_ = nullptr;
};

// Y = X + B over a 2x3x4x5 tensor, B broadcast per channel.
TEST_F(CudnnBackend, AddWithABroadcastBiasMatchesTheHost) {
  const std::vector<int64_t> dims = {2, 3, 4, 5};
  const Backend x = tensor(1, dims);
  const Backend b = tensor(2, {1, 3, 1, 1});
  const Backend y = tensor(3, dims);
  const Backend add = pointwise_op(CUDNN_POINTWISE_ADD, x, &b, y);
  const Backend graph = operation_graph(handle_, {&add});
  const Backend plan = execution_plan(handle_, graph);
  const int64_t ws_bytes = workspace_size(plan);
  ASSERT_GT(ws_bytes, 0);

  const std::vector<float> hx = ramp(120, 0.25f, 0.0f);
  const std::vector<float> hb = {1.5f, -2.0f, 0.125f};
  const CUdeviceptr dx = upload(hx), db = upload(hb), dy = alloc(120 * sizeof(float));
  const CUdeviceptr ws = alloc(static_cast<std::size_t>(ws_bytes));
  const Backend pack = variant_pack({1, 2, 3}, {ptr(dx), ptr(db), ptr(dy)}, ptr(ws));
  ASSERT_EQ(cudnnBackendExecute(handle_, plan.get(), pack.get()), CUDNN_STATUS_SUCCESS);

  std::vector<float> want(120);
  for (std::size_t i = 0; i < 120; ++i) want[i] = hx[i] + hb[i / 20 % 3];
  expect_bitwise_equal(download(dy, 120), want);
}

// T1 = 0.5 X * 2 B and T2 = T1 + C live only in the workspace; Y = relu(T2).
// The ops are given out of order: the graph orders them by their tensors.
TEST_F(CudnnBackend, FusedMulAddReluKeepsIntermediatesInTheWorkspace) {
  const std::vector<int64_t> dims = {1, 4, 8, 8};
  const Backend x = tensor(10, dims);
  const Backend b = tensor(11, dims);
  const Backend c = tensor(12, {1, 4, 1, 1});
  const Backend t1 = tensor(20, dims, true);
  const Backend t2 = tensor(21, dims, true);
  const Backend y = tensor(30, dims);
  const Backend relu = pointwise_op(CUDNN_POINTWISE_RELU_FWD, t2, nullptr, y);
  const Backend add = pointwise_op(CUDNN_POINTWISE_ADD, t1, &c, t2);
  const Backend mul = pointwise_op(CUDNN_POINTWISE_MUL, x, &b, t1, 0.5f, 2.0f);
  const Backend graph = operation_graph(handle_, {&relu, &add, &mul});
  const Backend plan = execution_plan(handle_, graph);

  // Each intermediate needs room in the workspace beyond what one op needs.
  const Backend single_plan = [&] {
    const Backend sx = tensor(1, dims), sy = tensor(2, dims);
    const Backend op = pointwise_op(CUDNN_POINTWISE_RELU_FWD, sx, nullptr, sy);
    const Backend g = operation_graph(handle_, {&op});
    return execution_plan(handle_, g);
  }();
  const int64_t ws_bytes = workspace_size(plan);
  EXPECT_GE(ws_bytes, workspace_size(single_plan) + 2 * 256 * 4);

  const std::size_t n = 256;
  const std::vector<float> hx = ramp(n, 0.5f, 0.25f), hb = ramp(n, -0.125f, 1.0f);
  const std::vector<float> hc = {-3.0f, 0.0f, 2.5f, -0.5f};
  const CUdeviceptr dx = upload(hx), db = upload(hb), dc = upload(hc);
  const CUdeviceptr dy = alloc(n * sizeof(float));
  // Filled with a pattern, so that intermediates not written would show.
  const std::vector<float> junk(static_cast<std::size_t>(ws_bytes) / sizeof(float) + 1, 7.0f);
  const CUdeviceptr ws = upload(junk);
  const Backend pack =
      variant_pack({30, 12, 11, 10}, {ptr(dy), ptr(dc), ptr(db), ptr(dx)}, ptr(ws));
  ASSERT_EQ(cudnnBackendExecute(handle_, plan.get(), pack.get()), CUDNN_STATUS_SUCCESS);

  std::vector<float> want(n);
  for (std::size_t i = 0; i < n; ++i) {
    const float t1v = (0.5f * hx[i]) * (2.0f * hb[i]);
    const float t2v = t1v + hc[i / 64];
    want[i] = t2v > 0.0f ? t2v : 0.0f;
  }
  expect_bitwise_equal(download(dy, n), want);
  // The workspace was really written: the pattern is gone from its head.
  const std::vector<float> after = download(ws, 4);
  EXPECT_NE(std::memcmp(after.data(), junk.data(), 4 * sizeof(float)), 0);
}

TEST_F(CudnnBackend, RunsAsynchronouslyOnTheHandlesStream) {
  // Non-blocking streams: a copy on the observer must not wait for the gate.
  CUstream stream = nullptr, observer = nullptr;
  ASSERT_EQ(api().cuStreamCreate(&stream, CU_STREAM_NON_BLOCKING), CUDA_SUCCESS);
  ASSERT_EQ(api().cuStreamCreate(&observer, CU_STREAM_NON_BLOCKING), CUDA_SUCCESS);
  ASSERT_EQ(cudnnSetStream(handle_, stream), CUDNN_STATUS_SUCCESS);
  const Backend x = tensor(1, {64}), y = tensor(2, {64});
  const Backend op = pointwise_op(CUDNN_POINTWISE_IDENTITY, x, nullptr, y, 3.0f);
  const Backend graph = operation_graph(handle_, {&op});
  const Backend plan = execution_plan(handle_, graph);
  const std::vector<float> hx = ramp(64, 1.0f, 0.0f);
  const std::vector<float> zeros(64, 0.0f);
  const CUdeviceptr dx = upload(hx), dy = upload(zeros);
  const CUdeviceptr ws = alloc(static_cast<std::size_t>(workspace_size(plan)));
  const Backend pack = variant_pack({1, 2}, {ptr(dx), ptr(dy)}, ptr(ws));
  {
    StreamGate gate(api(), stream);
    ASSERT_EQ(cudnnBackendExecute(handle_, plan.get(), pack.get()), CUDNN_STATUS_SUCCESS);
    EXPECT_EQ(api().cuStreamQuery(stream), CUDA_ERROR_NOT_READY);
    std::vector<float> seen(64, 1.0f);
    ASSERT_EQ(api().cuMemcpyDtoHAsync(seen.data(), dy, 64 * sizeof(float), observer), CUDA_SUCCESS);
    ASSERT_EQ(api().cuStreamSynchronize(observer), CUDA_SUCCESS);
    expect_bitwise_equal(seen, zeros);  // held back behind the gate
    gate.release();
    ASSERT_EQ(api().cuStreamSynchronize(stream), CUDA_SUCCESS);
  }
  std::vector<float> want(64);
  for (std::size_t i = 0; i < 64; ++i) want[i] = 3.0f * hx[i];
  expect_bitwise_equal(download(dy, 64), want);
  ASSERT_EQ(cudnnSetStream(handle_, nullptr), CUDNN_STATUS_SUCCESS);
  EXPECT_EQ(api().cuStreamDestroy(stream), CUDA_SUCCESS);
  EXPECT_EQ(api().cuStreamDestroy(observer), CUDA_SUCCESS);
}

TEST_F(CudnnBackend, AttributesAreTypedCountedAndFrozenByFinalize) {
  Backend t(CUDNN_BACKEND_TENSOR_DESCRIPTOR);
  const int64_t uid = 5;
  const int32_t uid32 = 5;
  EXPECT_EQ(t.set1(CUDNN_ATTR_TENSOR_UNIQUE_ID, CUDNN_TYPE_INT32, uid32),
            CUDNN_STATUS_BAD_PARAM_ATTRIBUTE_TYPE);
  EXPECT_EQ(t.set(CUDNN_ATTR_TENSOR_UNIQUE_ID, CUDNN_TYPE_INT64, std::vector<int64_t>{5, 6}),
            CUDNN_STATUS_BAD_PARAM);
  EXPECT_EQ(
      cudnnBackendSetAttribute(t.get(), CUDNN_ATTR_TENSOR_UNIQUE_ID, CUDNN_TYPE_INT64, 1, nullptr),
      CUDNN_STATUS_BAD_PARAM_NULL_POINTER);
  EXPECT_EQ(t.set(CUDNN_ATTR_TENSOR_DIMENSIONS, CUDNN_TYPE_INT64, std::vector<int64_t>(9, 1)),
            CUDNN_STATUS_BAD_PARAM);
  // An attribute of another descriptor type.
  EXPECT_EQ(t.set1(CUDNN_ATTR_POINTWISE_MODE, CUDNN_TYPE_POINTWISE_MODE, CUDNN_POINTWISE_ADD),
            CUDNN_STATUS_BAD_PARAM);
  EXPECT_EQ(t.set1(CUDNN_ATTR_TENSOR_UNIQUE_ID, CUDNN_TYPE_INT64, uid), CUDNN_STATUS_SUCCESS);
  // Nothing can be read before finalize, and finalize wants every required attribute.
  int64_t count = 0, got = 0;
  EXPECT_EQ(cudnnBackendGetAttribute(t.get(), CUDNN_ATTR_TENSOR_UNIQUE_ID, CUDNN_TYPE_INT64, 1,
                                     &count, &got),
            CUDNN_STATUS_NOT_INITIALIZED);
  EXPECT_EQ(t.finalize(), CUDNN_STATUS_BAD_PARAM);

  Backend done = tensor(7, {2, 3, 4});
  EXPECT_EQ(done.set1(CUDNN_ATTR_TENSOR_UNIQUE_ID, CUDNN_TYPE_INT64, uid),
            CUDNN_STATUS_NOT_INITIALIZED);
  EXPECT_EQ(cudnnBackendFinalize(done.get()), CUDNN_STATUS_BAD_PARAM);  // already final
  // Counts are asked with requestedElementCount 0, then read in part or whole.
  EXPECT_EQ(cudnnBackendGetAttribute(done.get(), CUDNN_ATTR_TENSOR_DIMENSIONS, CUDNN_TYPE_INT64, 0,
                                     &count, nullptr),
            CUDNN_STATUS_SUCCESS);
  EXPECT_EQ(count, 3);
  int64_t dims[3] = {};
  EXPECT_EQ(cudnnBackendGetAttribute(done.get(), CUDNN_ATTR_TENSOR_DIMENSIONS, CUDNN_TYPE_INT64, 2,
                                     &count, dims),
            CUDNN_STATUS_SUCCESS);
  EXPECT_EQ(count, 3);
  EXPECT_EQ(dims[0], 2);
  EXPECT_EQ(dims[1], 3);
  EXPECT_EQ(dims[2], 0);  // not asked for
  EXPECT_EQ(cudnnBackendGetAttribute(done.get(), CUDNN_ATTR_TENSOR_STRIDES, CUDNN_TYPE_INT64, 3,
                                     &count, dims),
            CUDNN_STATUS_SUCCESS);
  EXPECT_EQ(dims[0], 12);
  EXPECT_EQ(dims[1], 4);
  EXPECT_EQ(dims[2], 1);
  EXPECT_EQ(cudnnBackendGetAttribute(done.get(), CUDNN_ATTR_TENSOR_DIMENSIONS, CUDNN_TYPE_INT32, 3,
                                     &count, dims),
            CUDNN_STATUS_BAD_PARAM_ATTRIBUTE_TYPE);
}

TEST_F(CudnnBackend, BackendStatusesHaveTheirNames) {
  EXPECT_STREQ(cudnnGetErrorString(CUDNN_STATUS_BAD_PARAM_ATTRIBUTE_TYPE),
               "CUDNN_STATUS_BAD_PARAM_ATTRIBUTE_TYPE");
  EXPECT_STREQ(cudnnGetErrorString(CUDNN_STATUS_BAD_PARAM_NOT_FINALIZED),
               "CUDNN_STATUS_BAD_PARAM_NOT_FINALIZED");
  EXPECT_STREQ(cudnnGetErrorString(CUDNN_STATUS_BAD_PARAM_DESCRIPTOR_TYPE),
               "CUDNN_STATUS_BAD_PARAM_DESCRIPTOR_TYPE");
  EXPECT_STREQ(cudnnGetErrorString(CUDNN_STATUS_BAD_PARAM_DUPLICATED_ENTRIES),
               "CUDNN_STATUS_BAD_PARAM_DUPLICATED_ENTRIES");
  EXPECT_STREQ(cudnnGetErrorString(CUDNN_STATUS_NOT_SUPPORTED_GRAPH_PATTERN),
               "CUDNN_STATUS_NOT_SUPPORTED_GRAPH_PATTERN");
}

TEST_F(CudnnBackend, DescriptorsAreCreatedOnlyForSupportedTypesAndDestroyedOnce) {
  cudnnBackendDescriptor_t d = nullptr;
  EXPECT_EQ(
      cudnnBackendCreateDescriptor(CUDNN_BACKEND_OPERATION_CONVOLUTION_FORWARD_DESCRIPTOR, &d),
      CUDNN_STATUS_NOT_SUPPORTED);
  EXPECT_EQ(cudnnBackendCreateDescriptor(CUDNN_BACKEND_TENSOR_DESCRIPTOR, nullptr),
            CUDNN_STATUS_BAD_PARAM_NULL_POINTER);
  ASSERT_EQ(cudnnBackendCreateDescriptor(CUDNN_BACKEND_VARIANT_PACK_DESCRIPTOR, &d),
            CUDNN_STATUS_SUCCESS);
  EXPECT_EQ(cudnnBackendDestroyDescriptor(d), CUDNN_STATUS_SUCCESS);
  EXPECT_EQ(cudnnBackendDestroyDescriptor(d), CUDNN_STATUS_BAD_PARAM);
  int not_a_descriptor = 0;
  EXPECT_EQ(cudnnBackendFinalize(&not_a_descriptor), CUDNN_STATUS_BAD_PARAM);
}

TEST_F(CudnnBackend, OperationsCheckWhatTheyReference) {
  const Backend x = tensor(1, {2, 8});
  const Backend y = tensor(2, {2, 8});
  const Backend wide = tensor(3, {2, 16});
  const Backend add = pointwise_mode(CUDNN_POINTWISE_ADD);
  Backend open_tensor(CUDNN_BACKEND_TENSOR_DESCRIPTOR);

  Backend op(CUDNN_BACKEND_OPERATION_POINTWISE_DESCRIPTOR);
  EXPECT_EQ(op.set_desc(CUDNN_ATTR_OPERATION_POINTWISE_XDESC, open_tensor),
            CUDNN_STATUS_BAD_PARAM_NOT_FINALIZED);
  EXPECT_EQ(op.set_desc(CUDNN_ATTR_OPERATION_POINTWISE_XDESC, add),
            CUDNN_STATUS_BAD_PARAM_DESCRIPTOR_TYPE);
  EXPECT_EQ(op.set_desc(CUDNN_ATTR_OPERATION_POINTWISE_PW_DESCRIPTOR, add), CUDNN_STATUS_SUCCESS);
  EXPECT_EQ(op.set_desc(CUDNN_ATTR_OPERATION_POINTWISE_XDESC, x), CUDNN_STATUS_SUCCESS);
  EXPECT_EQ(op.set_desc(CUDNN_ATTR_OPERATION_POINTWISE_YDESC, y), CUDNN_STATUS_SUCCESS);
  EXPECT_EQ(op.finalize(), CUDNN_STATUS_BAD_PARAM);  // ADD without its B operand
  EXPECT_EQ(op.set_desc(CUDNN_ATTR_OPERATION_POINTWISE_BDESC, wide), CUDNN_STATUS_SUCCESS);
  EXPECT_EQ(op.finalize(), CUDNN_STATUS_BAD_PARAM_SHAPE_MISMATCH);
  EXPECT_EQ(op.set_desc(CUDNN_ATTR_OPERATION_POINTWISE_BDESC, x), CUDNN_STATUS_SUCCESS);
  EXPECT_EQ(op.finalize(), CUDNN_STATUS_SUCCESS);
  EXPECT_EQ(op.set_desc(CUDNN_ATTR_OPERATION_POINTWISE_BDESC, y), CUDNN_STATUS_NOT_INITIALIZED);

  Backend sqrt_mode(CUDNN_BACKEND_POINTWISE_DESCRIPTOR);
  EXPECT_EQ(
      sqrt_mode.set1(CUDNN_ATTR_POINTWISE_MODE, CUDNN_TYPE_POINTWISE_MODE, CUDNN_POINTWISE_SQRT),
      CUDNN_STATUS_SUCCESS);
  EXPECT_EQ(sqrt_mode.finalize(), CUDNN_STATUS_BAD_PARAM);  // no math precision
  EXPECT_EQ(sqrt_mode.set1(CUDNN_ATTR_POINTWISE_MATH_PREC, CUDNN_TYPE_DATA_TYPE, CUDNN_DATA_FLOAT),
            CUDNN_STATUS_SUCCESS);
  EXPECT_EQ(sqrt_mode.finalize(), CUDNN_STATUS_NOT_SUPPORTED);
}

TEST_F(CudnnBackend, GraphsMustBeWellFormedAndSupported) {
  const Backend x = tensor(1, {16});
  const Backend v1 = tensor(2, {16}, true);
  const Backend v2 = tensor(3, {16}, true);
  const Backend y = tensor(4, {16});
  auto finalize_graph = [&](const std::vector<const Backend*>& ops) {
    Backend graph(CUDNN_BACKEND_OPERATIONGRAPH_DESCRIPTOR);
    std::vector<cudnnBackendDescriptor_t> raw;
    for (const Backend* op : ops) raw.push_back(op->get());
    EXPECT_EQ(graph.set(CUDNN_ATTR_OPERATIONGRAPH_OPS, CUDNN_TYPE_BACKEND_DESCRIPTOR, raw),
              CUDNN_STATUS_SUCCESS);
    return graph.finalize();
  };
  // A virtual tensor nobody reads, and one nobody writes.
  const Backend to_virtual = pointwise_op(CUDNN_POINTWISE_RELU_FWD, x, nullptr, v1);
  EXPECT_EQ(finalize_graph({&to_virtual}), CUDNN_STATUS_BAD_PARAM);
  const Backend from_virtual = pointwise_op(CUDNN_POINTWISE_RELU_FWD, v2, nullptr, y);
  EXPECT_EQ(finalize_graph({&from_virtual}), CUDNN_STATUS_BAD_PARAM);
  // Two producers of one tensor.
  const Backend again = pointwise_op(CUDNN_POINTWISE_IDENTITY, x, nullptr, y);
  const Backend twice = pointwise_op(CUDNN_POINTWISE_RELU_FWD, x, nullptr, y);
  EXPECT_EQ(finalize_graph({&again, &twice}), CUDNN_STATUS_BAD_PARAM);
  // A cycle through two virtual tensors.
  const Backend a = pointwise_op(CUDNN_POINTWISE_RELU_FWD, v1, nullptr, v2);
  const Backend b = pointwise_op(CUDNN_POINTWISE_IDENTITY, v2, nullptr, v1);
  EXPECT_EQ(finalize_graph({&a, &b}), CUDNN_STATUS_BAD_PARAM);
  // One uid given two shapes.
  const Backend other_x = tensor(1, {8});
  const Backend other_y = tensor(5, {8});
  const Backend clash = pointwise_op(CUDNN_POINTWISE_IDENTITY, other_x, nullptr, other_y);
  EXPECT_EQ(finalize_graph({&again, &clash}), CUDNN_STATUS_BAD_PARAM);
  Backend empty(CUDNN_BACKEND_OPERATIONGRAPH_DESCRIPTOR);
  EXPECT_EQ(empty.set(CUDNN_ATTR_OPERATIONGRAPH_OPS, CUDNN_TYPE_BACKEND_DESCRIPTOR,
                      std::vector<cudnnBackendDescriptor_t>{}),
            CUDNN_STATUS_BAD_PARAM);
  EXPECT_EQ(empty.finalize(), CUDNN_STATUS_BAD_PARAM);

  // Engines: index 0 only, fp32 only.
  const Backend graph = operation_graph(handle_, {&again});
  int64_t count = 0, engines = 0;
  EXPECT_EQ(cudnnBackendGetAttribute(graph.get(), CUDNN_ATTR_OPERATIONGRAPH_ENGINE_GLOBAL_COUNT,
                                     CUDNN_TYPE_INT64, 1, &count, &engines),
            CUDNN_STATUS_SUCCESS);
  EXPECT_EQ(engines, 1);
  Backend engine(CUDNN_BACKEND_ENGINE_DESCRIPTOR);
  const int64_t one = 1;
  EXPECT_EQ(engine.set_desc(CUDNN_ATTR_ENGINE_OPERATION_GRAPH, graph), CUDNN_STATUS_SUCCESS);
  EXPECT_EQ(engine.set1(CUDNN_ATTR_ENGINE_GLOBAL_INDEX, CUDNN_TYPE_INT64, one),
            CUDNN_STATUS_SUCCESS);
  EXPECT_EQ(engine.finalize(), CUDNN_STATUS_BAD_PARAM_OUT_OF_BOUND);

  const Backend hx = tensor(6, {16}, false, CUDNN_DATA_HALF);
  const Backend hy = tensor(7, {16}, false, CUDNN_DATA_HALF);
  const Backend half_op = pointwise_op(CUDNN_POINTWISE_IDENTITY, hx, nullptr, hy);
  const Backend half_graph = operation_graph(handle_, {&half_op});
  Backend half_engine(CUDNN_BACKEND_ENGINE_DESCRIPTOR);
  const int64_t zero = 0;
  EXPECT_EQ(half_engine.set_desc(CUDNN_ATTR_ENGINE_OPERATION_GRAPH, half_graph),
            CUDNN_STATUS_SUCCESS);
  EXPECT_EQ(half_engine.set1(CUDNN_ATTR_ENGINE_GLOBAL_INDEX, CUDNN_TYPE_INT64, zero),
            CUDNN_STATUS_SUCCESS);
  EXPECT_EQ(half_engine.finalize(), CUDNN_STATUS_NOT_SUPPORTED_DATA_TYPE);
}

TEST_F(CudnnBackend, ExecuteChecksThePlanAndTheVariantPack) {
  const Backend x = tensor(1, {32}), b = tensor(2, {32}), y = tensor(3, {32});
  const Backend op = pointwise_op(CUDNN_POINTWISE_SUB, x, &b, y);
  const Backend graph = operation_graph(handle_, {&op});
  const Backend plan = execution_plan(handle_, graph);
  const std::vector<float> zeros(32, 0.0f);
  const CUdeviceptr dx = upload(zeros), db = upload(zeros), dy = upload(zeros);
  const CUdeviceptr ws = alloc(static_cast<std::size_t>(workspace_size(plan)));
  const Backend good = variant_pack({1, 2, 3}, {ptr(dx), ptr(db), ptr(dy)}, ptr(ws));

  Backend open_plan(CUDNN_BACKEND_EXECUTION_PLAN_DESCRIPTOR);
  EXPECT_EQ(cudnnBackendExecute(handle_, open_plan.get(), good.get()),
            CUDNN_STATUS_BAD_PARAM_NOT_FINALIZED);
  EXPECT_EQ(cudnnBackendExecute(handle_, good.get(), plan.get()),
            CUDNN_STATUS_BAD_PARAM_DESCRIPTOR_TYPE);
  EXPECT_TRUE(is_bad_param(cudnnBackendExecute(nullptr, plan.get(), good.get())));
  const Backend open_pack = variant_pack({1, 2, 3}, {ptr(dx), ptr(db), ptr(dy)}, ptr(ws), false);
  EXPECT_EQ(cudnnBackendExecute(handle_, plan.get(), open_pack.get()),
            CUDNN_STATUS_BAD_PARAM_NOT_FINALIZED);

  const Backend missing = variant_pack({1, 3}, {ptr(dx), ptr(dy)}, ptr(ws));
  EXPECT_EQ(cudnnBackendExecute(handle_, plan.get(), missing.get()), CUDNN_STATUS_BAD_PARAM);
  const Backend null_data = variant_pack({1, 2, 3}, {ptr(dx), nullptr, ptr(dy)}, ptr(ws));
  EXPECT_EQ(cudnnBackendExecute(handle_, plan.get(), null_data.get()),
            CUDNN_STATUS_BAD_PARAM_NULL_POINTER);
  const Backend no_workspace = variant_pack({1, 2, 3}, {ptr(dx), ptr(db), ptr(dy)}, nullptr);
  EXPECT_EQ(cudnnBackendExecute(handle_, plan.get(), no_workspace.get()),
            CUDNN_STATUS_BAD_PARAM_NULL_POINTER);
  const Backend misaligned =
      variant_pack({1, 2, 3}, {ptr(dx + 4), ptr(db), ptr(dy)}, ptr(ws));  // alignment 16
  EXPECT_EQ(cudnnBackendExecute(handle_, plan.get(), misaligned.get()),
            CUDNN_STATUS_BAD_PARAM_MISALIGNED_POINTER);

  Backend duplicated(CUDNN_BACKEND_VARIANT_PACK_DESCRIPTOR);
  EXPECT_EQ(duplicated.set(CUDNN_ATTR_VARIANT_PACK_UNIQUE_IDS, CUDNN_TYPE_INT64,
                           std::vector<int64_t>{1, 1}),
            CUDNN_STATUS_SUCCESS);
  EXPECT_EQ(duplicated.set(CUDNN_ATTR_VARIANT_PACK_DATA_POINTERS, CUDNN_TYPE_VOID_PTR,
                           std::vector<void*>{ptr(dx), ptr(db)}),
            CUDNN_STATUS_SUCCESS);
  EXPECT_EQ(duplicated.finalize(), CUDNN_STATUS_BAD_PARAM_DUPLICATED_ENTRIES);
  Backend uneven(CUDNN_BACKEND_VARIANT_PACK_DESCRIPTOR);
  EXPECT_EQ(
      uneven.set(CUDNN_ATTR_VARIANT_PACK_UNIQUE_IDS, CUDNN_TYPE_INT64, std::vector<int64_t>{1, 2}),
      CUDNN_STATUS_SUCCESS);
  EXPECT_EQ(uneven.set(CUDNN_ATTR_VARIANT_PACK_DATA_POINTERS, CUDNN_TYPE_VOID_PTR,
                       std::vector<void*>{ptr(dx)}),
            CUDNN_STATUS_SUCCESS);
  EXPECT_EQ(uneven.finalize(), CUDNN_STATUS_BAD_PARAM);

  // A finalized variant pack is not read back, as cuDNN 9.19 refuses its
  // data pointers: an interposer has to watch how the pack is set instead.
  int64_t count = -1;
  void* pointers[4] = {};
  EXPECT_EQ(cudnnBackendGetAttribute(good.get(), CUDNN_ATTR_VARIANT_PACK_DATA_POINTERS,
                                     CUDNN_TYPE_VOID_PTR, 4, &count, pointers),
            CUDNN_STATUS_NOT_SUPPORTED);
  void* workspace = nullptr;
  EXPECT_EQ(cudnnBackendGetAttribute(good.get(), CUDNN_ATTR_VARIANT_PACK_WORKSPACE,
                                     CUDNN_TYPE_VOID_PTR, 1, &count, &workspace),
            CUDNN_STATUS_NOT_SUPPORTED);
  int64_t uids[4] = {};
  EXPECT_EQ(cudnnBackendGetAttribute(good.get(), CUDNN_ATTR_VARIANT_PACK_UNIQUE_IDS,
                                     CUDNN_TYPE_INT64, 4, &count, uids),
            CUDNN_STATUS_NOT_SUPPORTED);
  EXPECT_EQ(count, -1);
  EXPECT_EQ(pointers[1], nullptr);
  EXPECT_EQ(workspace, nullptr);
  // Not an attribute of variant packs at all.
  EXPECT_EQ(cudnnBackendGetAttribute(good.get(), CUDNN_ATTR_TENSOR_UNIQUE_ID, CUDNN_TYPE_INT64, 1,
                                     &count, uids),
            CUDNN_STATUS_BAD_PARAM);
  // Nothing ran: y is untouched after all the refused calls.
  ASSERT_EQ(api().cuCtxSynchronize_v2(nullptr), CUDA_SUCCESS);
  expect_bitwise_equal(download(dy, 32), zeros);
}

TEST_F(CudnnBackend, InitializeReopensADescriptor) {
  Backend t(CUDNN_BACKEND_POINTWISE_DESCRIPTOR);
  EXPECT_EQ(t.set1(CUDNN_ATTR_POINTWISE_MODE, CUDNN_TYPE_POINTWISE_MODE, CUDNN_POINTWISE_MUL),
            CUDNN_STATUS_SUCCESS);
  EXPECT_EQ(t.set1(CUDNN_ATTR_POINTWISE_MATH_PREC, CUDNN_TYPE_DATA_TYPE, CUDNN_DATA_FLOAT),
            CUDNN_STATUS_SUCCESS);
  ASSERT_EQ(t.finalize(), CUDNN_STATUS_SUCCESS);
  cudnnPointwiseMode_t mode = CUDNN_POINTWISE_ADD;
  int64_t count = 0;
  EXPECT_EQ(cudnnBackendGetAttribute(t.get(), CUDNN_ATTR_POINTWISE_MODE, CUDNN_TYPE_POINTWISE_MODE,
                                     1, &count, &mode),
            CUDNN_STATUS_SUCCESS);
  EXPECT_EQ(mode, CUDNN_POINTWISE_MUL);
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"
  EXPECT_EQ(cudnnBackendInitialize(t.get()), CUDNN_STATUS_SUCCESS);
#pragma GCC diagnostic pop
  EXPECT_EQ(t.finalize(), CUDNN_STATUS_BAD_PARAM);  // its attributes are gone
}

}  // namespace
}  // namespace cudasim::testing
