#include "conform/core/text.hpp"

#include <gtest/gtest.h>

namespace conform::core {
namespace {

TEST(Text, InvalidUtf8IsShownEscapedAndValidTextKept) {
  EXPECT_EQ(escape_invalid_utf8("caf\xC3\xA9 \xE4\xB8\xAD \xF0\x9F\x98\x80"),
            "caf\xC3\xA9 \xE4\xB8\xAD \xF0\x9F\x98\x80");
  EXPECT_EQ(escape_invalid_utf8("a\xFF"
                                "b"),
            "a\\xFFb");
  EXPECT_EQ(escape_invalid_utf8("\x1F\x8B\x08"), "\x1F\\x8B\x08");    // gzip's magic bytes
  EXPECT_EQ(escape_invalid_utf8("\xC3"), "\\xC3");                    // a sequence cut short
  EXPECT_EQ(escape_invalid_utf8("\xC0\xAF"), "\\xC0\\xAF");           // an overlong '/'
  EXPECT_EQ(escape_invalid_utf8("\xED\xA0\x80"), "\\xED\\xA0\\x80");  // a surrogate
}

TEST(Text, APrefixNeverCutsACharacter) {
  std::string text =
      "ab\xC3\xA9"
      "cd";  // "abécd": é takes bytes 2 and 3
  EXPECT_EQ(utf8_prefix(text, 3), "ab");
  EXPECT_EQ(utf8_prefix(text, 4), "ab\xC3\xA9");
  EXPECT_EQ(utf8_prefix(text, 100), text);
  EXPECT_EQ(utf8_prefix("\xF0\x9F\x98\x80", 3), "");
}

TEST(Text, ShortenedCutsLongTextOnACharacterBoundary) {
  EXPECT_EQ(shortened("short", 10), "short");
  EXPECT_EQ(shortened(std::string(10, 'x'), 10), std::string(10, 'x'));
  EXPECT_EQ(shortened("abcdefghijk", 10), "abcdefghij...");
  EXPECT_EQ(shortened("abcdefghi\xC3\xA9", 10), "abcdefghi...");
}

TEST(Text, SplitKeepsEmptyPiecesAndTrimTakesOnlyTheEnds) {
  EXPECT_EQ(split("a,,b", ","), (std::vector<std::string>{"a", "", "b"}));
  EXPECT_EQ(split("", ","), (std::vector<std::string>{""}));
  EXPECT_EQ(split("a; b", "; "), (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(trim(" \t GET, POST \r\n"), "GET, POST");
  EXPECT_EQ(trim(" \t "), "");
  EXPECT_EQ(trim("\"quoted\" ", " \""), "quoted");
}

TEST(Text, Base64RoundTrips) {
  EXPECT_EQ(base64_encode("user:pass"), "dXNlcjpwYXNz");
  EXPECT_EQ(base64_encode("a"), "YQ==");
  EXPECT_EQ(base64_decode("dXNlcjpwYXNz"), "user:pass");
  EXPECT_EQ(base64_decode("YQ=="), "a");
  EXPECT_FALSE(base64_decode("not base64!").has_value());
}

TEST(Text, NearestNamesWhatWasMeantOnlyWhenClose) {
  const std::vector<std::string> names = {"createApiKey", "listApiKeys", "deleteApiKey"};
  EXPECT_EQ(nearest("createapikey", names), "createApiKey");  // case is ignored
  EXPECT_EQ(nearest("listApiKey", names), "listApiKeys");
  EXPECT_EQ(nearest("showInstance", names), std::nullopt);
  EXPECT_EQ(did_you_mean("deleteApiKye", names), " (did you mean 'deleteApiKey'?)");
  EXPECT_EQ(did_you_mean("zzz", names), "");
}

TEST(Text, ShellQuoteLeavesPlainWordsAndQuotesTheRest) {
  EXPECT_EQ(shell_quote("createApiKey"), "createApiKey");
  EXPECT_EQ(shell_quote("build/release/harness/conform"), "build/release/harness/conform");
  EXPECT_EQ(shell_quote("GET /things"), "'GET /things'");
  EXPECT_EQ(shell_quote("it's"), "'it'\\''s'");
  EXPECT_EQ(shell_quote(""), "''");
}

}  // namespace
}  // namespace conform::core
