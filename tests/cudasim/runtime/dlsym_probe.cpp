// A preloadable library that watches how a program reaches the CUDA driver,
// the way an interposer does: it exports its own dlsym (shadowing glibc's for
// every caller), records each symbol name looked up, and wraps
// cuGetProcAddress_v2 to record every driver entry point asked for. For
// cuMemAlloc and cuLaunchKernel it hands out counting wrappers, so a test can
// tell that calls really went through the pointers cuGetProcAddress gave.
//
// Its definitions are unversioned, which binds them to callers' versioned
// references (dlsym@GLIBC_2.34 and dlsym@GLIBC_2.2.5 alike).
#include <cuda.h>
#include <dlfcn.h>

#include <atomic>
#include <cstring>

#include "dlsym_probe.h"

namespace {

using DlsymFn = void* (*)(void*, const char*);

// Fixed storage, no constructors: dlsym may be called before this library's
// static initialisers have run.
constexpr int kMaxNames = 4096;
constexpr int kNameLength = 96;

struct NameLog {
  char names[kMaxNames][kNameLength];
  std::atomic<int> count;
};

NameLog g_dlsym_names;
NameLog g_proc_names;
std::atomic<int> g_mem_alloc_calls{0};
std::atomic<int> g_launch_calls{0};
std::atomic<decltype(&cuGetProcAddress_v2)> g_real_get_proc{nullptr};
std::atomic<decltype(&cuMemAlloc_v2)> g_real_mem_alloc{nullptr};
std::atomic<decltype(&cuLaunchKernel)> g_real_launch{nullptr};

// dlsym's own path calls no libc string functions: a sanitizer runtime looks
// its real functions up with dlsym before its interceptors of those functions
// work.
void log_name(NameLog& log, const char* name) {
  if (name == nullptr) return;
  const int at = log.count.fetch_add(1);
  if (at >= kMaxNames) return;
  for (int i = 0; i < kNameLength - 1 && name[i] != '\0'; ++i) log.names[at][i] = name[i];
}

bool same_name(const char* a, const char* b) {
  while (*a != '\0' && *a == *b) ++a, ++b;
  return *a == *b;
}

DlsymFn real_dlsym() {
  static std::atomic<DlsymFn> real{nullptr};
  DlsymFn fn = real.load();
  if (fn == nullptr) {
    fn = reinterpret_cast<DlsymFn>(dlvsym(RTLD_NEXT, "dlsym", "GLIBC_2.34"));
    if (fn == nullptr) fn = reinterpret_cast<DlsymFn>(dlvsym(RTLD_NEXT, "dlsym", "GLIBC_2.2.5"));
    real.store(fn);
  }
  return fn;
}

CUresult counting_mem_alloc(CUdeviceptr* ptr, size_t size) {
  g_mem_alloc_calls.fetch_add(1);
  return g_real_mem_alloc.load()(ptr, size);
}

CUresult counting_launch(CUfunction f, unsigned gx, unsigned gy, unsigned gz, unsigned bx,
                         unsigned by, unsigned bz, unsigned shared, CUstream stream, void** params,
                         void** extra) {
  g_launch_calls.fetch_add(1);
  return g_real_launch.load()(f, gx, gy, gz, bx, by, bz, shared, stream, params, extra);
}

CUresult probe_get_proc(const char* symbol, void** pfn, int version, cuuint64_t flags,
                        CUdriverProcAddressQueryResult* status) {
  log_name(g_proc_names, symbol);
  const CUresult r = g_real_get_proc.load()(symbol, pfn, version, flags, status);
  if (r != CUDA_SUCCESS || symbol == nullptr || pfn == nullptr || *pfn == nullptr) return r;
  if (std::strcmp(symbol, "cuMemAlloc") == 0) {
    g_real_mem_alloc.store(reinterpret_cast<decltype(&cuMemAlloc_v2)>(*pfn));
    *pfn = reinterpret_cast<void*>(&counting_mem_alloc);
  } else if (std::strcmp(symbol, "cuLaunchKernel") == 0) {
    g_real_launch.store(reinterpret_cast<decltype(&cuLaunchKernel)>(*pfn));
    *pfn = reinterpret_cast<void*>(&counting_launch);
  }
  return r;
}

int copy_names(const NameLog& log, const char* const** names) {
  static const char* views[kMaxNames];
  const int count = log.count.load() < kMaxNames ? log.count.load() : kMaxNames;
  for (int i = 0; i < count; ++i) views[i] = log.names[i];
  *names = views;
  return count;
}

}  // namespace

extern "C" __attribute__((visibility("default"))) void* dlsym(void* handle, const char* name) {
  log_name(g_dlsym_names, name);
  void* fn = real_dlsym()(handle, name);
  if (fn != nullptr && same_name(name, "cuGetProcAddress_v2")) {
    g_real_get_proc.store(reinterpret_cast<decltype(&cuGetProcAddress_v2)>(fn));
    return reinterpret_cast<void*>(&probe_get_proc);
  }
  return fn;
}

extern "C" __attribute__((visibility("default"))) int dlsymProbeNames(const char* const** names) {
  return copy_names(g_dlsym_names, names);
}

extern "C" __attribute__((visibility("default"))) int dlsymProbeProcNames(
    const char* const** names) {
  return copy_names(g_proc_names, names);
}

extern "C" __attribute__((visibility("default"))) int dlsymProbeMemAllocCalls() {
  return g_mem_alloc_calls.load();
}

extern "C" __attribute__((visibility("default"))) int dlsymProbeLaunchCalls() {
  return g_launch_calls.load();
}
