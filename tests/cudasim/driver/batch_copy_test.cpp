// Batch copies: cuMemcpyBatchAsync and cuMemcpy3DBatchAsync in both ABIs
// (12.8 with failIdx, 13.0 without) and their per-thread twins.
#include <algorithm>
#include <cstdint>
#include <cstring>
#include <vector>

#include "driver_test_util.h"

using namespace cudasim_test;

namespace {

using Batch = DriverTest;

// The CUDA 12.8 ABIs, with the failIdx out-parameter.
using BatchV1 = CUresult (*)(CUdeviceptr*, CUdeviceptr*, size_t*, size_t, CUmemcpyAttributes*,
                             size_t*, size_t, size_t*, CUstream);
using Batch3DV1 = CUresult (*)(size_t, CUDA_MEMCPY3D_BATCH_OP*, size_t*, unsigned long long,
                               CUstream);
using BatchV2 = decltype(&cuMemcpyBatchAsync_v2);

template <typename Fn>
Fn entry(const char* name, int version, bool per_thread) {
  void* fn = nullptr;
  EXPECT_CU(cuGetProcAddress(
      name, &fn, version, per_thread ? CU_GET_PROC_ADDRESS_PER_THREAD_DEFAULT_STREAM : 0, nullptr));
  return reinterpret_cast<Fn>(fn);
}

std::vector<unsigned char> pattern(size_t n, int seed) {
  std::vector<unsigned char> v(n);
  for (size_t i = 0; i < n; ++i) v[i] = static_cast<unsigned char>((i * 7 + seed * 13) & 0xff);
  return v;
}

CUdeviceptr host_ptr(const void* p) {
  return reinterpret_cast<CUdeviceptr>(p);
}

CUmemcpyAttributes attributes(CUmemcpySrcAccessOrder order) {
  CUmemcpyAttributes a{};
  a.srcAccessOrder = order;
  return a;
}

std::vector<unsigned char> read_back(CUdeviceptr p, size_t n) {
  std::vector<unsigned char> out(n);
  EXPECT_CU(cuMemcpyDtoH(out.data(), p, n));
  return out;
}

CUmemcpy3DOperand pointer_operand(CUdeviceptr p, size_t row, size_t layer) {
  CUmemcpy3DOperand o{};
  o.type = CU_MEMCPY_OPERAND_TYPE_POINTER;
  o.op.ptr.ptr = p;
  o.op.ptr.rowLength = row;
  o.op.ptr.layerHeight = layer;
  return o;
}

}  // namespace

// Host-to-device, device-to-device and device-to-host copies in one batch,
// with pageable and page-locked host memory, run in stream order.
TEST_F(Batch, MixedDirectionsInOneBatch) {
  const size_t n = 1 << 20;
  CUdeviceptr a = 0, b = 0, c = 0, d = 0;
  for (CUdeviceptr* p : {&a, &b, &c, &d}) ASSERT_CU(cuMemAlloc(p, n));
  ASSERT_CU(cuMemcpyHtoD(b, pattern(n, 2).data(), n));
  ASSERT_CU(cuMemcpyHtoD(d, pattern(n, 4).data(), n));
  void* pinned = nullptr;
  ASSERT_CU(cuMemAllocHost(&pinned, n));
  std::memset(pinned, 0, n);
  std::vector<unsigned char> pageable_out(n, 0);
  auto in = pattern(n, 1);

  CUstream s = nullptr;
  ASSERT_CU(cuStreamCreate(&s, CU_STREAM_NON_BLOCKING));
  CUdeviceptr dsts[] = {a, c, host_ptr(pinned), host_ptr(pageable_out.data())};
  CUdeviceptr srcs[] = {host_ptr(in.data()), b, d, b};
  size_t sizes[] = {n, n, n, n / 2};
  CUmemcpyAttributes attrs[] = {attributes(CU_MEMCPY_SRC_ACCESS_ORDER_STREAM),
                                attributes(CU_MEMCPY_SRC_ACCESS_ORDER_ANY)};
  size_t idxs[] = {0, 2};
  ASSERT_CU(cuMemcpyBatchAsync_v2(dsts, srcs, sizes, 4, attrs, idxs, 2, s));
  in.assign(n, 0);  // a pageable source is staged at the call
  // A pageable destination is written when the call returns.
  EXPECT_TRUE(
      std::equal(pageable_out.begin(), pageable_out.begin() + n / 2, pattern(n, 2).begin()));
  EXPECT_EQ(pageable_out[n / 2], 0);
  ASSERT_CU(cuStreamSynchronize(s));
  EXPECT_EQ(read_back(a, n), pattern(n, 1));
  EXPECT_EQ(read_back(c, n), pattern(n, 2));
  const auto* got = static_cast<const unsigned char*>(pinned);
  EXPECT_EQ(std::vector<unsigned char>(got, got + n), pattern(n, 4));

  ASSERT_CU(cuStreamDestroy(s));
  ASSERT_CU(cuMemFreeHost(pinned));
  for (CUdeviceptr p : {a, b, c, d}) ASSERT_CU(cuMemFree(p));
}

