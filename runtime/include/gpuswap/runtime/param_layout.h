// The parameter layout of a kernel, as cuFuncGetParamInfo reports it, and the
// plan for scanning its parameters for region pointers.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "gpuswap/runtime/status.h"

namespace gpuswap::runtime {

// A launch names its kernel by CUfunction or, since CUDA 12, by a CUkernel
// cast to CUfunction; the two are asked through different driver calls.
enum class FunctionKind : std::uint8_t { kFunction, kKernel };

struct ParamSpan {
  std::uint32_t offset;  // in the packed parameter block
  std::uint32_t size;
};

// One 8-byte word to read during a scan: byte `offset` of parameter `param`'s
// value (kernelParams[param] points at that value).
struct ScanWord {
  std::uint32_t param;
  std::uint32_t offset;
};

class ParamLayout {
 public:
  // Parameters in index order. Every 8-byte word that is aligned in the packed
  // block and lies wholly inside one parameter is scanned: a pointer is 8-byte
  // aligned in the block (a by-value struct that embeds one is aligned at
  // least as strictly), and a word that straddles two parameters cannot hold
  // one.
  explicit ParamLayout(std::vector<ParamSpan> params);

  const std::vector<ParamSpan>& params() const { return params_; }
  const std::vector<ScanWord>& scan_words() const { return words_; }
  std::size_t param_count() const { return params_.size(); }
  // One past the last parameter byte: the size of the packed block.
  std::size_t block_bytes() const { return block_bytes_; }

 private:
  std::vector<ParamSpan> params_;
  std::vector<ScanWord> words_;
  std::size_t block_bytes_ = 0;
};

// Where layouts come from: the driver in production, a table in tests.
class ParamLayoutSource {
 public:
  virtual ~ParamLayoutSource() = default;
  // Offset and size of parameter `index`. kNotFound once `index` is past the
  // last parameter; any other error means the layout cannot be known.
  virtual Status param_info(const void* function, FunctionKind kind, std::size_t index,
                            std::size_t* offset, std::size_t* size) = 0;
};

// Asks `source` for parameters 0, 1, ... until it answers kNotFound.
// kInvalidValue for layouts no CUDA kernel can have (overlapping or
// unordered parameters, a block past the 32 KiB CUDA allows).
Status build_param_layout(ParamLayoutSource& source, const void* function, FunctionKind kind,
                          std::vector<ParamSpan>* out);

inline constexpr std::size_t kMaxParamBlockBytes = 32764;

}  // namespace gpuswap::runtime
