// Loads the driver as the CUDA runtime does, initialises it, then asks
// cuGetProcAddress for cuMemAlloc and prints which object the answer lives
// in: the shim when it is active, the driver when it passes through.
#include <cuda.h>
#include <dlfcn.h>

#include <cstdio>
#include <cstring>

int main() {
  void* driver = dlopen("libcuda.so.1", RTLD_NOW);
  if (driver == nullptr) return 2;
  auto get_proc =
      reinterpret_cast<decltype(&cuGetProcAddress_v2)>(dlsym(driver, "cuGetProcAddress_v2"));
  auto init = reinterpret_cast<decltype(&cuInit)>(dlsym(driver, "cuInit"));
  if (get_proc == nullptr || init == nullptr || init(0) != CUDA_SUCCESS) return 2;
  void* alloc = nullptr;
  if (get_proc("cuMemAlloc", &alloc, 13000, CU_GET_PROC_ADDRESS_DEFAULT, nullptr) != CUDA_SUCCESS) {
    return 2;
  }
  Dl_info info{};
  if (dladdr(alloc, &info) == 0 || info.dli_fname == nullptr) return 2;
  const char* slash = std::strrchr(info.dli_fname, '/');
  std::printf("cuMemAlloc from %s\n", slash != nullptr ? slash + 1 : info.dli_fname);
  return 0;
}
