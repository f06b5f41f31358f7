#include "device_memory.h"

#include <sys/mman.h>

#include "device.h"

namespace cudasim {

namespace {

constexpr std::uint64_t kPage = 4096;

template <typename Map>
typename Map::iterator containing(Map& m, std::uintptr_t p,
                                  std::uint64_t (*size_of)(const typename Map::mapped_type&)) {
  auto it = m.upper_bound(p);
  if (it == m.begin()) return m.end();
  --it;
  if (p - it->first < size_of(it->second)) return it;
  return m.end();
}

int prot_of(const std::array<std::uint8_t, kMaxDevices>& access) {
  std::uint8_t best = CU_MEM_ACCESS_FLAGS_PROT_NONE;
  for (auto a : access) best = a > best ? a : best;
  if (best == CU_MEM_ACCESS_FLAGS_PROT_READWRITE) return PROT_READ | PROT_WRITE;
  if (best == CU_MEM_ACCESS_FLAGS_PROT_READ) return PROT_READ;
  return PROT_NONE;
}

}  // namespace

CUresult DeviceMemory::allocate(Device* dev, Context* ctx, std::uint64_t bytes, bool managed,
                                CUdeviceptr* out) {
  if (bytes == 0) return CUDA_ERROR_INVALID_VALUE;
  if (bytes > va_.size()) return CUDA_ERROR_OUT_OF_MEMORY;
  // Address space in whole granules (so a freed allocation's range faults as a
  // whole), physical memory in pages.
  const std::uint64_t va_size = round_up(bytes, kGranularity);
  std::shared_ptr<PhysicalMemory> mem;
  if (CUresult rc = PhysicalMemory::create(dev, round_up(bytes, kPage), &mem); rc != CUDA_SUCCESS)
    return rc;
  std::uintptr_t at = 0;
  if (CUresult rc = va_.allocate(va_size, 0, 0, &at); rc != CUDA_SUCCESS) return rc;
  void* p = mmap(reinterpret_cast<void*>(at), mem->size(), PROT_READ | PROT_WRITE,
                 MAP_SHARED | MAP_FIXED, mem->fd(), 0);
  if (p == MAP_FAILED) {
    va_.release(at, va_size);
    return CUDA_ERROR_OUT_OF_MEMORY;
  }
  std::lock_guard lock(mu_);
  allocations_[at] =
      Allocation{bytes, va_size, dev, ctx, managed, next_buffer_id_++, std::move(mem)};
  *out = at;
  return CUDA_SUCCESS;
}

CUresult DeviceMemory::free_locked(std::map<std::uintptr_t, Allocation>::iterator it) {
  const std::uintptr_t at = it->first;
  const std::uint64_t va_size = it->second.va_size;
  AddressSpace::make_inaccessible(at, va_size);
  allocations_.erase(it);
  va_.release(at, va_size);
  return CUDA_SUCCESS;
}

CUresult DeviceMemory::free(CUdeviceptr ptr) {
  std::lock_guard lock(mu_);
  auto it = allocations_.find(ptr);
  if (it == allocations_.end()) return CUDA_ERROR_INVALID_VALUE;
  return free_locked(it);
}

void DeviceMemory::free_all_of(Context* ctx) {
  std::lock_guard lock(mu_);
  for (auto it = allocations_.begin(); it != allocations_.end();) {
    auto next = std::next(it);
    if (it->second.context == ctx) free_locked(it);
    it = next;
  }
}

CUresult DeviceMemory::reserve(std::uint64_t size, std::uint64_t alignment, CUdeviceptr hint,
                               CUdeviceptr* out) {
  if (size == 0 || size % kGranularity != 0) return CUDA_ERROR_INVALID_VALUE;
  if (alignment != 0 && (alignment & (alignment - 1)) != 0) return CUDA_ERROR_INVALID_VALUE;
  std::uintptr_t at = 0;
  if (CUresult rc = va_.allocate(size, alignment, hint, &at); rc != CUDA_SUCCESS) return rc;
  std::lock_guard lock(mu_);
  reservations_[at] = Reservation{size};
  *out = at;
  return CUDA_SUCCESS;
}

CUresult DeviceMemory::address_free(CUdeviceptr ptr, std::uint64_t size) {
  std::lock_guard lock(mu_);
  auto it = reservations_.find(ptr);
  if (it == reservations_.end() || it->second.size != size) return CUDA_ERROR_INVALID_VALUE;
  // CUDA requires everything inside to be unmapped first.
  auto m = mappings_.lower_bound(ptr);
  if (m != mappings_.end() && m->first < ptr + size) return CUDA_ERROR_INVALID_VALUE;
  reservations_.erase(it);
  va_.release(ptr, size);
  return CUDA_SUCCESS;
}

CUresult DeviceMemory::create(Device* dev, std::uint64_t size, CUmemGenericAllocationHandle* out) {
  if (size == 0 || size % kGranularity != 0) return CUDA_ERROR_INVALID_VALUE;
  std::shared_ptr<PhysicalMemory> mem;
  if (CUresult rc = PhysicalMemory::create(dev, size, &mem); rc != CUDA_SUCCESS) return rc;
  std::lock_guard lock(mu_);
  const CUmemGenericAllocationHandle h = next_handle_;
  next_handle_ += 0x10;
  handles_[h] = {std::move(mem), 1};
  *out = h;
  return CUDA_SUCCESS;
}

CUresult DeviceMemory::release(CUmemGenericAllocationHandle h) {
  std::lock_guard lock(mu_);
  auto it = handles_.find(h);
  if (it == handles_.end()) return CUDA_ERROR_INVALID_VALUE;
  if (--it->second.second == 0) handles_.erase(it);
  return CUDA_SUCCESS;
}

CUresult DeviceMemory::retain_handle(CUdeviceptr addr, CUmemGenericAllocationHandle* out) {
  std::lock_guard lock(mu_);
  auto m = containing(
      mappings_, addr, +[](const Mapping& x) { return x.size; });
  if (m == mappings_.end()) return CUDA_ERROR_INVALID_VALUE;
  for (auto& [h, entry] : handles_) {
    if (entry.first == m->second.memory) {
      ++entry.second;
      *out = h;
      return CUDA_SUCCESS;
    }
  }
  // Its handle was released: a new handle to the same memory.
  const CUmemGenericAllocationHandle h = next_handle_;
  next_handle_ += 0x10;
  handles_[h] = {m->second.memory, 1};
  *out = h;
  return CUDA_SUCCESS;
}

CUresult DeviceMemory::handle_device(CUmemGenericAllocationHandle h, Device** dev,
                                     std::uint64_t* size) {
  std::lock_guard lock(mu_);
  auto it = handles_.find(h);
  if (it == handles_.end()) return CUDA_ERROR_INVALID_VALUE;
  *dev = it->second.first->device();
  *size = it->second.first->size();
  return CUDA_SUCCESS;
}

CUresult DeviceMemory::map(CUdeviceptr ptr, std::uint64_t size, std::uint64_t offset,
                           CUmemGenericAllocationHandle h) {
  if (size == 0 || ptr % kGranularity != 0 || size % kGranularity != 0 ||
      offset % kGranularity != 0) {
    return CUDA_ERROR_INVALID_VALUE;
  }
  std::lock_guard lock(mu_);
  auto hit = handles_.find(h);
  if (hit == handles_.end()) return CUDA_ERROR_INVALID_VALUE;
  const auto& mem = hit->second.first;
  if (offset > mem->size() || size > mem->size() - offset) return CUDA_ERROR_INVALID_VALUE;
  auto r = containing(
      reservations_, ptr, +[](const Reservation& x) { return x.size; });
  if (r == reservations_.end() || ptr + size > r->first + r->second.size)
    return CUDA_ERROR_INVALID_VALUE;
  auto next = mappings_.lower_bound(ptr);
  if (next != mappings_.end() && next->first < ptr + size) return CUDA_ERROR_INVALID_VALUE;
  if (next != mappings_.begin()) {
    auto prev = std::prev(next);
    if (prev->first + prev->second.size > ptr) return CUDA_ERROR_INVALID_VALUE;
  }
  void* p = mmap(reinterpret_cast<void*>(ptr), size, PROT_NONE, MAP_SHARED | MAP_FIXED, mem->fd(),
                 static_cast<off_t>(offset));
  if (p == MAP_FAILED) return CUDA_ERROR_OUT_OF_MEMORY;
  Mapping m{size, offset, mem, next_buffer_id_++, {}};
  m.access.resize(size / kGranularity);
  for (auto& a : m.access) a.fill(CU_MEM_ACCESS_FLAGS_PROT_NONE);
  mappings_[ptr] = std::move(m);
  return CUDA_SUCCESS;
}

bool DeviceMemory::covering(std::uintptr_t ptr, std::uint64_t size,
                            std::vector<std::map<std::uintptr_t, Mapping>::iterator>* out) {
  auto it = containing(
      mappings_, ptr, +[](const Mapping& x) { return x.size; });
  std::uintptr_t at = ptr;
  while (at < ptr + size) {
    if (it == mappings_.end() || it->first > at || it->first + it->second.size <= at) return false;
    out->push_back(it);
    at = it->first + it->second.size;
    ++it;
  }
  return true;
}

CUresult DeviceMemory::unmap(CUdeviceptr ptr, std::uint64_t size) {
  if (size == 0 || ptr % kGranularity != 0 || size % kGranularity != 0)
    return CUDA_ERROR_INVALID_VALUE;
  std::lock_guard lock(mu_);
  std::vector<std::map<std::uintptr_t, Mapping>::iterator> parts;
  // Only whole mappings can be unmapped (CUDA cannot unmap part of one).
  if (!covering(ptr, size, &parts) || parts.front()->first != ptr ||
      parts.back()->first + parts.back()->second.size != ptr + size) {
    return CUDA_ERROR_INVALID_VALUE;
  }
  // Work in flight is not waited for: a kernel still running faults, as on a GPU.
  AddressSpace::make_inaccessible(ptr, size);
  for (auto it : parts) mappings_.erase(it);
  return CUDA_SUCCESS;
}

CUresult DeviceMemory::set_access(CUdeviceptr ptr, std::uint64_t size, const CUmemAccessDesc* desc,
                                  std::size_t count, int ndevices) {
  if (size == 0 || ptr % kGranularity != 0 || size % kGranularity != 0 || desc == nullptr ||
      count == 0) {
    return CUDA_ERROR_INVALID_VALUE;
  }
  for (std::size_t i = 0; i < count; ++i) {
    if (enum_value(desc[i].location.type) != CU_MEM_LOCATION_TYPE_DEVICE ||
        desc[i].location.id < 0 || desc[i].location.id >= ndevices) {
      return CUDA_ERROR_INVALID_DEVICE;
    }
    const int f = enum_value(desc[i].flags);
    if (f != CU_MEM_ACCESS_FLAGS_PROT_NONE && f != CU_MEM_ACCESS_FLAGS_PROT_READ &&
        f != CU_MEM_ACCESS_FLAGS_PROT_READWRITE) {
      return CUDA_ERROR_INVALID_VALUE;
    }
  }
  // Granules made writable, populated once the lock is released (it takes
  // time, and only prefaults: a racing unmap makes it a no-op).
  std::vector<std::uintptr_t> writable;
  {
    std::lock_guard lock(mu_);
    std::vector<std::map<std::uintptr_t, Mapping>::iterator> parts;
    if (!covering(ptr, size, &parts)) return CUDA_ERROR_INVALID_VALUE;
    for (auto it : parts) {
      Mapping& m = it->second;
      const std::uintptr_t lo = std::max<std::uintptr_t>(ptr, it->first);
      const std::uintptr_t hi = std::min<std::uintptr_t>(ptr + size, it->first + m.size);
      for (std::uintptr_t g = lo; g < hi; g += kGranularity) {
        auto& a = m.access[(g - it->first) / kGranularity];
        for (std::size_t i = 0; i < count; ++i)
          a[desc[i].location.id] = static_cast<std::uint8_t>(enum_value(desc[i].flags));
        const int prot = prot_of(a);
        if (mprotect(reinterpret_cast<void*>(g), kGranularity, prot) != 0)
          return CUDA_ERROR_UNKNOWN;
        if ((prot & PROT_WRITE) != 0) writable.push_back(g);
      }
    }
  }
  for (std::size_t i = 0; i < writable.size();) {
    std::size_t j = i + 1;  // one call per run of adjacent granules
    while (j < writable.size() && writable[j] == writable[j - 1] + kGranularity) ++j;
    AddressSpace::populate_writable(writable[i], (j - i) * kGranularity);
    i = j;
  }
  return CUDA_SUCCESS;
}

CUresult DeviceMemory::get_access(CUdeviceptr ptr, int device, unsigned long long* flags) {
  std::lock_guard lock(mu_);
  auto it = containing(
      mappings_, ptr, +[](const Mapping& x) { return x.size; });
  if (it == mappings_.end()) return CUDA_ERROR_INVALID_VALUE;
  *flags = it->second.access[(ptr - it->first) / kGranularity][device];
  return CUDA_SUCCESS;
}

CUresult DeviceMemory::query(std::uintptr_t p, int asking_device, PointerInfo* info) {
  std::lock_guard lock(mu_);
  auto a = containing(
      allocations_, p, +[](const Allocation& x) { return x.size; });
  if (a != allocations_.end()) {
    info->base = a->first;
    info->size = a->second.size;
    info->device = a->second.device;
    info->context = a->second.context;
    info->managed = a->second.managed;
    info->vmm = false;
    info->buffer_id = a->second.buffer_id;
    info->access = CU_MEM_ACCESS_FLAGS_PROT_READWRITE;
    return CUDA_SUCCESS;
  }
  auto m = containing(
      mappings_, p, +[](const Mapping& x) { return x.size; });
  if (m != mappings_.end()) {
    info->base = m->first;
    info->size = m->second.size;
    info->device = m->second.memory->device();
    info->context = nullptr;
    info->managed = false;
    info->vmm = true;
    info->buffer_id = m->second.buffer_id;
    const int d = asking_device >= 0 && asking_device < kMaxDevices ? asking_device : 0;
    info->access = m->second.access[(p - m->first) / kGranularity][d];
    return CUDA_SUCCESS;
  }
  return CUDA_ERROR_INVALID_VALUE;
}

}  // namespace cudasim
