// Stands in for libgpuswap.so in `gpuswap run` tests: a library that loads
// into any program and changes nothing, so the tests see only what the
// command itself does.
extern "C" __attribute__((visibility("default"))) int gpuswap_test_preload_marker() {
  return 1;
}
