// A small JSON reader for the trace's lines and the files the tool writes.
// Numbers keep their unsigned 64-bit value when they are non-negative
// integers, because trace timestamps and byte counts do not fit a double.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace gpuswap::tools {

class JsonValue {
 public:
  using Array = std::vector<JsonValue>;
  using Object = std::map<std::string, JsonValue, std::less<>>;

  JsonValue() = default;  // null
  static JsonValue boolean(bool value);
  static JsonValue integer(std::uint64_t value);
  static JsonValue number(double value);
  static JsonValue string(std::string value);
  static JsonValue array(Array value);
  static JsonValue object(Object value);

  bool is_null() const { return std::holds_alternative<std::monostate>(value_); }
  bool is_bool() const { return std::holds_alternative<bool>(value_); }
  bool is_integer() const { return std::holds_alternative<std::uint64_t>(value_); }
  bool is_number() const { return is_integer() || std::holds_alternative<double>(value_); }
  bool is_string() const { return std::holds_alternative<std::string>(value_); }
  bool is_array() const { return std::holds_alternative<std::shared_ptr<Array>>(value_); }
  bool is_object() const { return std::holds_alternative<std::shared_ptr<Object>>(value_); }

  // Only for the matching kind.
  bool as_bool() const { return std::get<bool>(value_); }
  std::uint64_t as_integer() const { return std::get<std::uint64_t>(value_); }
  double as_number() const;
  const std::string& as_string() const { return std::get<std::string>(value_); }
  const Array& as_array() const { return *std::get<std::shared_ptr<Array>>(value_); }
  const Object& as_object() const { return *std::get<std::shared_ptr<Object>>(value_); }

  // A member of an object, or nullptr (also when this is not an object).
  const JsonValue* find(std::string_view key) const;

 private:
  std::variant<std::monostate, bool, std::uint64_t, double, std::string, std::shared_ptr<Array>,
               std::shared_ptr<Object>>
      value_;
};

struct JsonParseResult {
  JsonValue value;
  std::string error;  // empty on success; otherwise what and at which offset
  bool ok() const { return error.empty(); }
};

// The whole text must be one JSON value (surrounding whitespace allowed).
JsonParseResult parse_json(std::string_view text);

// `text` as a JSON string literal, quotes included.
std::string json_quote(std::string_view text);

}  // namespace gpuswap::tools
