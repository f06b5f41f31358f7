// Every copy and memset form, with content checks.
#include <numeric>
#include <vector>

#include "driver_test_util.h"

using namespace cudasim_test;

using Copy = DriverTest;

namespace {
std::vector<unsigned char> pattern(size_t n, int seed) {
  std::vector<unsigned char> v(n);
  for (size_t i = 0; i < n; ++i)
    v[i] = static_cast<unsigned char>((i * 31 + static_cast<size_t>(seed)) & 0xff);
  return v;
}
}  // namespace

TEST_F(Copy, OneDimensionalForms) {
  const size_t n = 3 << 20;
  auto in = pattern(n, 1);
  std::vector<unsigned char> out(n);
  CUdeviceptr a = 0, b = 0;
  ASSERT_CU(cuMemAlloc(&a, n));
  ASSERT_CU(cuMemAlloc(&b, n));
  ASSERT_CU(cuMemcpyHtoD(a, in.data(), n));
  ASSERT_CU(cuMemcpyDtoD(b, a, n));
  ASSERT_CU(cuMemcpyDtoH(out.data(), b, n));
  EXPECT_EQ(out, in);

  auto in2 = pattern(n, 2);
  ASSERT_CU(cuMemcpy(a, reinterpret_cast<CUdeviceptr>(in2.data()), n));  // unified
  ASSERT_CU(cuMemcpy(reinterpret_cast<CUdeviceptr>(out.data()), a, n));
  EXPECT_EQ(out, in2);

  CUstream s = nullptr;
  ASSERT_CU(cuStreamCreate(&s, 0));
  auto in3 = pattern(n, 3);
  ASSERT_CU(cuMemcpyHtoDAsync(a, in3.data(), n, s));
  in3.assign(n, 0);  // pageable source: staged at the call, so this must not matter
  ASSERT_CU(cuMemcpyDtoDAsync(b, a, n, s));
  std::fill(out.begin(), out.end(), 0);
  ASSERT_CU(cuMemcpyDtoHAsync(out.data(), b, n, s));  // pageable destination: done on return
  EXPECT_EQ(out, pattern(n, 3));
  ASSERT_CU(cuMemcpyAsync(a, reinterpret_cast<CUdeviceptr>(in.data()), n, s));
  ASSERT_CU(cuStreamSynchronize(s));
  ASSERT_CU(cuMemcpyDtoH(out.data(), a, n));
  EXPECT_EQ(out, in);

  // Per-thread default stream forms.
  void* htod = nullptr;
  void* dtoh = nullptr;
  ASSERT_CU(cuGetProcAddress("cuMemcpyHtoD", &htod, 13000,
                             CU_GET_PROC_ADDRESS_PER_THREAD_DEFAULT_STREAM, nullptr));
  ASSERT_CU(cuGetProcAddress("cuMemcpyDtoH", &dtoh, 13000,
                             CU_GET_PROC_ADDRESS_PER_THREAD_DEFAULT_STREAM, nullptr));
  ASSERT_CU(reinterpret_cast<decltype(&cuMemcpyHtoD_v2)>(htod)(b, in2.data(), n));
  ASSERT_CU(reinterpret_cast<decltype(&cuMemcpyDtoH_v2)>(dtoh)(out.data(), b, n));
  EXPECT_EQ(out, in2);
  ASSERT_CU(cuStreamDestroy(s));

  int host = 0;
  EXPECT_EQ(cuMemcpyHtoD(reinterpret_cast<CUdeviceptr>(&host), in.data(), 4),
            CUDA_ERROR_INVALID_VALUE);
}

TEST_F(Copy, PinnedAsyncCopies) {
  const size_t n = 1 << 20;
  void* h = nullptr;
  ASSERT_CU(cuMemHostAlloc(&h, n, 0));
  auto in = pattern(n, 4);
  std::copy(in.begin(), in.end(), static_cast<unsigned char*>(h));
  CUdeviceptr d = 0;
  ASSERT_CU(cuMemAlloc(&d, n));
  CUstream s = nullptr;
  ASSERT_CU(cuStreamCreate(&s, CU_STREAM_NON_BLOCKING));
  ASSERT_CU(cuMemcpyHtoDAsync(d, h, n, s));
  ASSERT_CU(cuMemsetD8Async(d, 0x5a, 16, s));
  ASSERT_CU(cuMemcpyDtoHAsync(h, d, n, s));
  ASSERT_CU(cuStreamSynchronize(s));
  const auto* p = static_cast<unsigned char*>(h);
  EXPECT_EQ(p[0], 0x5a);
  EXPECT_EQ(p[15], 0x5a);
  EXPECT_EQ(p[16], in[16]);
  EXPECT_EQ(p[n - 1], in[n - 1]);
  ASSERT_CU(cuStreamDestroy(s));
  ASSERT_CU(cuMemFreeHost(h));
}

