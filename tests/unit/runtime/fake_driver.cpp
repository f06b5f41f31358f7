#include "fake_driver.h"

#include <cstdlib>
#include <cstring>
#include <string_view>

namespace gpuswap::runtime::testing {
namespace {

FakeDriverState* g_state = nullptr;
CUmemGenericAllocationHandle g_next_handle = 1;
CUdeviceptr g_next_reservation = CUdeviceptr{0x7b00} << 32;

CUresult fake_granularity(size_t* granularity, const CUmemAllocationProp* prop,
                          CUmemAllocationGranularity_flags) {
  if (granularity == nullptr || prop == nullptr) return CUDA_ERROR_INVALID_VALUE;
  *granularity = fake_driver().granularity;
  return CUDA_SUCCESS;
}

CUresult fake_create(CUmemGenericAllocationHandle* handle, size_t size,
                     const CUmemAllocationProp* prop, unsigned long long flags) {
  FakeDriverState& s = fake_driver();
  if (handle == nullptr || prop == nullptr || flags != 0 || size == 0 ||
      size % s.granularity != 0 || prop->location.type != CU_MEM_LOCATION_TYPE_DEVICE) {
    return CUDA_ERROR_INVALID_VALUE;
  }
  if (live_device_bytes() + size > s.device_bytes) return CUDA_ERROR_OUT_OF_MEMORY;
  *handle = g_next_handle++;
  s.handles[*handle] = size;
  ++s.creates;
  return CUDA_SUCCESS;
}

CUresult fake_release(CUmemGenericAllocationHandle handle) {
  return fake_driver().handles.erase(handle) == 1 ? CUDA_SUCCESS : CUDA_ERROR_INVALID_VALUE;
}

CUresult fake_map(CUdeviceptr ptr, size_t size, size_t offset, CUmemGenericAllocationHandle handle,
                  unsigned long long flags) {
  FakeDriverState& s = fake_driver();
  const auto found = s.handles.find(handle);
  if (found == s.handles.end() || offset != 0 || flags != 0 || size != found->second ||
      ptr % s.granularity != 0) {
    return CUDA_ERROR_INVALID_VALUE;
  }
  for (CUdeviceptr at = ptr; at < ptr + size; at += s.granularity) {
    if (s.mappings.count(at) != 0) return CUDA_ERROR_INVALID_VALUE;  // already mapped
  }
  for (CUdeviceptr at = ptr; at < ptr + size; at += s.granularity) s.mappings[at] = handle;
  return CUDA_SUCCESS;
}

CUresult fake_unmap(CUdeviceptr ptr, size_t size) {
  FakeDriverState& s = fake_driver();
  if (ptr % s.granularity != 0 || size % s.granularity != 0) return CUDA_ERROR_INVALID_VALUE;
  for (CUdeviceptr at = ptr; at < ptr + size; at += s.granularity) {
    if (s.mappings.count(at) == 0) return CUDA_ERROR_INVALID_VALUE;
  }
  for (CUdeviceptr at = ptr; at < ptr + size; at += s.granularity) {
    s.mappings.erase(at);
    s.accessible.erase(at);
  }
  return CUDA_SUCCESS;
}

CUresult fake_set_access(CUdeviceptr ptr, size_t size, const CUmemAccessDesc* desc, size_t count) {
  FakeDriverState& s = fake_driver();
  if (desc == nullptr || count != 1 || desc->flags != CU_MEM_ACCESS_FLAGS_PROT_READWRITE) {
    return CUDA_ERROR_INVALID_VALUE;
  }
  for (CUdeviceptr at = ptr; at < ptr + size; at += s.granularity) {
    if (s.mappings.count(at) == 0) return CUDA_ERROR_INVALID_VALUE;
  }
  for (CUdeviceptr at = ptr; at < ptr + size; at += s.granularity) s.accessible.insert(at);
  return CUDA_SUCCESS;
}

CUresult fake_host_alloc(void** out, size_t size, unsigned flags) {
  FakeDriverState& s = fake_driver();
  if (out == nullptr || size == 0) return CUDA_ERROR_INVALID_VALUE;
  std::size_t pinned = 0;
  for (const auto& [p, bytes] : s.host) pinned += bytes;
  if (pinned + size > s.host_bytes) return CUDA_ERROR_OUT_OF_MEMORY;
  *out = std::aligned_alloc(4096, (size + 4095) / 4096 * 4096);
  s.host[*out] = size;
  ++s.host_allocs;
  s.last_host_flags = flags;
  return CUDA_SUCCESS;
}

CUresult fake_free_host(void* p) {
  FakeDriverState& s = fake_driver();
  if (s.host.erase(p) != 1) return CUDA_ERROR_INVALID_VALUE;
  std::free(p);
  return CUDA_SUCCESS;
}

CUresult fake_reserve(CUdeviceptr* ptr, size_t size, size_t alignment, CUdeviceptr addr,
                      unsigned long long flags) {
  if (ptr == nullptr || size == 0 || addr != 0 || flags != 0) return CUDA_ERROR_INVALID_VALUE;
  const std::size_t align = alignment == 0 ? fake_driver().granularity : alignment;
  g_next_reservation = (g_next_reservation + align - 1) / align * align;
  *ptr = g_next_reservation;
  g_next_reservation += size;
  fake_driver().reservations[*ptr] = size;
  return CUDA_SUCCESS;
}

CUresult fake_address_free(CUdeviceptr ptr, size_t size) {
  auto& reservations = fake_driver().reservations;
  const auto found = reservations.find(ptr);
  if (found == reservations.end() || found->second != size) return CUDA_ERROR_INVALID_VALUE;
  reservations.erase(found);
  return CUDA_SUCCESS;
}

CUresult fake_error_name(CUresult result, const char** name) {
  if (name == nullptr) return CUDA_ERROR_INVALID_VALUE;
  if (result == CUDA_ERROR_OUT_OF_MEMORY) {
    *name = "CUDA_ERROR_OUT_OF_MEMORY";
    return CUDA_SUCCESS;
  }
  *name = nullptr;
  return CUDA_ERROR_INVALID_VALUE;
}

struct Entry {
  const char* name;
  void* fn;
};

const Entry kEntries[] = {
    {"cuMemGetAllocationGranularity", reinterpret_cast<void*>(&fake_granularity)},
    {"cuMemCreate", reinterpret_cast<void*>(&fake_create)},
    {"cuMemRelease", reinterpret_cast<void*>(&fake_release)},
    {"cuMemMap", reinterpret_cast<void*>(&fake_map)},
    {"cuMemUnmap", reinterpret_cast<void*>(&fake_unmap)},
    {"cuMemSetAccess", reinterpret_cast<void*>(&fake_set_access)},
    {"cuMemHostAlloc", reinterpret_cast<void*>(&fake_host_alloc)},
    {"cuMemFreeHost", reinterpret_cast<void*>(&fake_free_host)},
    {"cuMemAddressReserve", reinterpret_cast<void*>(&fake_reserve)},
    {"cuMemAddressFree", reinterpret_cast<void*>(&fake_address_free)},
    {"cuGetErrorName", reinterpret_cast<void*>(&fake_error_name)},
};

}  // namespace

FakeDriverState& fake_driver() {
  if (g_state == nullptr) g_state = new FakeDriverState();
  return *g_state;
}

void reset_fake_driver() {
  FakeDriverState& s = fake_driver();
  for (auto& [p, bytes] : s.host) std::free(p);
  s = FakeDriverState();
}

void* resolve_fake(const char* versioned_name, void* missing) {
  if (missing != nullptr && std::string_view(versioned_name) == static_cast<const char*>(missing)) {
    return nullptr;
  }
  for (const Entry& entry : kEntries) {
    if (std::string_view(entry.name) == versioned_name) return entry.fn;
  }
  return nullptr;
}

DriverTable fake_driver_table() {
  DriverTable table;
  (void)load_driver_table(table, &resolve_fake, nullptr);
  return table;
}

std::uint64_t live_device_bytes() {
  std::uint64_t bytes = 0;
  for (const auto& [handle, size] : fake_driver().handles) bytes += size;
  return bytes;
}

}  // namespace gpuswap::runtime::testing
