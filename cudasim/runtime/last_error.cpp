#include "last_error.h"

#include "context.h"
#include "error_map.h"

namespace cudasim::rt {
namespace {

thread_local cudaError_t t_last_error = cudaSuccess;

}  // namespace

cudaError_t record(cudaError_t error) noexcept {
  if (error == cudaSuccess || error == cudaErrorNotReady) return error;
  t_last_error = error;
  if (is_sticky(error)) mark_sticky(error);
  return error;
}

cudaError_t take_last_error() noexcept {
  const cudaError_t last = t_last_error;
  t_last_error = cudaSuccess;
  const cudaError_t sticky = sticky_error();
  return sticky != cudaSuccess ? sticky : last;
}

cudaError_t peek_last_error() noexcept {
  const cudaError_t sticky = sticky_error();
  return sticky != cudaSuccess ? sticky : t_last_error;
}

}  // namespace cudasim::rt
