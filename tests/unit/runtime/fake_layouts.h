// A parameter-layout source backed by a table, for decoding without a driver.
#pragma once

#include <atomic>
#include <map>
#include <mutex>
#include <vector>

#include "gpuswap/runtime/param_layout.h"

namespace gpuswap::runtime::testing {

class TableLayoutSource final : public ParamLayoutSource {
 public:
  void add(const void* function, std::vector<ParamSpan> params,
           FunctionKind kind = FunctionKind::kFunction) {
    std::lock_guard lock(mu_);
    table_[{function, kind}] = std::move(params);
  }
  void fail_next(StatusCode code) { fail_ = code; }

  Status param_info(const void* function, FunctionKind kind, std::size_t index, std::size_t* offset,
                    std::size_t* size) override {
    ++calls;
    if (StatusCode code = fail_.exchange(StatusCode::kOk); code != StatusCode::kOk) {
      return Status(code);
    }
    std::lock_guard lock(mu_);
    const auto found = table_.find({function, kind});
    // Like the driver: an unknown function and an index past the end both
    // answer "invalid value".
    if (found == table_.end() || index >= found->second.size()) {
      return Status(StatusCode::kNotFound);
    }
    *offset = found->second[index].offset;
    *size = found->second[index].size;
    return Status::ok();
  }

  std::atomic<int> calls{0};

 private:
  std::mutex mu_;
  std::map<std::pair<const void*, FunctionKind>, std::vector<ParamSpan>> table_;
  std::atomic<StatusCode> fail_{StatusCode::kOk};
};

}  // namespace gpuswap::runtime::testing
