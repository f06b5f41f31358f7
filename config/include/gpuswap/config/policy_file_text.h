// The text of a policy file, read before any parsing so that a missing or
// unreadable file is reported the same way whoever parses it.
#pragma once

#include <string>

#include "gpuswap/config/result.h"

namespace gpuswap::config {

// A policy file is a few lines; anything over this is refused unread, which
// keeps a path like /dev/zero from eating the application's memory.
inline constexpr std::size_t kMaxPolicyFileBytes = 1 << 20;

// The whole file, or an Error naming it as `path` spells it (missing,
// a directory, unreadable, larger than kMaxPolicyFileBytes).
Result<std::string> read_policy_text(const std::string& path);

}  // namespace gpuswap::config
