#include "options.h"

#include <charconv>
#include <cmath>
#include <limits>
#include <string_view>
#include <system_error>

namespace train_cnn {
namespace {

constexpr int kMaxBlocks = 8;

bool parse_int(std::string_view text, int min, int max, int& out) {
  int value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc{} || end != text.data() + text.size()) return false;
  if (value < min || value > max) return false;
  out = value;
  return true;
}

bool parse_u64(std::string_view text, std::uint64_t& out) {
  std::uint64_t value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc{} || end != text.data() + text.size()) return false;
  out = value;
  return true;
}

bool parse_float(std::string_view text, float& out) {
  float value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc{} || end != text.data() + text.size() || !std::isfinite(value)) return false;
  out = value;
  return true;
}

bool parse_widths(std::string_view text, std::vector<int>& out) {
  std::vector<int> widths;
  while (true) {
    const std::size_t comma = text.find(',');
    int width = 0;
    if (!parse_int(text.substr(0, comma), 1, 4096, width)) return false;
    widths.push_back(width);
    if (comma == std::string_view::npos) break;
    text.remove_prefix(comma + 1);
  }
  if (widths.size() > kMaxBlocks) return false;
  out = std::move(widths);
  return true;
}

// Cross-option checks that a single value cannot express.
bool consistent(const Options& options, std::string& error) {
  const int shrink = 1 << options.widths.size();
  if (options.image % shrink != 0) {
    error = "--image " + std::to_string(options.image) + " must be divisible by 2^" +
            std::to_string(options.widths.size()) + " (one 2x2 pooling per block)";
    return false;
  }
  // Element counts and cuDNN's dimensions are ints; keep every tensor within them.
  long long widest = options.channels;
  for (const int w : options.widths) widest = w > widest ? w : widest;
  if (widest * options.batch * options.image * options.image > std::numeric_limits<int>::max()) {
    error = "the batch, image size and widths give a tensor of more than 2^31 elements";
    return false;
  }
  if (!(options.lr > 0.0f)) {
    error = "--lr must be positive";
    return false;
  }
  return true;
}

}  // namespace

std::string usage_text() {
  return "usage: train_cnn [options]\n"
         "  --batch N             images per step (default 32)\n"
         "  --image N             image height and width in pixels (default 32)\n"
         "  --channels N          input channels (default 3)\n"
         "  --classes N           number of classes (default 10)\n"
         "  --widths A,B,...      output channels of each conv block (default 16,32)\n"
         "  --steps N             training steps (default 5)\n"
         "  --lr X                SGD learning rate (default 0.05)\n"
         "  --caching-allocator   allocate like a framework's caching allocator\n"
         "  --seed N              seed of the synthetic data and the weights (default 1)\n"
         "  --help                print this text\n";
}

ParseResult parse_options(int argc, const char* const* argv, Options& options, std::string& error) {
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    if (arg == "--help" || arg == "-h") return ParseResult::kHelp;
    if (arg == "--caching-allocator") {
      options.caching_allocator = true;
      continue;
    }
    if (i + 1 >= argc) {
      error = arg.starts_with("--") ? "option " + std::string(arg) + " needs a value"
                                    : "unexpected argument '" + std::string(arg) + "'";
      return ParseResult::kError;
    }
    const std::string_view value = argv[++i];
    bool ok = false;
    if (arg == "--batch") {
      ok = parse_int(value, 1, 1 << 16, options.batch);
    } else if (arg == "--image") {
      ok = parse_int(value, 1, 4096, options.image);
    } else if (arg == "--channels") {
      ok = parse_int(value, 1, 4096, options.channels);
    } else if (arg == "--classes") {
      ok = parse_int(value, 2, 1 << 16, options.classes);
    } else if (arg == "--widths") {
      ok = parse_widths(value, options.widths);
    } else if (arg == "--steps") {
      ok = parse_int(value, 0, 1 << 24, options.steps);
    } else if (arg == "--lr") {
      ok = parse_float(value, options.lr);
    } else if (arg == "--seed") {
      ok = parse_u64(value, options.seed);
    } else {
      error = "unknown option '" + std::string(arg) + "'";
      return ParseResult::kError;
    }
    if (!ok) {
      error = "invalid value '" + std::string(value) + "' for " + std::string(arg);
      return ParseResult::kError;
    }
  }
  return consistent(options, error) ? ParseResult::kRun : ParseResult::kError;
}

std::string describe(const Options& options) {
  std::string widths;
  for (const int w : options.widths) widths += (widths.empty() ? "" : ",") + std::to_string(w);
  return "batch " + std::to_string(options.batch) + ", image " + std::to_string(options.channels) +
         "x" + std::to_string(options.image) + "x" + std::to_string(options.image) + ", widths " +
         widths + ", classes " + std::to_string(options.classes) + ", steps " +
         std::to_string(options.steps) + ", allocator " +
         (options.caching_allocator ? "caching" : "plain");
}

}  // namespace train_cnn
