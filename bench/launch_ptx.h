// The kernels the real-GPU launch benchmarks launch, as PTX (so that no CUDA
// compiler is needed to build them).
#pragma once

#include <cstddef>
#include <cstdint>

namespace gpuswap::bench {

// The launches' shape: null8's pointer parameters, the size of the buffers
// they rotate over, and how long spin holds the stream (well over the time a
// batch of launches takes to issue).
inline constexpr int kLaunchParams = 8;
inline constexpr std::size_t kLaunchBufferBytes = std::size_t{2} << 20;
inline constexpr std::uint64_t kSpinNs = 20'000'000;

// null8 takes 8 pointers and does nothing; spin waits on the global timer.
inline constexpr const char* kLaunchPtx = R"(
.version 8.0
.target sm_75
.address_size 64
.visible .entry null8(.param .u64 a, .param .u64 b, .param .u64 c, .param .u64 d,
                      .param .u64 e, .param .u64 f, .param .u64 g, .param .u64 h) {
  ret;
}
.visible .entry spin(.param .u64 ns) {
  .reg .b64 %rd<5>;
  .reg .pred %p;
  ld.param.u64 %rd1, [ns];
  mov.u64 %rd2, %globaltimer;
  add.u64 %rd3, %rd2, %rd1;
WAIT:
  mov.u64 %rd4, %globaltimer;
  setp.lt.u64 %p, %rd4, %rd3;
  @%p bra WAIT;
  ret;
}
)";

}  // namespace gpuswap::bench
