#include "conform/http/status.hpp"

#include <gtest/gtest.h>

namespace conform::http {
namespace {

TEST(ReasonPhrase, NamesTheStatusesHttpNamesAndNoOthers) {
  EXPECT_EQ(reason_phrase(201), "Created");
  EXPECT_EQ(reason_phrase(502), "Bad Gateway");
  EXPECT_EQ(reason_phrase(299), "");
  EXPECT_EQ(reason_phrase(0), "");
  EXPECT_EQ(reason_phrase(1000), "");
}

}  // namespace
}  // namespace conform::http
