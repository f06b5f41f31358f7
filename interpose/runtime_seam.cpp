#include "runtime_seam.h"

#include <dlfcn.h>
#include <pthread.h>

#include <atomic>
#include <cstdlib>
#include <memory>
#include <span>
#include <vector>

#include "gpuswap/config/environment.h"
#include "gpuswap/config/library_directory.h"
#include "gpuswap/config/yaml_module.h"
#include "gpuswap/runtime/driver_table.h"
#include "gpuswap/runtime/log.h"
#include "libc_entry_points.h"
#include "pass_through_mode.h"
#include "process_state.h"
#include "real_functions.h"

namespace gpuswap::interpose {

constinit std::atomic<runtime::Runtime*> detail::g_runtime{nullptr};

namespace {

using detail::g_runtime;

namespace log = runtime::log;
constexpr auto kInterpose = log::Subsystem::interpose;

constinit RuntimeSeam g_seam{};
constinit std::atomic<bool> g_unavailable{false};
constinit pthread_mutex_t g_create = PTHREAD_MUTEX_INITIALIZER;

// The summary and the trace's totals are written at exit; the runtime
// itself stays (no CUDA call once exit has begun).
void finish_at_exit() {
  runtime::Runtime* rt = g_runtime.load(std::memory_order_acquire);
  if (rt == nullptr) return;
  if (process_state().forked()) {
    rt->abandon_after_fork();  // the summary and the trace are the parent's
    return;
  }
  rt->finish();
}

// Any object of this library: where it lives is where its YAML module is.
constinit const char g_library_anchor = 0;

// The process's configuration. The policy file is parsed by
// libgpuswap_yaml.so from this library's own directory, loaded only now and
// into a local scope, so yaml-cpp never joins the application's symbols.
config::Result<config::Config> read_configuration() {
  const LibcEntryPoints& libc = libc_entry_points();
  const config::DynamicLinker linker{libc.dlopen, libc.dlsym, &::dlclose, &::dlerror};
  return config::load_config(config::process_environment(), [&](const std::string& path) {
    const std::string module =
        config::yaml_module_path(config::library_directory(&g_library_anchor));
    return config::load_config_file_with_module(path, module, linker);
  });
}

void* resolve_real_driver(const char* versioned_name, void*) {
  return real::driver_symbol(versioned_name);
}

// Creates the runtime once a context is current. Returns null to be asked
// again later (no context yet) and sets g_unavailable when the process must
// pass through for good (bad policy file, a driver that lacks what the
// runtime needs).
runtime::Runtime* create_runtime() {
  // Read once: the configuration cannot change under a running job.
  static std::unique_ptr<config::Config> loaded;
  if (loaded == nullptr) {
    config::Result<config::Config> result = read_configuration();
    if (!result) {
      log::error(kInterpose, "policy file: {}", result.error().to_string());
      if (result.error().strict) {
        log::error(kInterpose, "strict: true, so the job stops here");
        std::_Exit(EXIT_FAILURE);
      }
      log::error(kInterpose, "passing every call through");
      g_unavailable.store(true, std::memory_order_release);
      return nullptr;
    }
    loaded = std::make_unique<config::Config>(std::move(result.value()));
    log::apply_log_config(*loaded);
  }
  runtime::DriverTable table;
  const runtime::DriverTableLoad load =
      runtime::load_driver_table(table, &resolve_real_driver, nullptr);
  if (!load.status) {
    log::error(kInterpose, "the CUDA driver lacks {}; passing every call through",
               load.first_missing != nullptr ? load.first_missing : "an entry point");
    g_unavailable.store(true, std::memory_order_release);
    return nullptr;
  }
  std::unique_ptr<runtime::Runtime> created;
  const runtime::Status status =
      runtime::Runtime::create(table, *loaded, policy::make_policy(*loaded), &created);
  if (status.code() == runtime::StatusCode::kDriverError &&
      status.driver_result() == CUDA_ERROR_INVALID_CONTEXT) {
    return nullptr;  // no context yet: nothing of the application's can be on the device
  }
  if (!status) {
    log::error(kInterpose,
               "the residency runtime could not start ({}, {}); passing every call "
               "through",
               runtime::status_name(status.code()), static_cast<int>(status.driver_result()));
    g_unavailable.store(true, std::memory_order_release);
    return nullptr;
  }
  // Never destroyed: hooks may run while the process exits, and no CUDA call
  // may be made once exit has begun.
  std::atexit(finish_at_exit);
  return created.release();
}

}  // namespace

runtime::Runtime* RuntimeSeam::runtime() noexcept {
  runtime::Runtime* rt = g_runtime.load(std::memory_order_acquire);
  if (rt != nullptr) return rt;
  if (g_unavailable.load(std::memory_order_acquire)) return nullptr;
  pthread_mutex_lock(&g_create);
  rt = g_runtime.load(std::memory_order_relaxed);
  if (rt == nullptr && !g_unavailable.load(std::memory_order_relaxed)) {
    try {
      rt = create_runtime();
    } catch (...) {
      g_unavailable.store(true, std::memory_order_release);
      rt = nullptr;
    }
    if (rt != nullptr) g_runtime.store(rt, std::memory_order_release);
  }
  pthread_mutex_unlock(&g_create);
  return rt;
}

namespace {

// The pointers stored in the pointer arrays among `operands` (cuBLAS
// pointer-array batched GEMM): read back from the device once the arrays are
// resident and the stream has finished writing them. The host waits for the
// stream here; only calls that hide their operands behind device pointers
// pay that.
bool follow_pointer_arrays(runtime::Runtime& rt, std::span<const DeviceSpan> arrays,
                           CUstream stream, std::vector<DeviceSpan>* out) {
  const auto copy =
      reinterpret_cast<decltype(&::cuMemcpyDtoHAsync)>(real::driver_symbol("cuMemcpyDtoHAsync_v2"));
  const auto wait = reinterpret_cast<decltype(&::cuStreamSynchronize)>(
      real::driver_symbol("cuStreamSynchronize"));
  if (copy == nullptr || wait == nullptr) return false;
  std::vector<CUdeviceptr> pointers;
  for (const DeviceSpan& array : arrays) {
    // Arrays of 8-byte pointers; a scalar operand (4 or 8 bytes) read as one
    // is harmless: its bits name no region.
    if (array.bytes == 0 || array.bytes % sizeof(CUdeviceptr) != 0) continue;
    const std::size_t first = pointers.size();
    pointers.resize(first + array.bytes / sizeof(CUdeviceptr));
    runtime::PinGuard guard;
    if (prepare_spans(rt, {&array, 1}, stream, policy::OperationKind::copy, 0, &guard) !=
            CUDA_SUCCESS ||
        copy(&pointers[first], array.ptr, array.bytes, stream) != CUDA_SUCCESS) {
      return false;
    }
  }
  if (pointers.empty()) return true;
  if (wait(stream) != CUDA_SUCCESS) return false;
  for (CUdeviceptr pointer : pointers) {
    if (rt.region_at(pointer) != nullptr) out->push_back({pointer, 0, policy::AccessMode::write});
  }
  return true;
}

}  // namespace

LibraryPreparation RuntimeSeam::library_call(HookId id, const Operands& operands,
                                             CUstream stream) noexcept {
  LibraryPreparation preparation;
  runtime::Runtime* rt = runtime();
  if (rt == nullptr) return preparation;
  thread_local std::vector<DeviceSpan> spans;
  spans.clear();
  for (const Operand& operand : operands.items()) {
    policy::AccessMode mode = policy::AccessMode::read;
    if (operand.access == Access::write) mode = policy::AccessMode::write;
    if (operand.access == Access::overwrite) mode = policy::AccessMode::overwrite;
    spans.push_back({reinterpret_cast<CUdeviceptr>(operand.ptr), operand.bytes, mode});
  }
  if (operands.indirect()) {
    // What the arrays point at is read and written too (the call's own
    // operands stay as listed).
    const std::size_t listed = spans.size();
    std::vector<DeviceSpan> arrays(spans.begin(), spans.begin() + listed);
    if (!follow_pointer_arrays(*rt, arrays, stream, &spans)) {
      static std::atomic<bool> logged{false};
      if (!logged.exchange(true)) {
        log::warn(kInterpose,
                  "the pointer arrays of a library call could not be read; what "
                  "they point at is not made resident");
      }
    }
  }
  preparation.result = prepare_spans(*rt, spans, stream, policy::OperationKind::library,
                                     0xC2B2AE3D27D4EB4Full * (index(id) + 1), &preparation.guard);
  return preparation;
}

RuntimeSeam* active_seam() noexcept {
  if (current_mode() != Mode::active) return nullptr;
  return process_state().ended() ? nullptr : &g_seam;
}

}  // namespace gpuswap::interpose
