// Whether text that could not be parsed as a policy file asks for strict
// mode: a top-level line `strict: true`, optionally followed by a comment.
// Used when the YAML parser rejects the text, or cannot be loaded at all, so
// a job that asked to stop on a bad file does stop.
#pragma once

#include <string_view>

namespace gpuswap::config::detail {

bool declares_strict(std::string_view text);

}  // namespace gpuswap::config::detail
