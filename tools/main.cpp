// The gpuswap command: run a program under the shim, read its swap trace, and
// check what the machine offers (README, "Using gpuswap"; docs/swap-log.md).
#include <CLI/CLI.hpp>

#include <cstdio>
#include <cstdlib>
#include <fstream>

#include "chrome_trace.h"
#include "doctor.h"
#include "library_locator.h"
#include "run_command.h"
#include "trace_file.h"
#include "trace_summary.h"

namespace {

using namespace gpuswap::tools;

// Usage mistakes and unusable input exit with this status (as `gpuswap run`
// does for a bad policy file).
constexpr int kUsageError = 2;

int run(const RunOptions& options) {
  const LibraryLocation library =
      locate_library(current_executable(), std::getenv("GPUSWAP_LIBRARY"));
  if (library.path.empty()) {
    std::fprintf(stderr, "gpuswap: %s\n", library.error.c_str());
    return kUsageError;
  }
  const RunPlan plan =
      plan_run(options, library.path, std::getenv("LD_PRELOAD"), std::getenv("GPUSWAP_CONFIG"));
  if (!plan.ok()) {
    std::fprintf(stderr, "gpuswap: %s\n", plan.error.c_str());
    return kUsageError;
  }
  return exec_plan(plan, options.command);
}

int summary(const std::string& path, bool json) {
  const TraceReadResult read = read_trace_file(path);
  if (!read.ok()) {
    std::fprintf(stderr, "gpuswap: %s\n", read.error.c_str());
    return kUsageError;
  }
  const TraceSummary s = summarize(read.trace);
  const std::string text =
      json ? format_summary_json(s) : format_summary_table(s, read.trace, path);
  std::fwrite(text.data(), 1, text.size(), stdout);
  return 0;
}

int chrome(const std::string& path, const std::string& output) {
  const TraceReadResult read = read_trace_file(path);
  if (!read.ok()) {
    std::fprintf(stderr, "gpuswap: %s\n", read.error.c_str());
    return kUsageError;
  }
  const std::string text = to_chrome_trace(read.trace);
  std::ofstream out(output, std::ios::binary | std::ios::trunc);
  out << text;
  out.close();
  if (!out) {
    std::fprintf(stderr, "gpuswap: cannot write %s\n", output.c_str());
    return 1;
  }
  return 0;
}

int doctor() {
  const LibraryLocation library =
      locate_library(current_executable(), std::getenv("GPUSWAP_LIBRARY"));
  const DoctorReport report = run_doctor(library.path, library.error);
  std::fwrite(report.text.data(), 1, report.text.size(), stdout);
  return report.ready ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"gpuswap: run CUDA programs with more device memory than the device has", "gpuswap"};
  app.require_subcommand(1);

  RunOptions options;
  std::string config, trace, trace_level, log_level;
  bool no_validate = false;
  CLI::App* run_cmd = app.add_subcommand("run", "run a command with libgpuswap.so preloaded");
  run_cmd->add_option("--config", config, "policy file (GPUSWAP_CONFIG); validated first");
  run_cmd->add_option("--trace", trace, "write the swap trace to this file (GPUSWAP_TRACE)");
  run_cmd->add_option("--trace-level", trace_level,
                      "summary, events or full (GPUSWAP_TRACE_LEVEL)");
  run_cmd->add_option("--log", log_level, "trace, debug, info, warn, error or off (GPUSWAP_LOG)");
  run_cmd->add_flag("--no-validate", no_validate, "do not check the policy file first");
  run_cmd->add_option("command", options.command, "the command and its arguments, after --")
      ->required();

  CLI::App* log_cmd = app.add_subcommand("log", "read a swap trace");
  log_cmd->require_subcommand(1);
  std::string trace_path, output;
  bool json = false;
  CLI::App* summary_cmd = log_cmd->add_subcommand("summary", "bytes moved, bandwidth, stalls");
  summary_cmd->add_option("trace", trace_path, "the trace file")->required();
  summary_cmd->add_flag("--json", json, "one JSON object instead of a table");
  CLI::App* chrome_cmd =
      log_cmd->add_subcommand("chrome", "export to the Chrome trace-event format (Perfetto)");
  chrome_cmd->add_option("trace", trace_path, "the trace file")->required();
  chrome_cmd->add_option("-o,--output", output, "the JSON file to write")->required();

  CLI::App* doctor_cmd = app.add_subcommand("doctor", "what this machine offers gpuswap");

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e);
    return code == 0 ? 0 : kUsageError;
  }

  if (run_cmd->parsed()) {
    if (run_cmd->count("--config") != 0) options.config = config;
    if (run_cmd->count("--trace") != 0) options.trace = trace;
    if (run_cmd->count("--trace-level") != 0) options.trace_level = trace_level;
    if (run_cmd->count("--log") != 0) options.log = log_level;
    options.validate = !no_validate;
    return run(options);
  }
  if (summary_cmd->parsed()) return summary(trace_path, json);
  if (chrome_cmd->parsed()) return chrome(trace_path, output);
  if (doctor_cmd->parsed()) return doctor();
  return kUsageError;
}
