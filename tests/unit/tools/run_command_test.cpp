#include "run_command.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <map>

#include "library_locator.h"

namespace gpuswap::tools {
namespace {

namespace fs = std::filesystem;

class ScratchDir {
 public:
  ScratchDir() : path_(fs::temp_directory_path() / ("gpuswap_tools_" + std::to_string(getpid()))) {
    fs::remove_all(path_);
    fs::create_directories(path_);
  }
  ~ScratchDir() { fs::remove_all(path_); }
  fs::path write(const std::string& name, const std::string& text) const {
    const fs::path p = path_ / name;
    fs::create_directories(p.parent_path());
    std::ofstream(p) << text;
    return p;
  }
  const fs::path& path() const { return path_; }

 private:
  fs::path path_;
};

std::map<std::string, std::string> as_map(const RunPlan& plan) {
  std::map<std::string, std::string> m;
  for (const EnvironmentChange& c : plan.environment) m[c.name] = c.value;
  return m;
}

TEST(PreloadWith, PrependsKeepsOthersAndSanitizersFirstWithoutDuplicates) {
  EXPECT_EQ(preload_with("/l/libgpuswap.so", nullptr), "/l/libgpuswap.so");
  EXPECT_EQ(preload_with("/l/libgpuswap.so", ""), "/l/libgpuswap.so");
  EXPECT_EQ(preload_with("/l/libgpuswap.so", "/x/liba.so /y/libb.so"),
            "/l/libgpuswap.so:/x/liba.so:/y/libb.so");
  EXPECT_EQ(preload_with("/l/libgpuswap.so", "/x/liba.so:/l/libgpuswap.so"),
            "/l/libgpuswap.so:/x/liba.so");
  EXPECT_EQ(preload_with("/l/libgpuswap.so", "/x/liba.so:/usr/lib/libasan.so.8"),
            "/usr/lib/libasan.so.8:/l/libgpuswap.so:/x/liba.so");
}

TEST(PlanRun, SetsPreloadConfigTraceAndLogWithAbsolutePaths) {
  ScratchDir dir;
  const fs::path config = dir.write("policy.yaml", "device_budget: 1GiB\n");
  RunOptions options;
  options.config = config.string();
  options.trace = "relative/trace.jsonl";
  options.trace_level = "full";
  options.log = "debug";
  options.command = {"env"};
  const RunPlan plan = plan_run(options, "/l/libgpuswap.so", "/x/liba.so", nullptr);
  ASSERT_TRUE(plan.ok()) << plan.error;
  const auto env = as_map(plan);
  EXPECT_EQ(env.at("LD_PRELOAD"), "/l/libgpuswap.so:/x/liba.so");
  EXPECT_EQ(env.at("GPUSWAP_CONFIG"), config.string());
  EXPECT_EQ(env.at("GPUSWAP_TRACE"), (fs::current_path() / "relative/trace.jsonl").string());
  EXPECT_EQ(env.at("GPUSWAP_TRACE_LEVEL"), "full");
  EXPECT_EQ(env.at("GPUSWAP_LOG"), "debug");
}

TEST(PlanRun, OnlyWhatWasAskedForIsSet) {
  RunOptions options;
  options.command = {"true"};
  const RunPlan plan = plan_run(options, "/l/libgpuswap.so", nullptr, nullptr);
  ASSERT_TRUE(plan.ok()) << plan.error;
  const auto env = as_map(plan);
  EXPECT_EQ(env.size(), 1u);
  EXPECT_EQ(env.at("LD_PRELOAD"), "/l/libgpuswap.so");
}

TEST(PlanRun, BadPolicyFileIsRefusedWithItsPositionUnlessValidationIsOff) {
  ScratchDir dir;
  const fs::path config = dir.write("bad.yaml", "policy: lru\ndevice_budget: lots\n");
  RunOptions options;
  options.config = config.string();
  options.command = {"true"};
  const RunPlan plan = plan_run(options, "/l/libgpuswap.so", nullptr, nullptr);
  EXPECT_FALSE(plan.ok());
  EXPECT_EQ(plan.error.rfind(config.string() + ":2:", 0), 0u) << plan.error;
  EXPECT_NE(plan.error.find("device_budget"), std::string::npos) << plan.error;

  // The file named by the environment is checked too.
  options.config.reset();
  const RunPlan from_env = plan_run(options, "/l/libgpuswap.so", nullptr, config.c_str());
  EXPECT_FALSE(from_env.ok());

  options.config = config.string();
  options.validate = false;
  EXPECT_TRUE(plan_run(options, "/l/libgpuswap.so", nullptr, nullptr).ok());
}

TEST(PlanRun, BadLevelsAndNoCommandAreRefused) {
  RunOptions options;
  EXPECT_NE(plan_run(options, "/l.so", nullptr, nullptr).error.find("no command"),
            std::string::npos);
  options.command = {"true"};
  options.log = "loud";
  EXPECT_NE(plan_run(options, "/l.so", nullptr, nullptr).error.find("--log loud"),
            std::string::npos);
  options.log.reset();
  options.trace_level = "everything";
  EXPECT_NE(plan_run(options, "/l.so", nullptr, nullptr).error.find("--trace-level"),
            std::string::npos);
}

TEST(LocateLibrary, EnvironmentThenBesideThenBuildTreeThenInstalled) {
  ScratchDir dir;
  const std::string exe = (dir.path() / "bin" / "gpuswap").string();
  // Nothing there: an error that lists where it looked.
  LibraryLocation none = locate_library(exe, nullptr);
  EXPECT_TRUE(none.path.empty());
  EXPECT_EQ(none.searched.size(), 3u);
  EXPECT_NE(none.error.find("GPUSWAP_LIBRARY"), std::string::npos);

  const fs::path installed = dir.write("lib/libgpuswap.so", "x");
  EXPECT_EQ(locate_library(exe, nullptr).path, installed.string());
  const fs::path build_tree = dir.write("interpose/libgpuswap.so", "x");
  EXPECT_EQ(locate_library(exe, nullptr).path, build_tree.string());
  const fs::path beside = dir.write("bin/libgpuswap.so", "x");
  EXPECT_EQ(locate_library(exe, nullptr).path, beside.string());
  const fs::path chosen = dir.write("elsewhere/custom.so", "x");
  EXPECT_EQ(locate_library(exe, chosen.c_str()).path, chosen.string());
  const LibraryLocation missing = locate_library(exe, "/nonexistent/libgpuswap.so");
  EXPECT_TRUE(missing.path.empty());
  EXPECT_NE(missing.error.find("/nonexistent/libgpuswap.so"), std::string::npos);
}

}  // namespace
}  // namespace gpuswap::tools