// The batch runs after earlier work on its stream: a slow kernel fills the
// source first.
TEST_F(Batch, RunsInStreamOrder) {
  const int count = 4096;
  CUdeviceptr src = 0, dst = 0;
  ASSERT_CU(cuMemAlloc(&src, count * sizeof(int)));
  ASSERT_CU(cuMemAlloc(&dst, count * sizeof(int)));
  ASSERT_CU(cuMemsetD32(src, 0, count));
  CUstream s = nullptr;
  ASSERT_CU(cuStreamCreate(&s, 0));
  int n = count, value = 7, sleep_ms = 50;
  void* params[] = {&src, &n, &value, &sleep_ms};
  ASSERT_CU(cuLaunchKernel(function("slow_fill"), 1, 1, 1, 1, 1, 1, 0, s, params, nullptr));
  CUdeviceptr dsts[] = {dst};
  CUdeviceptr srcs[] = {src};
  size_t sizes[] = {count * sizeof(int)};
  CUmemcpyAttributes attrs[] = {attributes(CU_MEMCPY_SRC_ACCESS_ORDER_STREAM)};
  size_t idxs[] = {0};
  ASSERT_CU(cuMemcpyBatchAsync_v2(dsts, srcs, sizes, 1, attrs, idxs, 1, s));
  ASSERT_CU(cuStreamSynchronize(s));
  std::vector<int> out(count);
  ASSERT_CU(cuMemcpyDtoH(out.data(), dst, count * sizeof(int)));
  EXPECT_EQ(out, std::vector<int>(count, 7));
  ASSERT_CU(cuStreamDestroy(s));
  ASSERT_CU(cuMemFree(src));
  ASSERT_CU(cuMemFree(dst));
}

