// main() of the driver test executables: sets the emulated device's
// configuration (CUDASIM_TEST_ENVIRONMENT, "NAME=value,NAME=value") before any
// test calls cuInit, since ctest passes only one variable through to
// discovered tests.
#include <gtest/gtest.h>

#include <cstdlib>
#include <sstream>
#include <string>

int main(int argc, char** argv) {
  std::stringstream settings(CUDASIM_TEST_ENVIRONMENT);
  std::string item;
  while (std::getline(settings, item, ',')) {
    const auto eq = item.find('=');
    if (eq != std::string::npos) setenv(item.substr(0, eq).c_str(), item.substr(eq + 1).c_str(), 1);
  }
  ::testing::InitGoogleTest(&argc, argv);
  return RUN_ALL_TESTS();
}
