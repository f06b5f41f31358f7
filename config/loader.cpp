#include "gpuswap/config/loader.h"

#include <algorithm>
#include <functional>
#include <map>
#include <utility>
#include <variant>

#include "gpuswap/config/policy_file_text.h"
#include "strict_line.h"
#include "values.h"
#include "yaml_document.h"

namespace gpuswap::config {
namespace {

using detail::Checked;
using detail::YamlNode;

std::string describe(const YamlNode& node) {
  switch (node.kind) {
    case YamlNode::Kind::null:
      return "nothing";
    case YamlNode::Kind::scalar:
      return detail::quote(node.scalar);
    case YamlNode::Kind::sequence:
      return "a list";
    case YamlNode::Kind::mapping:
      return "a mapping";
  }
  return "?";
}

std::size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<std::size_t> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diagonal = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t substitute = diagonal + (a[i - 1] == b[j - 1] ? 0 : 1);
      diagonal = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, substitute});
    }
  }
  return row[b.size()];
}

// Walks the tree of one file, filling a Config; stops at the first mistake.
class Reader {
 public:
  explicit Reader(std::string_view source) : source_(source) {}

  Result<Config> read(const YamlNode& root) {
    Config config;
    if (root.kind == YamlNode::Kind::null) return config;  // empty file: all defaults
    if (root.kind != YamlNode::Kind::mapping) {
      fail(root, "", "the policy file must be a mapping of keys (e.g. device_budget: 12GiB)");
      return *error_;
    }
    const Keys keys{
        {"device_budget",
         [&](const YamlNode& v, const std::string& k) {
           return scalar(v, k, detail::check_device_budget, config.device_budget);
         }},
        {"device_reserve",
         [&](const YamlNode& v, const std::string& k) {
           return scalar(v, k, detail::check_device_reserve, config.device_reserve);
         }},
        {"host_budget",
         [&](const YamlNode& v, const std::string& k) {
           return scalar(v, k, detail::check_host_budget, config.host_budget);
         }},
        {"min_swappable",
         [&](const YamlNode& v, const std::string& k) {
           return scalar(v, k, detail::check_min_swappable, config.min_swappable);
         }},
        {"evict_ahead",
         [&](const YamlNode& v, const std::string& k) {
           return scalar(v, k, detail::check_evict_ahead, config.evict_ahead);
         }},
        {"policy",
         [&](const YamlNode& v, const std::string& k) {
           return scalar(v, k, detail::check_policy, config.policy);
         }},
        {"log",
         [&](const YamlNode& v, const std::string& k) { return read_log(v, k, config.log); }},
        {"trace",
         [&](const YamlNode& v, const std::string& k) { return read_trace(v, k, config.trace); }},
        {"pin",
         [&](const YamlNode& v, const std::string& k) { return read_pin(v, k, config.pin); }},
        {"strict",
         [&](const YamlNode& v, const std::string& k) {
           return scalar(v, k, detail::check_bool, config.strict);
         }},
        {"report_memory",
         [&](const YamlNode& v, const std::string& k) {
           return scalar(v, k, detail::check_report_memory, config.report_memory);
         }},
        {"sample_launches",
         [&](const YamlNode& v, const std::string& k) {
           return scalar(v, k, detail::check_bool, config.sample_launches);
         }},
    };
    if (!mapping(root, "", keys)) return *error_;
    return config;
  }

 private:
  // Reads one key's value; false after recording an error.
  using KeyReader = std::function<bool(const YamlNode& value, const std::string& key)>;
  using Keys = std::vector<std::pair<std::string_view, KeyReader>>;

  bool fail(const YamlNode& at, const std::string& key, std::string message) {
    error_ = Error{std::string(source_), at.line, at.column, key, std::move(message)};
    return false;
  }

  static std::string join_key(const std::string& parent, std::string_view key) {
    return parent.empty() ? std::string(key) : parent + "." + std::string(key);
  }

  static std::string key_list(const Keys& keys) {
    std::string text;
    for (const auto& [name, reader] : keys) {
      if (!text.empty()) text += ", ";
      text += name;
    }
    return text;
  }

  // Walks a mapping whose allowed keys are `keys`: unknown and repeated keys
  // are errors.
  bool mapping(const YamlNode& node, const std::string& path, const Keys& keys) {
    std::map<std::string, int> seen;  // key -> line of its first appearance
    for (const detail::YamlEntry& entry : node.entries) {
      const YamlNode& key_node = entry.key;
      const YamlNode& value = entry.value;
      if (key_node.kind != YamlNode::Kind::scalar) {
        return fail(key_node, path, "keys must be plain words, not " + describe(key_node));
      }
      const std::string key = join_key(path, key_node.scalar);
      const auto it = std::find_if(keys.begin(), keys.end(), [&](const auto& known) {
        return known.first == key_node.scalar;
      });
      if (it == keys.end()) return fail(key_node, key, unknown_key(key_node.scalar, keys));
      if (const auto [first, inserted] = seen.emplace(key_node.scalar, key_node.line); !inserted) {
        return fail(key_node, key,
                    "duplicate key (first set on line " + std::to_string(first->second) + ")");
      }
      if (!it->second(value, key)) return false;
    }
    return true;
  }

  static std::string unknown_key(std::string_view key, const Keys& keys) {
    std::string message = "unknown key";
    std::string_view closest;
    std::size_t best = 3;  // suggest only near misses
    for (const auto& [name, reader] : keys) {
      const std::size_t distance = edit_distance(key, name);
      if (distance < best) {
        best = distance;
        closest = name;
      }
    }
    if (!closest.empty()) message += " (did you mean " + std::string(closest) + "?)";
    return message + " (allowed: " + key_list(keys) + ")";
  }

