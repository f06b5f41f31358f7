#include "yaml_document.h"

#include <yaml-cpp/yaml.h>

namespace gpuswap::config::detail {
namespace {

YamlNode convert(const YAML::Node& node) {
  YamlNode out;
  const YAML::Mark mark = node.Mark();
  // yaml-cpp counts from 0 and marks nodes it made up (an empty document) with -1.
  out.line = mark.line + 1;
  out.column = mark.column + 1;
  switch (node.Type()) {
    case YAML::NodeType::Scalar:
      out.kind = YamlNode::Kind::scalar;
      out.scalar = node.Scalar();
      // yaml-cpp tags plain scalars "?" and quoted ones "!".
      out.quoted = node.Tag() == "!";
      break;
    case YAML::NodeType::Sequence:
      out.kind = YamlNode::Kind::sequence;
      for (const YAML::Node& item : node) out.items.push_back(convert(item));
      break;
    case YAML::NodeType::Map:
      out.kind = YamlNode::Kind::mapping;
      for (const auto& entry : node) {
        auto& [key, value] = out.entries.emplace_back(convert(entry.first), convert(entry.second));
        // yaml-cpp places a missing value at the next token, often on the
        // next line; the key is where the reader looks.
        if (value.kind == YamlNode::Kind::null) {
          value.line = key.line;
          value.column = key.column;
        }
      }
      break;
    case YAML::NodeType::Null:
    case YAML::NodeType::Undefined:
      out.kind = YamlNode::Kind::null;
      break;
  }
  return out;
}

}  // namespace

Result<YamlNode> parse_yaml(std::string_view text, std::string_view source) {
  try {
    const std::vector<YAML::Node> documents = YAML::LoadAll(std::string(text));
    if (documents.size() > 1) {
      return Error{std::string(source), documents[1].Mark().line + 1, 0, "",
                   "holds several YAML documents; a policy file is one document"};
    }
    if (documents.empty()) return YamlNode{};
    return convert(documents.front());
  } catch (const YAML::Exception& e) {
    return Error{std::string(source), e.mark.line + 1, e.mark.column + 1, "",
                 "syntax error: " + e.msg};
  } catch (const std::exception& e) {
    return Error{std::string(source), 0, 0, "", std::string("cannot be parsed: ") + e.what()};
  } catch (...) {
    return Error{std::string(source), 0, 0, "", "cannot be parsed"};
  }
}

}  // namespace gpuswap::config::detail
