// A program on the CUDA runtime and cuBLAS whose GEMM operands hide behind
// device pointer arrays (cublasGemmBatchedEx), with filler buffers touched
// between the calls so that, on a small card, the matrices are evicted when
// the GEMM comes. It prints a hash of every result; the test compares it with
// a run on a card large enough. Exit 1 on any CUDA or cuBLAS error.
#include <cublas_v2.h>
#include <cuda_runtime_api.h>

#include <cstdint>
#include <cstdio>
#include <cstring>
#include <vector>

namespace {

bool ok(bool success, const char* what) {
  if (!success) std::printf("%s failed\n", what);
  return success;
}

}  // namespace

int main() {
  constexpr int n = 768;  // 2.25 MiB matrices: each its own region
  constexpr int batch = 2;
  constexpr std::size_t bytes = std::size_t{n} * n * sizeof(float);
  constexpr int fillers = 8;

  std::vector<float*> a(batch), b(batch), c(batch);
  std::vector<void*> filler(fillers);
  std::vector<float> host(std::size_t{n} * n);
  for (int i = 0; i < batch; ++i) {
    if (!ok(cudaMalloc(reinterpret_cast<void**>(&a[i]), bytes) == cudaSuccess &&
                cudaMalloc(reinterpret_cast<void**>(&b[i]), bytes) == cudaSuccess &&
                cudaMalloc(reinterpret_cast<void**>(&c[i]), bytes) == cudaSuccess,
            "cudaMalloc")) {
      return 1;
    }
    for (std::size_t j = 0; j < host.size(); ++j)
      host[j] = static_cast<float>((j * 7 + i) % 13) / 8.0f;
    if (!ok(cudaMemcpy(a[i], host.data(), bytes, cudaMemcpyHostToDevice) == cudaSuccess,
            "cudaMemcpy")) {
      return 1;
    }
    for (std::size_t j = 0; j < host.size(); ++j)
      host[j] = static_cast<float>((j * 5 + 3 * i) % 11) / 4.0f;
    if (!ok(cudaMemcpy(b[i], host.data(), bytes, cudaMemcpyHostToDevice) == cudaSuccess,
            "cudaMemcpy")) {
      return 1;
    }
  }
  for (void*& f : filler) {
    if (!ok(cudaMalloc(&f, bytes) == cudaSuccess, "cudaMalloc")) return 1;
  }
  // The pointer arrays, in device memory (small: they stay resident).
  float** da = nullptr;
  float** db = nullptr;
  float** dc = nullptr;
  if (!ok(cudaMalloc(reinterpret_cast<void**>(&da), sizeof(float*) * batch) == cudaSuccess &&
              cudaMalloc(reinterpret_cast<void**>(&db), sizeof(float*) * batch) == cudaSuccess &&
              cudaMalloc(reinterpret_cast<void**>(&dc), sizeof(float*) * batch) == cudaSuccess &&
              cudaMemcpy(da, a.data(), sizeof(float*) * batch, cudaMemcpyHostToDevice) ==
                  cudaSuccess &&
              cudaMemcpy(db, b.data(), sizeof(float*) * batch, cudaMemcpyHostToDevice) ==
                  cudaSuccess &&
              cudaMemcpy(dc, c.data(), sizeof(float*) * batch, cudaMemcpyHostToDevice) ==
                  cudaSuccess,
          "pointer arrays")) {
    return 1;
  }
  cublasHandle_t handle = nullptr;
  if (!ok(cublasCreate(&handle) == CUBLAS_STATUS_SUCCESS, "cublasCreate")) return 1;
  const float alpha = 1.0f;
  const float beta = 0.0f;
  for (int round = 0; round < 3; ++round) {
    for (void* f : filler) {
      if (!ok(cudaMemset(f, round + 1, bytes) == cudaSuccess, "cudaMemset")) return 1;
    }
    if (!ok(cublasGemmBatchedEx(handle, CUBLAS_OP_N, CUBLAS_OP_T, n, n, n, &alpha,
                                reinterpret_cast<const void* const*>(da), CUDA_R_32F, n,
                                reinterpret_cast<const void* const*>(db), CUDA_R_32F, n, &beta,
                                reinterpret_cast<void* const*>(dc), CUDA_R_32F, n, batch,
                                CUBLAS_COMPUTE_32F, CUBLAS_GEMM_DEFAULT) == CUBLAS_STATUS_SUCCESS,
            "cublasGemmBatchedEx")) {
      return 1;
    }
    // The results feed the next round's inputs.
    for (int i = 0; i < batch; ++i) {
      if (!ok(cudaMemcpy(host.data(), c[i], bytes, cudaMemcpyDeviceToHost) == cudaSuccess,
              "cudaMemcpy")) {
        return 1;
      }
      std::uint64_t hash = 1469598103934665603ull;
      for (float value : host) {
        std::uint32_t word = 0;
        std::memcpy(&word, &value, sizeof(word));
        hash = (hash ^ word) * 1099511628211ull;
      }
      std::printf("round %d matrix %d hash %016llx\n", round, i,
                  static_cast<unsigned long long>(hash));
      for (float& value : host) value /= static_cast<float>(n);
      if (!ok(cudaMemcpy(a[i], host.data(), bytes, cudaMemcpyHostToDevice) == cudaSuccess,
              "cudaMemcpy")) {
        return 1;
      }
    }
  }
  cublasDestroy(handle);
  return 0;
}
