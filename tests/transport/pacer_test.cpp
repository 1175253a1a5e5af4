#include "conform/transport/pacer.hpp"

#include <gtest/gtest.h>

namespace conform::transport {
namespace {

using namespace std::chrono_literals;

TEST(Pacer, KeysKeepTheirOwnIntervals) {
  Pacer pacer;
  Pacer::Clock::time_point t0{};
  EXPECT_EQ(pacer.acquire("a", 1.0, t0), t0);
  EXPECT_EQ(pacer.acquire("a", 1.0, t0 + 100ms), t0 + 1s);  // not yet: when to ask again
  EXPECT_EQ(pacer.acquire("b", 1.0, t0 + 100ms), t0 + 100ms);
  EXPECT_EQ(pacer.acquire("a", 1.0, t0 + 1s), t0 + 1s);
  EXPECT_EQ(pacer.acquire("c", 0, t0 + 1s), t0 + 1s);
  EXPECT_EQ(pacer.acquire("c", 0, t0 + 1s), t0 + 1s);  // no interval: never waits
}

TEST(Pacer, AGlobalRateSpacesEveryRequest) {
  Pacer pacer(10);  // one per 100 ms
  Pacer::Clock::time_point t0{};
  EXPECT_EQ(pacer.acquire("a", 0, t0), t0);
  EXPECT_EQ(pacer.acquire("b", 0, t0 + 50ms), t0 + 100ms);
  EXPECT_EQ(pacer.acquire("b", 0, t0 + 100ms), t0 + 100ms);
}

}  // namespace
}  // namespace conform::transport
