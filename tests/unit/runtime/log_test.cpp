// The subsystem loggers: prefix, level filtering, per-subsystem levels.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>

#include "gpuswap/runtime/log.h"

namespace gpuswap::runtime::log {
namespace {

// Sends stderr to a file for the lifetime of the object.
class StderrCapture {
 public:
  StderrCapture() {
    std::fflush(stderr);
    path_ = "/tmp/gpuswap_log_test_" + std::to_string(getpid()) + ".txt";
    saved_ = dup(2);
    std::FILE* file = std::fopen(path_.c_str(), "w");
    dup2(fileno(file), 2);
    std::fclose(file);
  }
  ~StderrCapture() { restore(); }
  std::string text() {
    restore();
    std::ifstream in(path_);
    std::stringstream all;
    all << in.rdbuf();
    std::remove(path_.c_str());
    return all.str();
  }

 private:
  void restore() {
    if (saved_ < 0) return;
    std::fflush(stderr);
    dup2(saved_, 2);
    close(saved_);
    saved_ = -1;
  }
  std::string path_;
  int saved_ = -1;
};

class LogTest : public ::testing::Test {
 protected:
  void TearDown() override { apply_log_config(config::Config{}); }
};

TEST_F(LogTest, DefaultLevelIsWarn) {
  EXPECT_TRUE(enabled(Subsystem::runtime, config::LogLevel::warn));
  EXPECT_TRUE(enabled(Subsystem::pcie, config::LogLevel::error));
  EXPECT_FALSE(enabled(Subsystem::runtime, config::LogLevel::info));
  EXPECT_FALSE(enabled(Subsystem::runtime, config::LogLevel::off));
}

TEST_F(LogTest, LinesCarryPidSubsystemAndLevelAndRespectTheLevel) {
  config::Config cfg;
  cfg.log.level = config::LogLevel::info;
  apply_log_config(cfg);
  set_level(Subsystem::policy, config::LogLevel::error);
  StderrCapture capture;
  info(Subsystem::runtime, "evicted {} bytes of region {}", 4096, 7);
  debug(Subsystem::runtime, "not shown {}", 1);
  warn(Subsystem::policy, "not shown either");
  error(Subsystem::policy, "policy {}", "failed");
  info(Subsystem::pcie, "link {}", "ok");
  const std::string text = capture.text();
  const std::string pid = std::to_string(getpid());
  EXPECT_NE(text.find("gpuswap[" + pid + "] runtime info: evicted 4096 bytes of region 7\n"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("gpuswap[" + pid + "] policy error: policy failed\n"), std::string::npos)
      << text;
  EXPECT_NE(text.find("gpuswap[" + pid + "] pcie info: link ok\n"), std::string::npos) << text;
  EXPECT_EQ(text.find("not shown"), std::string::npos) << text;
  EXPECT_EQ(level(Subsystem::policy), config::LogLevel::error);
  EXPECT_EQ(level(Subsystem::interpose), config::LogLevel::info);
}

TEST_F(LogTest, OffSilencesEverything) {
  config::Config cfg;
  cfg.log.level = config::LogLevel::off;
  apply_log_config(cfg);
  StderrCapture capture;
  error(Subsystem::interpose, "silent");
  write(Subsystem::interpose, config::LogLevel::error, "silent too");
  EXPECT_EQ(capture.text(), "");
}

}  // namespace
}  // namespace gpuswap::runtime::log
