#include <memory>

#include "gpuswap/config/config.h"
#include "gpuswap/policy/lru_policy.h"
#include "gpuswap/policy/policy.h"

namespace gpuswap::policy {

std::unique_ptr<Policy> make_policy(std::string_view name) {
  if (name == "lru") return std::make_unique<LruPolicy>();
  return nullptr;
}

std::unique_ptr<Policy> make_policy(const config::Config& config) {
  return make_policy(config.policy);
}

}  // namespace gpuswap::policy