TEST_F(Batch, InvalidArgumentsAndTheLegacyStream) {
  const size_t n = 4096;
  CUdeviceptr a = 0, b = 0;
  ASSERT_CU(cuMemAlloc(&a, n));
  ASSERT_CU(cuMemAlloc(&b, n));
  CUstream s = nullptr;
  ASSERT_CU(cuStreamCreate(&s, 0));
  CUdeviceptr dsts[] = {a, b};
  CUdeviceptr srcs[] = {b, a};
  size_t sizes[] = {n, n};
  CUmemcpyAttributes attrs[] = {attributes(CU_MEMCPY_SRC_ACCESS_ORDER_STREAM),
                                attributes(CU_MEMCPY_SRC_ACCESS_ORDER_STREAM)};
  size_t idxs[] = {0, 1};
  constexpr auto kInvalid = CUDA_ERROR_INVALID_VALUE;
  EXPECT_EQ(cuMemcpyBatchAsync_v2(dsts, srcs, sizes, 0, attrs, idxs, 1, s), kInvalid);
  EXPECT_EQ(cuMemcpyBatchAsync_v2(nullptr, srcs, sizes, 2, attrs, idxs, 1, s), kInvalid);
  EXPECT_EQ(cuMemcpyBatchAsync_v2(dsts, nullptr, sizes, 2, attrs, idxs, 1, s), kInvalid);
  EXPECT_EQ(cuMemcpyBatchAsync_v2(dsts, srcs, nullptr, 2, attrs, idxs, 1, s), kInvalid);
  EXPECT_EQ(cuMemcpyBatchAsync_v2(dsts, srcs, sizes, 2, nullptr, idxs, 1, s), kInvalid);
  EXPECT_EQ(cuMemcpyBatchAsync_v2(dsts, srcs, sizes, 2, attrs, nullptr, 1, s), kInvalid);
  EXPECT_EQ(cuMemcpyBatchAsync_v2(dsts, srcs, sizes, 2, attrs, idxs, 0, s), kInvalid);
  EXPECT_EQ(cuMemcpyBatchAsync_v2(dsts, srcs, sizes, 1, attrs, idxs, 2, s), kInvalid);  // > count
  size_t not_first[] = {1, 1};
  EXPECT_EQ(cuMemcpyBatchAsync_v2(dsts, srcs, sizes, 2, attrs, not_first, 1, s), kInvalid);
  size_t not_increasing[] = {0, 0};
  EXPECT_EQ(cuMemcpyBatchAsync_v2(dsts, srcs, sizes, 2, attrs, not_increasing, 2, s), kInvalid);
  CUmemcpyAttributes unset[] = {CUmemcpyAttributes{}};
  EXPECT_EQ(cuMemcpyBatchAsync_v2(dsts, srcs, sizes, 2, unset, idxs, 1, s), kInvalid);
  CUmemcpyAttributes bad_flags[] = {attributes(CU_MEMCPY_SRC_ACCESS_ORDER_STREAM)};
  bad_flags[0].flags = 0x80;
  EXPECT_EQ(cuMemcpyBatchAsync_v2(dsts, srcs, sizes, 2, bad_flags, idxs, 1, s), kInvalid);
  // Not on the legacy default stream, named either way.
  EXPECT_EQ(cuMemcpyBatchAsync_v2(dsts, srcs, sizes, 2, attrs, idxs, 2, nullptr), kInvalid);
  EXPECT_EQ(cuMemcpyBatchAsync_v2(dsts, srcs, sizes, 2, attrs, idxs, 2, CU_STREAM_LEGACY),
            kInvalid);
  // The per-thread stream is fine, by name or as null for the _ptsz twin.
  size_t one[] = {n};
  EXPECT_CU(cuMemcpyBatchAsync_v2(dsts, srcs, one, 1, attrs, idxs, 1, CU_STREAM_PER_THREAD));
  const auto v2_ptsz = entry<BatchV2>("cuMemcpyBatchAsync", 13000, true);
  ASSERT_NE(v2_ptsz, nullptr);
  EXPECT_CU(v2_ptsz(dsts, srcs, one, 1, attrs, idxs, 1, nullptr));
  ASSERT_CU(cuCtxSynchronize());
  ASSERT_CU(cuStreamDestroy(s));
  ASSERT_CU(cuMemFree(a));
  ASSERT_CU(cuMemFree(b));
}

// A batch with one bad copy does nothing, and the 12.8 ABI names the copy.
TEST_F(Batch, FailingCopyLeavesEverythingUndoneAndIsNamed) {
  const size_t n = 4096;
  CUdeviceptr a = 0;
  ASSERT_CU(cuMemAlloc(&a, n));
  ASSERT_CU(cuMemsetD8(a, 0, n));
  CUstream s = nullptr;
  ASSERT_CU(cuStreamCreate(&s, 0));
  auto in = pattern(n, 5);
  CUdeviceptr dsts[] = {a, a};
  CUdeviceptr srcs[] = {host_ptr(in.data()), 0};  // a null source
  size_t sizes[] = {n, n};
  CUmemcpyAttributes attrs[] = {attributes(CU_MEMCPY_SRC_ACCESS_ORDER_STREAM)};
  size_t idxs[] = {0};
  const auto v1 = entry<BatchV1>("cuMemcpyBatchAsync", 12080, false);
  ASSERT_NE(v1, nullptr);
  size_t fail = 0;
  EXPECT_EQ(v1(dsts, srcs, sizes, 2, attrs, idxs, 1, &fail, s), CUDA_ERROR_INVALID_VALUE);
  EXPECT_EQ(fail, 1u);
  EXPECT_EQ(v1(dsts, srcs, sizes, 2, attrs, idxs, 1, &fail, nullptr), CUDA_ERROR_INVALID_VALUE);
  EXPECT_EQ(fail, SIZE_MAX);  // the stream, not a copy
  ASSERT_CU(cuStreamSynchronize(s));
  EXPECT_EQ(read_back(a, n), std::vector<unsigned char>(n, 0));

  // The same ABI's per-thread twin, and the 13.0 table entries.
  const auto v1_ptsz = entry<BatchV1>("cuMemcpyBatchAsync", 12080, true);
  ASSERT_CU(v1_ptsz(dsts, srcs, sizes, 1, attrs, idxs, 1, &fail, nullptr));
  ASSERT_CU(cuStreamSynchronize(CU_STREAM_PER_THREAD));
  EXPECT_EQ(read_back(a, n), pattern(n, 5));
  EXPECT_EQ(entry<BatchV2>("cuMemcpyBatchAsync", 13000, false), &cuMemcpyBatchAsync_v2);
  EXPECT_NE(entry<BatchV2>("cuMemcpyBatchAsync", 13000, true),
            entry<BatchV2>("cuMemcpyBatchAsync", 13000, false));
  ASSERT_CU(cuStreamDestroy(s));
  ASSERT_CU(cuMemFree(a));
}

