// train_cnn: trains a small VGG-style CNN on synthetic data through the CUDA
// runtime, cuDNN and cuBLAS, printing every step's loss (bit pattern included,
// so runs can be compared exactly) and the peak device memory.
//
// Exit status: 0 trained, 1 a CUDA, cuDNN or cuBLAS call failed, 2 bad usage.
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <optional>
#include <string>

#include "cuda_check.h"
#include "kernels.h"
#include "options.h"
#include "trainer.h"

namespace {

using train_cnn::CudaFailure;
using train_cnn::Options;

double mib(std::size_t bytes) {
  return static_cast<double>(bytes) / (1024.0 * 1024.0);
}

std::uint32_t bits_of(float value) {
  std::uint32_t bits = 0;
  std::memcpy(&bits, &value, sizeof bits);
  return bits;
}

void report_failure(const CudaFailure& failure, const std::string& phase, int batch) {
  if (failure.out_of_memory()) {
    std::fprintf(stderr,
                 "train_cnn: out of device memory at %s (needed %.1f MiB, %s, batch %d): %s\n",
                 failure.call().c_str(), mib(failure.bytes()), phase.c_str(), batch,
                 failure.error().c_str());
  } else {
    std::fprintf(stderr, "train_cnn: %s failed (%s, batch %d): %s\n", failure.call().c_str(),
                 phase.c_str(), batch, failure.error().c_str());
  }
}

int train(const Options& options) {
  std::printf("train_cnn: %s\n", train_cnn::describe(options).c_str());
  std::fflush(stdout);
  std::string phase = "setup";
  try {
    train_cnn::Trainer trainer(options);
    const auto start = std::chrono::steady_clock::now();
    for (int step = 0; step < options.steps; ++step) {
      phase = "step " + std::to_string(step);
      const float loss = trainer.step(step);
      std::printf("step %d loss %.9g (0x%08x)\n", step, static_cast<double>(loss), bits_of(loss));
      std::fflush(stdout);
    }
    const std::chrono::duration<double> elapsed = std::chrono::steady_clock::now() - start;
    const auto& stats = trainer.allocator_stats();
    const auto& usage = trainer.device_usage();
    std::printf(
        "peak device memory: %.2f MiB in tensors, %.2f MiB reserved with cudaMalloc, "
        "%.2f MiB in use on the device of %.2f MiB (cudaMemGetInfo)\n",
        mib(stats.peak_live_bytes), mib(stats.peak_reserved_bytes), mib(usage.peak_used()),
        mib(usage.total()));
    std::printf("allocation calls: %zu cudaMalloc, %zu cudaFree\n", stats.malloc_calls,
                stats.free_calls);
    // For benchmarks: setup (weight upload, algorithm queries) is excluded.
    if (options.steps > 0 && elapsed.count() > 0) {
      std::printf("throughput: %d steps in %.3f s, %.2f steps/s, %.1f images/s\n", options.steps,
                  elapsed.count(), options.steps / elapsed.count(),
                  options.steps * options.batch / elapsed.count());
    }
  } catch (const CudaFailure& failure) {
    report_failure(failure, phase, options.batch);
    return 1;
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  Options options;
  std::string error;
  switch (train_cnn::parse_options(argc, argv, options, error)) {
    case train_cnn::ParseResult::kHelp:
      std::fputs(train_cnn::usage_text().c_str(), stdout);
      return 0;
    case train_cnn::ParseResult::kError:
      std::fprintf(stderr, "train_cnn: %s\n%s", error.c_str(), train_cnn::usage_text().c_str());
      return 2;
    case train_cnn::ParseResult::kRun:
      break;
  }
  if (!train_cnn::prepare_kernels(error)) {
    std::fprintf(stderr, "train_cnn: cannot load the kernels: %s\n", error.c_str());
    return 1;
  }
  return train(options);
}
