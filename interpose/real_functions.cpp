#include "real_functions.h"

#include <dlfcn.h>
#include <pthread.h>

#include <array>
#include <cstring>

#include "libc_entry_points.h"

namespace gpuswap::interpose::real {

constinit std::array<void*, kHookCount> detail::g_table{};

namespace {

using detail::g_table;

constexpr const char* kDriverSoname = "libcuda.so.1";
constexpr const char* kCudnnSoname = "libcudnn.so.9";
constexpr const char* kCublasSoname = "libcublas.so.13";

constinit DriverLoad g_driver{};
constinit void* g_driver_handle = nullptr;
constinit DriverExtras g_driver_extras{};
constinit CudnnExtras g_cudnn_extras{};
constinit CublasExtras g_cublas_extras{};
constinit char g_driver_error[256] = {};
constinit pthread_once_t g_driver_once = PTHREAD_ONCE_INIT;
constinit pthread_once_t g_cudnn_once = PTHREAD_ONCE_INIT;
constinit pthread_once_t g_cublas_once = PTHREAD_ONCE_INIT;
constinit thread_local bool t_loading = false;

class LoadingScope {
 public:
  LoadingScope() { t_loading = true; }
  ~LoadingScope() { t_loading = false; }
  LoadingScope(const LoadingScope&) = delete;
  LoadingScope& operator=(const LoadingScope&) = delete;
};

void* open_library(const char* soname) {
  const LibcEntryPoints& libc = libc_entry_points();
  void* handle = libc.dlopen(soname, RTLD_NOW | RTLD_NOLOAD);
  if (handle == nullptr) handle = libc.dlopen(soname, RTLD_NOW);
  return handle;
}

// Library symbols are versioned; an unversioned lookup on the handle returns
// the default version, which is what the application's references bind to.
// RTLD_NEXT covers a library that is already loaded under another soname.
void* find(void* handle, const char* name) {
  const LibcEntryPoints& libc = libc_entry_points();
  void* fn = handle != nullptr ? libc.dlsym(handle, name) : nullptr;
  if (fn == nullptr) fn = libc.dlsym(RTLD_NEXT, name);
  return fn;
}

template <typename T>
void resolve_into(void* handle, const char* name, T& slot) {
  slot = reinterpret_cast<T>(find(handle, name));
}

void fill_table(Library library, void* handle) {
  for (std::size_t i = 0; i < kHookCount; ++i) {
    if (kHooks[i].library != library) continue;
    // string_views in kHooks come from string literals, so they are terminated.
    g_table[i] = find(handle, kHooks[i].name.data());
  }
}

void load_driver_once() {
  LoadingScope loading;
  void* handle = open_library(kDriverSoname);
  if (handle == nullptr) {
    const char* why = dlerror();
    std::strncpy(g_driver_error, why != nullptr ? why : "not found", sizeof(g_driver_error) - 1);
    g_driver.error = g_driver_error;
    return;
  }
  g_driver_handle = handle;
  // Only the driver's own handle: RTLD_NEXT would find the shim's neighbours.
  const LibcEntryPoints& libc = libc_entry_points();
  for (std::size_t i = 0; i < kHookCount; ++i) {
    if (kHooks[i].library == Library::driver)
      g_table[i] = libc.dlsym(handle, kHooks[i].name.data());
  }
  auto get = [&](const char* name) { return libc.dlsym(handle, name); };
  g_driver_extras.cuDriverGetVersion =
      reinterpret_cast<decltype(&::cuDriverGetVersion)>(get("cuDriverGetVersion"));
  g_driver_extras.cuDeviceGetCount =
      reinterpret_cast<decltype(&::cuDeviceGetCount)>(get("cuDeviceGetCount"));
  g_driver_extras.cuDeviceGet = reinterpret_cast<decltype(&::cuDeviceGet)>(get("cuDeviceGet"));
  g_driver_extras.cuDeviceGetAttribute =
      reinterpret_cast<decltype(&::cuDeviceGetAttribute)>(get("cuDeviceGetAttribute"));
  g_driver_extras.cuFuncGetParamInfo =
      reinterpret_cast<decltype(&::cuFuncGetParamInfo)>(get("cuFuncGetParamInfo"));
  g_driver.loaded = true;
}

void load_cudnn_once() {
  LoadingScope loading;
  void* handle = open_library(kCudnnSoname);
  fill_table(Library::cudnn, handle);
  resolve_into(handle, "cudnnGetStream", g_cudnn_extras.cudnnGetStream);
  resolve_into(handle, "cudnnGetTensorNdDescriptor", g_cudnn_extras.cudnnGetTensorNdDescriptor);
  resolve_into(handle, "cudnnGetFilterNdDescriptor", g_cudnn_extras.cudnnGetFilterNdDescriptor);
  resolve_into(handle, "cudnnBackendGetAttribute", g_cudnn_extras.cudnnBackendGetAttribute);
}

void load_cublas_once() {
  LoadingScope loading;
  void* handle = open_library(kCublasSoname);
  fill_table(Library::cublas, handle);
  resolve_into(handle, "cublasGetStream_v2", g_cublas_extras.cublasGetStream_v2);
  resolve_into(handle, "cublasGetPointerMode_v2", g_cublas_extras.cublasGetPointerMode_v2);
}

}  // namespace

const DriverLoad& load_driver() noexcept {
  pthread_once(&g_driver_once, load_driver_once);
  return g_driver;
}

void* function(HookId id) noexcept {
  switch (info(id).library) {
    case Library::driver:
      load_driver();
      break;
    case Library::cudnn:
      pthread_once(&g_cudnn_once, load_cudnn_once);
      break;
    case Library::cublas:
      pthread_once(&g_cublas_once, load_cublas_once);
      break;
  }
  return g_table[index(id)];
}

void* driver_symbol(const char* name) noexcept {
  if (name == nullptr || !load_driver().loaded) return nullptr;
  return libc_entry_points().dlsym(g_driver_handle, name);
}

std::optional<HookId> driver_hook_of(const void* fn) noexcept {
  if (fn == nullptr || !load_driver().loaded) return std::nullopt;
  for (std::size_t i = 0; i < kHookCount; ++i) {
    if (kHooks[i].library == Library::driver && g_table[i] == fn) return static_cast<HookId>(i);
  }
  return std::nullopt;
}

bool loading_on_this_thread() noexcept {
  return t_loading;
}

const DriverExtras& driver_extras() noexcept {
  load_driver();
  return g_driver_extras;
}

const CudnnExtras& cudnn_extras() noexcept {
  pthread_once(&g_cudnn_once, load_cudnn_once);
  return g_cudnn_extras;
}

const CublasExtras& cublas_extras() noexcept {
  pthread_once(&g_cublas_once, load_cublas_once);
  return g_cublas_extras;
}

}  // namespace gpuswap::interpose::real
