#include "runtime_seam.h"

#include "pass_through_mode.h"
#include "process_state.h"

namespace gpuswap::interpose {
namespace {

constinit RuntimeSeam g_seam{};

}  // namespace

RuntimeSeam* active_seam() noexcept {
  if (current_mode() != Mode::active) return nullptr;
  const ProcessState& process = process_state();
  if (process.exiting() || process.forked()) return nullptr;
  return &g_seam;
}

}  // namespace gpuswap::interpose
