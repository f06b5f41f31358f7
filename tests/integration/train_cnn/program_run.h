// Runs a program to completion with extra environment variables and captures
// what a test needs to judge it: how it ended, and everything it printed.
#pragma once

#include <map>
#include <string>
#include <vector>

namespace train_cnn_test {

struct ProgramRun {
  bool exited = false;  // ended by exit(), not by a signal
  int exit_code = -1;   // valid when exited
  int signal = 0;       // valid when !exited
  std::string out;
  std::string err;
};

// `env` entries are added to (or replace those of) this process's environment.
ProgramRun run_program(const std::string& path, const std::vector<std::string>& args,
                       const std::map<std::string, std::string>& env);

}  // namespace train_cnn_test
