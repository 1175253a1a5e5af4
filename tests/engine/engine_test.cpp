#include "conform/engine/engine.hpp"

#include <gtest/gtest.h>

namespace conform::engine {
namespace {

TEST(MaskSecrets, MasksMembersNamedLikeCredentialsAndSaysWhetherItDid) {
  nlohmann::json clean = {{"id", 7}, {"items", {{{"name", "a"}}}}};
  const nlohmann::json before = clean;
  EXPECT_FALSE(mask_secrets(clean));
  EXPECT_EQ(clean, before);

  nlohmann::json nested = {{"id", 7}, {"items", {{{"name", "a"}, {"api_key", "s3cret"}}}}};
  EXPECT_TRUE(mask_secrets(nested));
  EXPECT_EQ(nested["items"][0]["api_key"], "[redacted]");
  EXPECT_EQ(nested["items"][0]["name"], "a");

  nlohmann::json not_a_string = {{"token", 12}};
  EXPECT_FALSE(mask_secrets(not_a_string));
}

}  // namespace
}  // namespace conform::engine
