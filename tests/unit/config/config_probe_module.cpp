// The config layer built into a shared object, the way the preloaded
// libgpuswap.so carries it.
#include <cstdint>

#include "gpuswap/config/loader.h"

extern "C" __attribute__((visibility("default"))) std::int64_t gpuswap_config_probe(
    const char* yaml) {
  const gpuswap::config::Result<gpuswap::config::Config> result =
      gpuswap::config::load_config_string(yaml);
  return result.ok() ? static_cast<std::int64_t>(result->min_swappable) : -1;
}
