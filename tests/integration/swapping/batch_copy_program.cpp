// A driver-API program that cycles more device memory than the emulated card
// has through a kernel and batch copies (cuMemcpyBatchAsync in both ABIs,
// cuMemcpy3DBatchAsync): each batch mixes host-to-device (part of a buffer),
// device-to-device (a whole buffer) and device-to-host copies, and a 3D batch
// copies a pitched box between two buffers. Every buffer is kept in a host
// shadow. One more buffer is written only by a batch copy, then evicted by a
// sweep over the others, then read back: under gpuswap its contents must
// survive although no kernel or other copy ever wrote it.
//
// Prints hashes of what it downloads (identical on any card large enough or
// under gpuswap), "only-batch: intact|lost" and "N differ" from the shadows.
// Exit 0: every byte as expected; 1: a CUDA call failed; 2: contents differ.
#include <cuda.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <vector>

#include "cudasim/kernel.h"
#include "driver_program.h"

namespace {

using gpuswap::testing::fnv1a;
using gpuswap::testing::ok;

// 3 MiB + 4 KiB: two granules each.
constexpr std::size_t kBytes = (3u << 20) + 4096;
constexpr std::uint32_t kWords = kBytes / sizeof(std::uint32_t);
constexpr std::size_t kUploadOffset = 64 << 10;  // the part a batch uploads
constexpr std::size_t kUploadBytes = 1 << 20;

// The 3D box: rows of kBoxWidth bytes out of rows of kRowLength, kBoxHeight
// rows out of layers of kLayerHeight, kBoxDepth layers.
constexpr std::size_t kRowLength = 8192, kLayerHeight = 64;
constexpr std::size_t kBoxWidth = 4096, kBoxHeight = 48, kBoxDepth = 5;

using Shadow = std::vector<std::uint32_t>;

std::vector<unsigned char> pattern(std::size_t n, unsigned seed) {
  std::vector<unsigned char> v(n);
  for (std::size_t i = 0; i < n; ++i) v[i] = static_cast<unsigned char>((i * 131 + seed * 7) >> 3);
  return v;
}

// The 12.8 ABI, reached as a program built against CUDA 12.8 reaches it.
using BatchV1 = CUresult (*)(CUdeviceptr*, CUdeviceptr*, size_t*, size_t, CUmemcpyAttributes*,
                             size_t*, size_t, size_t*, CUstream);

class Program {
 public:
  bool start(int buffers);
  bool round(int r);
  bool only_batch_written();
  int finish();

 private:
  bool mix_all(std::uint32_t k);
  bool batch(CUdeviceptr* dsts, CUdeviceptr* srcs, size_t* sizes, size_t count, bool v1);

