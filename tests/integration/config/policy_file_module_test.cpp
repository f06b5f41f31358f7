// The policy file under the preloaded libgpuswap.so, whose YAML parser is
// the libgpuswap_yaml.so module beside it: found wherever the library was
// copied to, and when it is missing, a bad-file answer (one line naming the
// module path tried, then pass-through, or a stop with strict: true).
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <vector>

#include "child_process.h"

namespace gpuswap::testing {
namespace {

namespace fs = std::filesystem;

class PolicyFileModule : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("gpuswap-policy-module-" + std::to_string(::getpid()));
    fs::create_directories(dir_ / "alone");
    fs::create_directories(dir_ / "both");
    fs::copy_file(GPUSWAP_LIBRARY, dir_ / "alone" / "libgpuswap.so");
    fs::copy_file(GPUSWAP_LIBRARY, dir_ / "both" / "libgpuswap.so");
    fs::copy_file(GPUSWAP_YAML_MODULE, dir_ / "both" / "libgpuswap_yaml.so");
  }
  void TearDown() override { fs::remove_all(dir_); }

  std::string policy(const std::string& yaml) {
    const fs::path path = dir_ / ("policy-" + std::to_string(files_++) + ".yaml");
    std::ofstream(path) << yaml;
    return path.string();
  }

  // The program under the copy of the shim in `copy` ("alone" or "both").
  ChildResult run(const std::string& copy, const std::string& policy_path) {
    std::string preload = GPUSWAP_SANITIZER_PRELOAD;
    if (!preload.empty()) preload += ":";
    preload += (dir_ / copy / "libgpuswap.so").string();
    return run_child({GPUSWAP_POLICY_PROGRAM}, {{"LD_LIBRARY_PATH", CUDASIM_LIB_DIR},
                                                {"CUDASIM_DEVICE_MEMORY", "32MiB"},
                                                {"LD_PRELOAD", preload},
                                                {"GPUSWAP_CONFIG", policy_path}});
  }

  std::string module_tried(const std::string& copy) const {
    return (dir_ / copy / "libgpuswap_yaml.so").string();
  }

  fs::path dir_;
  int files_ = 0;
};

// The runtime's exit summary is an info line: it shows only when the file's
// log level took effect (the default is warn) and the runtime ran.
constexpr const char* kSummary = "swapped: ";

TEST_F(PolicyFileModule, BesideTheLibraryTheFileTakesEffect) {
  const ChildResult result = run("both", policy("device_reserve: 0\nlog:\n  level: info\n"));
  EXPECT_EQ(result.exit_code, 0) << result.out << result.err;
  EXPECT_EQ(lines_containing(result.out, "ok").size(), 1u) << result.out;
  EXPECT_EQ(lines_containing(result.err, kSummary).size(), 1u) << result.err;
  EXPECT_TRUE(lines_containing(result.err, "YAML module").empty()) << result.err;

  // The same run with the file's level left at its default: no summary, so
  // the line above came from the file.
  const ChildResult quiet = run("both", policy("device_reserve: 0\n"));
  EXPECT_EQ(quiet.exit_code, 0) << quiet.out << quiet.err;
  EXPECT_TRUE(lines_containing(quiet.err, kSummary).empty()) << quiet.err;
}

TEST_F(PolicyFileModule, WithoutTheModuleOneLineNamesItAndCallsPassThrough) {
  const std::string file = policy("device_reserve: 0\nlog:\n  level: info\n");
  const ChildResult result = run("alone", file);
  EXPECT_EQ(result.exit_code, 0) << result.out << result.err;
  EXPECT_EQ(lines_containing(result.out, "ok").size(), 1u) << result.out;
  const std::vector<std::string> lines = lines_containing(result.err, "YAML module");
  ASSERT_EQ(lines.size(), 1u) << result.err;
  EXPECT_NE(lines[0].find(file), std::string::npos) << lines[0];
  EXPECT_NE(lines[0].find(module_tried("alone")), std::string::npos) << lines[0];
  EXPECT_EQ(lines_containing(result.err, "passing every call through").size(), 1u) << result.err;
  EXPECT_TRUE(lines_containing(result.err, kSummary).empty()) << "no runtime, no summary";
}

TEST_F(PolicyFileModule, WithoutTheModuleStrictStopsTheJob) {
  const ChildResult result = run("alone", policy("device_reserve: 0\nstrict: true\n"));
  EXPECT_EQ(result.exit_code, 1) << result.out << result.err;
  EXPECT_TRUE(lines_containing(result.out, "ok").empty()) << result.out;
  const std::vector<std::string> lines = lines_containing(result.err, "YAML module");
  ASSERT_EQ(lines.size(), 1u) << result.err;
  EXPECT_NE(lines[0].find(module_tried("alone")), std::string::npos) << lines[0];
  EXPECT_EQ(lines_containing(result.err, "strict: true, so the job stops here").size(), 1u)
      << result.err;
}

}  // namespace
}  // namespace gpuswap::testing
