// Why a policy file or an environment override was rejected, with enough
// position to find the mistake: "policy.yaml:4:16: device_budget: ...".
#pragma once

#include <string>

namespace gpuswap::config {

struct Error {
  std::string source;   // the file as given, "<string>", or "environment"
  int line = 0;         // 1-based; 0 when the mistake has no position (missing file, environment)
  int column = 0;       // 1-based; 0 when unknown
  std::string key;      // dotted path of the offending key ("log.level", "pin[2].min_size"), or the
                        // environment variable; empty for file-level errors (syntax, unreadable)
  std::string message;  // what is wrong and what is allowed
  // The policy file asked for `strict: true`, so the job must stop rather
  // than run in pass-through mode. Read as well as the mistake allows: from
  // the parsed file, or, when it is not valid YAML, from a top-level line
  // `strict: true`.
  bool strict = false;

  // "<source>[:<line>[:<column>]]: [<key>: ]<message>"
  std::string to_string() const;
};

}  // namespace gpuswap::config
