// Every device address in use: cuMemAlloc allocations, cuMemAddressReserve
// reservations and the cuMemMap mappings inside them, plus the physical
// handles of cuMemCreate. Access rights are real page protections, so device
// code that touches what is not mapped or not accessible faults.
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <vector>

#include "address_space.h"
#include "cuda_api.h"
#include "physical_memory.h"

namespace cudasim {

class Context;
class Device;

inline constexpr int kMaxDevices = 16;

// What cuPointerGetAttribute(s) and cuMemGetAddressRange answer.
struct PointerInfo {
  std::uintptr_t base = 0;  // the allocation (cuMemAlloc) or mapping (cuMemMap)
  std::uint64_t size = 0;
  Device* device = nullptr;
  Context* context = nullptr;  // null for cuMemMap'd memory
  bool managed = false;
  bool vmm = false;
  std::uint64_t buffer_id = 0;
  unsigned access = CU_MEM_ACCESS_FLAGS_PROT_READWRITE;  // for the asking device
};

class DeviceMemory {
 public:
  explicit DeviceMemory(AddressSpace& va) : va_(va) {}

  CUresult allocate(Device* dev, Context* ctx, std::uint64_t bytes, bool managed, CUdeviceptr* out);
  // Only the exact pointer cuMemAlloc returned; anything else is INVALID_VALUE.
  CUresult free(CUdeviceptr ptr);
  // Frees what `ctx` allocated (when it is destroyed or reset).
  void free_all_of(Context* ctx);

  CUresult reserve(std::uint64_t size, std::uint64_t alignment, CUdeviceptr hint, CUdeviceptr* out);
  CUresult address_free(CUdeviceptr ptr, std::uint64_t size);

  CUresult create(Device* dev, std::uint64_t size, CUmemGenericAllocationHandle* out);
  CUresult release(CUmemGenericAllocationHandle h);
  CUresult retain_handle(CUdeviceptr addr, CUmemGenericAllocationHandle* out);
  CUresult handle_device(CUmemGenericAllocationHandle h, Device** dev, std::uint64_t* size);

  CUresult map(CUdeviceptr ptr, std::uint64_t size, std::uint64_t offset,
               CUmemGenericAllocationHandle h);
  CUresult unmap(CUdeviceptr ptr, std::uint64_t size);
  // flags per device ordinal; every device listed must be < ndevices.
  CUresult set_access(CUdeviceptr ptr, std::uint64_t size, const CUmemAccessDesc* desc,
                      std::size_t count, int ndevices);
  CUresult get_access(CUdeviceptr ptr, int device, unsigned long long* flags);

  // INVALID_VALUE unless p lies in an allocation or a mapping.
  CUresult query(std::uintptr_t p, int asking_device, PointerInfo* info);

 private:
  struct Allocation {
    std::uint64_t size;     // as asked
    std::uint64_t va_size;  // reserved address space
    Device* device;
    Context* context;
    bool managed;
    std::uint64_t buffer_id;
    std::shared_ptr<PhysicalMemory> memory;
  };
  struct Reservation {
    std::uint64_t size;
  };
  struct Mapping {
    std::uint64_t size;
    std::uint64_t offset;
    std::shared_ptr<PhysicalMemory> memory;
    std::uint64_t buffer_id;
    std::vector<std::array<std::uint8_t, kMaxDevices>> access;  // per granule, per device
  };

  // Mappings exactly covering [ptr, ptr + size) with no gap; false otherwise.
  bool covering(std::uintptr_t ptr, std::uint64_t size,
                std::vector<std::map<std::uintptr_t, Mapping>::iterator>* out);
  CUresult free_locked(std::map<std::uintptr_t, Allocation>::iterator it);

  AddressSpace& va_;
  std::mutex mu_;
  std::uint64_t next_buffer_id_ = 1;
  std::map<std::uintptr_t, Allocation> allocations_;
  std::map<std::uintptr_t, Reservation> reservations_;
  std::map<std::uintptr_t, Mapping> mappings_;
  std::map<CUmemGenericAllocationHandle, std::pair<std::shared_ptr<PhysicalMemory>, int>> handles_;
  CUmemGenericAllocationHandle next_handle_ = 0x1000;
};

}  // namespace cudasim
