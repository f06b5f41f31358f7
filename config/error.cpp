#include "gpuswap/config/error.h"

namespace gpuswap::config {

std::string Error::to_string() const {
  std::string text = source;
  if (line > 0) {
    text += ':' + std::to_string(line);
    if (column > 0) text += ':' + std::to_string(column);
  }
  text += ": ";
  if (!key.empty()) text += key + ": ";
  text += message;
  return text;
}

}  // namespace gpuswap::config
