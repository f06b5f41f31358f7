#include "gpuswap/runtime/page_pool.h"

namespace gpuswap::runtime {
namespace {

CUmemAllocationProp device_pages(CUdevice device) {
  CUmemAllocationProp prop{};
  prop.type = CU_MEM_ALLOCATION_TYPE_PINNED;
  prop.location.type = CU_MEM_LOCATION_TYPE_DEVICE;
  prop.location.id = device;
  return prop;
}

}  // namespace

Status PagePool::create(const DriverTable& driver, CUdevice device, std::uint64_t budget_bytes,
                        std::unique_ptr<PagePool>* out) {
  if (out == nullptr) return Status(StatusCode::kInvalidValue);
  if (driver.cuMemGetAllocationGranularity == nullptr || driver.cuMemCreate == nullptr ||
      driver.cuMemRelease == nullptr || driver.cuMemMap == nullptr ||
      driver.cuMemUnmap == nullptr || driver.cuMemSetAccess == nullptr) {
    return Status(StatusCode::kNotSupported);
  }
  const CUmemAllocationProp prop = device_pages(device);
  std::size_t granularity = 0;
  if (Status status = Status::driver(driver.cuMemGetAllocationGranularity(
          &granularity, &prop, CU_MEM_ALLOC_GRANULARITY_MINIMUM));
      !status) {
    return status;
  }
  if (granularity == 0 || chunk_bytes() % granularity != 0) {
    return Status(StatusCode::kNotSupported);
  }
  out->reset(new PagePool(driver, device, static_cast<std::size_t>(budget_bytes / chunk_bytes())));
  return Status::ok();
}

PagePool::PagePool(const DriverTable& driver, CUdevice device, std::size_t capacity)
    : driver_(driver), device_(device), capacity_(capacity) {}

PagePool::~PagePool() {
  for (ChunkHandle handle : free_) (void)driver_.cuMemRelease(handle);
}

Status PagePool::take(std::size_t count, std::vector<ChunkHandle>* out) {
  if (out == nullptr) return Status(StatusCode::kInvalidValue);
  if (count == 0) return Status::ok();
  std::lock_guard lock(mu_);
  const std::size_t reusable = free_.size() < count ? free_.size() : count;
  const std::size_t to_create = count - reusable;
  if (to_create > capacity_ - created_) return Status(StatusCode::kOutOfMemory);

  // Create first, so that a failure leaves the free list untouched.
  std::vector<ChunkHandle> created;
  created.reserve(to_create);
  const CUmemAllocationProp prop = device_pages(device_);
  for (std::size_t i = 0; i < to_create; ++i) {
    ChunkHandle handle = 0;
    const CUresult result = driver_.cuMemCreate(&handle, chunk_bytes(), &prop, 0);
    if (result != CUDA_SUCCESS) {
      // Another allocator on the device may hold what the budget allowed;
      // keep what was made for later takes instead of releasing it.
      free_.insert(free_.end(), created.begin(), created.end());
      created_ += created.size();
      return result == CUDA_ERROR_OUT_OF_MEMORY ? Status(StatusCode::kOutOfMemory)
                                                : Status::driver(result);
    }
    created.push_back(handle);
  }
  created_ += to_create;
  out->insert(out->end(), free_.end() - static_cast<std::ptrdiff_t>(reusable), free_.end());
  free_.resize(free_.size() - reusable);
  out->insert(out->end(), created.begin(), created.end());
  return Status::ok();
}

void PagePool::give_back(std::vector<ChunkHandle>* chunks) {
  if (chunks == nullptr) return;
  std::lock_guard lock(mu_);
  free_.insert(free_.end(), chunks->begin(), chunks->end());
  chunks->clear();
}

std::size_t PagePool::release_free(std::size_t count) {
  std::lock_guard lock(mu_);
  std::size_t released = 0;
  while (released < count && !free_.empty()) {
    (void)driver_.cuMemRelease(free_.back());
    free_.pop_back();
    --created_;
    ++released;
  }
  return released;
}

Status PagePool::map(CUdeviceptr base, const std::vector<ChunkHandle>& chunks) const {
  if (chunks.empty() || base % chunk_bytes() != 0) return Status(StatusCode::kInvalidValue);
  std::size_t mapped = 0;
  Status status;
  for (; mapped < chunks.size(); ++mapped) {
    status = Status::driver(
        driver_.cuMemMap(base + mapped * chunk_bytes(), chunk_bytes(), 0, chunks[mapped], 0));
    if (!status) break;
  }
  if (status) {
    CUmemAccessDesc access{};
    access.location.type = CU_MEM_LOCATION_TYPE_DEVICE;
    access.location.id = device_;
    access.flags = CU_MEM_ACCESS_FLAGS_PROT_READWRITE;
    status =
        Status::driver(driver_.cuMemSetAccess(base, chunks.size() * chunk_bytes(), &access, 1));
    if (status) return status;
  }
  (void)unmap(base, mapped);
  return status;
}

Status PagePool::unmap(CUdeviceptr base, std::size_t count) const {
  Status first;
  // One chunk at a time: the driver unmaps whole mappings, and each chunk is
  // its own. Keep going after an error so that as much as possible is freed.
  for (std::size_t i = 0; i < count; ++i) {
    const Status status =
        Status::driver(driver_.cuMemUnmap(base + i * chunk_bytes(), chunk_bytes()));
    if (!status && first) first = status;
  }
  return first;
}

std::size_t PagePool::created_chunks() const {
  std::lock_guard lock(mu_);
  return created_;
}

std::size_t PagePool::free_chunks() const {
  std::lock_guard lock(mu_);
  return free_.size();
}

std::size_t PagePool::chunks_in_use() const {
  std::lock_guard lock(mu_);
  return created_ - free_.size();
}

}  // namespace gpuswap::runtime