// DURING_API_CALL: the source may go once the call returns, device memory
// included.
TEST_F(Batch, SourcesReadDuringTheCallMayGoAfterIt) {
  const size_t n = 1 << 16;
  CUdeviceptr a = 0, b = 0, c = 0;
  ASSERT_CU(cuMemAlloc(&a, n));
  ASSERT_CU(cuMemAlloc(&b, n));
  ASSERT_CU(cuMemAlloc(&c, n));
  ASSERT_CU(cuMemcpyHtoD(b, pattern(n, 8).data(), n));
  void* pinned = nullptr;
  ASSERT_CU(cuMemAllocHost(&pinned, n));
  std::memcpy(pinned, pattern(n, 9).data(), n);
  CUstream s = nullptr;
  ASSERT_CU(cuStreamCreate(&s, 0));
  CUdeviceptr dsts[] = {a, c};
  CUdeviceptr srcs[] = {host_ptr(pinned), b};
  size_t sizes[] = {n, n};
  CUmemcpyAttributes attrs[] = {attributes(CU_MEMCPY_SRC_ACCESS_ORDER_DURING_API_CALL)};
  size_t idxs[] = {0};
  ASSERT_CU(cuMemcpyBatchAsync_v2(dsts, srcs, sizes, 2, attrs, idxs, 1, s));
  std::memset(pinned, 0, n);
  ASSERT_CU(cuMemFree(b));
  ASSERT_CU(cuStreamSynchronize(s));
  EXPECT_EQ(read_back(a, n), pattern(n, 9));
  EXPECT_EQ(read_back(c, n), pattern(n, 8));
  ASSERT_CU(cuStreamDestroy(s));
  ASSERT_CU(cuMemFreeHost(pinned));
  ASSERT_CU(cuMemFree(a));
  ASSERT_CU(cuMemFree(c));
}

// Pitched 3D pointer operands: a box out of a larger volume, host to device
// then device to device, checked element by element.
TEST_F(Batch, ThreeDimensionalPointerOperands) {
  const size_t row = 64, layer = 8, depth = 3;  // source volume: row x layer x depth bytes
  const size_t w = 40, h = 5, dz = 2;           // copied box
  auto volume = pattern(row * layer * depth, 3);
  CUdeviceptr packed = 0, pitched = 0;
  ASSERT_CU(cuMemAlloc(&packed, w * h * dz));
  ASSERT_CU(cuMemAlloc(&pitched, row * layer * depth));
  ASSERT_CU(cuMemsetD8(pitched, 0xee, row * layer * depth));
  CUstream s = nullptr;
  ASSERT_CU(cuStreamCreate(&s, 0));

  CUDA_MEMCPY3D_BATCH_OP ops[2]{};
  // Host volume (offset 1 layer, 2 rows, 3 bytes) -> packed device box.
  ops[0].src = pointer_operand(host_ptr(volume.data() + (layer + 2) * row + 3), row, layer);
  ops[0].dst = pointer_operand(packed, 0, 0);
  ops[0].extent = {w, h, dz};
  ops[0].srcAccessOrder = CU_MEMCPY_SRC_ACCESS_ORDER_STREAM;
  ASSERT_CU(cuMemcpy3DBatchAsync_v2(1, ops, 0, s));
  // Packed device box -> the same place in a pitched device volume.
  ops[1].src = pointer_operand(packed, 0, 0);
  ops[1].dst = pointer_operand(pitched + (layer + 2) * row + 3, row, layer);
  ops[1].extent = {w, h, dz};
  ops[1].srcAccessOrder = CU_MEMCPY_SRC_ACCESS_ORDER_STREAM;
  ASSERT_CU(cuMemcpy3DBatchAsync_v2(1, &ops[1], 0, s));
  ASSERT_CU(cuStreamSynchronize(s));

  const auto box = read_back(packed, w * h * dz);
  const auto out = read_back(pitched, row * layer * depth);
  for (size_t z = 0; z < depth; ++z) {
    for (size_t y = 0; y < layer; ++y) {
      for (size_t x = 0; x < row; ++x) {
        const size_t at = (z * layer + y) * row + x;
        const bool inside = z >= 1 && z < 1 + dz && y >= 2 && y < 2 + h && x >= 3 && x < 3 + w;
        ASSERT_EQ(out[at], inside ? volume[at] : 0xee) << x << "," << y << "," << z;
        if (inside) {
          ASSERT_EQ(box[((z - 1) * h + (y - 2)) * w + (x - 3)], volume[at]);
        }
      }
    }
  }
  ASSERT_CU(cuStreamDestroy(s));
  ASSERT_CU(cuMemFree(packed));
  ASSERT_CU(cuMemFree(pitched));
}

