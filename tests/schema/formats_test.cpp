#include "conform/schema/formats.hpp"

#include <gtest/gtest.h>

namespace conform::schema {
namespace {

struct Case {
  const char* format;
  const char* value;
  bool valid;
};

void PrintTo(const Case& c, std::ostream* out) {
  *out << c.format << " '" << c.value << "' " << (c.valid ? "valid" : "invalid");
}

class Formats : public ::testing::TestWithParam<Case> {};

TEST_P(Formats, Checks) {
  const Case& c = GetParam();
  auto result = check_format(c.format, c.value);
  ASSERT_TRUE(result.has_value()) << c.format;
  EXPECT_EQ(*result, c.valid) << c.format << " " << c.value;
}

INSTANTIATE_TEST_SUITE_P(
    Rfc3339, Formats,
    ::testing::Values(Case{"date", "2024-02-29", true}, Case{"date", "2023-02-29", false},
                      Case{"date", "2024-13-01", false}, Case{"date", "24-01-01", false},
                      Case{"time", "23:59:60Z", true}, Case{"time", "22:59:60Z", false},
                      Case{"time", "15:59:60-08:00", true}, Case{"time", "12:00:00", false},
                      Case{"time", "12:00:00.123+01:00", true},
                      Case{"date-time", "2026-11-28T20:38:51Z", true},
                      Case{"date-time", "2026-11-28 20:38:51Z", false},
                      Case{"date-time", "2026-11-28T20:38:51.5+05:30", true}));

INSTANTIATE_TEST_SUITE_P(
    Network, Formats,
    ::testing::Values(Case{"ipv4", "192.168.0.1", true}, Case{"ipv4", "256.1.1.1", false},
                      Case{"ipv4", "01.1.1.1", false}, Case{"ipv4", "1.1.1", false},
                      Case{"ipv6", "::1", true}, Case{"ipv6", "2001:db8::8a2e:370:7334", true},
                      Case{"ipv6", "12345::", false}, Case{"ipv6", "::ffff:1.2.3.4", true},
                      Case{"hostname", "console.vast.ai", true},
                      Case{"hostname", "-bad.example", false},
                      Case{"email", "ops@example.com", true}, Case{"email", "a..b@x.io", false},
                      Case{"email", "no-at-sign", false}, Case{"email", "\"a b\"@x.io", true},
                      Case{"uri", "https://console.vast.ai/api/v0/?a=1#f", true},
                      Case{"uri", "/relative/path", false}, Case{"uri", "http://x/a b", false},
                      Case{"uri", "http://host:80a/", false},
                      Case{"uri-reference", "/relative/path", true},
                      Case{"uri-reference", "%zz", false}));

INSTANTIATE_TEST_SUITE_P(
    Identifiers, Formats,
    ::testing::Values(Case{"uuid", "123e4567-e89b-12d3-a456-426614174000", true},
                      Case{"uuid", "123e4567e89b12d3a456426614174000", false},
                      Case{"regex", "^[a-z]+$", true}, Case{"regex", "([", false},
                      Case{"json-pointer", "/a~1b/0", true}, Case{"json-pointer", "a/b", false}));

TEST(FormatsUnchecked, AreAnnotations) {
  EXPECT_FALSE(check_format("int64", "x").has_value());
  EXPECT_FALSE(check_format("password", "x").has_value());
  EXPECT_FALSE(is_checked_format("binary"));
  EXPECT_TRUE(is_checked_format("date-time"));
}

}  // namespace
}  // namespace conform::schema
