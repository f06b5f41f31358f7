#include "gpuswap/config/library_directory.h"

#include <dlfcn.h>

#include <cstdint>
#include <cstdio>
#include <cstring>
#include <string_view>

namespace gpuswap::config {
namespace {

std::string directory_of(std::string_view file) {
  const std::size_t slash = file.rfind('/');
  if (slash == std::string_view::npos) return {};
  if (slash == 0) return "/";
  return std::string(file.substr(0, slash));
}

// The dynamic linker keeps the name an object was loaded under, which is
// relative when LD_PRELOAD or LD_LIBRARY_PATH was; the mapping of the
// address in /proc/self/maps always names the file by its absolute path.
std::string mapped_file(const void* address) {
  FILE* maps = std::fopen("/proc/self/maps", "re");
  if (maps == nullptr) return {};
  const auto target = reinterpret_cast<std::uintptr_t>(address);
  std::string found;
  char line[4096];
  while (found.empty() && std::fgets(line, sizeof(line), maps) != nullptr) {
    unsigned long long begin = 0;
    unsigned long long end = 0;
    int path_at = 0;
    // begin-end perms offset dev inode path
    if (std::sscanf(line, "%llx-%llx %*s %*s %*s %*s %n", &begin, &end, &path_at) < 2) continue;
    if (target < begin || target >= end || path_at == 0 || line[path_at] != '/') continue;
    std::string_view path(line + path_at);
    while (!path.empty() && (path.back() == '\n' || path.back() == ' ')) path.remove_suffix(1);
    found = path;
  }
  std::fclose(maps);
  return found;
}

}  // namespace

std::string library_directory(const void* address) {
  Dl_info info{};
  if (::dladdr(address, &info) != 0 && info.dli_fname != nullptr && info.dli_fname[0] == '/') {
    return directory_of(info.dli_fname);
  }
  return directory_of(mapped_file(address));
}

}  // namespace gpuswap::config
