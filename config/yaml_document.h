// The policy file as a plain tree with 1-based positions. yaml-cpp stays
// behind this one header: nothing of it reaches the loader or the public
// headers, and its exceptions end in parse_yaml.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "gpuswap/config/result.h"

namespace gpuswap::config::detail {

struct YamlEntry;

struct YamlNode {
  enum class Kind { null, scalar, sequence, mapping };
  Kind kind = Kind::null;
  int line = 0;
  int column = 0;
  std::string scalar;              // Kind::scalar
  bool quoted = false;             // Kind::scalar written in quotes
  std::vector<YamlNode> items;     // Kind::sequence
  std::vector<YamlEntry> entries;  // Kind::mapping, in file order
};

struct YamlEntry {
  YamlNode key;
  YamlNode value;
};

// Parses one YAML document. An empty text gives a null node. A syntax error
// carries its position and yaml-cpp's description; `source` names the text in
// errors. Aliases (*name) are refused: a policy file needs none, and
// expanding them lets a few lines grow into an enormous tree.
Result<YamlNode> parse_yaml(std::string_view text, std::string_view source);

}  // namespace gpuswap::config::detail
