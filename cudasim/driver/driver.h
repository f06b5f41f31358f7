// The process-wide state of the driver, created by the first successful
// cuInit from the configuration read then, and never destroyed (stream
// workers and late callers may run while the process exits).
#pragma once

#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "address_space.h"
#include "config.h"
#include "context.h"
#include "cuda_api.h"
#include "device.h"
#include "device_memory.h"
#include "event.h"
#include "function.h"
#include "graph.h"
#include "host_memory.h"
#include "mem_pool.h"
#include "module_registry.h"

namespace cudasim {

// A loaded module (CUmodule) or library (CUlibrary).
struct Module {
  std::string name;
  bool library = false;
  std::mutex mu;
  std::unordered_map<std::string, std::unique_ptr<Function>> functions;
};

// Live handles of one kind, so that a stale or made-up handle is an error,
// never a crash.
template <typename T>
class HandleTable {
 public:
  void add(std::shared_ptr<T> p) {
    std::lock_guard lock(mu_);
    live_[p.get()] = std::move(p);
  }
  std::shared_ptr<T> find(const void* h) const {
    std::lock_guard lock(mu_);
    auto it = live_.find(h);
    return it == live_.end() ? nullptr : it->second;
  }
  std::shared_ptr<T> remove(const void* h) {
    std::lock_guard lock(mu_);
    auto it = live_.find(h);
    if (it == live_.end()) return nullptr;
    auto p = std::move(it->second);
    live_.erase(it);
    return p;
  }
  template <typename F>
  void for_each(F&& f) const {
    std::lock_guard lock(mu_);
    for (const auto& [h, p] : live_) f(p);
  }

 private:
  mutable std::mutex mu_;
  std::unordered_map<const void*, std::shared_ptr<T>> live_;
};

class Driver {
 public:
  // Runs once; later calls return the first call's result.
  static CUresult init();
  // nullptr until cuInit has succeeded (and in the child of a fork after it).
  static Driver* get();
  // This process is the child of a fork() made after cuInit: none of the
  // parent's device state (worker threads, locks) may be touched.
  static bool forked_child();

  explicit Driver(DriverConfig cfg);

  const DriverConfig config;
  AddressSpace va;
  DeviceMemory memory{va};
  HostMemory host;
  std::vector<std::unique_ptr<Device>> devices;

  HandleTable<Context> contexts;  // user-created contexts (primary ones live in Device)
  HandleTable<Stream> streams;
  HandleTable<Event> events;
  HandleTable<Module> modules;
  HandleTable<Graph> graphs;
  HandleTable<MemPool> mem_pools;  // every pool, default ones included
  PoolAllocations pool_allocations;

  // The pool cuMemAllocAsync uses on a device (cuDeviceSetMemPool), and the
  // device's default pool.
  std::shared_ptr<MemPool> current_pool(int device) const;
  void set_current_pool(int device, std::shared_ptr<MemPool> pool);
  std::shared_ptr<MemPool> default_pool(int device) const;
  HandleTable<GraphExec> graph_execs;

  Device* device(CUdevice d) const {
    return d >= 0 && static_cast<std::size_t>(d) < devices.size()
               ? devices[static_cast<std::size_t>(d)].get()
               : nullptr;
  }
  // Any context, primary or not, that the handle names.
  Context* context(CUcontext h) const;
  // The live CUfunction or CUkernel a handle names, if `accept` takes its
  // kind; nullptr otherwise (CUDA_ERROR_INVALID_HANDLE for most callers).
  Function* function(const void* h, Accept accept) const;
  // The CUfunction of `kernel` (a CUkernel) in `ctx`: created on first use,
  // the same handle afterwards.
  Function* function_in(Function& kernel, const Context* ctx);
  // A destroyed context stays allocated: threads may still name it as current.
  void retire_context(std::shared_ptr<Context> ctx);
  void add_function(Function* f);
  void remove_functions_of(Module* m);

 private:
  mutable std::mutex pools_mu_;
  std::vector<std::shared_ptr<MemPool>> default_pools_;
  std::vector<std::shared_ptr<MemPool>> current_pools_;
  std::mutex retired_mu_;
  std::vector<std::shared_ptr<Context>> retired_contexts_;
  mutable std::mutex functions_mu_;
  std::unordered_map<const void*, Function*> functions_;
};

}  // namespace cudasim
