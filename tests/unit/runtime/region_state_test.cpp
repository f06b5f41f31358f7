#include "gpuswap/runtime/region_state.h"

#include <gtest/gtest.h>

#include <set>
#include <string>
#include <utility>

namespace gpuswap::runtime {
namespace {

using S = RegionState;

const S kAll[] = {S::kResident, S::kEvicting, S::kEvicted, S::kRestoring, S::kDiscarded};

// The edges of DESIGN.md's life cycle, written out independently of the
// implementation's switch.
const std::set<std::pair<S, S>> kLegal = {
    {S::kResident, S::kEvicting},  {S::kEvicting, S::kEvicted},   {S::kEvicting, S::kResident},
    {S::kEvicted, S::kRestoring},  {S::kRestoring, S::kResident}, {S::kRestoring, S::kEvicted},
    {S::kResident, S::kDiscarded}, {S::kEvicted, S::kDiscarded},  {S::kDiscarded, S::kResident},
};

TEST(RegionState, EveryPairIsLegalExactlyWhenTheLifeCycleHasTheEdge) {
  int legal = 0;
  for (S from : kAll) {
    for (S to : kAll) {
      const bool expected = kLegal.count({from, to}) == 1;
      EXPECT_EQ(is_legal_transition(from, to), expected)
          << region_state_name(from) << " -> " << region_state_name(to);
      legal += expected ? 1 : 0;
    }
  }
  EXPECT_EQ(legal, 9);
}

TEST(RegionState, NoStateMovesToItself) {
  for (S state : kAll) EXPECT_FALSE(is_legal_transition(state, state));
}

TEST(RegionState, OnlyResidentIsUsableAndPagesAreHeldWhileCopying) {
  EXPECT_TRUE(is_usable(S::kResident));
  for (S state : {S::kEvicting, S::kEvicted, S::kRestoring, S::kDiscarded}) {
    EXPECT_FALSE(is_usable(state)) << region_state_name(state);
  }
  EXPECT_TRUE(holds_device_pages(S::kResident));
  EXPECT_TRUE(holds_device_pages(S::kEvicting));
  EXPECT_TRUE(holds_device_pages(S::kRestoring));
  EXPECT_FALSE(holds_device_pages(S::kEvicted));
  EXPECT_FALSE(holds_device_pages(S::kDiscarded));
}

TEST(RegionState, NamesAreDistinct) {
  std::set<std::string> names;
  for (S state : kAll) names.insert(region_state_name(state));
  EXPECT_EQ(names.size(), 5u);
  EXPECT_EQ(std::string(region_state_name(S::kEvicting)), "evicting");
}

}  // namespace
}  // namespace gpuswap::runtime
