#include "json_value.h"

#include <charconv>
#include <cstdio>
#include <cstdlib>

namespace gpuswap::tools {

JsonValue JsonValue::boolean(bool value) {
  JsonValue v;
  v.value_ = value;
  return v;
}
JsonValue JsonValue::integer(std::uint64_t value) {
  JsonValue v;
  v.value_ = value;
  return v;
}
JsonValue JsonValue::number(double value) {
  JsonValue v;
  v.value_ = value;
  return v;
}
JsonValue JsonValue::string(std::string value) {
  JsonValue v;
  v.value_ = std::move(value);
  return v;
}
JsonValue JsonValue::array(Array value) {
  JsonValue v;
  v.value_ = std::make_shared<Array>(std::move(value));
  return v;
}
JsonValue JsonValue::object(Object value) {
  JsonValue v;
  v.value_ = std::make_shared<Object>(std::move(value));
  return v;
}

double JsonValue::as_number() const {
  if (is_integer()) return static_cast<double>(as_integer());
  return std::get<double>(value_);
}

const JsonValue* JsonValue::find(std::string_view key) const {
  if (!is_object()) return nullptr;
  const Object& members = as_object();
  const auto it = members.find(key);
  return it == members.end() ? nullptr : &it->second;
}

namespace {

// Recursive descent over the text; the first error stops it.
class Parser {
 public:
  explicit Parser(std::string_view text) : text_(text) {}

  JsonParseResult run() {
    JsonParseResult result;
    skip_space();
    result.value = value(0);
    skip_space();
    if (error_.empty() && pos_ != text_.size()) fail("unexpected text after the value");
    result.error = error_;
    return result;
  }

 private:
  static constexpr int kMaxDepth = 64;

  void fail(std::string_view what) {
    if (error_.empty()) error_ = std::string(what) + " at offset " + std::to_string(pos_);
  }
  bool failed() const { return !error_.empty(); }
  bool at_end() const { return pos_ >= text_.size(); }
  char peek() const { return at_end() ? '\0' : text_[pos_]; }

  void skip_space() {
    while (!at_end() && (peek() == ' ' || peek() == '\t' || peek() == '\n' || peek() == '\r')) {
      ++pos_;
    }
  }

  bool literal(std::string_view word) {
    if (text_.substr(pos_, word.size()) != word) return false;
    pos_ += word.size();
    return true;
  }

  JsonValue value(int depth) {
    if (depth > kMaxDepth) {
      fail("nesting too deep");
      return {};
    }
    switch (peek()) {
      case '{':
        return object(depth);
      case '[':
        return array(depth);
      case '"':
        return JsonValue::string(string());
      case 't':
        if (literal("true")) return JsonValue::boolean(true);
        break;
      case 'f':
        if (literal("false")) return JsonValue::boolean(false);
        break;
      case 'n':
        if (literal("null")) return {};
        break;
      default:
        if (peek() == '-' || (peek() >= '0' && peek() <= '9')) return number();
    }
    fail(at_end() ? "unexpected end of text" : "unexpected character");
    return {};
  }

  JsonValue object(int depth) {
    ++pos_;  // '{'
    JsonValue::Object members;
    skip_space();
    if (peek() == '}') {
      ++pos_;
      return JsonValue::object(std::move(members));
    }
    while (!failed()) {
      skip_space();
      if (peek() != '"') {
        fail("expected a member name");
        break;
      }
      std::string key = string();
      skip_space();
      if (peek() != ':') {
        fail("expected ':'");
        break;
      }
      ++pos_;
      skip_space();
      JsonValue member = value(depth + 1);
      members.insert_or_assign(std::move(key), std::move(member));
      skip_space();
      if (peek() == ',') {
        ++pos_;
        continue;
      }
      if (peek() == '}') {
        ++pos_;
        break;
      }
      fail("expected ',' or '}'");
    }
    return JsonValue::object(std::move(members));
  }

