#include "conform/mock/rate_limiter.hpp"

#include <gtest/gtest.h>

namespace conform::mock {
namespace {

using namespace std::chrono_literals;

TEST(RateLimiter, AMinimumIntervalPerEndpointAndIdentity) {
  RateLimiter limiter;
  RateLimiter::Clock::time_point t0{};
  EXPECT_TRUE(limiter.admit("listApiKeys", "root", 2.0, t0));
  EXPECT_FALSE(limiter.admit("listApiKeys", "root", 2.0, t0 + 1999ms));
  // Another endpoint, another identity: their own intervals.
  EXPECT_TRUE(limiter.admit("showCurrentUser", "root", 2.0, t0 + 1ms));
  EXPECT_TRUE(limiter.admit("listApiKeys", "key 7", 2.0, t0 + 1ms));
  EXPECT_TRUE(limiter.admit("listApiKeys", "root", 2.0, t0 + 2000ms));
}

TEST(RateLimiter, ARefusedCallDoesNotRestartTheInterval) {
  RateLimiter limiter;
  RateLimiter::Clock::time_point t0{};
  EXPECT_TRUE(limiter.admit("e", "root", 1.0, t0));
  EXPECT_FALSE(limiter.admit("e", "root", 1.0, t0 + 900ms));
  EXPECT_TRUE(limiter.admit("e", "root", 1.0, t0 + 1000ms));
  EXPECT_FALSE(limiter.admit("e", "root", 1.0, t0 + 1500ms));
}

}  // namespace
}  // namespace conform::mock
