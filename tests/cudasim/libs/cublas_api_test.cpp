// cudasim's cuBLAS through its API, on cudasim's driver: results equal the
// math functions bit for bit, work is asynchronous on the handle's stream,
// and bad arguments get cuBLAS's status codes.
#include <cublas_v2.h>

#include <chrono>
#include <cmath>
#include <cstring>
#include <limits>
#include <thread>
#include <vector>

#include "device_session.h"
#include "gemm_math.h"
#include "test_data.h"

namespace cudasim::testing {
namespace {

using blas::GemmShape;

class CublasApi : public DeviceSession {
 protected:
  void SetUp() override {
    DeviceSession::SetUp();
    ASSERT_EQ(cublasCreate_v2(&handle_), CUBLAS_STATUS_SUCCESS);
  }
  void TearDown() override {
    if (handle_ != nullptr) {
      EXPECT_EQ(cublasDestroy_v2(handle_), CUBLAS_STATUS_SUCCESS);
    }
    DeviceSession::TearDown();
  }

  static GemmShape shape(bool ta, bool tb, int m, int n, int k) {
    return GemmShape{ta, tb, m, n, k, (ta ? k : m) + 1, (tb ? n : k) + 2, m + 1};
  }
  static std::size_t a_size(const GemmShape& s) {
    return static_cast<std::size_t>(s.lda) * (s.transpose_a ? s.m : s.k);
  }
  static std::size_t b_size(const GemmShape& s) {
    return static_cast<std::size_t>(s.ldb) * (s.transpose_b ? s.k : s.n);
  }
  static std::size_t c_size(const GemmShape& s) { return static_cast<std::size_t>(s.ldc) * s.n; }
  static cublasOperation_t op(bool t) { return t ? CUBLAS_OP_T : CUBLAS_OP_N; }

