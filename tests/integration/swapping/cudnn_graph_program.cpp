// A program on the CUDA runtime and cuDNN's backend (graph) API: a fused
// pointwise graph, y = relu(x * w + b) with both intermediates virtual, run
// round after round along a ring of activation buffers. Together the buffers
// need more memory than a small card has, so under gpuswap they are evicted
// between executions; the graph reaches them only through its variant pack.
// It prints a hash of every activation buffer at the end; the test compares
// them with a run on a card large enough. Exit 1 on any CUDA or cuDNN error.
// With argument `wide` it runs instead one graph whose variant pack holds more
// pointers than gpuswap lists for one call.
#include <cuda_runtime_api.h>
#include <cudnn.h>

#include <cstdint>
#include <cstdio>
#include <cstring>
#include <memory>
#include <vector>

namespace {

constexpr int64_t kChannels = 48;
constexpr int64_t kSide = 128;
constexpr std::size_t kCount = kChannels * kSide * kSide;  // 3 MiB of floats
constexpr std::size_t kBytes = kCount * sizeof(float);
constexpr int kActivations = 12;
constexpr int kWeights = 4;
constexpr int kRounds = 3;

bool ok(bool success, const char* what) {
  if (!success) std::printf("%s failed\n", what);
  return success;
}

bool dnn(cudnnStatus_t st, const char* what) {
  if (st != CUDNN_STATUS_SUCCESS) std::printf("%s failed: %d\n", what, static_cast<int>(st));
  return st == CUDNN_STATUS_SUCCESS;
}

// Owns one backend descriptor.
class Desc {
 public:
  explicit Desc(cudnnBackendDescriptorType_t type) {
    dnn(cudnnBackendCreateDescriptor(type, &d_), "cudnnBackendCreateDescriptor");
  }
  ~Desc() {
    if (d_ != nullptr) cudnnBackendDestroyDescriptor(d_);
  }
  Desc(const Desc&) = delete;
  Desc& operator=(const Desc&) = delete;
  cudnnBackendDescriptor_t get() const { return d_; }
  bool set(cudnnBackendAttributeName_t name, cudnnBackendAttributeType_t type, int64_t count,
           const void* values) {
    return dnn(cudnnBackendSetAttribute(d_, name, type, count, values), "cudnnBackendSetAttribute");
  }
  bool set_desc(cudnnBackendAttributeName_t name, const Desc& other) {
    const cudnnBackendDescriptor_t raw = other.get();
    return set(name, CUDNN_TYPE_BACKEND_DESCRIPTOR, 1, &raw);
  }
  bool finalize() { return dnn(cudnnBackendFinalize(d_), "cudnnBackendFinalize"); }

