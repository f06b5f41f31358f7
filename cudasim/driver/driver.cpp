#include "driver.h"

#include <pthread.h>
#include <sys/resource.h>

#include <atomic>

#include "fault_guard.h"

namespace cudasim {

namespace {
std::atomic<Driver*> g_driver{nullptr};
// Set in the child of a fork() after cuInit: the device state (worker threads,
// mappings of the parent's contexts) does not survive fork, so, as with
// NVIDIA's driver, the child cannot use CUDA.
std::atomic<bool> g_forked_child{false};
// 8 TiB of device address space: room for many devices' allocations and for
// reservations of up to about a TiB each. Where the process may not reserve
// that much (an address-space limit, a sanitizer's shadow memory), less is
// taken, down to 64 GiB.
constexpr std::uint64_t kAddressSpace = 8ull << 40;
constexpr std::uint64_t kSmallestAddressSpace = 64ull << 30;
}  // namespace

Driver::Driver(DriverConfig cfg) : config(std::move(cfg)) {}

CUresult Driver::init() {
  static std::once_flag once;
  static CUresult result = CUDA_ERROR_NOT_INITIALIZED;
  if (g_forked_child.load()) return CUDA_ERROR_NOT_INITIALIZED;
  std::call_once(once, [] {
    auto d = std::make_unique<Driver>(config_from_environment());
    if (d->config.devices == 0) {
      result = CUDA_ERROR_NO_DEVICE;
      return;
    }
    CUresult reserved = CUDA_ERROR_OUT_OF_MEMORY;
    for (std::uint64_t size = kAddressSpace;
         size >= kSmallestAddressSpace && reserved != CUDA_SUCCESS; size /= 2) {
      reserved = d->va.init(size);
    }
    if (reserved != CUDA_SUCCESS) {
      result = reserved;
      return;
    }
    // Each physical allocation is a memory file: allow as many as the hard limit.
    rlimit lim;
    if (getrlimit(RLIMIT_NOFILE, &lim) == 0 && lim.rlim_cur < lim.rlim_max) {
      lim.rlim_cur = lim.rlim_max;
      setrlimit(RLIMIT_NOFILE, &lim);
    }
    std::shared_ptr<LinkClock> shared;
    if (!d->config.link_name.empty()) shared = shared_link_clock(d->config.link_name);
    for (int i = 0; i < d->config.devices; ++i) {
      std::shared_ptr<LinkClock> clock =
          shared ? shared : std::shared_ptr<LinkClock>(private_link_clock());
      auto dev = std::make_unique<Device>(i, d->config.device_memory,
                                          d->config.pci_bus_ids[static_cast<std::size_t>(i)], clock,
                                          d->config.link_gbps);
      dev->primary = new Context(dev.get(), 0, true);  // lives as long as the process
      auto pool = std::make_shared<MemPool>(dev.get(), true);
      d->mem_pools.add(pool);
      d->default_pools_.push_back(pool);
      d->current_pools_.push_back(pool);
      d->devices.push_back(std::move(dev));
    }
    install_fault_guard(d->va.base(), d->va.size());
    g_driver.store(d.release());
    pthread_atfork(nullptr, nullptr, [] {
      g_forked_child.store(true);
      g_driver.store(nullptr);
    });
    result = CUDA_SUCCESS;
  });
  return result;
}

Driver* Driver::get() {
  return g_driver.load(std::memory_order_acquire);
}

bool Driver::forked_child() {
  return g_forked_child.load();
}

Context* Driver::context(CUcontext h) const {
  if (h == nullptr) return nullptr;
  for (const auto& d : devices) {
    if (reinterpret_cast<CUcontext>(d->primary) == h) return d->primary;
  }
  auto c = contexts.find(h);
  return c.get();
}

std::shared_ptr<MemPool> Driver::current_pool(int device) const {
  std::lock_guard lock(pools_mu_);
  return current_pools_.at(static_cast<std::size_t>(device));
}

void Driver::set_current_pool(int device, std::shared_ptr<MemPool> pool) {
  std::lock_guard lock(pools_mu_);
  current_pools_.at(static_cast<std::size_t>(device)) = std::move(pool);
}

std::shared_ptr<MemPool> Driver::default_pool(int device) const {
  std::lock_guard lock(pools_mu_);
  return default_pools_.at(static_cast<std::size_t>(device));
}

void Driver::retire_context(std::shared_ptr<Context> ctx) {
  std::lock_guard lock(retired_mu_);
  retired_contexts_.push_back(std::move(ctx));
}

Function* Driver::function(const void* h, Accept accept) const {
  std::lock_guard lock(functions_mu_);
  auto it = functions_.find(h);
  if (it == functions_.end() || !accepts(accept, it->second->kind)) return nullptr;
  return it->second;
}

Function* Driver::function_in(Function& kernel, const Context* ctx) {
  std::lock_guard lock(kernel.mu_);
  auto& f = kernel.per_context_[ctx];
  if (!f) {
    f = std::make_unique<Function>(kernel.kernel, kernel.module, FunctionKind::kFunction);
    // Registered before the handle is returned, and dropped with the
    // kernel's library (remove_functions_of) like the kernel itself.
    add_function(f.get());
  }
  return f.get();
}

void Driver::add_function(Function* f) {
  std::lock_guard lock(functions_mu_);
  functions_[f] = f;
}

void Driver::remove_functions_of(Module* m) {
  std::lock_guard lock(functions_mu_);
  std::erase_if(functions_, [m](const auto& kv) { return kv.second->module == m; });
}

}  // namespace cudasim
