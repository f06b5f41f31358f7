#include "physical_memory.h"

#include <sys/mman.h>
#include <unistd.h>

#include <atomic>

#include "device.h"

namespace cudasim {

CUresult PhysicalMemory::create(Device* dev, std::uint64_t size,
                                std::shared_ptr<PhysicalMemory>* out) {
  static std::atomic<std::uint64_t> next_id{1};
  if (!dev->charge(size)) return CUDA_ERROR_OUT_OF_MEMORY;
  const int fd = memfd_create("cudasim-device-memory", MFD_CLOEXEC);
  if (fd < 0 || ftruncate(fd, static_cast<off_t>(size)) != 0) {
    if (fd >= 0) close(fd);
    dev->uncharge(size);
    return CUDA_ERROR_OUT_OF_MEMORY;
  }
  out->reset(new PhysicalMemory(dev, fd, size, next_id.fetch_add(1)));
  return CUDA_SUCCESS;
}

PhysicalMemory::~PhysicalMemory() {
  close(fd_);
  dev_->uncharge(size_);
}

}  // namespace cudasim
