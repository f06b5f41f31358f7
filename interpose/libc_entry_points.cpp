#include "libc_entry_points.h"

#include <dlfcn.h>
#include <pthread.h>

namespace gpuswap::interpose {
namespace {

constinit LibcEntryPoints g_libc{};
constinit pthread_once_t g_once = PTHREAD_ONCE_INIT;

GPUSWAP_UNINSTRUMENTED void* next_versioned(const char* name) {
  // GLIBC_2.2.5 is the node every x86-64 glibc has (libdl before 2.34, libc
  // after); 2.34 is the default node of newer ones and the only one on arm64.
  void* fn = dlvsym(RTLD_NEXT, name, "GLIBC_2.2.5");
  if (fn == nullptr) fn = dlvsym(RTLD_NEXT, name, "GLIBC_2.34");
  if (fn == nullptr) fn = dlvsym(RTLD_NEXT, name, "GLIBC_2.17");
  return fn;
}

GPUSWAP_UNINSTRUMENTED void resolve() {
  g_libc.dlsym = reinterpret_cast<decltype(g_libc.dlsym)>(next_versioned("dlsym"));
  g_libc.dlopen = reinterpret_cast<decltype(g_libc.dlopen)>(next_versioned("dlopen"));
}

}  // namespace

GPUSWAP_UNINSTRUMENTED const LibcEntryPoints& libc_entry_points() noexcept {
  pthread_once(&g_once, resolve);
  return g_libc;
}

}  // namespace gpuswap::interpose
