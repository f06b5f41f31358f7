// A program on the CUDA runtime and cuBLAS (linked by their versioned
// symbols, as against NVIDIA's libraries): one SGEMM, printed. Under the
// shim the output must not change, and cublasSgemm_v2 must bind to the
// shim's hook (stderr names the object it binds to).
#include <cublas_v2.h>
#include <cuda_runtime_api.h>
#include <dlfcn.h>

#include <cstdio>
#include <cstring>
#include <vector>

namespace {

const char* object_of(const void* fn) {
  Dl_info info{};
  if (dladdr(fn, &info) == 0 || info.dli_fname == nullptr) return "?";
  const char* slash = std::strrchr(info.dli_fname, '/');
  return slash != nullptr ? slash + 1 : info.dli_fname;
}

}  // namespace

int main() {
  std::fprintf(stderr, "cublasSgemm_v2 from %s\n",
               object_of(reinterpret_cast<const void*>(&cublasSgemm_v2)));
  constexpr int m = 3, n = 2, k = 4;
  std::vector<float> a(m * k), b(k * n), c(m * n, 100.0f);
  for (int i = 0; i < m * k; ++i) a[i] = static_cast<float>(i + 1);
  for (int i = 0; i < k * n; ++i) b[i] = static_cast<float>(2 * i - 3);
  void *va = nullptr, *vb = nullptr, *vc = nullptr;
  if (cudaMalloc(&va, a.size() * 4) != cudaSuccess ||
      cudaMalloc(&vb, b.size() * 4) != cudaSuccess ||
      cudaMalloc(&vc, c.size() * 4) != cudaSuccess) {
    std::printf("cudaMalloc failed\n");
    return 1;
  }
  auto* da = static_cast<float*>(va);
  auto* db = static_cast<float*>(vb);
  auto* dc = static_cast<float*>(vc);
  if (cudaMemcpy(da, a.data(), a.size() * 4, cudaMemcpyHostToDevice) != cudaSuccess ||
      cudaMemcpy(db, b.data(), b.size() * 4, cudaMemcpyHostToDevice) != cudaSuccess ||
      cudaMemcpy(dc, c.data(), c.size() * 4, cudaMemcpyHostToDevice) != cudaSuccess) {
    std::printf("setup failed\n");
    return 1;
  }
  cublasHandle_t handle = nullptr;
  const float alpha = 2.0f, beta = 0.5f;
  if (cublasCreate(&handle) != CUBLAS_STATUS_SUCCESS ||
      cublasSgemm(handle, CUBLAS_OP_N, CUBLAS_OP_N, m, n, k, &alpha, da, m, db, k, &beta, dc, m) !=
          CUBLAS_STATUS_SUCCESS ||
      cudaMemcpy(c.data(), dc, c.size() * 4, cudaMemcpyDeviceToHost) != cudaSuccess) {
    std::printf("sgemm failed\n");
    return 1;
  }
  int wrong = 0;
  for (int j = 0; j < n; ++j) {
    for (int i = 0; i < m; ++i) {
      float expected = 50.0f;
      for (int p = 0; p < k; ++p) expected += alpha * a[i + p * m] * b[p + j * k];
      if (c[i + j * m] != expected) ++wrong;
      std::printf("%g ", c[i + j * m]);
    }
  }
  std::printf("\nwrong=%d\n", wrong);
  cublasDestroy(handle);
  return wrong == 0 ? 0 : 1;
}
