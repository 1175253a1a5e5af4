#include "conform/core/redactor.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "conform/core/text.hpp"

namespace conform::core {
namespace {

TEST(Redactor, HidesEveryFormASecretTakesOnItsWay) {
  Redactor redact;
  const std::string secret = "a'b\"c/d&e";
  redact.add(secret, "[S]");
  EXPECT_EQ(redact("raw " + secret), "raw [S]");
  EXPECT_EQ(redact("url a%27b%22c%2Fd%26e"), "url [S]");
  EXPECT_EQ(redact("url a%27b%22c%2fd%26e"), "url [S]");
  EXPECT_EQ(redact("basic " + base64_encode(secret)), "basic [S]");
  EXPECT_EQ(redact(R"(json "a'b\"c/d&e")"), R"(json "[S]")");
  EXPECT_EQ(redact("curl -H " + single_quoted("Authorization: " + secret)),
            "curl -H 'Authorization: [S]'");
  EXPECT_EQ(redact("xml a&apos;b&quot;c/d&amp;e html a&#39;b&quot;c/d&amp;e"), "xml [S] html [S]");
}

TEST(Redactor, KeepsEachSecretsPlaceholderAndIgnoresEmptyOnes) {
  Redactor redact;
  redact.add("", "[never]");
  EXPECT_TRUE(redact.empty());
  redact.add("token-1", "${CONFORM_TOKEN}");
  redact.add("hunter22", "[redacted]");
  EXPECT_EQ(redact("token-1 and hunter22, token-1"),
            "${CONFORM_TOKEN} and [redacted], ${CONFORM_TOKEN}");
  EXPECT_EQ(redact("nothing secret"), "nothing secret");
}

}  // namespace
}  // namespace conform::core
