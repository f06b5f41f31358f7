// ProcessState: the one word every hooked call reads (ended()) must say
// "ended" for either fact, and each fact must stay apart from the other.
#include "process_state.h"

#include <gtest/gtest.h>

namespace gpuswap::interpose {
namespace {

TEST(ProcessState, EndsWithEitherFactAndKeepsThemApart) {
  for (const bool exit : {false, true}) {
    for (const bool fork : {false, true}) {
      ProcessState state;
      if (exit) state.mark_exiting();
      if (fork) state.mark_forked();
      SCOPED_TRACE(testing::Message() << "exiting " << exit << ", forked " << fork);
      EXPECT_EQ(state.exiting(), exit);
      EXPECT_EQ(state.forked(), fork);
      EXPECT_EQ(state.ended(), exit || fork);
    }
  }
}

}  // namespace
}  // namespace gpuswap::interpose