TEST_F(Batch, ThreeDimensionalInvalidOperations) {
  CUdeviceptr a = 0;
  ASSERT_CU(cuMemAlloc(&a, 4096));
  CUstream s = nullptr;
  ASSERT_CU(cuStreamCreate(&s, 0));
  const auto v1 = entry<Batch3DV1>("cuMemcpy3DBatchAsync", 12080, false);
  ASSERT_NE(v1, nullptr);
  CUDA_MEMCPY3D_BATCH_OP ops[2]{};
  for (auto& op : ops) {
    op.src = pointer_operand(a, 0, 0);
    op.dst = pointer_operand(a + 2048, 0, 0);
    op.extent = {16, 2, 1};
    op.srcAccessOrder = CU_MEMCPY_SRC_ACCESS_ORDER_STREAM;
  }
  size_t fail = 0;
  ASSERT_CU(v1(2, ops, &fail, 0, s));
  EXPECT_EQ(v1(0, ops, &fail, 0, s), CUDA_ERROR_INVALID_VALUE);
  EXPECT_EQ(v1(2, nullptr, &fail, 0, s), CUDA_ERROR_INVALID_VALUE);
  EXPECT_EQ(v1(2, ops, &fail, 1, s), CUDA_ERROR_INVALID_VALUE);  // flags must be 0
  EXPECT_EQ(v1(2, ops, &fail, 0, nullptr), CUDA_ERROR_INVALID_VALUE);
  EXPECT_EQ(fail, SIZE_MAX);

  const auto expect_second_fails = [&](CUresult want, auto&& change) {
    CUDA_MEMCPY3D_BATCH_OP bad[2] = {ops[0], ops[1]};
    change(bad[1]);
    fail = 0;
    EXPECT_EQ(v1(2, bad, &fail, 0, s), want);
    EXPECT_EQ(fail, 1u);
    EXPECT_EQ(cuMemcpy3DBatchAsync_v2(2, bad, 0, s), want);
  };
  expect_second_fails(CUDA_ERROR_INVALID_VALUE, [](auto& op) { op.extent.depth = 0; });
  expect_second_fails(CUDA_ERROR_INVALID_VALUE, [](auto& op) { op.extent.width = 0; });
  expect_second_fails(CUDA_ERROR_INVALID_VALUE,
                      [](auto& op) { op.srcAccessOrder = CU_MEMCPY_SRC_ACCESS_ORDER_INVALID; });
  expect_second_fails(CUDA_ERROR_INVALID_VALUE, [](auto& op) { op.src.op.ptr.rowLength = 8; });
  expect_second_fails(CUDA_ERROR_INVALID_VALUE, [](auto& op) { op.dst.op.ptr.layerHeight = 1; });
  expect_second_fails(CUDA_ERROR_INVALID_VALUE,
                      [](auto& op) { op.dst.type = static_cast<CUmemcpy3DOperandType>(7); });
  expect_second_fails(CUDA_ERROR_NOT_SUPPORTED,
                      [](auto& op) { op.dst.type = CU_MEMCPY_OPERAND_TYPE_ARRAY; });
  ASSERT_CU(cuStreamSynchronize(s));
  ASSERT_CU(cuStreamDestroy(s));
  ASSERT_CU(cuMemFree(a));
}

