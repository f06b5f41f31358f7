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

  // "<source>[:<line>[:<column>]]: [<key>: ]<message>"
  std::string to_string() const;
};

}  // namespace gpuswap::config