  JsonValue array(int depth) {
    ++pos_;  // '['
    JsonValue::Array items;
    skip_space();
    if (peek() == ']') {
      ++pos_;
      return JsonValue::array(std::move(items));
    }
    while (!failed()) {
      skip_space();
      items.push_back(value(depth + 1));
      skip_space();
      if (peek() == ',') {
        ++pos_;
        continue;
      }
      if (peek() == ']') {
        ++pos_;
        break;
      }
      fail("expected ',' or ']'");
    }
    return JsonValue::array(std::move(items));
  }

  static void append_utf8(std::string& out, unsigned code) {
    if (code < 0x80) {
      out.push_back(static_cast<char>(code));
    } else if (code < 0x800) {
      out.push_back(static_cast<char>(0xC0 | (code >> 6)));
      out.push_back(static_cast<char>(0x80 | (code & 0x3F)));
    } else {
      out.push_back(static_cast<char>(0xE0 | (code >> 12)));
      out.push_back(static_cast<char>(0x80 | ((code >> 6) & 0x3F)));
      out.push_back(static_cast<char>(0x80 | (code & 0x3F)));
    }
  }

  std::string string() {
    ++pos_;  // '"'
    std::string out;
    while (!failed()) {
      if (at_end()) {
        fail("unterminated string");
        break;
      }
      const char c = text_[pos_++];
      if (c == '"') break;
      if (static_cast<unsigned char>(c) < 0x20) {
        fail("control character in a string");
        break;
      }
      if (c != '\\') {
        out.push_back(c);
        continue;
      }
      const char e = peek();
      ++pos_;
      switch (e) {
        case '"':
          out.push_back('"');
          break;
        case '\\':
          out.push_back('\\');
          break;
        case '/':
          out.push_back('/');
          break;
        case 'b':
          out.push_back('\b');
          break;
        case 'f':
          out.push_back('\f');
          break;
        case 'n':
          out.push_back('\n');
          break;
        case 'r':
          out.push_back('\r');
          break;
        case 't':
          out.push_back('\t');
          break;
        case 'u': {
          unsigned code = 0;
          const std::string_view hex = text_.substr(pos_, 4);
          const auto [end, ec] = std::from_chars(hex.data(), hex.data() + hex.size(), code, 16);
          if (hex.size() != 4 || ec != std::errc() || end != hex.data() + 4) {
            fail("bad \\u escape");
            break;
          }
          pos_ += 4;
          append_utf8(out, code);
          break;
        }
        default:
          fail("bad escape");
      }
    }
    return out;
  }

  JsonValue number() {
    const std::size_t start = pos_;
    if (peek() == '-') ++pos_;
    bool integral = true;
    while (!at_end()) {
      const char c = peek();
      if (c >= '0' && c <= '9') {
        ++pos_;
      } else if (c == '.' || c == 'e' || c == 'E' || c == '+' || c == '-') {
        integral = false;
        ++pos_;
      } else {
        break;
      }
    }
    const std::string_view token = text_.substr(start, pos_ - start);
    if (integral && token.front() != '-') {
      std::uint64_t v = 0;
      const auto [end, ec] = std::from_chars(token.data(), token.data() + token.size(), v);
      if (ec == std::errc() && end == token.data() + token.size()) return JsonValue::integer(v);
    }
    // from_chars for double is in libstdc++ 11+, but strtod handles every
    // form JSON allows; copy so that it stops at the token's end.
    const std::string copy(token);
    char* end = nullptr;
    const double d = std::strtod(copy.c_str(), &end);
    if (copy.empty() || end != copy.c_str() + copy.size()) {
      pos_ = start;
      fail("bad number");
      return {};
    }
    return JsonValue::number(d);
  }

  std::string_view text_;
  std::size_t pos_ = 0;
  std::string error_;
};

}  // namespace

JsonParseResult parse_json(std::string_view text) {
  return Parser(text).run();
}

std::string json_quote(std::string_view text) {
  std::string out = "\"";
  for (const char c : text) {
    const auto u = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      out.push_back('\\');
      out.push_back(c);
    } else if (u < 0x20) {
      char escaped[8];
      std::snprintf(escaped, sizeof escaped, "\\u%04x", u);
      out += escaped;
    } else {
      out.push_back(c);
    }
  }
  out.push_back('"');
  return out;
}

}  // namespace gpuswap::tools
