#include "gpuswap/config/environment.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <unistd.h>

#include "gpuswap/config/loader.h"

namespace gpuswap::config {
namespace {

constexpr std::uint64_t kMiB = 1ull << 20;
constexpr std::uint64_t kGiB = 1ull << 30;

TEST(Environment, NoVariablesGiveDefaults) {
  const Result<Config> result = load_config(map_environment({}), load_config_file);
  ASSERT_TRUE(result.ok()) << result.error().to_string();
  EXPECT_EQ(result.value(), Config{});
}

TEST(Environment, EveryOverrideApplies) {
  const Result<Config> result = apply_environment(Config{}, map_environment({
                                                                {"GPUSWAP_LOG", "trace"},
                                                                {"GPUSWAP_DEVICE_BUDGET", "3GiB"},
                                                                {"GPUSWAP_HOST_BUDGET", "25%"},
                                                                {"GPUSWAP_TRACE", "out.trace"},
                                                                {"GPUSWAP_TRACE_LEVEL", "summary"},
                                                                {"GPUSWAP_EVICT_AHEAD", "0.5GiB"},
                                                            }));
  ASSERT_TRUE(result.ok()) << result.error().to_string();
  EXPECT_EQ(result->log.level, LogLevel::trace);
  EXPECT_EQ(result->device_budget, Size::bytes(3 * kGiB));
  EXPECT_EQ(result->host_budget, Size::percent(25));
  EXPECT_EQ(result->trace.path, "out.trace");
  EXPECT_EQ(result->trace.level, TraceLevel::summary);
  EXPECT_EQ(result->evict_ahead, Size::bytes(kGiB / 2));
}

TEST(Environment, EmptyVariableCountsAsUnset) {
  Config file;
  file.log.level = LogLevel::info;
  const Result<Config> result =
      apply_environment(file, map_environment({{"GPUSWAP_LOG", ""}, {"GPUSWAP_TRACE", ""}}));
  ASSERT_TRUE(result.ok()) << result.error().to_string();
  EXPECT_EQ(result.value(), file);
}

TEST(Environment, AutoBudgetFromEnvironmentReplacesTheFilesSize) {
  Config file;
  file.device_budget = Size::bytes(kGiB);
  const Result<Config> result =
      apply_environment(file, map_environment({{"GPUSWAP_DEVICE_BUDGET", "auto"}}));
  ASSERT_TRUE(result.ok()) << result.error().to_string();
  EXPECT_FALSE(result->device_budget.has_value());
}

TEST(Environment, BadValuesNameTheVariable) {
  const Result<Config> budget =
      apply_environment(Config{}, map_environment({{"GPUSWAP_DEVICE_BUDGET", "12GB!"}}));
  ASSERT_FALSE(budget.ok());
  EXPECT_EQ(budget.error().to_string(),
            "environment: GPUSWAP_DEVICE_BUDGET: \"12GB!\" is not a size "
            "(use auto or e.g. 512MiB, 12GiB, 70%)");
  const Result<Config> log =
      apply_environment(Config{}, map_environment({{"GPUSWAP_LOG", "loud"}}));
  ASSERT_FALSE(log.ok());
  EXPECT_EQ(log.error().to_string(),
            "environment: GPUSWAP_LOG: \"loud\" is not a log level (allowed: trace, debug, info, "
            "warn, error, off)");
  const Result<Config> host =
      apply_environment(Config{}, map_environment({{"GPUSWAP_HOST_BUDGET", "0"}}));
  ASSERT_FALSE(host.ok());
  EXPECT_EQ(host.error().key, "GPUSWAP_HOST_BUDGET");
}

TEST(Environment, ErrorsCarryTheFilesStrictness) {
  Config file;
  file.strict = true;
  const Result<Config> result =
      apply_environment(file, map_environment({{"GPUSWAP_TRACE_LEVEL", "verbose"}}));
  ASSERT_FALSE(result.ok());
  EXPECT_TRUE(result.error().strict);
  EXPECT_EQ(result.error().to_string(),
            "environment: GPUSWAP_TRACE_LEVEL: \"verbose\" is not a trace level (allowed: off, "
            "summary, events, full)");
}

TEST(Environment, NullLookupMeansNoVariables) {
  const Result<Config> result = load_config(Environment{}, load_config_file);
  ASSERT_TRUE(result.ok());
  EXPECT_EQ(result.value(), Config{});
}

// The preloaded library parses the file with a module it loads on demand:
// without GPUSWAP_CONFIG the reader must not even be asked.
TEST(Environment, ThePolicyFileReaderIsCalledOnlyWithGpuswapConfig) {
  std::vector<std::string> asked;
  const PolicyFileReader reader = [&](const std::string& path) -> Result<Config> {
    asked.push_back(path);
    Config config;
    config.min_swappable = 12345;
    return config;
  };
  const Result<Config> none = load_config(map_environment({{"GPUSWAP_LOG", "info"}}), reader);
  ASSERT_TRUE(none.ok()) << none.error().to_string();
  EXPECT_TRUE(asked.empty());
  EXPECT_EQ(none->min_swappable, Config{}.min_swappable);

  const Result<Config> empty = load_config(map_environment({{"GPUSWAP_CONFIG", ""}}), reader);
  ASSERT_TRUE(empty.ok());
  EXPECT_TRUE(asked.empty());  // empty counts as unset

  const Result<Config> read = load_config(
      map_environment({{"GPUSWAP_CONFIG", "some/policy.yaml"}, {"GPUSWAP_LOG", "info"}}), reader);
  ASSERT_TRUE(read.ok()) << read.error().to_string();
  EXPECT_EQ(asked, std::vector<std::string>{"some/policy.yaml"});
  EXPECT_EQ(read->min_swappable, 12345u);      // from the reader
  EXPECT_EQ(read->log.level, LogLevel::info);  // the overrides still apply
}

TEST(Environment, TheReadersErrorIsTheResult) {
  const PolicyFileReader reader = [](const std::string& path) -> Result<Config> {
    return Error{path, 0, 0, "", "cannot be read without the YAML module", true};
  };
  const Result<Config> result =
      load_config(map_environment({{"GPUSWAP_CONFIG", "p.yaml"}, {"GPUSWAP_LOG", "loud"}}), reader);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().to_string(), "p.yaml: cannot be read without the YAML module");
  EXPECT_TRUE(result.error().strict);

