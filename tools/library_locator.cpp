#include "library_locator.h"

#include <filesystem>
#include <system_error>

namespace gpuswap::tools {

namespace fs = std::filesystem;

LibraryLocation locate_library(const std::string& executable, const char* env_library) {
  LibraryLocation location;
  std::error_code ec;
  if (env_library != nullptr && *env_library != '\0') {
    location.searched.emplace_back(env_library);
    if (fs::is_regular_file(env_library, ec)) {
      location.path = fs::absolute(env_library, ec).lexically_normal().string();
    } else {
      location.error =
          std::string("GPUSWAP_LIBRARY names ") + env_library + ", which is not a file";
    }
    return location;
  }
  const fs::path dir = fs::path(executable).parent_path();
  for (const fs::path& candidate :
       {dir / "libgpuswap.so", dir / ".." / "interpose" / "libgpuswap.so",
        dir / ".." / "lib" / "libgpuswap.so"}) {
    const std::string name = candidate.lexically_normal().string();
    location.searched.push_back(name);
    if (fs::is_regular_file(name, ec)) {
      location.path = name;
      return location;
    }
  }
  location.error = "libgpuswap.so not found; looked in:";
  for (const std::string& place : location.searched) location.error += " " + place;
  location.error += " (set GPUSWAP_LIBRARY to its path)";
  return location;
}

std::string current_executable() {
  std::error_code ec;
  const fs::path self = fs::read_symlink("/proc/self/exe", ec);
  return ec ? std::string() : self.string();
}

}  // namespace gpuswap::tools