  CUfunction mix_ = nullptr;
  CUstream stream_ = nullptr;
  BatchV1 batch_v1_ = nullptr;
  std::vector<CUdeviceptr> buffers_;
  std::vector<Shadow> shadows_;
  void* pinned_ = nullptr;  // downloads land here
  int differ_ = 0;
};

bool Program::start(int buffers) {
  if (!gpuswap::testing::start_primary_context() ||
      !gpuswap::testing::load_data_kernel("batch_program", "mix", gpuswap::testing::mix_kernel,
                                          &mix_) ||
      !ok(cuStreamCreate(&stream_, CU_STREAM_NON_BLOCKING), "cuStreamCreate") ||
      !ok(cuMemAllocHost(&pinned_, kBytes), "cuMemAllocHost")) {
    return false;
  }
  void* fn = nullptr;
  if (!ok(cuGetProcAddress("cuMemcpyBatchAsync", &fn, 12080, 0, nullptr), "cuGetProcAddress")) {
    return false;
  }
  batch_v1_ = reinterpret_cast<BatchV1>(fn);
  buffers_.resize(static_cast<std::size_t>(buffers));
  shadows_.resize(buffers_.size());
  for (std::size_t b = 0; b < buffers_.size(); ++b) {
    if (!ok(cuMemAlloc(&buffers_[b], kBytes), "cuMemAlloc")) return false;
    shadows_[b].resize(kWords);
    for (std::uint32_t i = 0; i < kWords; ++i) shadows_[b][i] = i * 2654435761u + b;
    if (!ok(cuMemcpyHtoD(buffers_[b], shadows_[b].data(), kBytes), "cuMemcpyHtoD")) return false;
  }
  return true;
}

bool Program::mix_all(std::uint32_t k) {
  for (std::size_t step = 0; step < buffers_.size(); ++step) {
    const std::size_t b = (step * 5 + k) % buffers_.size();
    CUdeviceptr data = buffers_[b];
    std::uint32_t n = kWords;
    std::uint32_t key = k * 100 + static_cast<std::uint32_t>(b);
    void* params[] = {&data, &n, &key};
    if (!ok(cuLaunchKernel(mix_, 1, 1, 1, 1, 1, 1, 0, stream_, params, nullptr),
            "cuLaunchKernel")) {
      return false;
    }
    for (std::uint32_t i = 0; i < kWords; ++i) shadows_[b][i] = (shadows_[b][i] * 5 + key) ^ i;
  }
  return true;
}

bool Program::batch(CUdeviceptr* dsts, CUdeviceptr* srcs, size_t* sizes, size_t count, bool v1) {
  CUmemcpyAttributes attrs{};
  attrs.srcAccessOrder = CU_MEMCPY_SRC_ACCESS_ORDER_STREAM;
  size_t first = 0;
  if (v1) {
    size_t fail = 0;
    return ok(batch_v1_(dsts, srcs, sizes, count, &attrs, &first, 1, &fail, stream_),
              "cuMemcpyBatchAsync (12.8)");
  }
  return ok(cuMemcpyBatchAsync(dsts, srcs, sizes, count, &attrs, &first, 1, stream_),
            "cuMemcpyBatchAsync");
}

bool Program::round(int r) {
  const std::size_t n = buffers_.size();
  const auto at = [&](int i) { return static_cast<std::size_t>(r + i) % n; };
  if (!mix_all(static_cast<std::uint32_t>(r))) return false;

  // One batch, three directions: part of one buffer uploaded (its other
  // contents stay), a whole buffer copied over another, one downloaded.
  const auto upload = pattern(kUploadBytes, static_cast<unsigned>(r));
  const auto shadow_bytes = [&](std::size_t b) {
    return reinterpret_cast<char*>(shadows_[b].data());
  };
  CUdeviceptr dsts[] = {buffers_[at(0)] + kUploadOffset, buffers_[at(1)],
                        reinterpret_cast<CUdeviceptr>(pinned_)};
  CUdeviceptr srcs[] = {reinterpret_cast<CUdeviceptr>(upload.data()), buffers_[at(5)],
                        buffers_[at(9)]};
  size_t sizes[] = {kUploadBytes, kBytes, kBytes};
  if (!batch(dsts, srcs, sizes, 3, r % 2 == 1)) return false;
  std::memcpy(shadow_bytes(at(0)) + kUploadOffset, upload.data(), kUploadBytes);
  const Shadow downloaded_shadow = shadows_[at(9)];
  shadows_[at(1)] = shadows_[at(5)];

  // A pitched box from one buffer into another (only the box changes).
  CUDA_MEMCPY3D_BATCH_OP op{};
  op.src.type = op.dst.type = CU_MEMCPY_OPERAND_TYPE_POINTER;
  op.src.op.ptr = {buffers_[at(2)] + kRowLength, kRowLength, kLayerHeight, {}};
  op.dst.op.ptr = {buffers_[at(3)] + 16, kRowLength, kLayerHeight, {}};
  op.extent = {kBoxWidth, kBoxHeight, kBoxDepth};
  op.srcAccessOrder = CU_MEMCPY_SRC_ACCESS_ORDER_STREAM;
  if (!ok(cuMemcpy3DBatchAsync(1, &op, 0, stream_), "cuMemcpy3DBatchAsync")) return false;
  for (std::size_t z = 0; z < kBoxDepth; ++z) {
    for (std::size_t y = 0; y < kBoxHeight; ++y) {
      const std::size_t row = (z * kLayerHeight + y) * kRowLength;
      std::memcpy(shadow_bytes(at(3)) + 16 + row, shadow_bytes(at(2)) + kRowLength + row,
                  kBoxWidth);
    }
  }
  if (!ok(cuStreamSynchronize(stream_), "cuStreamSynchronize")) return false;
  if (std::memcmp(pinned_, downloaded_shadow.data(), kBytes) != 0) ++differ_;
  std::printf("round %d: download %016llx\n", r,
              static_cast<unsigned long long>(fnv1a(pinned_, kBytes)));
  return true;
}

bool Program::only_batch_written() {
  CUdeviceptr only = 0;
  if (!ok(cuMemAlloc(&only, kBytes), "cuMemAlloc")) return false;
  // A glance at the fresh buffer first: under gpuswap that makes it resident
  // and, as far as any hook has seen, never written, so its contents would
  // be dropped at eviction if the batch copy's write went unseen.
  std::uint32_t glance[4];
  if (!ok(cuMemcpyDtoH(glance, only, sizeof(glance)), "cuMemcpyDtoH")) return false;
  const auto contents = pattern(kBytes, 99);
  std::memcpy(pinned_, contents.data(), kBytes);
  CUdeviceptr dsts[] = {only};
  CUdeviceptr srcs[] = {reinterpret_cast<CUdeviceptr>(pinned_)};
  size_t sizes[] = {kBytes};
  if (!batch(dsts, srcs, sizes, 1, false) ||
      !ok(cuStreamSynchronize(stream_), "cuStreamSynchronize")) {
    return false;
  }
  std::memset(pinned_, 0, kBytes);
  // Every other buffer, twice: more than the card holds, so `only` goes.
  if (!mix_all(1000) || !mix_all(1001)) return false;
  // Read back by a plain copy, which restores whatever the runtime kept.
  if (!ok(cuMemcpyDtoH(pinned_, only, kBytes), "cuMemcpyDtoH")) return false;
  const bool intact = std::memcmp(pinned_, contents.data(), kBytes) == 0;
  if (!intact) ++differ_;
  std::printf("only-batch: %s\n", intact ? "intact" : "lost");
  return ok(cuMemFree(only), "cuMemFree");
}

int Program::finish() {
  std::vector<std::uint32_t> back(kWords);
  for (std::size_t b = 0; b < buffers_.size(); ++b) {
    if (!ok(cuMemcpyDtoH(back.data(), buffers_[b], kBytes), "cuMemcpyDtoH")) return 1;
    if (back != shadows_[b]) ++differ_;
    std::printf("buffer %zu: %016llx\n", b,
                static_cast<unsigned long long>(fnv1a(back.data(), kBytes)));
  }
  for (CUdeviceptr buffer : buffers_) {
    if (!ok(cuMemFree(buffer), "cuMemFree")) return 1;
  }
  std::printf("%d differ\n", differ_);
  return differ_ == 0 ? 0 : 2;
}

}  // namespace

int main(int argc, char** argv) {
  const int buffers = argc > 1 ? std::atoi(argv[1]) : 16;
  const int rounds = argc > 2 ? std::atoi(argv[2]) : 3;
  Program program;
  if (buffers < 10 || !program.start(buffers)) return 1;
  for (int r = 0; r < rounds; ++r) {
    if (!program.round(r)) return 1;
  }
  if (!program.only_batch_written()) return 1;
  return program.finish();
}
