// What the driver knows about an address (unified addressing).
#pragma once

#include <cuda.h>
#include <driver_types.h>

#include "driver_api.h"

namespace cudasim::rt {

// Whether `ptr` is device memory; anything the driver does not know as device
// memory (pinned or plain host memory) is host memory. cudaMemcpyDefault
// resolves its direction with this.
cudaError_t is_device_pointer(const DriverApi& api, const void* ptr, bool* device);

// cudaPointerGetAttributes.
cudaError_t pointer_attributes(const DriverApi& api, int current_device, const void* ptr,
                               cudaPointerAttributes* out);

}  // namespace cudasim::rt
