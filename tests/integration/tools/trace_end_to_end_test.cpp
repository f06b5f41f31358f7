// The demo trainer under `gpuswap run` with a budget smaller than its
// working set: the runtime's trace is complete and consistent, and the
// command's summary and Chrome export agree with it.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "chrome_trace.h"
#include "json_value.h"
#include "trace_file.h"

namespace gpuswap::tools {
namespace {

namespace fs = std::filesystem;

std::string slurp(const fs::path& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

int shell(const std::string& command) {
  const int status = std::system(command.c_str());
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

class TraceEndToEnd : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("gpuswap_trace_e2e_" + std::to_string(getpid()));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  fs::path dir_;
};

constexpr std::uint64_t kBudget = 12ull << 20;

TEST_F(TraceEndToEnd, TightBudgetRunWritesACompleteTraceThatTheCommandReads) {
  std::ofstream(dir_ / "tight.yaml") << "device_budget: 12MiB\nmin_swappable: 64KiB\n";
  const std::string sanitizer = GPUSWAP_SANITIZER_RUNTIME;
  // In a sanitizer build libgpuswap.so needs the sanitizer's runtime loaded
  // first; leaks are other tests' business.
  const std::string environment =
      sanitizer.empty()
          ? "env -u GPUSWAP_LIBRARY -u LD_PRELOAD "
          : "env -u GPUSWAP_LIBRARY ASAN_OPTIONS=detect_leaks=0 LD_PRELOAD=" + sanitizer + " ";
  const std::string run = "cd " + dir_.string() + " && " + environment + GPUSWAP_CLI +
                          " run --config tight.yaml --trace t.jsonl --trace-level full -- " +
                          TRAIN_CNN_PATH + " --steps 2 > out.txt 2> err.txt";
  ASSERT_EQ(shell(run), 0) << slurp(dir_ / "out.txt") << slurp(dir_ / "err.txt");

  const TraceReadResult read = read_trace_file((dir_ / "t.jsonl").string());
  ASSERT_TRUE(read.ok()) << read.error;
  const TraceFile& trace = read.trace;
  ASSERT_TRUE(trace.end.has_value()) << "the trace was not closed at exit";
  EXPECT_EQ(trace.level, "full");
  EXPECT_EQ(trace.device_budget, kBudget);
  EXPECT_EQ(trace.end->dropped, 0u);

  // With nothing dropped, the records add up to the totals the runtime kept.
  runtime::TraceTotals sums;
  for (const TraceRecord& e : trace.events) {
    const auto k = static_cast<std::size_t>(e.kind);
    ++sums.count[k];
    sums.bytes[k] += e.bytes;
    sums.duration_ns[k] += e.dur;
  }
  for (const runtime::TraceKind kind :
       {runtime::TraceKind::evict, runtime::TraceKind::restore, runtime::TraceKind::alloc,
        runtime::TraceKind::free, runtime::TraceKind::stall}) {
    const auto k = static_cast<std::size_t>(kind);
    SCOPED_TRACE(std::string(runtime::to_string(kind)));
    EXPECT_EQ(sums.count[k], trace.end->totals.count[k]);
    EXPECT_EQ(sums.bytes[k], trace.end->totals.bytes[k]);
    EXPECT_EQ(sums.duration_ns[k], trace.end->totals.duration_ns[k]);
  }
  const auto evict = static_cast<std::size_t>(runtime::TraceKind::evict);
  const auto restore = static_cast<std::size_t>(runtime::TraceKind::restore);
  EXPECT_GT(sums.count[evict], 0u) << "the budget should have forced evictions";
  EXPECT_GT(sums.count[restore], 0u);
  EXPECT_GT(sums.duration_ns[evict], 0u);

  // The summary reports the same figures.
  ASSERT_EQ(shell(std::string(GPUSWAP_CLI) + " log summary --json " + (dir_ / "t.jsonl").string() +
                  " > " + (dir_ / "summary.json").string()),
            0);
  const JsonParseResult summary = parse_json(slurp(dir_ / "summary.json"));
  ASSERT_TRUE(summary.ok()) << summary.error;
  EXPECT_EQ(summary.value.find("evict_bytes")->as_integer(), sums.bytes[evict]);
  EXPECT_EQ(summary.value.find("evictions")->as_integer(), sums.count[evict]);
  EXPECT_TRUE(summary.value.find("complete")->as_bool());

  // Resident bytes, as the export derives them, never exceed the budget.
  const JsonParseResult chrome = parse_json(to_chrome_trace(trace));
  ASSERT_TRUE(chrome.ok()) << chrome.error;
  std::uint64_t peak = 0, counters = 0;
  for (const JsonValue& e : chrome.value.find("traceEvents")->as_array()) {
    if (e.find("ph")->as_string() != "C") continue;
    ++counters;
    peak = std::max(peak, e.find("args")->find("bytes")->as_integer());
  }
  EXPECT_GT(counters, 0u);
  EXPECT_GT(peak, 0u);
  EXPECT_LE(peak, kBudget);
}

}  // namespace
}  // namespace gpuswap::tools
