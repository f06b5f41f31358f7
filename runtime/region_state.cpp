#include "gpuswap/runtime/region_state.h"

namespace gpuswap::runtime {

bool is_legal_transition(RegionState from, RegionState to) {
  using S = RegionState;
  switch (from) {
    case S::kResident:
      return to == S::kEvicting || to == S::kDiscarded;
    case S::kEvicting:
      return to == S::kEvicted || to == S::kResident;
    case S::kEvicted:
      return to == S::kRestoring || to == S::kDiscarded;
    case S::kRestoring:
      return to == S::kResident || to == S::kEvicted;
    case S::kDiscarded:
      return to == S::kResident;
  }
  return false;
}

const char* region_state_name(RegionState state) {
  switch (state) {
    case RegionState::kResident:
      return "resident";
    case RegionState::kEvicting:
      return "evicting";
    case RegionState::kEvicted:
      return "evicted";
    case RegionState::kRestoring:
      return "restoring";
    case RegionState::kDiscarded:
      return "discarded";
  }
  return "invalid";
}

}  // namespace gpuswap::runtime
