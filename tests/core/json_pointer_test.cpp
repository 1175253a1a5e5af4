#include "conform/core/json_pointer.hpp"

#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

namespace conform::core {
namespace {

TEST(JsonPointer, EscapesTildeAndSlash) {
  EXPECT_EQ(escape_pointer_token("a/b~c"), "a~1b~0c");
  EXPECT_EQ(unescape_pointer_token("a~1b~0c"), "a/b~c");
  // "~01" is "~1" unescaped, not "/".
  EXPECT_EQ(unescape_pointer_token("~01"), "~1");
}

TEST(JsonPointer, AppendsTokensAndIndexes) {
  EXPECT_EQ(append_pointer("/paths", "/pets/{id}"), "/paths/~1pets~1{id}");
  EXPECT_EQ(append_pointer("", std::size_t{3}), "/3");
}

TEST(JsonPointer, SplitsIntoUnescapedTokens) {
  auto tokens = split_pointer("/paths/~1pets/get");
  ASSERT_TRUE(tokens);
  EXPECT_EQ(*tokens, (std::vector<std::string>{"paths", "/pets", "get"}));
  EXPECT_TRUE(split_pointer("")->empty());
  EXPECT_EQ(*split_pointer("/"), std::vector<std::string>{""});
}

TEST(JsonPointer, RejectsInvalidPointers) {
  EXPECT_FALSE(split_pointer("paths"));
  EXPECT_FALSE(split_pointer("/a~2"));
  EXPECT_FALSE(split_pointer("/a~"));
}

TEST(JsonPointer, PercentDecodes) {
  EXPECT_EQ(percent_decode("/paths/~1pets~1%7Bid%7D"), "/paths/~1pets~1{id}");
  EXPECT_EQ(percent_decode("%25"), "%");
  EXPECT_FALSE(percent_decode("%G1"));
  EXPECT_FALSE(percent_decode("abc%2"));
}

RC_GTEST_PROP(JsonPointer, TokenEscapingRoundTrips, (const std::string& token)) {
  RC_ASSERT(unescape_pointer_token(escape_pointer_token(token)) == token);
  auto tokens = split_pointer(append_pointer(append_pointer("", token), "x"));
  RC_ASSERT(tokens.has_value());
  RC_ASSERT(*tokens == (std::vector<std::string>{token, "x"}));
}

}  // namespace
}  // namespace conform::core