TEST_F(Copy, PeerBetweenDevices) {
  CUcontext other = nullptr;
  ASSERT_CU(cuCtxCreate(&other, nullptr, 0, 1));
  CUdeviceptr on1 = 0;
  ASSERT_CU(cuMemAlloc(&on1, 4096));
  ASSERT_CU(cuCtxSetCurrent(ctx_));
  CUdeviceptr on0 = 0;
  ASSERT_CU(cuMemAlloc(&on0, 4096));
  auto in = pattern(4096, 5);
  ASSERT_CU(cuMemcpyHtoD(on0, in.data(), 4096));
  ASSERT_CU(cuMemcpyPeer(on1, other, on0, ctx_, 4096));
  std::vector<unsigned char> out(4096);
  ASSERT_CU(cuMemcpyDtoH(out.data(), on1, 4096));
  EXPECT_EQ(out, in);
  ASSERT_CU(cuMemsetD8(on0, 0, 4096));
  ASSERT_CU(cuMemcpyPeerAsync(on0, ctx_, on1, other, 4096, nullptr));
  ASSERT_CU(cuMemcpyDtoH(out.data(), on0, 4096));
  EXPECT_EQ(out, in);
  EXPECT_EQ(cuMemcpyPeer(on1, reinterpret_cast<CUcontext>(&out), on0, ctx_, 4),
            CUDA_ERROR_INVALID_CONTEXT);
  ASSERT_CU(cuCtxDestroy(other));
  ASSERT_CU(cuCtxSetCurrent(ctx_));
}

TEST_F(Copy, TwoDimensional) {
  const size_t width = 100, height = 20, hpitch = 128;
  CUdeviceptr d = 0;
  size_t dpitch = 0;
  ASSERT_CU(cuMemAllocPitch(&d, &dpitch, width, height, 4));
  ASSERT_CU(cuMemsetD8(d, 0xee, dpitch * height));
  auto in = pattern(hpitch * height, 6);
  CUDA_MEMCPY2D c{};
  c.srcMemoryType = CU_MEMORYTYPE_HOST;
  c.srcHost = in.data();
  c.srcPitch = hpitch;
  c.dstMemoryType = CU_MEMORYTYPE_DEVICE;
  c.dstDevice = d;
  c.dstPitch = dpitch;
  c.WidthInBytes = width;
  c.Height = height;
  ASSERT_CU(cuMemcpy2D(&c));
  std::vector<unsigned char> dev(dpitch * height);
  ASSERT_CU(cuMemcpyDtoH(dev.data(), d, dev.size()));
  for (size_t y = 0; y < height; ++y) {
    for (size_t x = 0; x < dpitch; ++x) {
      const unsigned char want = x < width ? in[y * hpitch + x] : 0xee;
      ASSERT_EQ(dev[y * dpitch + x], want) << x << "," << y;
    }
  }
  // Back, from an offset sub-rectangle, into a tightly packed host buffer.
  std::vector<unsigned char> out(10 * 5);
  CUDA_MEMCPY2D b{};
  b.srcMemoryType = CU_MEMORYTYPE_DEVICE;
  b.srcDevice = d;
  b.srcPitch = dpitch;
  b.srcXInBytes = 7;
  b.srcY = 3;
  b.dstMemoryType = CU_MEMORYTYPE_HOST;
  b.dstHost = out.data();
  b.dstPitch = 10;
  b.WidthInBytes = 10;
  b.Height = 5;
  ASSERT_CU(cuMemcpy2DUnaligned(&b));
  for (size_t y = 0; y < 5; ++y) {
    for (size_t x = 0; x < 10; ++x) ASSERT_EQ(out[y * 10 + x], in[(y + 3) * hpitch + x + 7]);
  }
  std::fill(out.begin(), out.end(), 0);
  ASSERT_CU(cuMemcpy2DAsync(&b, nullptr));
  ASSERT_CU(cuCtxSynchronize());
  EXPECT_EQ(out[0], in[3 * hpitch + 7]);
  b.dstPitch = 5;  // smaller than the width
  EXPECT_EQ(cuMemcpy2D(&b), CUDA_ERROR_INVALID_VALUE);
  b.dstPitch = 10;
  b.srcMemoryType = CU_MEMORYTYPE_ARRAY;
  EXPECT_EQ(cuMemcpy2D(&b), CUDA_ERROR_NOT_SUPPORTED);
}

