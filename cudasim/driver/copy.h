// A copy between linear memories, described the way CUDA describes the most
// general one (CUDA_MEMCPY3D). Every copy entry point, every captured copy
// and every graph memcpy node is one of these, so they share one set of
// checks and one way of running. A plan is resolved against the driver's
// memory when it is made; graph nodes make theirs again at each launch, so a
// node over memory that has been unmapped since faults like any other copy.
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "cuda_api.h"
#include "link.h"
#include "stream.h"

namespace cudasim {

class Context;
class Driver;

struct CopyEnd {
  bool device = false;      // device memory (else host memory)
  std::uintptr_t addr = 0;  // the first byte copied
};

struct CopyPlan {
  CopyEnd src;
  CopyEnd dst;
  std::vector<CopySegment> segments;  // one per row; none for an empty copy
};

// Checks `p` as CUDA does: CUDA_ERROR_NOT_SUPPORTED for arrays;
// CUDA_ERROR_INVALID_VALUE for an unknown memory type, a device-typed pointer
// that is neither device nor page-locked host memory, a null host pointer,
// pitches narrower than the width (or heights lower than the height) where
// they matter, a range that leaves device memory, a level of detail or a
// reserved field that is set. An empty extent gives a plan without segments.
CUresult plan_copy(Driver& d, const CUDA_MEMCPY3D& p, CopyPlan* out);

// Host-to-device, device-to-host or device-to-device, from where the ends lie.
bool host_to_device(const CopyPlan& plan);
bool device_to_host(const CopyPlan& plan);

// Whether every row of the source (or destination) end lies in page-locked
// host memory the driver knows.
bool pinned(Driver& d, const CopyPlan& plan, bool source);

// Copies the host source rows of `plan` into a buffer now and points the rows
// at it, as CUDA does with a pageable source at an asynchronous call: the
// caller may reuse its memory once the call returns. The buffer is what
// make_copy_op must keep alive.
std::shared_ptr<const void> stage_source(CopyPlan* plan);

// The stream operation that carries `plan` out: rows between host and device
// go over the link of the device that owns the device end (the context's
// device when the driver does not know the pointer); the others are plain
// copies. A fault is reported as the operation's fault. `keep` stays alive
// until the operation is gone (a staging buffer the rows read from).
Op make_copy_op(Driver& d, const Context& ctx, CopyPlan plan,
                std::shared_ptr<const void> keep = {});

}  // namespace cudasim
