#include "log_line.h"

#include <unistd.h>

#include <cstdarg>
#include <cstdio>
#include <cstdlib>
#include <cstring>

namespace gpuswap::interpose {

bool debug_logging() noexcept {
  // Read on every call: it is only consulted on cold paths.
  const char* level = std::getenv("GPUSWAP_LOG");
  return level != nullptr && (std::strcmp(level, "debug") == 0 || std::strcmp(level, "trace") == 0);
}

void log_line(const char* format, ...) noexcept {
  char line[512];
  constexpr char kPrefix[] = "gpuswap: ";
  std::size_t used = sizeof(kPrefix) - 1;
  std::memcpy(line, kPrefix, used);
  va_list args;
  va_start(args, format);
  const int n = std::vsnprintf(line + used, sizeof(line) - used - 1, format, args);
  va_end(args);
  if (n > 0)
    used += static_cast<std::size_t>(n) < sizeof(line) - used - 1 ? static_cast<std::size_t>(n)
                                                                  : sizeof(line) - used - 2;
  line[used++] = '\n';
  ssize_t ignored = write(STDERR_FILENO, line, used);
  (void)ignored;
}

}  // namespace gpuswap::interpose
