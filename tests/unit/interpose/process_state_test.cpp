// ProcessState: the one word every hooked call reads (ended()) must say
// "ended" for either fact, and each fact must stay apart from the other.
#include "process_state.h"

#include <gtest/gtest.h>

namespace gpuswap::interpose {
namespace {

TEST(ProcessState, AFreshProcessHasNotEnded) {
  const ProcessState state;
  EXPECT_FALSE(state.exiting());
  EXPECT_FALSE(state.forked());
  EXPECT_FALSE(state.ended());
}

TEST(ProcessState, ExitEndsItWithoutMarkingAFork) {
  ProcessState state;
  state.mark_exiting();
  EXPECT_TRUE(state.exiting());
  EXPECT_FALSE(state.forked());
  EXPECT_TRUE(state.ended());
}

TEST(ProcessState, AForkEndsItWithoutMarkingAnExit) {
  ProcessState state;
  state.mark_forked();
  EXPECT_TRUE(state.forked());
  EXPECT_FALSE(state.exiting());
  EXPECT_TRUE(state.ended());
}

TEST(ProcessState, BothFactsAreKept) {
  ProcessState state;
  state.mark_forked();
  state.mark_exiting();
  EXPECT_TRUE(state.forked());
  EXPECT_TRUE(state.exiting());
  EXPECT_TRUE(state.ended());
}

}  // namespace
}  // namespace gpuswap::interpose
