// `gpuswap` as a user runs it: run (environment, exit status, bad policy
// file), log summary and log chrome on hand-written traces, bad input,
// doctor on cudasim.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "json_value.h"

namespace gpuswap::tools {
namespace {

namespace fs = std::filesystem;

// What LD_PRELOAD holds before gpuswap adds to it: in a sanitizer build the
// sanitizer's runtime, without which the instrumented library cannot load
// into an uninstrumented program.
std::string preload_before(const std::string& rest = "") {
  std::string value = GPUSWAP_SANITIZER_RUNTIME;
  if (!rest.empty()) value += (value.empty() ? "" : ":") + rest;
  return value;
}
std::string sanitizer_prefix() {
  const std::string runtime = GPUSWAP_SANITIZER_RUNTIME;
  return runtime.empty() ? runtime : runtime + ":";
}

struct Outcome {
  int status = -1;
  std::string out, err;
};

class CliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("gpuswap_cli_" + std::to_string(getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  fs::path write(const std::string& name, const std::string& text) const {
    std::ofstream(dir_ / name) << text;
    return dir_ / name;
  }
  static std::string slurp(const fs::path& path) {
    std::ifstream in(path);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
  }

  // Runs gpuswap with `args`; `set` and `unset` adjust its environment.
  Outcome gpuswap(const std::vector<std::string>& args,
                  const std::vector<std::pair<std::string, std::string>>& set = {},
                  const std::vector<std::string>& unset = {"GPUSWAP_LIBRARY", "LD_PRELOAD",
                                                           "GPUSWAP_CONFIG"}) const {
    const fs::path out = dir_ / "stdout.txt", err = dir_ / "stderr.txt";
    const pid_t pid = fork();
    if (pid == 0) {
      for (const std::string& name : unset) unsetenv(name.c_str());
      if (!sanitizer_prefix().empty()) {
        // The commands gpuswap starts (sh) are not instrumented: their leaks
        // are not ours to report.
        setenv("LD_PRELOAD", GPUSWAP_SANITIZER_RUNTIME, 1);
        setenv("ASAN_OPTIONS", "detect_leaks=0", 1);
      }
      for (const auto& [name, value] : set) setenv(name.c_str(), value.c_str(), 1);
      const int o = open(out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
      const int e = open(err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
      dup2(o, 1);
      dup2(e, 2);
      chdir(dir_.c_str());
      std::vector<char*> argv{const_cast<char*>(GPUSWAP_CLI)};
      for (const std::string& a : args) argv.push_back(const_cast<char*>(a.c_str()));
      argv.push_back(nullptr);
      execv(GPUSWAP_CLI, argv.data());
      _exit(99);
    }
    int status = 0;
    waitpid(pid, &status, 0);
    Outcome outcome;
    outcome.status = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    outcome.out = slurp(out);
    outcome.err = slurp(err);
    return outcome;
  }

  fs::path dir_;
};

const std::pair<std::string, std::string> kStubLibrary{"GPUSWAP_LIBRARY",
                                                       GPUSWAP_TEST_PRELOAD_LIBRARY};

TEST_F(CliTest, RunSetsTheEnvironmentAndPassesTheExitStatusThrough) {
  const fs::path config = write("policy.yaml", "device_budget: 512MiB\nlog:\n  level: info\n");
  const Outcome r =
      gpuswap({"run", "--config", "policy.yaml", "--trace", "t.jsonl", "--trace-level", "full",
               "--log", "debug", "--", "sh", "-c",
               "printf '%s\\n' \"$LD_PRELOAD\" \"$GPUSWAP_CONFIG\" \"$GPUSWAP_TRACE\" "
               "\"$GPUSWAP_TRACE_LEVEL\" \"$GPUSWAP_LOG\" \"$1\"; exit 42",
               "sh", "--not-an-option-of-gpuswap"},
              {kStubLibrary, {"LD_PRELOAD", preload_before("/nonexistent/libother.so")}});
  EXPECT_EQ(r.status, 42) << r.err;
  std::istringstream lines(r.out);
  std::vector<std::string> got;
  for (std::string line; std::getline(lines, line);) got.push_back(line);
  ASSERT_EQ(got.size(), 6u) << r.out << r.err;
  EXPECT_EQ(got[0],
            sanitizer_prefix() + GPUSWAP_TEST_PRELOAD_LIBRARY + ":/nonexistent/libother.so");
  EXPECT_EQ(got[1], config.string());
  EXPECT_EQ(got[2], (dir_ / "t.jsonl").string());
  EXPECT_EQ(got[3], "full");
  EXPECT_EQ(got[4], "debug");
  EXPECT_EQ(got[5], "--not-an-option-of-gpuswap");
}

TEST_F(CliTest, RunFindsTheLibraryInTheBuildTree) {
  const Outcome r = gpuswap({"run", "--", "sh", "-c", "printf %s \"$LD_PRELOAD\""},
                            {{"LD_PRELOAD", preload_before()}});
  EXPECT_EQ(r.status, 0) << r.err;
  ASSERT_EQ(r.out.rfind(sanitizer_prefix(), 0), 0u) << r.out;
  EXPECT_EQ(fs::canonical(r.out.substr(sanitizer_prefix().size())),
            fs::canonical(GPUSWAP_BUILT_LIBRARY));
}

TEST_F(CliTest, RunRefusesABadPolicyFileWithItsPosition) {
  write("bad.yaml", "policy: lru\ndevice_budget: lots\n");
  const Outcome r =
      gpuswap({"run", "--config", "bad.yaml", "--", "sh", "-c", "echo ran"}, {kStubLibrary});
  EXPECT_EQ(r.status, 2);
  EXPECT_EQ(r.out, "");  // the command did not run
  EXPECT_NE(r.err.find("bad.yaml:2:"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("device_budget"), std::string::npos) << r.err;

  const Outcome unchecked =
      gpuswap({"run", "--no-validate", "--config", "bad.yaml", "--", "sh", "-c", "echo ran"},
              {kStubLibrary});
  EXPECT_EQ(unchecked.status, 0) << unchecked.err;
  EXPECT_EQ(unchecked.out, "ran\n");
}

TEST_F(CliTest, RunReportsAMissingCommandOrLibrary) {
  const Outcome missing = gpuswap({"run", "--", "no-such-command-gpuswap"}, {kStubLibrary});
  EXPECT_EQ(missing.status, 127);
  EXPECT_NE(missing.err.find("no-such-command-gpuswap"), std::string::npos);

  const Outcome no_library =
      gpuswap({"run", "--", "true"}, {{"GPUSWAP_LIBRARY", (dir_ / "none.so").string()}});
  EXPECT_EQ(no_library.status, 2);
  EXPECT_NE(no_library.err.find("none.so"), std::string::npos) << no_library.err;

  const Outcome usage = gpuswap({"run", "--log", "shouty", "--", "true"}, {kStubLibrary});
  EXPECT_EQ(usage.status, 2);
  EXPECT_NE(usage.err.find("shouty"), std::string::npos) << usage.err;
}

// A small trace whose figures are summed here, independently of the tool.
struct Rec {
  const char* ev;
  std::uint64_t t, region, bytes, dur;
};
const std::vector<Rec> kRecords = {
    {"alloc", 100, 1, 1 << 20, 0},          {"alloc", 200, 2, 2 << 20, 0},
    {"evict", 1000, 1, 1 << 20, 500'000},   {"evict", 2000, 2, 2 << 20, 1'000'000},
    {"restore", 5000, 1, 1 << 20, 250'000}, {"stall", 5000, 1, 0, 260'000},
    {"evict", 9000, 1, 1 << 20, 500'000},   {"oom", 9500, 0, 8 << 20, 0},
};

std::string trace_file_text(bool with_end) {
  std::string text =
      R"({"gpuswap_trace":1,"pid":77,"start":1700000000000000000,"level":"events","device":"sim","device_budget":4194304})"
      "\n";
  for (const Rec& r : kRecords) {
    text += "{\"t\":" + std::to_string(r.t) + ",\"ev\":\"" + r.ev +
            "\",\"region\":" + std::to_string(r.region) + ",\"bytes\":" + std::to_string(r.bytes) +
            ",\"dur\":" + std::to_string(r.dur) + ",\"stream\":0,\"reason\":\"budget\"}\n";
  }
  if (with_end)
    text += R"({"t":9999,"ev":"dropped","count":5})"
            "\n";
  return text;
}

TEST_F(CliTest, LogSummaryGivesTheTotals) {
  write("trace.jsonl", trace_file_text(true));
  std::uint64_t evict_bytes = 0, evict_ns = 0, restore_bytes = 0, restore_ns = 0, stall_ns = 0,
                evictions = 0, region1_evictions = 0;
  for (const Rec& r : kRecords) {
    const std::string ev = r.ev;
    if (ev == "evict") {
      evict_bytes += r.bytes;
      evict_ns += r.dur;
      ++evictions;
      region1_evictions += r.region == 1;
    }
    if (ev == "restore") {
      restore_bytes += r.bytes;
      restore_ns += r.dur;
    }
    if (ev == "stall") stall_ns += r.dur;
  }

  const Outcome json = gpuswap({"log", "summary", "--json", "trace.jsonl"});
  ASSERT_EQ(json.status, 0) << json.err;
  const JsonParseResult parsed = parse_json(json.out);
  ASSERT_TRUE(parsed.ok()) << parsed.error << "\n" << json.out;
  const JsonValue& s = parsed.value;
  EXPECT_EQ(s.find("evictions")->as_integer(), evictions);
  EXPECT_EQ(s.find("evict_bytes")->as_integer(), evict_bytes);
  EXPECT_EQ(s.find("restore_bytes")->as_integer(), restore_bytes);
  EXPECT_EQ(s.find("stall_ns")->as_integer(), stall_ns);
  EXPECT_EQ(s.find("ooms")->as_integer(), 1u);
  EXPECT_EQ(s.find("dropped")->as_integer(), 5u);
  EXPECT_NEAR(s.find("evict_bandwidth")->as_number(),
              static_cast<double>(evict_bytes) * 1e9 / static_cast<double>(evict_ns), 1e3);
  EXPECT_NEAR(s.find("restore_bandwidth")->as_number(),
              static_cast<double>(restore_bytes) * 1e9 / static_cast<double>(restore_ns), 1e3);
  EXPECT_TRUE(s.find("prefetch_hit_rate")->is_null());
  const JsonValue::Array& hottest = s.find("hottest_regions")->as_array();
  ASSERT_EQ(hottest.size(), 2u);
  EXPECT_EQ(hottest[0].find("region")->as_integer(), 1u);
  EXPECT_EQ(hottest[0].find("evictions")->as_integer(), region1_evictions);

  const Outcome table = gpuswap({"log", "summary", "trace.jsonl"});
  ASSERT_EQ(table.status, 0) << table.err;
  // 3 MiB + 1 MiB evicted in 2 ms: 2.10 GB/s.
  EXPECT_NE(table.out.find("3 evictions, 4.00 MiB in 2.000 ms, 2.10 GB/s"), std::string::npos)
      << table.out;
  EXPECT_NE(table.out.find("stall time             260.000 us in 1 stall"), std::string::npos)
      << table.out;
  EXPECT_NE(table.out.find("prefetch hit rate      n/a"), std::string::npos) << table.out;
  EXPECT_NE(table.out.find("no end record"), std::string::npos) << table.out;
}

TEST_F(CliTest, LogChromeWritesTraceEvents) {
  write("trace.jsonl", trace_file_text(false));
  const Outcome r = gpuswap({"log", "chrome", "trace.jsonl", "-o", "out.json"});
  ASSERT_EQ(r.status, 0) << r.err;
  const JsonParseResult parsed = parse_json(slurp(dir_ / "out.json"));
  ASSERT_TRUE(parsed.ok()) << parsed.error;
  int evicts = 0, restores = 0, counters = 0;
  for (const JsonValue& e : parsed.value.find("traceEvents")->as_array()) {
    const std::string& ph = e.find("ph")->as_string();
    if (ph == "X" && e.find("cat")->as_string() == "evict") ++evicts;
    if (ph == "X" && e.find("cat")->as_string() == "restore") ++restores;
    if (ph == "C") ++counters;
  }
  EXPECT_EQ(evicts, 3);
  EXPECT_EQ(restores, 1);
  EXPECT_GT(counters, 0);
}

TEST_F(CliTest, BadTraceFilesGiveAClearErrorNotACrash) {
  write("garbage.jsonl", "this is not a trace\n");
  write("nohead.jsonl", R"({"t":1,"ev":"evict"})"
                        "\n");
  write("bin.jsonl", std::string("\x7f"
                                 "ELF\0\0\x01\x02",
                                 8));
  for (const char* name : {"garbage.jsonl", "nohead.jsonl", "bin.jsonl", "missing.jsonl"}) {
    for (const char* sub : {"summary", "chrome"}) {
      std::vector<std::string> args = {"log", sub, name};
      if (std::string(sub) == "chrome") args.insert(args.end(), {"-o", "out.json"});
      const Outcome r = gpuswap(args);
      EXPECT_EQ(r.status, 2) << name << " " << sub << ": " << r.err;
      EXPECT_EQ(r.err.rfind(std::string("gpuswap: ") + name, 0), 0u) << r.err;
    }
  }
}

#ifdef GPUSWAP_HAVE_CUDASIM_DRIVER
TEST_F(CliTest, DoctorOnTheSoftwareDevice) {
  const Outcome r =
      gpuswap({"doctor"}, {{"LD_LIBRARY_PATH", CUDASIM_LIB_DIR}}, {"GPUSWAP_LIBRARY"});
  EXPECT_EQ(r.status, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("driver version         13.0"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("virtual memory management supported"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("cuFuncGetParamInfo     present"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("ready"), std::string::npos) << r.out;
  // The policy-file reader lies beside the library in the build tree.
  EXPECT_NE(r.out.find("libgpuswap_yaml.so"), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find("policy-file reader     missing"), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find("cannot be loaded"), std::string::npos) << r.out;
}

TEST_F(CliTest, DoctorSaysWhenThePolicyFileReaderCannotBeLoaded) {
  // A reader that is there but does not load (here: not an ELF file; on a
  // machine without yaml-cpp: a missing dependency) is told apart from a
  // missing one.
  const fs::path library = dir_ / "libgpuswap.so";
  fs::copy_file(GPUSWAP_BUILT_LIBRARY, library);
  write("libgpuswap_yaml.so", "not a shared object");
  const Outcome r = gpuswap(
      {"doctor"}, {{"LD_LIBRARY_PATH", CUDASIM_LIB_DIR}, {"GPUSWAP_LIBRARY", library.string()}});
  EXPECT_NE(r.out.find("policy-file reader     cannot be loaded: "), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("a policy file would not be read"), std::string::npos) << r.out;
}
#endif

}  // namespace
}  // namespace gpuswap::tools