  cublasHandle_t handle_ = nullptr;
};

void expect_bitwise_equal(const std::vector<float>& got, const std::vector<float>& want) {
  ASSERT_EQ(got.size(), want.size());
  EXPECT_EQ(0, std::memcmp(got.data(), want.data(), got.size() * sizeof(float)));
}

TEST_F(CublasApi, SgemmAndGemmExMatchTheMathForEveryTranspose) {
  std::uint32_t seed = 100;
  for (bool ta : {false, true}) {
    for (bool tb : {false, true}) {
      const GemmShape s = shape(ta, tb, 7, 5, 6);
      const auto a = random_floats(a_size(s), seed++), b = random_floats(b_size(s), seed++),
                 c = random_floats(c_size(s), seed++);
      auto want = c;
      blas::gemm(s, 0.75f, a.data(), b.data(), -0.5f, want.data());

      const CUdeviceptr da = upload(a), db = upload(b), dc = upload(c), dc2 = upload(c);
      const float alpha = 0.75f, beta = -0.5f;
      // CUBLAS_OP_C is the transpose for real data.
      const cublasOperation_t op_b = tb ? CUBLAS_OP_C : CUBLAS_OP_N;
      ASSERT_EQ(cublasSgemm_v2(handle_, op(ta), op_b, s.m, s.n, s.k, &alpha, f(da), s.lda, f(db),
                               s.ldb, &beta, f(dc), s.ldc),
                CUBLAS_STATUS_SUCCESS);
      ASSERT_EQ(
          cublasGemmEx(handle_, op(ta), op(tb), s.m, s.n, s.k, &alpha, f(da), CUDA_R_32F, s.lda,
                       f(db), CUDA_R_32F, s.ldb, &beta, f(dc2), CUDA_R_32F, s.ldc,
                       ta ? CUBLAS_COMPUTE_32F_FAST_TF32 : CUBLAS_COMPUTE_32F, CUBLAS_GEMM_DEFAULT),
          CUBLAS_STATUS_SUCCESS);
      ASSERT_EQ(api().cuStreamSynchronize(nullptr), CUDA_SUCCESS);
      expect_bitwise_equal(download(dc, c.size()), want);
      expect_bitwise_equal(download(dc2, c.size()), want);
    }
  }
}

TEST_F(CublasApi, BetaZeroOverwritesNaN) {
  const GemmShape s = shape(false, true, 4, 6, 3);
  const auto a = random_floats(a_size(s), 1), b = random_floats(b_size(s), 2);
  const std::vector<float> nan(c_size(s), std::numeric_limits<float>::quiet_NaN());
  auto want = nan;
  blas::gemm(s, 2.0f, a.data(), b.data(), 0.0f, want.data());
  const CUdeviceptr da = upload(a), db = upload(b), dc = upload(nan);
  const float alpha = 2.0f, beta = 0.0f;
  ASSERT_EQ(cublasSgemm_v2(handle_, CUBLAS_OP_N, CUBLAS_OP_T, s.m, s.n, s.k, &alpha, f(da), s.lda,
                           f(db), s.ldb, &beta, f(dc), s.ldc),
            CUBLAS_STATUS_SUCCESS);
  ASSERT_EQ(api().cuStreamSynchronize(nullptr), CUDA_SUCCESS);
  const auto got = download(dc, nan.size());
  for (int j = 0; j < s.n; ++j) {
    for (int i = 0; i < s.m; ++i) EXPECT_FALSE(std::isnan(got[j * s.ldc + i]));
  }
  expect_bitwise_equal(got, want);
}

TEST_F(CublasApi, StridedBatchedMatchesOneGemmPerBatch) {
  const GemmShape s = shape(true, false, 3, 4, 5);
  const int batch = 3;
  const long long sa = a_size(s) + 4, sb = b_size(s), sc = c_size(s) + 1;
  const auto a = random_floats(sa * batch, 3), b = random_floats(sb * batch, 4),
             c = random_floats(sc * batch, 5);
  auto want = c;
  for (int i = 0; i < batch; ++i) {
    blas::gemm(s, 1.0f, a.data() + i * sa, b.data() + i * sb, 1.0f, want.data() + i * sc);
  }
  const CUdeviceptr da = upload(a), db = upload(b), dc = upload(c);
  const float one = 1.0f;
  ASSERT_EQ(cublasSgemmStridedBatched(handle_, CUBLAS_OP_T, CUBLAS_OP_N, s.m, s.n, s.k, &one, f(da),
                                      s.lda, sa, f(db), s.ldb, sb, &one, f(dc), s.ldc, sc, batch),
            CUBLAS_STATUS_SUCCESS);
  ASSERT_EQ(api().cuStreamSynchronize(nullptr), CUDA_SUCCESS);
  expect_bitwise_equal(download(dc, c.size()), want);
}

TEST_F(CublasApi, PointerArrayBatchReadsTheArraysFromDeviceMemory) {
  const GemmShape s = shape(false, false, 4, 3, 2);
  const int batch = 3;
  std::vector<CUdeviceptr> da, db, dc;
  std::vector<std::vector<float>> want;
  for (int i = 0; i < batch; ++i) {
    const auto a = random_floats(a_size(s), 10 + i), b = random_floats(b_size(s), 20 + i),
               c = random_floats(c_size(s), 30 + i);
    want.push_back(c);
    blas::gemm(s, 1.5f, a.data(), b.data(), 0.5f, want.back().data());
    da.push_back(upload(a));
    db.push_back(upload(b));
    dc.push_back(upload(c));
  }
  const CUdeviceptr arr_a = upload(da), arr_b = upload(db), arr_c = upload(dc);
  const float alpha = 1.5f, beta = 0.5f;
  ASSERT_EQ(cublasGemmBatchedEx(handle_, CUBLAS_OP_N, CUBLAS_OP_N, s.m, s.n, s.k, &alpha,
                                reinterpret_cast<const void* const*>(arr_a), CUDA_R_32F, s.lda,
                                reinterpret_cast<const void* const*>(arr_b), CUDA_R_32F, s.ldb,
                                &beta, reinterpret_cast<void* const*>(arr_c), CUDA_R_32F, s.ldc,
                                batch, CUBLAS_COMPUTE_32F, CUBLAS_GEMM_DEFAULT),
            CUBLAS_STATUS_SUCCESS);
  ASSERT_EQ(api().cuStreamSynchronize(nullptr), CUDA_SUCCESS);
  for (int i = 0; i < batch; ++i) expect_bitwise_equal(download(dc[i], want[i].size()), want[i]);
}

TEST_F(CublasApi, DevicePointerModeReadsScalarsOnTheStream) {
  const GemmShape s = shape(false, false, 3, 3, 3);
  const auto a = random_floats(a_size(s), 40), b = random_floats(b_size(s), 41),
             c = random_floats(c_size(s), 42);
  auto want = c;
  blas::gemm(s, -2.0f, a.data(), b.data(), 0.25f, want.data());
  const CUdeviceptr da = upload(a), db = upload(b), dc = upload(c);
  const CUdeviceptr scalars = upload(std::vector<float>{-2.0f, 0.25f});
  ASSERT_EQ(cublasSetPointerMode_v2(handle_, CUBLAS_POINTER_MODE_DEVICE), CUBLAS_STATUS_SUCCESS);
  cublasPointerMode_t mode{};
  ASSERT_EQ(cublasGetPointerMode_v2(handle_, &mode), CUBLAS_STATUS_SUCCESS);
  EXPECT_EQ(mode, CUBLAS_POINTER_MODE_DEVICE);
  ASSERT_EQ(cublasSgemm_v2(handle_, CUBLAS_OP_N, CUBLAS_OP_N, s.m, s.n, s.k, f(scalars), f(da),
                           s.lda, f(db), s.ldb, f(scalars) + 1, f(dc), s.ldc),
            CUBLAS_STATUS_SUCCESS);
  ASSERT_EQ(api().cuStreamSynchronize(nullptr), CUDA_SUCCESS);
  expect_bitwise_equal(download(dc, c.size()), want);
}

TEST_F(CublasApi, RunsAsynchronouslyOnTheHandlesStream) {
  CUstream stream = nullptr, observer = nullptr;
  ASSERT_EQ(api().cuStreamCreate(&stream, CU_STREAM_NON_BLOCKING), CUDA_SUCCESS);
  ASSERT_EQ(api().cuStreamCreate(&observer, CU_STREAM_NON_BLOCKING), CUDA_SUCCESS);
  ASSERT_EQ(cublasSetStream_v2(handle_, stream), CUBLAS_STATUS_SUCCESS);
  cudaStream_t got = nullptr;
  ASSERT_EQ(cublasGetStream_v2(handle_, &got), CUBLAS_STATUS_SUCCESS);
  EXPECT_EQ(got, stream);

  const GemmShape s = shape(false, false, 4, 4, 4);
  const auto a = random_floats(a_size(s), 50), b = random_floats(b_size(s), 51),
             c = random_floats(c_size(s), 52);
  auto want = c;
  blas::gemm(s, 1.0f, a.data(), b.data(), 0.0f, want.data());
  const CUdeviceptr da = upload(a), db = upload(b), dc = upload(c);
  const float alpha = 1.0f, beta = 0.0f;
  {
    StreamGate gate(api(), stream);
    ASSERT_EQ(cublasSgemm_v2(handle_, CUBLAS_OP_N, CUBLAS_OP_N, s.m, s.n, s.k, &alpha, f(da), s.lda,
                             f(db), s.ldb, &beta, f(dc), s.ldc),
              CUBLAS_STATUS_SUCCESS);
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    EXPECT_EQ(api().cuStreamQuery(stream), CUDA_ERROR_NOT_READY);
    // Another stream still sees C untouched: the GEMM waits behind the gate.
    std::vector<float> seen(c.size());
    ASSERT_EQ(api().cuMemcpyDtoHAsync(seen.data(), dc, seen.size() * sizeof(float), observer),
              CUDA_SUCCESS);
    ASSERT_EQ(api().cuStreamSynchronize(observer), CUDA_SUCCESS);
    expect_bitwise_equal(seen, c);
    gate.release();
    ASSERT_EQ(api().cuStreamSynchronize(stream), CUDA_SUCCESS);
  }
  expect_bitwise_equal(download(dc, c.size()), want);
  EXPECT_EQ(api().cuStreamDestroy(stream), CUDA_SUCCESS);
  EXPECT_EQ(api().cuStreamDestroy(observer), CUDA_SUCCESS);
}

TEST_F(CublasApi, DestroyWaitsForEnqueuedWork) {
  CUstream stream = nullptr, observer = nullptr;
  ASSERT_EQ(api().cuStreamCreate(&stream, CU_STREAM_NON_BLOCKING), CUDA_SUCCESS);
  ASSERT_EQ(api().cuStreamCreate(&observer, CU_STREAM_NON_BLOCKING), CUDA_SUCCESS);
  ASSERT_EQ(cublasSetStream_v2(handle_, stream), CUBLAS_STATUS_SUCCESS);
  const GemmShape s = shape(false, false, 3, 3, 3);
  const auto a = random_floats(a_size(s), 60), b = random_floats(b_size(s), 61),
             c = random_floats(c_size(s), 62);
  auto want = c;
  blas::gemm(s, 1.0f, a.data(), b.data(), 0.0f, want.data());
  const CUdeviceptr da = upload(a), db = upload(b), dc = upload(c);
  const float alpha = 1.0f, beta = 0.0f;
  StreamGate gate(api(), stream);
  ASSERT_EQ(cublasSgemm_v2(handle_, CUBLAS_OP_N, CUBLAS_OP_N, s.m, s.n, s.k, &alpha, f(da), s.lda,
                           f(db), s.ldb, &beta, f(dc), s.ldc),
            CUBLAS_STATUS_SUCCESS);
  std::thread opener([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    gate.release();
  });
  EXPECT_EQ(cublasDestroy_v2(handle_), CUBLAS_STATUS_SUCCESS);
  handle_ = nullptr;
  opener.join();
  // Without any further synchronisation of `stream`, the GEMM is done.
  std::vector<float> seen(c.size());
  ASSERT_EQ(api().cuMemcpyDtoHAsync(seen.data(), dc, seen.size() * sizeof(float), observer),
            CUDA_SUCCESS);
  ASSERT_EQ(api().cuStreamSynchronize(observer), CUDA_SUCCESS);
  expect_bitwise_equal(seen, want);
  EXPECT_EQ(api().cuStreamDestroy(stream), CUDA_SUCCESS);
  EXPECT_EQ(api().cuStreamDestroy(observer), CUDA_SUCCESS);
}

TEST_F(CublasApi, BadArgumentsGetStatusCodesAndLaunchNothing) {
  const float one = 1.0f;
  const CUdeviceptr dc = upload(std::vector<float>(16, 7.0f));
  float* c = f(dc);
  EXPECT_EQ(
      cublasSgemm_v2(nullptr, CUBLAS_OP_N, CUBLAS_OP_N, 2, 2, 2, &one, c, 2, c, 2, &one, c, 2),
      CUBLAS_STATUS_NOT_INITIALIZED);
  EXPECT_EQ(cublasSgemm_v2(handle_, static_cast<cublasOperation_t>(9), CUBLAS_OP_N, 2, 2, 2, &one,
                           c, 2, c, 2, &one, c, 2),
            CUBLAS_STATUS_INVALID_VALUE);
  EXPECT_EQ(
      cublasSgemm_v2(handle_, CUBLAS_OP_N, CUBLAS_OP_N, -1, 2, 2, &one, c, 2, c, 2, &one, c, 2),
      CUBLAS_STATUS_INVALID_VALUE);
  EXPECT_EQ(
      cublasSgemm_v2(handle_, CUBLAS_OP_N, CUBLAS_OP_N, 4, 2, 2, &one, c, 3, c, 2, &one, c, 4),
      CUBLAS_STATUS_INVALID_VALUE);  // lda < m
  EXPECT_EQ(
      cublasSgemm_v2(handle_, CUBLAS_OP_T, CUBLAS_OP_N, 2, 2, 4, &one, c, 2, c, 4, &one, c, 2),
      CUBLAS_STATUS_INVALID_VALUE);  // lda < k for A^T
  EXPECT_EQ(
      cublasSgemm_v2(handle_, CUBLAS_OP_N, CUBLAS_OP_N, 2, 2, 2, &one, c, 2, c, 2, &one, c, 1),
      CUBLAS_STATUS_INVALID_VALUE);  // ldc < m
  EXPECT_EQ(
      cublasSgemm_v2(handle_, CUBLAS_OP_N, CUBLAS_OP_N, 2, 2, 2, nullptr, c, 2, c, 2, &one, c, 2),
      CUBLAS_STATUS_INVALID_VALUE);
  EXPECT_EQ(
      cublasGemmEx(handle_, CUBLAS_OP_N, CUBLAS_OP_N, 2, 2, 2, &one, c, CUDA_R_16F, 2, c,
                   CUDA_R_16F, 2, &one, c, CUDA_R_32F, 2, CUBLAS_COMPUTE_32F, CUBLAS_GEMM_DEFAULT),
      CUBLAS_STATUS_NOT_SUPPORTED);
  EXPECT_EQ(
      cublasGemmEx(handle_, CUBLAS_OP_N, CUBLAS_OP_N, 2, 2, 2, &one, c, CUDA_R_32F, 2, c,
                   CUDA_R_32F, 2, &one, c, CUDA_R_32F, 2, CUBLAS_COMPUTE_64F, CUBLAS_GEMM_DEFAULT),
      CUBLAS_STATUS_NOT_SUPPORTED);
  EXPECT_EQ(cublasSgemmStridedBatched(handle_, CUBLAS_OP_N, CUBLAS_OP_N, 2, 2, 2, &one, c, 2, 4, c,
                                      2, 4, &one, c, 2, 4, -1),
            CUBLAS_STATUS_INVALID_VALUE);
  EXPECT_EQ(cublasSetPointerMode_v2(handle_, static_cast<cublasPointerMode_t>(5)),
            CUBLAS_STATUS_INVALID_VALUE);
  // m == 0 is valid and does nothing.
  EXPECT_EQ(
      cublasSgemm_v2(handle_, CUBLAS_OP_N, CUBLAS_OP_N, 0, 2, 2, &one, c, 1, c, 2, &one, c, 1),
      CUBLAS_STATUS_SUCCESS);
  ASSERT_EQ(api().cuStreamSynchronize(nullptr), CUDA_SUCCESS);
  for (float v : download(dc, 16)) EXPECT_EQ(v, 7.0f);
}

TEST_F(CublasApi, HandleSettingsReadBack) {
  cublasMath_t math{};
  ASSERT_EQ(cublasSetMathMode(handle_, CUBLAS_TF32_TENSOR_OP_MATH), CUBLAS_STATUS_SUCCESS);
  ASSERT_EQ(cublasGetMathMode(handle_, &math), CUBLAS_STATUS_SUCCESS);
  EXPECT_EQ(math, CUBLAS_TF32_TENSOR_OP_MATH);
  const CUdeviceptr ws = alloc(1 << 20);
  EXPECT_EQ(cublasSetWorkspace_v2(handle_, reinterpret_cast<void*>(ws), 1 << 20),
            CUBLAS_STATUS_SUCCESS);
  EXPECT_EQ(cublasSetWorkspace_v2(handle_, reinterpret_cast<void*>(ws + 4), 1024),
            CUBLAS_STATUS_INVALID_VALUE);  // not 256-byte aligned
  cudaStream_t stream = reinterpret_cast<cudaStream_t>(1);
  ASSERT_EQ(cublasGetStream_v2(handle_, &stream), CUBLAS_STATUS_SUCCESS);
  EXPECT_EQ(stream, nullptr);
  EXPECT_STREQ(cublasGetStatusName(CUBLAS_STATUS_INVALID_VALUE), "CUBLAS_STATUS_INVALID_VALUE");
  EXPECT_STRNE(cublasGetStatusString(CUBLAS_STATUS_NOT_SUPPORTED), "");
}

}  // namespace
}  // namespace cudasim::testing
