// Where the shared object holding a given address lives, so a library can
// find files installed beside it (libgpuswap.so its YAML module) wherever it
// was loaded from, and whatever the working directory is now.
#pragma once

#include <string>

namespace gpuswap::config {

// The absolute directory of the object that contains `address` (a function or
// variable of that object); empty when the dynamic linker and /proc/self/maps
// both fail to say.
std::string library_directory(const void* address);

}  // namespace gpuswap::config
