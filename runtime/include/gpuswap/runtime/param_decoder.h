// What a kernel launch touches: every aligned 8-byte word of its parameters
// (or of its `extra` packed buffer) looked up in the arena's page map.
//
// Pointers stored inside device memory cannot be seen this way; the library
// hooks decode those calls (cuBLAS pointer arrays) and configuration pins the
// rest.
#pragma once

#include <cuda.h>

#include "gpuswap/runtime/page_map.h"
#include "gpuswap/runtime/param_layout.h"
#include "gpuswap/runtime/param_layout_cache.h"
#include "gpuswap/runtime/status.h"
#include "gpuswap/runtime/touched_regions.h"

namespace gpuswap::runtime {

// Adds the regions that the parameters in `kernel_params` (one pointer per
// parameter, as cuLaunchKernel takes them) point into. kInvalidValue when a
// parameter pointer is null.
Status scan_kernel_params(const ParamLayout& layout, void* const* kernel_params, const PageMap& map,
                          TouchedRegions* out);

// Adds the regions that any aligned word of the packed buffer in `extra`
// (CU_LAUNCH_PARAM_BUFFER_POINTER / _SIZE / _END) points into; the whole
// buffer is scanned, whatever the layout says. kInvalidValue for a malformed
// list.
Status scan_extra(void* const* extra, const PageMap& map, TouchedRegions* out);

class ParamDecoder {
 public:
  ParamDecoder(ParamLayoutCache& layouts, const PageMap& map) : layouts_(layouts), map_(map) {}

  // Clears `out`, then fills it with the distinct regions the launch of
  // `function` with these arguments touches. Exactly one of kernel_params and
  // extra is used, as cuLaunchKernel requires (both set is kInvalidValue;
  // neither is fine for a kernel without parameters).
  Status decode(const void* function, FunctionKind kind, void* const* kernel_params,
                void* const* extra, TouchedRegions* out) const;

 private:
  ParamLayoutCache& layouts_;
  const PageMap& map_;
};

}  // namespace gpuswap::runtime