  template <class T, class Out>
  bool scalar(const YamlNode& node, const std::string& key, Checked<T> (*check)(std::string_view),
              Out& out) {
    if (node.kind != YamlNode::Kind::scalar) {
      return fail(node, key, "expected a single value, not " + describe(node));
    }
    Checked<T> checked = check(node.scalar);
    if (auto* problem = std::get_if<detail::Problem>(&checked))
      return fail(node, key, problem->message);
    out = std::move(std::get<T>(checked));
    return true;
  }

  // `empty_ok`: a key left without value ("trace:" with its lines commented
  // out) keeps the defaults.
  bool expect_mapping(const YamlNode& node, const std::string& key, const Keys& keys,
                      bool empty_ok = false) {
    if (empty_ok && node.kind == YamlNode::Kind::null) return true;
    if (node.kind != YamlNode::Kind::mapping) {
      return fail(node, key,
                  "expected a mapping with keys " + key_list(keys) + ", not " + describe(node));
    }
    return mapping(node, key, keys);
  }

  bool read_log(const YamlNode& node, const std::string& key, LogConfig& log) {
    const Keys keys{{"level", [&](const YamlNode& v, const std::string& k) {
                       return scalar(v, k, detail::check_log_level, log.level);
                     }}};
    return expect_mapping(node, key, keys, true);
  }

  bool read_trace(const YamlNode& node, const std::string& key, TraceConfig& trace) {
    const Keys keys{
        {"path",
         [&](const YamlNode& v, const std::string& k) {
           if (v.kind != YamlNode::Kind::scalar) {
             return fail(v, k, "expected a file path, not " + describe(v));
           }
           trace.path = v.scalar;
           return true;
         }},
        {"level",
         [&](const YamlNode& v, const std::string& k) {
           return scalar(v, k, detail::check_trace_level, trace.level);
         }},
    };
    return expect_mapping(node, key, keys, true);
  }

  bool read_pin(const YamlNode& node, const std::string& key, std::vector<PinRule>& rules) {
    if (node.kind == YamlNode::Kind::null) return true;  // "pin:" with nothing: no rules
    if (node.kind != YamlNode::Kind::sequence) {
      return fail(node, key,
                  "expected a list of rules (e.g. - min_size: 1GiB), not " + describe(node));
    }
    for (std::size_t i = 0; i < node.items.size(); ++i) {
      const YamlNode& item = node.items[i];
      const std::string item_key = key + "[" + std::to_string(i) + "]";
      PinRule rule;
      const Keys keys{
          {"min_size",
           [&](const YamlNode& v, const std::string& k) {
             return scalar(v, k, detail::check_absolute_size, rule.min_size);
           }},
          {"max_size",
           [&](const YamlNode& v, const std::string& k) {
             return scalar(v, k, detail::check_absolute_size, rule.max_size);
           }},
          {"first_index",
           [&](const YamlNode& v, const std::string& k) {
             return scalar(v, k, detail::check_index, rule.first_index);
           }},
          {"last_index",
           [&](const YamlNode& v, const std::string& k) {
             return scalar(v, k, detail::check_index, rule.last_index);
           }},
      };
      if (!expect_mapping(item, item_key, keys)) return false;
      if (rule == PinRule{}) {
        return fail(item, item_key, "a rule needs at least one of " + key_list(keys));
      }
      if (rule.min_size && rule.max_size && *rule.min_size > *rule.max_size) {
        return fail(item, item_key,
                    "min_size (" + format_bytes(*rule.min_size) + ") is larger than max_size (" +
                        format_bytes(*rule.max_size) + "): the rule matches nothing");
      }
      if (rule.first_index && rule.last_index && *rule.first_index > *rule.last_index) {
        return fail(item, item_key,
                    "first_index (" + std::to_string(*rule.first_index) +
                        ") is larger than last_index (" + std::to_string(*rule.last_index) +
                        "): the rule matches nothing");
      }
      rules.push_back(rule);
    }
    return true;
  }

  std::string_view source_;
  std::optional<Error> error_;
};

// Whether a file that failed to load asked for strict mode.
bool strict_in_tree(const YamlNode& root) {
  if (root.kind != YamlNode::Kind::mapping) return false;
  for (const detail::YamlEntry& entry : root.entries) {
    if (entry.key.kind != YamlNode::Kind::scalar || entry.key.scalar != "strict") continue;
    if (entry.value.kind != YamlNode::Kind::scalar) return false;
    const Checked<bool> checked = detail::check_bool(entry.value.scalar);
    return std::holds_alternative<bool>(checked) && std::get<bool>(checked);
  }
  return false;
}

}  // namespace

Result<Config> load_config_string(std::string_view yaml, std::string_view source) {
  try {
    Result<detail::YamlNode> tree = detail::parse_yaml(yaml, source);
    if (!tree) {
      Error error = tree.error();
      error.strict = detail::declares_strict(yaml);
      return error;
    }
    Result<Config> config = Reader(source).read(tree.value());
    if (config) return config;
    Error error = config.error();
    error.strict = strict_in_tree(tree.value());
    return error;
  } catch (const std::exception& e) {
    // Only allocation failure can get here; the layer never lets it escape.
    return Error{std::string(source), 0, 0, "", std::string("cannot be read: ") + e.what()};
  }
}

Result<Config> load_config_file(const std::string& path) {
  Result<std::string> text = read_policy_text(path);
  if (!text) return text.error();
  return load_config_string(text.value(), path);
}

}  // namespace gpuswap::config
