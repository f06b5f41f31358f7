// The result of a runtime operation. Hooks turn it into the CUresult the
// application expects with to_cuda(); nothing in the runtime throws across
// the C boundary.
#pragma once

#include <cuda.h>

#include <cstdint>

namespace gpuswap::runtime {

enum class StatusCode : std::uint8_t {
  kOk,
  kInvalidValue,       // a bad argument: unknown pointer, misaligned size, null out-parameter
  kOutOfMemory,        // a budget (device pages, host memory, arena addresses) is exhausted
  kNotFound,           // a lookup missed (no region, no such function)
  kIllegalTransition,  // the region state machine refuses the requested transition
  kBusy,               // the region is pinned by an enqueue in flight
  kNotSupported,       // the driver lacks an entry point the runtime needs
  kDriverError,        // the driver returned an error; driver_result() says which
};

class [[nodiscard]] Status {
 public:
  constexpr Status() = default;
  constexpr explicit Status(StatusCode code) : code_(code) {}

  static constexpr Status ok() { return Status(); }
  // CUDA_SUCCESS yields an ok status so callers can wrap every driver call.
  static constexpr Status driver(CUresult result) {
    Status status(result == CUDA_SUCCESS ? StatusCode::kOk : StatusCode::kDriverError);
    status.driver_ = result;
    return status;
  }

  constexpr bool is_ok() const { return code_ == StatusCode::kOk; }
  constexpr explicit operator bool() const { return is_ok(); }
  constexpr StatusCode code() const { return code_; }
  constexpr CUresult driver_result() const { return driver_; }

  // The CUresult a hook returns for this status, matching what CUDA itself
  // reports for the same condition.
  constexpr CUresult to_cuda() const {
    switch (code_) {
      case StatusCode::kOk:
        return CUDA_SUCCESS;
      case StatusCode::kInvalidValue:
      case StatusCode::kNotFound:
      case StatusCode::kIllegalTransition:
        return CUDA_ERROR_INVALID_VALUE;
      case StatusCode::kOutOfMemory:
        return CUDA_ERROR_OUT_OF_MEMORY;
      case StatusCode::kBusy:
        return CUDA_ERROR_NOT_READY;
      case StatusCode::kNotSupported:
        return CUDA_ERROR_NOT_SUPPORTED;
      case StatusCode::kDriverError:
        return driver_;
    }
    return CUDA_ERROR_UNKNOWN;
  }

  friend constexpr bool operator==(const Status& a, const Status& b) {
    return a.code_ == b.code_ && a.driver_ == b.driver_;
  }

 private:
  StatusCode code_ = StatusCode::kOk;
  CUresult driver_ = CUDA_SUCCESS;
};

// A short, stable name for logs and test messages ("out-of-memory").
const char* status_name(StatusCode code);

}  // namespace gpuswap::runtime
