#include <gtest/gtest.h>

#include "gpuswap/config/config.h"
#include "gpuswap/policy/policy.h"

namespace gpuswap::policy {
namespace {

TEST(MakePolicy, EveryNameTheConfigAllowsExists) {
  for (std::string_view name : config::kPolicyNames) {
    const std::unique_ptr<Policy> policy = make_policy(name);
    ASSERT_NE(policy, nullptr) << name;
    EXPECT_EQ(policy->name(), name);
  }
}

TEST(MakePolicy, UnknownNameGivesNothing) {
  EXPECT_EQ(make_policy("fifo"), nullptr);
  EXPECT_EQ(make_policy(""), nullptr);
  EXPECT_EQ(make_policy("LRU"), nullptr);
}

TEST(MakePolicy, FollowsTheConfig) {
  config::Config config;
  const std::unique_ptr<Policy> policy = make_policy(config);
  ASSERT_NE(policy, nullptr);
  EXPECT_EQ(policy->name(), "lru");
  config.policy = "none-such";
  EXPECT_EQ(make_policy(config), nullptr);
}

}  // namespace
}  // namespace gpuswap::policy
