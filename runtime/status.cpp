#include "gpuswap/runtime/status.h"

namespace gpuswap::runtime {

const char* status_name(StatusCode code) {
  switch (code) {
    case StatusCode::kOk:
      return "ok";
    case StatusCode::kInvalidValue:
      return "invalid-value";
    case StatusCode::kOutOfMemory:
      return "out-of-memory";
    case StatusCode::kNotFound:
      return "not-found";
    case StatusCode::kIllegalTransition:
      return "illegal-transition";
    case StatusCode::kBusy:
      return "busy";
    case StatusCode::kNotSupported:
      return "not-supported";
    case StatusCode::kDriverError:
      return "driver-error";
  }
  return "unknown";
}

}  // namespace gpuswap::runtime
