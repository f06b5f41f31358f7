// One emulated GPU: its identity, its memory capacity and what is in use,
// and its end of the host link.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>

#include "cuda_api.h"
#include "link.h"

namespace cudasim {

class Context;

class Device {
 public:
  Device(int ordinal, std::uint64_t capacity, std::string pci_bus_id,
         std::shared_ptr<LinkClock> clock, double gbps);

  int ordinal() const { return ordinal_; }
  const std::string& name() const { return name_; }
  const std::string& pci_bus_id() const { return pci_bus_id_; }
  const CUuuid& uuid() const { return uuid_; }
  std::uint64_t capacity() const { return capacity_; }
  std::uint64_t used() const { return used_.load(); }
  Link& link() { return link_; }

  // Takes `bytes` of physical memory; false when the device is full.
  bool charge(std::uint64_t bytes);
  void uncharge(std::uint64_t bytes) { used_.fetch_sub(bytes); }

  // CU_DEVICE_ATTRIBUTE_* values; CUDA_ERROR_INVALID_VALUE for unknown ones.
  CUresult attribute(int attr, int* value) const;

  // The device's primary context (owned by the driver, never destroyed) and
  // how often it is retained (cuDevicePrimaryCtxRetain/Release).
  Context* primary = nullptr;
  std::mutex primary_mu;
  int primary_refs = 0;

 private:
  int ordinal_;
  std::string name_;
  std::string pci_bus_id_;
  CUuuid uuid_;
  std::uint64_t capacity_;
  std::atomic<std::uint64_t> used_{0};
  Link link_;
};

}  // namespace cudasim