  const Result<Config> no_reader =
      load_config(map_environment({{"GPUSWAP_CONFIG", "p.yaml"}}), PolicyFileReader{});
  ASSERT_FALSE(no_reader.ok());
  EXPECT_EQ(no_reader.error().source, "p.yaml");
}

class EnvironmentFile : public ::testing::Test {
 protected:
  void SetUp() override {
    path_ = std::filesystem::temp_directory_path() /
            ("gpuswap-env-test-" + std::to_string(::getpid()) + ".yaml");
    std::ofstream(path_) << "device_budget: 1GiB\nhost_budget: 2GiB\nmin_swappable: 8MiB\n"
                            "log:\n  level: error\ntrace:\n  path: file.trace\n  level: full\n";
  }
  void TearDown() override { std::filesystem::remove(path_); }
  std::filesystem::path path_;
};

TEST_F(EnvironmentFile, OverridesWinOverTheFile) {
  const Result<Config> result = load_config(map_environment({
                                                {"GPUSWAP_CONFIG", path_.string()},
                                                {"GPUSWAP_DEVICE_BUDGET", "512MiB"},
                                                {"GPUSWAP_LOG", "debug"},
                                                {"GPUSWAP_TRACE", "env.trace"},
                                            }),
                                            load_config_file);
  ASSERT_TRUE(result.ok()) << result.error().to_string();
  EXPECT_EQ(result->device_budget, Size::bytes(512 * kMiB));  // environment
  EXPECT_EQ(result->log.level, LogLevel::debug);              // environment
  EXPECT_EQ(result->trace.path, "env.trace");                 // environment
  EXPECT_EQ(result->host_budget, Size::bytes(2 * kGiB));      // file
  EXPECT_EQ(result->min_swappable, 8 * kMiB);                 // file
  EXPECT_EQ(result->trace.level, TraceLevel::full);           // file
}

TEST_F(EnvironmentFile, MissingConfigFileIsAnError) {
  const std::string missing = path_.string() + ".missing";
  const Result<Config> result =
      load_config(map_environment({{"GPUSWAP_CONFIG", missing}}), load_config_file);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().source, missing);
}

TEST_F(EnvironmentFile, ProcessEnvironmentIsReadAtLookup) {
  ASSERT_EQ(::setenv("GPUSWAP_CONFIG", path_.c_str(), 1), 0);
  ASSERT_EQ(::setenv("GPUSWAP_HOST_BUDGET", "10%", 1), 0);
  const Result<Config> result = load_config(process_environment(), load_config_file);
  ::unsetenv("GPUSWAP_CONFIG");
  ::unsetenv("GPUSWAP_HOST_BUDGET");
  ASSERT_TRUE(result.ok()) << result.error().to_string();
  EXPECT_EQ(result->device_budget, Size::bytes(kGiB));
  EXPECT_EQ(result->host_budget, Size::percent(10));
}

}  // namespace
}  // namespace gpuswap::config
