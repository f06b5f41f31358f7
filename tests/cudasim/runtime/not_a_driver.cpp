// A libcuda.so.1 that is not a CUDA driver (no cuGetProcAddress_v2), as a
// stub or a wrong library on the search path would be.
extern "C" __attribute__((visibility("default"))) int cuInit(unsigned int) {
  return 0;
}