TEST_F(Copy, ThreeDimensionalAndPeer) {
  const size_t w = 16, h = 4, depth = 3, pitch = 32, slice_h = 6;
  CUdeviceptr d = 0;
  ASSERT_CU(cuMemAlloc(&d, pitch * slice_h * depth));
  ASSERT_CU(cuMemsetD8(d, 0, pitch * slice_h * depth));
  auto in = pattern(w * h * depth, 7);
  CUDA_MEMCPY3D c{};
  c.srcMemoryType = CU_MEMORYTYPE_HOST;
  c.srcHost = in.data();
  c.srcPitch = w;
  c.srcHeight = h;
  c.dstMemoryType = CU_MEMORYTYPE_DEVICE;
  c.dstDevice = d;
  c.dstPitch = pitch;
  c.dstHeight = slice_h;
  c.WidthInBytes = w;
  c.Height = h;
  c.Depth = depth;
  ASSERT_CU(cuMemcpy3D(&c));
  std::vector<unsigned char> dev(pitch * slice_h * depth);
  ASSERT_CU(cuMemcpyDtoH(dev.data(), d, dev.size()));
  for (size_t z = 0; z < depth; ++z) {
    for (size_t y = 0; y < slice_h; ++y) {
      for (size_t x = 0; x < pitch; ++x) {
        const unsigned char want = (x < w && y < h) ? in[(z * h + y) * w + x] : 0;
        ASSERT_EQ(dev[(z * slice_h + y) * pitch + x], want) << x << "," << y << "," << z;
      }
    }
  }
  std::vector<unsigned char> out(w * h * depth);
  CUDA_MEMCPY3D_PEER p{};
  p.srcMemoryType = CU_MEMORYTYPE_DEVICE;
  p.srcDevice = d;
  p.srcContext = ctx_;
  p.srcPitch = pitch;
  p.srcHeight = slice_h;
  p.dstMemoryType = CU_MEMORYTYPE_HOST;
  p.dstHost = out.data();
  p.dstPitch = w;
  p.dstHeight = h;
  p.WidthInBytes = w;
  p.Height = h;
  p.Depth = depth;
  ASSERT_CU(cuMemcpy3DPeer(&p));
  EXPECT_EQ(out, in);
  std::fill(out.begin(), out.end(), 0);
  ASSERT_CU(cuMemcpy3DAsync(reinterpret_cast<const CUDA_MEMCPY3D*>(&c), nullptr));
  ASSERT_CU(cuMemcpy3DPeerAsync(&p, nullptr));
  ASSERT_CU(cuCtxSynchronize());
  EXPECT_EQ(out, in);
  c.srcMemoryType = CU_MEMORYTYPE_ARRAY;
  EXPECT_EQ(cuMemcpy3D(&c), CUDA_ERROR_NOT_SUPPORTED);
}

TEST_F(Copy, MemsetForms) {
  CUdeviceptr d = 0;
  ASSERT_CU(cuMemAlloc(&d, 4096));
  std::vector<unsigned char> b(4096);
  ASSERT_CU(cuMemsetD8(d, 0xab, 4096));
  ASSERT_CU(cuMemsetD16(d + 2, 0x1234, 3));
  ASSERT_CU(cuMemsetD32(d + 100, 0xdeadbeef, 2));
  ASSERT_CU(cuMemcpyDtoH(b.data(), d, 4096));
  EXPECT_EQ(b[0], 0xab);
  EXPECT_EQ(b[1], 0xab);
  EXPECT_EQ(*reinterpret_cast<unsigned short*>(&b[2]), 0x1234);
  EXPECT_EQ(*reinterpret_cast<unsigned short*>(&b[6]), 0x1234);
  EXPECT_EQ(b[8], 0xab);
  EXPECT_EQ(*reinterpret_cast<unsigned*>(&b[104]), 0xdeadbeefu);
  EXPECT_EQ(b[108], 0xab);
  EXPECT_EQ(cuMemsetD16(d + 1, 0, 1), CUDA_ERROR_INVALID_VALUE);
  EXPECT_EQ(cuMemsetD32(d + 2, 0, 1), CUDA_ERROR_INVALID_VALUE);

  // 2D: 3 rows of 4 elements with a pitch of 64 bytes.
  ASSERT_CU(cuMemsetD8(d, 0, 4096));
  ASSERT_CU(cuMemsetD2D32(d, 64, 7, 4, 3));
  ASSERT_CU(cuMemsetD2D16Async(d + 32, 64, 9, 2, 3, nullptr));
  ASSERT_CU(cuMemsetD2D8Async(d + 48, 64, 5, 3, 3, nullptr));
  ASSERT_CU(cuMemsetD2D8(d + 4 * 64, 64, 1, 1, 1));
  ASSERT_CU(cuMemsetD2D16(d + 5 * 64, 64, 2, 1, 1));
  ASSERT_CU(cuMemsetD32Async(d + 6 * 64, 3, 1, nullptr));
  ASSERT_CU(cuMemsetD16Async(d + 7 * 64, 4, 1, nullptr));
  ASSERT_CU(cuMemcpyDtoH(b.data(), d, 4096));
  for (int y = 0; y < 3; ++y) {
    const unsigned* row = reinterpret_cast<unsigned*>(&b[y * 64]);
    EXPECT_EQ(row[0], 7u);
    EXPECT_EQ(row[3], 7u);
    EXPECT_EQ(row[4], 0u);
    EXPECT_EQ(*reinterpret_cast<unsigned short*>(&b[y * 64 + 34]), 9);
    EXPECT_EQ(b[y * 64 + 50], 5);
    EXPECT_EQ(b[y * 64 + 51], 0);
  }
  EXPECT_EQ(b[4 * 64], 1);
  EXPECT_EQ(b[5 * 64], 2);
  EXPECT_EQ(b[6 * 64], 3);
  EXPECT_EQ(b[7 * 64], 4);
  EXPECT_EQ(cuMemsetD2D32(d, 8, 7, 4, 3), CUDA_ERROR_INVALID_VALUE);  // pitch below the row
}
