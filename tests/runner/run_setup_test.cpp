// What a run's configuration means: here, --duration's text.
#include "conform/runner/run_setup.hpp"

#include <gtest/gtest.h>

namespace conform::runner {
namespace {

TEST(DurationSeconds, ReadsSecondsMinutesAndHours) {
  EXPECT_EQ(duration_seconds("90s"), 90.0);
  EXPECT_EQ(duration_seconds("10m"), 600.0);
  EXPECT_EQ(duration_seconds("2h"), 7200.0);
  EXPECT_EQ(duration_seconds("1.5h"), 5400.0);
  EXPECT_EQ(duration_seconds("45"), 45.0);
  EXPECT_EQ(duration_seconds("0.5s"), 0.5);
  for (const char* wrong :
       {"", "s", "10x", "-5m", "0", "0s", "1e3", "ten", "5 m", "1.2.3s", "9999h", "nan", "inf"}) {
    EXPECT_FALSE(duration_seconds(wrong)) << wrong;
  }
}

}  // namespace
}  // namespace conform::runner
