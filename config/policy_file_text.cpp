#include "gpuswap/config/policy_file_text.h"

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>

namespace gpuswap::config {

Result<std::string> read_policy_text(const std::string& path) {
  try {
    std::error_code ec;
    if (std::filesystem::is_directory(path, ec)) return Error{path, 0, 0, "", "is a directory"};
    std::ifstream file(path, std::ios::binary);
    if (!file) {
      return Error{path, 0, 0, "", std::string("cannot be opened: ") + std::strerror(errno)};
    }
    std::string text(kMaxPolicyFileBytes + 1, '\0');
    file.read(text.data(), static_cast<std::streamsize>(text.size()));
    if (file.bad()) return Error{path, 0, 0, "", "cannot be read"};
    text.resize(static_cast<std::size_t>(file.gcount()));
    if (text.size() > kMaxPolicyFileBytes) {
      return Error{path, 0, 0, "", "is larger than 1MiB; a policy file is a few lines of YAML"};
    }
    return text;
  } catch (const std::exception& e) {
    return Error{path, 0, 0, "", std::string("cannot be read: ") + e.what()};
  }
}

}  // namespace gpuswap::config
