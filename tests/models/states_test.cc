// states.def: names, completion, metrics fields.
#include "models/states.h"

#include <gtest/gtest.h>

namespace dj::model {
namespace {

TEST(States, NamesRoundTrip) {
  for (State s : kAllStates) {
    auto back = StateFromName(StateName(s));
    ASSERT_TRUE(back.has_value()) << StateName(s);
    EXPECT_EQ(*back, s);
  }
  EXPECT_EQ(kStateCount, 8U);
}

TEST(States, RejectsAnythingButTheExactSpelling) {
  for (std::string_view bad : {"", "succeed", "Succeed", " SUCCEED", "SUCCEED ", "SUCCEEDED",
                               "FAILED-INTERRUPTED", "TERMINATING", "SUCCEED\n"}) {
    EXPECT_FALSE(StateFromName(bad).has_value()) << '"' << bad << '"';
  }
}

TEST(States, OnlySucceedAndFailedAreCompleted) {
  for (State s : kAllStates) {
    EXPECT_EQ(IsCompleted(s), s == State::kSucceed || s == State::kFailed) << StateName(s);
  }
  EXPECT_FALSE(IsCompleted(State::kFailedInterrupted));  // DEL-4
}

TEST(States, MetricsFields) {
  EXPECT_EQ(MetricsField(State::kFailedInterrupted), "FailedInterruptedCount");
  EXPECT_EQ(MetricsField(State::kSubmitted), "SubmittedCount");
  EXPECT_EQ(MetricsField(State::kSucceed), "SucceedCount");
}

}  // namespace
}  // namespace dj::model
