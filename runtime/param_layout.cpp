#include "gpuswap/runtime/param_layout.h"

namespace gpuswap::runtime {

ParamLayout::ParamLayout(std::vector<ParamSpan> params) : params_(std::move(params)) {
  for (std::uint32_t i = 0; i < params_.size(); ++i) {
    const ParamSpan span = params_[i];
    const std::uint64_t end = std::uint64_t{span.offset} + span.size;
    if (end > block_bytes_) block_bytes_ = static_cast<std::size_t>(end);
    for (std::uint64_t word = (std::uint64_t{span.offset} + 7) & ~std::uint64_t{7}; word + 8 <= end;
         word += 8) {
      words_.push_back(ScanWord{i, static_cast<std::uint32_t>(word - span.offset)});
    }
  }
}

Status build_param_layout(ParamLayoutSource& source, const void* function, FunctionKind kind,
                          std::vector<ParamSpan>* out) {
  if (function == nullptr || out == nullptr) return Status(StatusCode::kInvalidValue);
  out->clear();
  std::size_t previous_end = 0;
  // Bounded so that a source that never says "no more" cannot hang a launch.
  for (std::size_t index = 0; index <= kMaxParamBlockBytes; ++index) {
    std::size_t offset = 0;
    std::size_t size = 0;
    const Status status = source.param_info(function, kind, index, &offset, &size);
    if (status.code() == StatusCode::kNotFound) return Status::ok();
    if (!status) return status;
    if (offset < previous_end || size > kMaxParamBlockBytes ||
        offset + size > kMaxParamBlockBytes) {
      return Status(StatusCode::kInvalidValue);
    }
    out->push_back(ParamSpan{static_cast<std::uint32_t>(offset), static_cast<std::uint32_t>(size)});
    previous_end = offset + size;
  }
  return Status(StatusCode::kInvalidValue);
}

}  // namespace gpuswap::runtime
