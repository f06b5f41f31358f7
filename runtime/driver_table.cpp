#include "gpuswap/runtime/driver_table.h"

#include <iterator>

namespace gpuswap::runtime {
namespace {

constexpr DriverSymbol kSymbols[] = {
#define GPUSWAP_RUNTIME_DRIVER_SYMBOL(member, symbol, required) {symbol, required},
    GPUSWAP_RUNTIME_DRIVER_FUNCTIONS(GPUSWAP_RUNTIME_DRIVER_SYMBOL)
#undef GPUSWAP_RUNTIME_DRIVER_SYMBOL
};

}  // namespace

DriverTableLoad load_driver_table(DriverTable& table, DriverResolver resolve, void* ctx) {
  DriverTableLoad load;
  if (resolve == nullptr) {
    load.status = Status(StatusCode::kInvalidValue);
    return load;
  }
#define GPUSWAP_RUNTIME_DRIVER_LOAD(member, symbol, required)                    \
  table.member = reinterpret_cast<decltype(table.member)>(resolve(symbol, ctx)); \
  if (table.member == nullptr) {                                                 \
    if (!(required)) {                                                           \
      ++load.missing_optional;                                                   \
    } else if (load.first_missing == nullptr) {                                  \
      load.first_missing = symbol;                                               \
    }                                                                            \
  }
  GPUSWAP_RUNTIME_DRIVER_FUNCTIONS(GPUSWAP_RUNTIME_DRIVER_LOAD)
#undef GPUSWAP_RUNTIME_DRIVER_LOAD
  load.status = load.first_missing == nullptr ? Status::ok() : Status(StatusCode::kNotSupported);
  return load;
}

const DriverSymbol* driver_symbols(int* count) {
  if (count != nullptr) *count = static_cast<int>(std::size(kSymbols));
  return kSymbols;
}

const char* driver_error_name(const DriverTable& table, CUresult result) {
  const char* name = nullptr;
  if (table.cuGetErrorName != nullptr && table.cuGetErrorName(result, &name) == CUDA_SUCCESS &&
      name != nullptr) {
    return name;
  }
  return result == CUDA_SUCCESS ? "CUDA_SUCCESS" : "CUDA_ERROR_(unnamed)";
}

}  // namespace gpuswap::runtime
