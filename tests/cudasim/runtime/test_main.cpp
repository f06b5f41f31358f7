// The emulated machine these tests assert against: two devices of 64 MiB.
// Set here rather than by ctest so that the executable run by hand tests the
// same machine, and before anything loads the driver (which reads them once).
#include <gtest/gtest.h>

#include <cstdlib>

int main(int argc, char** argv) {
  setenv("CUDASIM_DEVICES", "2", 1);
  setenv("CUDASIM_DEVICE_MEMORY", "64MiB", 1);
  ::testing::InitGoogleTest(&argc, argv);
  return RUN_ALL_TESTS();
}