// A batch copy into memory that is reserved but not mapped faults like any
// copy: the context gets the sticky illegal-address error.
TEST_F(Batch, UnmappedDestinationFaults) {
  const size_t gran = 2 << 20;
  CUdeviceptr va = 0, a = 0;
  ASSERT_CU(cuMemAddressReserve(&va, gran, 0, 0, 0));
  ASSERT_CU(cuMemAlloc(&a, 4096));
  CUstream s = nullptr;
  ASSERT_CU(cuStreamCreate(&s, 0));
  CUdeviceptr dsts[] = {va};
  CUdeviceptr srcs[] = {a};
  size_t sizes[] = {4096};
  CUmemcpyAttributes attrs[] = {attributes(CU_MEMCPY_SRC_ACCESS_ORDER_STREAM)};
  size_t idxs[] = {0};
  ASSERT_CU(cuMemcpyBatchAsync_v2(dsts, srcs, sizes, 1, attrs, idxs, 1, s));
  EXPECT_EQ(cuStreamSynchronize(s), CUDA_ERROR_ILLEGAL_ADDRESS);
  EXPECT_EQ(cuCtxSynchronize(), CUDA_ERROR_ILLEGAL_ADDRESS);
  ASSERT_CU(cuMemAddressFree(va, gran));
}

// Host-to-device copies in a batch take link time: at least bytes /
// bandwidth (50 GB/s in this executable's configuration).
TEST_F(Batch, HostToDeviceCopiesTakeLinkTime) {
  const size_t n = 32 << 20;
  CUdeviceptr a = 0, b = 0;
  ASSERT_CU(cuMemAlloc(&a, n));
  ASSERT_CU(cuMemAlloc(&b, n));
  void* pinned = nullptr;
  ASSERT_CU(cuMemAllocHost(&pinned, n));
  std::memset(pinned, 1, n);
  CUstream s = nullptr;
  ASSERT_CU(cuStreamCreate(&s, 0));
  CUdeviceptr dsts[] = {a, b};
  CUdeviceptr srcs[] = {host_ptr(pinned), host_ptr(pinned)};
  size_t sizes[] = {n, n};
  CUmemcpyAttributes attrs[] = {attributes(CU_MEMCPY_SRC_ACCESS_ORDER_STREAM)};
  size_t idxs[] = {0};
  const auto t0 = std::chrono::steady_clock::now();
  ASSERT_CU(cuMemcpyBatchAsync_v2(dsts, srcs, sizes, 2, attrs, idxs, 1, s));
  ASSERT_CU(cuStreamSynchronize(s));
  EXPECT_GE(seconds_since(t0), 0.9 * 2.0 * n / 50e9);
  ASSERT_CU(cuStreamDestroy(s));
  ASSERT_CU(cuMemFreeHost(pinned));
  ASSERT_CU(cuMemFree(a));
  ASSERT_CU(cuMemFree(b));
}

// CUDA has no graph node for a batch copy: a capturing stream refuses one and
// the capture goes on without it.
TEST_F(Batch, CapturingStreamRefusesBatches) {
  CUdeviceptr a = 0, b = 0;
  ASSERT_CU(cuMemAlloc(&a, 4096));
  ASSERT_CU(cuMemAlloc(&b, 4096));
  CUstream s = nullptr;
  ASSERT_CU(cuStreamCreate(&s, CU_STREAM_NON_BLOCKING));
  ASSERT_CU(cuStreamBeginCapture(s, CU_STREAM_CAPTURE_MODE_GLOBAL));
  CUdeviceptr dsts[] = {a};
  CUdeviceptr srcs[] = {b};
  size_t sizes[] = {4096};
  CUmemcpyAttributes attrs[] = {attributes(CU_MEMCPY_SRC_ACCESS_ORDER_STREAM)};
  size_t idxs[] = {0};
  EXPECT_EQ(cuMemcpyBatchAsync_v2(dsts, srcs, sizes, 1, attrs, idxs, 1, s),
            CUDA_ERROR_STREAM_CAPTURE_UNSUPPORTED);
  CUDA_MEMCPY3D_BATCH_OP op{};
  op.src = pointer_operand(b, 0, 0);
  op.dst = pointer_operand(a, 0, 0);
  op.extent = {4096, 1, 1};
  op.srcAccessOrder = CU_MEMCPY_SRC_ACCESS_ORDER_STREAM;
  EXPECT_EQ(cuMemcpy3DBatchAsync_v2(1, &op, 0, s), CUDA_ERROR_STREAM_CAPTURE_UNSUPPORTED);
  CUgraph g = nullptr;
  ASSERT_CU(cuStreamEndCapture(s, &g));
  size_t count = 1;
  ASSERT_CU(cuGraphGetNodes(g, nullptr, &count));
  EXPECT_EQ(count, 0u);
  ASSERT_CU(cuGraphDestroy(g));
  ASSERT_CU(cuStreamDestroy(s));
  ASSERT_CU(cuMemFree(a));
  ASSERT_CU(cuMemFree(b));
}
