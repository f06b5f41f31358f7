// The trainer's command line: what to train, how long, and how to allocate.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace train_cnn {

struct Options {
  int batch = 32;
  int image = 32;  // square images, image x image pixels
  int channels = 3;
  int classes = 10;
  std::vector<int> widths{16, 32};  // output channels of each conv block
  int steps = 5;
  float lr = 0.05f;
  bool caching_allocator = false;
  std::uint64_t seed = 1;
};

enum class ParseResult { kRun, kHelp, kError };

// Fills `options` from argv. On kError, `error` says what is wrong.
ParseResult parse_options(int argc, const char* const* argv, Options& options, std::string& error);

std::string usage_text();

// One line describing the run, e.g. "batch 32, image 3x32x32, widths 16,32, ...".
std::string describe(const Options& options);

}  // namespace train_cnn
