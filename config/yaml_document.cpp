#include "yaml_document.h"

#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/exceptions.h>
#include <yaml-cpp/mark.h>
#include <yaml-cpp/parser.h>

#include <optional>
#include <sstream>

namespace gpuswap::config::detail {
namespace {

// Builds YamlNode trees straight from the parser's events: no yaml-cpp node
// graph, no recursion on our side, and aliases refused, so a file cannot make
// the tree grow beyond its own size ("billion laughs").
class TreeBuilder final : public YAML::EventHandler {
 public:
  // The finished document (only once the parser has handled one).
  YamlNode take_root() { return std::move(root_); }
  const std::optional<YAML::Mark>& alias() const { return alias_; }
  const YAML::Mark& document_start() const { return document_start_; }

  void OnDocumentStart(const YAML::Mark& mark) override {
    document_start_ = mark;
    root_ = YamlNode{};
    stack_.clear();
  }
  void OnDocumentEnd() override {}

  void OnNull(const YAML::Mark& mark, YAML::anchor_t) override {
    finish(leaf(YamlNode::Kind::null, mark));
  }
  void OnAlias(const YAML::Mark& mark, YAML::anchor_t) override {
    if (!alias_) alias_ = mark;
    finish(leaf(YamlNode::Kind::null, mark));
  }
  void OnScalar(const YAML::Mark& mark, const std::string& tag, YAML::anchor_t,
                const std::string& value) override {
    YamlNode node = leaf(YamlNode::Kind::scalar, mark);
    node.scalar = value;
    // yaml-cpp tags plain scalars "?" and quoted ones "!".
    node.quoted = tag == "!";
    finish(std::move(node));
  }
  void OnSequenceStart(const YAML::Mark& mark, const std::string&, YAML::anchor_t,
                       YAML::EmitterStyle::value) override {
    stack_.push_back(Frame{leaf(YamlNode::Kind::sequence, mark), std::nullopt});
  }
  void OnSequenceEnd() override { close(); }
  void OnMapStart(const YAML::Mark& mark, const std::string&, YAML::anchor_t,
                  YAML::EmitterStyle::value) override {
    stack_.push_back(Frame{leaf(YamlNode::Kind::mapping, mark), std::nullopt});
  }
  void OnMapEnd() override { close(); }

 private:
  struct Frame {
    YamlNode node;
    std::optional<YamlNode> key;  // a mapping's key waiting for its value
  };

  static YamlNode leaf(YamlNode::Kind kind, const YAML::Mark& mark) {
    YamlNode node;
    node.kind = kind;
    // yaml-cpp counts from 0.
    node.line = mark.line + 1;
    node.column = mark.column + 1;
    return node;
  }

  void close() {
    YamlNode node = std::move(stack_.back().node);
    stack_.pop_back();
    finish(std::move(node));
  }

  // Hands a complete node to its parent (or makes it the document).
  void finish(YamlNode node) {
    if (stack_.empty()) {
      root_ = std::move(node);
      return;
    }
    Frame& parent = stack_.back();
    if (parent.node.kind == YamlNode::Kind::sequence) {
      parent.node.items.push_back(std::move(node));
    } else if (!parent.key) {
      parent.key = std::move(node);
    } else {
      // yaml-cpp places a missing value at the next token, often on the next
      // line; the key is where the reader looks.
      if (node.kind == YamlNode::Kind::null) {
        node.line = parent.key->line;
        node.column = parent.key->column;
      }
      parent.node.entries.push_back(YamlEntry{std::move(*parent.key), std::move(node)});
      parent.key.reset();
    }
  }

  YamlNode root_;
  std::vector<Frame> stack_;
  std::optional<YAML::Mark> alias_;
  YAML::Mark document_start_ = YAML::Mark::null_mark();
};

Error error_at(std::string_view source, const YAML::Mark& mark, std::string message) {
  return Error{std::string(source), mark.line + 1, mark.column + 1, "", std::move(message)};
}

// The error for text the parser is stuck on: the first character that is not
// blank from `pos`, with its own position.
Error stray_token(std::string_view text, std::string_view source, int pos) {
  std::size_t at = pos < 0 ? 0 : static_cast<std::size_t>(pos);
  while (at < text.size() &&
         (text[at] == ' ' || text[at] == '\t' || text[at] == '\r' || text[at] == '\n')) {
    ++at;
  }
  int line = 1;
  int column = 1;
  for (std::size_t i = 0; i < at && i < text.size(); ++i) {
    column = text[i] == '\n' ? 1 : column + 1;
    if (text[i] == '\n') ++line;
  }
  const std::string token = at < text.size() ? std::string(1, text[at]) : "end of text";
  return Error{std::string(source), line, column, "", "syntax error: unexpected \"" + token + "\""};
}

}  // namespace

Result<YamlNode> parse_yaml(std::string_view text, std::string_view source) {
  try {
    std::istringstream in{std::string(text)};
    YAML::Parser parser(in);
    TreeBuilder builder;
    if (!parser.HandleNextDocument(builder)) return YamlNode{};  // nothing but comments
    if (builder.alias()) {
      return error_at(source, *builder.alias(),
                      "aliases (*name) are not supported in a policy file; write the value out");
    }
    const YAML::Mark first_start = builder.document_start();
    YamlNode root = builder.take_root();
    if (parser.HandleNextDocument(builder)) {
      // yaml-cpp 0.7 does not consume a stray ',' at the top level: it hands
      // out an empty document at the same place forever.
      const YAML::Mark& start = builder.document_start();
      if (start.pos == first_start.pos) return stray_token(text, source, start.pos);
      return Error{std::string(source), start.line + 1, 0, "",
                   "holds several YAML documents; a policy file is one document"};
    }
    return root;
  } catch (const YAML::Exception& e) {
    return error_at(source, e.mark, "syntax error: " + e.msg);
  } catch (const std::exception& e) {
    return Error{std::string(source), 0, 0, "", std::string("cannot be parsed: ") + e.what()};
  } catch (...) {
    return Error{std::string(source), 0, 0, "", "cannot be parsed"};
  }
}

}  // namespace gpuswap::config::detail
