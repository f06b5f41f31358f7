// The shim's human log until the config layer's loggers are wired in: one
// "gpuswap: ..." line per message on stderr, written with a single write(2)
// so lines of concurrent threads and processes never interleave.
#pragma once

namespace gpuswap::interpose {

// Debug lines are printed only when GPUSWAP_LOG is "debug" or "trace".
bool debug_logging() noexcept;

// printf-style; the line is truncated at 511 characters.
void log_line(const char* format, ...) noexcept __attribute__((format(printf, 1, 2)));

}  // namespace gpuswap::interpose