 private:
  cudnnBackendDescriptor_t d_ = nullptr;
};

bool make_tensor(Desc& t, int64_t uid, const int64_t (&dims)[4], bool is_virtual) {
  const int64_t strides[4] = {dims[1] * dims[2] * dims[3], dims[2] * dims[3], dims[3], 1};
  const cudnnDataType_t type = CUDNN_DATA_FLOAT;
  const int64_t alignment = 16;
  return t.set(CUDNN_ATTR_TENSOR_UNIQUE_ID, CUDNN_TYPE_INT64, 1, &uid) &&
         t.set(CUDNN_ATTR_TENSOR_DATA_TYPE, CUDNN_TYPE_DATA_TYPE, 1, &type) &&
         t.set(CUDNN_ATTR_TENSOR_DIMENSIONS, CUDNN_TYPE_INT64, 4, dims) &&
         t.set(CUDNN_ATTR_TENSOR_STRIDES, CUDNN_TYPE_INT64, 4, strides) &&
         t.set(CUDNN_ATTR_TENSOR_BYTE_ALIGNMENT, CUDNN_TYPE_INT64, 1, &alignment) &&
         t.set(CUDNN_ATTR_TENSOR_IS_VIRTUAL, CUDNN_TYPE_BOOLEAN, 1, &is_virtual) && t.finalize();
}

bool make_tensor(Desc& t, int64_t uid, bool broadcast, bool is_virtual) {
  const int64_t side = broadcast ? 1 : kSide;
  return make_tensor(t, uid, {1, kChannels, side, side}, is_virtual);
}

bool make_op(Desc& op, cudnnPointwiseMode_t mode, const Desc& x, const Desc* b, const Desc& y) {
  Desc pw(CUDNN_BACKEND_POINTWISE_DESCRIPTOR);
  const cudnnDataType_t precision = CUDNN_DATA_FLOAT;
  return pw.set(CUDNN_ATTR_POINTWISE_MODE, CUDNN_TYPE_POINTWISE_MODE, 1, &mode) &&
         pw.set(CUDNN_ATTR_POINTWISE_MATH_PREC, CUDNN_TYPE_DATA_TYPE, 1, &precision) &&
         pw.finalize() && op.set_desc(CUDNN_ATTR_OPERATION_POINTWISE_PW_DESCRIPTOR, pw) &&
         op.set_desc(CUDNN_ATTR_OPERATION_POINTWISE_XDESC, x) &&
         (b == nullptr || op.set_desc(CUDNN_ATTR_OPERATION_POINTWISE_BDESC, *b)) &&
         op.set_desc(CUDNN_ATTR_OPERATION_POINTWISE_YDESC, y) && op.finalize();
}

enum Uid : int64_t { kX = 1, kW = 2, kB = 3, kProduct = 4, kSum = 5, kY = 6 };

bool make_plan_of(cudnnHandle_t handle, const Desc& graph, Desc& plan);

// The plan for y = relu(x * w + b); false on any error.
bool make_plan(cudnnHandle_t handle, Desc& plan) {
  Desc x(CUDNN_BACKEND_TENSOR_DESCRIPTOR), w(CUDNN_BACKEND_TENSOR_DESCRIPTOR),
      b(CUDNN_BACKEND_TENSOR_DESCRIPTOR), product(CUDNN_BACKEND_TENSOR_DESCRIPTOR),
      sum(CUDNN_BACKEND_TENSOR_DESCRIPTOR), y(CUDNN_BACKEND_TENSOR_DESCRIPTOR);
  if (!make_tensor(x, kX, false, false) || !make_tensor(w, kW, false, false) ||
      !make_tensor(b, kB, true, false) || !make_tensor(product, kProduct, false, true) ||
      !make_tensor(sum, kSum, false, true) || !make_tensor(y, kY, false, false)) {
    return false;
  }
  Desc mul(CUDNN_BACKEND_OPERATION_POINTWISE_DESCRIPTOR),
      add(CUDNN_BACKEND_OPERATION_POINTWISE_DESCRIPTOR),
      relu(CUDNN_BACKEND_OPERATION_POINTWISE_DESCRIPTOR);
  if (!make_op(mul, CUDNN_POINTWISE_MUL, x, &w, product) ||
      !make_op(add, CUDNN_POINTWISE_ADD, product, &b, sum) ||
      !make_op(relu, CUDNN_POINTWISE_RELU_FWD, sum, nullptr, y)) {
    return false;
  }
  Desc graph(CUDNN_BACKEND_OPERATIONGRAPH_DESCRIPTOR);
  const cudnnBackendDescriptor_t ops[3] = {mul.get(), add.get(), relu.get()};
  if (!graph.set(CUDNN_ATTR_OPERATIONGRAPH_HANDLE, CUDNN_TYPE_HANDLE, 1, &handle) ||
      !graph.set(CUDNN_ATTR_OPERATIONGRAPH_OPS, CUDNN_TYPE_BACKEND_DESCRIPTOR, 3, ops) ||
      !graph.finalize()) {
    return false;
  }
  return make_plan_of(handle, graph, plan);
}

// Engine 0 of a finalized graph, its configuration and the finalized plan.
bool make_plan_of(cudnnHandle_t handle, const Desc& graph, Desc& plan) {
  Desc engine(CUDNN_BACKEND_ENGINE_DESCRIPTOR);
  const int64_t index = 0;
  if (!engine.set_desc(CUDNN_ATTR_ENGINE_OPERATION_GRAPH, graph) ||
      !engine.set(CUDNN_ATTR_ENGINE_GLOBAL_INDEX, CUDNN_TYPE_INT64, 1, &index) ||
      !engine.finalize()) {
    return false;
  }
  Desc config(CUDNN_BACKEND_ENGINECFG_DESCRIPTOR);
  if (!config.set_desc(CUDNN_ATTR_ENGINECFG_ENGINE, engine) || !config.finalize()) return false;
  return plan.set(CUDNN_ATTR_EXECUTION_PLAN_HANDLE, CUDNN_TYPE_HANDLE, 1, &handle) &&
         plan.set_desc(CUDNN_ATTR_EXECUTION_PLAN_ENGINE_CONFIG, config) && plan.finalize();
}

std::uint64_t hash(const std::vector<float>& values) {
  std::uint64_t h = 1469598103934665603ull;
  for (float value : values) {
    std::uint32_t word = 0;
    std::memcpy(&word, &value, sizeof(word));
    h = (h ^ word) * 1099511628211ull;
  }
  return h;
}

// More data pointers than gpuswap lists for one call: 16 independent ops,
// y_i = relu(x_i), over 32 small tensors. Under the shim such a pack is
// not decoded (one log line) and the call passes through; it must still
// compute the right thing. Prints "wide: results match".
int run_wide(cudnnHandle_t handle) {
  constexpr int kOps = 16;
  constexpr int64_t kDims[4] = {1, 2, 8, 16};
  constexpr std::size_t kSmall = 256;
  std::vector<std::unique_ptr<Desc>> tensors, ops;
  std::vector<cudnnBackendDescriptor_t> raw_ops;
  for (int i = 0; i < 2 * kOps; ++i) {
    tensors.push_back(std::make_unique<Desc>(CUDNN_BACKEND_TENSOR_DESCRIPTOR));
    if (!make_tensor(*tensors.back(), 100 + i, kDims, false)) return 1;
  }
  for (int i = 0; i < kOps; ++i) {
    ops.push_back(std::make_unique<Desc>(CUDNN_BACKEND_OPERATION_POINTWISE_DESCRIPTOR));
    if (!make_op(*ops.back(), CUDNN_POINTWISE_RELU_FWD, *tensors[2 * i], nullptr,
                 *tensors[2 * i + 1])) {
      return 1;
    }
    raw_ops.push_back(ops.back()->get());
  }
  Desc graph(CUDNN_BACKEND_OPERATIONGRAPH_DESCRIPTOR),
      plan(CUDNN_BACKEND_EXECUTION_PLAN_DESCRIPTOR);
  if (!graph.set(CUDNN_ATTR_OPERATIONGRAPH_OPS, CUDNN_TYPE_BACKEND_DESCRIPTOR, kOps,
                 raw_ops.data()) ||
      !graph.finalize() || !make_plan_of(handle, graph, plan)) {
    return 1;
  }
  int64_t workspace_bytes = 0, count = 0;
  if (!dnn(cudnnBackendGetAttribute(plan.get(), CUDNN_ATTR_EXECUTION_PLAN_WORKSPACE_SIZE,
                                    CUDNN_TYPE_INT64, 1, &count, &workspace_bytes),
           "workspace size")) {
    return 1;
  }
  std::vector<int64_t> uids;
  std::vector<void*> pointers;
  std::vector<float> host(kSmall);
  for (int i = 0; i < 2 * kOps; ++i) {
    void* p = nullptr;
    for (std::size_t j = 0; j < kSmall; ++j) host[j] = static_cast<float>(j % 7) - 3.0f + i;
    if (!ok(cudaMalloc(&p, kSmall * sizeof(float)) == cudaSuccess &&
                cudaMemcpy(p, host.data(), kSmall * sizeof(float), cudaMemcpyHostToDevice) ==
                    cudaSuccess,
            "wide buffer")) {
      return 1;
    }
    uids.push_back(100 + i);
    pointers.push_back(p);
  }
  void* workspace = nullptr;
  Desc pack(CUDNN_BACKEND_VARIANT_PACK_DESCRIPTOR);
  if (!ok(cudaMalloc(&workspace, static_cast<std::size_t>(workspace_bytes)) == cudaSuccess,
          "workspace") ||
      !pack.set(CUDNN_ATTR_VARIANT_PACK_UNIQUE_IDS, CUDNN_TYPE_INT64, 2 * kOps, uids.data()) ||
      !pack.set(CUDNN_ATTR_VARIANT_PACK_DATA_POINTERS, CUDNN_TYPE_VOID_PTR, 2 * kOps,
                pointers.data()) ||
      !pack.set(CUDNN_ATTR_VARIANT_PACK_WORKSPACE, CUDNN_TYPE_VOID_PTR, 1, &workspace) ||
      !pack.finalize() ||
      // Twice: the shim says once that it cannot list such a pack.
      !dnn(cudnnBackendExecute(handle, plan.get(), pack.get()), "cudnnBackendExecute") ||
      !dnn(cudnnBackendExecute(handle, plan.get(), pack.get()), "cudnnBackendExecute") ||
      !ok(cudaDeviceSynchronize() == cudaSuccess, "cudaDeviceSynchronize")) {
    return 1;
  }
  for (int i = 0; i < kOps; ++i) {
    if (!ok(cudaMemcpy(host.data(), pointers[2 * i + 1], kSmall * sizeof(float),
                       cudaMemcpyDeviceToHost) == cudaSuccess,
            "cudaMemcpy")) {
      return 1;
    }
    for (std::size_t j = 0; j < kSmall; ++j) {
      const float x = static_cast<float>(j % 7) - 3.0f + 2 * i;
      if (host[j] != (x > 0.0f ? x : 0.0f)) {
        std::printf("wide: op %d element %zu is %g\n", i, j, static_cast<double>(host[j]));
        return 1;
      }
    }
  }
  std::printf("wide: results match\n");
  cudnnDestroy(handle);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  cudnnHandle_t handle = nullptr;
  if (!dnn(cudnnCreate(&handle), "cudnnCreate")) return 1;
  if (argc > 1 && std::strcmp(argv[1], "wide") == 0) return run_wide(handle);
  Desc plan(CUDNN_BACKEND_EXECUTION_PLAN_DESCRIPTOR);
  if (!make_plan(handle, plan)) return 1;
  int64_t workspace_bytes = 0;
  int64_t count = 0;
  if (!dnn(cudnnBackendGetAttribute(plan.get(), CUDNN_ATTR_EXECUTION_PLAN_WORKSPACE_SIZE,
                                    CUDNN_TYPE_INT64, 1, &count, &workspace_bytes),
           "workspace size")) {
    return 1;
  }

  std::vector<void*> act(kActivations), weight(kWeights);
  void* bias = nullptr;
  void* workspace = nullptr;
  std::vector<float> host(kCount);
  for (int i = 0; i < kActivations; ++i) {
    for (std::size_t j = 0; j < kCount; ++j) {
      host[j] = static_cast<float>((j * 7 + static_cast<std::size_t>(i) * 3) % 17) / 8.0f;
    }
    if (!ok(cudaMalloc(&act[i], kBytes) == cudaSuccess &&
                cudaMemcpy(act[i], host.data(), kBytes, cudaMemcpyHostToDevice) == cudaSuccess,
            "activation")) {
      return 1;
    }
  }
  for (int i = 0; i < kWeights; ++i) {
    for (std::size_t j = 0; j < kCount; ++j) {
      host[j] = 0.25f + static_cast<float>((j * 5 + static_cast<std::size_t>(i)) % 11) / 16.0f;
    }
    if (!ok(cudaMalloc(&weight[i], kBytes) == cudaSuccess &&
                cudaMemcpy(weight[i], host.data(), kBytes, cudaMemcpyHostToDevice) == cudaSuccess,
            "weight")) {
      return 1;
    }
  }
  std::vector<float> host_bias(kChannels);
  for (int64_t c = 0; c < kChannels; ++c) host_bias[c] = static_cast<float>(c % 9 - 4) / 8.0f;
  if (!ok(cudaMalloc(&bias, kChannels * sizeof(float)) == cudaSuccess &&
              cudaMemcpy(bias, host_bias.data(), kChannels * sizeof(float),
                         cudaMemcpyHostToDevice) == cudaSuccess &&
              cudaMalloc(&workspace, static_cast<std::size_t>(workspace_bytes)) == cudaSuccess,
          "bias and workspace")) {
    return 1;
  }

  // Each step reads one activation and writes the next along the ring, so
  // every buffer is both an input and an output over a round.
  int executed = 0;
  for (int round = 0; round < kRounds; ++round) {
    for (int i = 0; i < kActivations; ++i) {
      const int64_t uids[4] = {kX, kW, kB, kY};
      void* pointers[4] = {act[i], weight[(i + round) % kWeights], bias,
                           act[(i + 1) % kActivations]};
      Desc pack(CUDNN_BACKEND_VARIANT_PACK_DESCRIPTOR);
      if (!pack.set(CUDNN_ATTR_VARIANT_PACK_UNIQUE_IDS, CUDNN_TYPE_INT64, 4, uids) ||
          !pack.set(CUDNN_ATTR_VARIANT_PACK_DATA_POINTERS, CUDNN_TYPE_VOID_PTR, 4, pointers) ||
          !pack.set(CUDNN_ATTR_VARIANT_PACK_WORKSPACE, CUDNN_TYPE_VOID_PTR, 1, &workspace) ||
          !pack.finalize() ||
          !dnn(cudnnBackendExecute(handle, plan.get(), pack.get()), "cudnnBackendExecute")) {
        return 1;
      }
      ++executed;
    }
  }
  if (!ok(cudaDeviceSynchronize() == cudaSuccess, "cudaDeviceSynchronize")) return 1;
  for (int i = 0; i < kActivations; ++i) {
    if (!ok(cudaMemcpy(host.data(), act[i], kBytes, cudaMemcpyDeviceToHost) == cudaSuccess,
            "cudaMemcpy")) {
      return 1;
    }
    std::printf("activation %d hash %016llx\n", i, static_cast<unsigned long long>(hash(host)));
  }
  std::printf("executed %d graphs\n", executed);
  cudnnDestroy(handle);
  return 0;
}
