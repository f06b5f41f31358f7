// The runtime's error state: per host thread, as CUDA documents it, plus the
// sticky errors that poison a device's context until it is reset.
#pragma once

#include <driver_types.h>

namespace cudasim::rt {

// Remembers a failed call's error for cudaGetLastError/cudaPeekAtLastError
// and returns it unchanged. cudaErrorNotReady is an answer, not a failure,
// and is not remembered.
cudaError_t record(cudaError_t error) noexcept;

// cudaGetLastError: the thread's last error, then cleared; a sticky error of
// the current device is returned and stays.
cudaError_t take_last_error() noexcept;
// cudaPeekAtLastError: the same answer, nothing cleared.
cudaError_t peek_last_error() noexcept;

}  // namespace cudasim::rt
