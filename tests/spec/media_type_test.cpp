#include "conform/spec/media_type.hpp"

#include <gtest/gtest.h>

namespace conform::spec {
namespace {

std::vector<MediaType> declared(std::initializer_list<const char*> names) {
  std::vector<MediaType> out;
  for (const char* name : names) out.push_back(MediaType{name, std::nullopt, {}, {}});
  return out;
}

TEST(MediaType, EssenceDropsParametersAndCase) {
  EXPECT_EQ(media_type_essence("Application/JSON; charset=utf-8"), "application/json");
  EXPECT_EQ(media_type_essence(" text/plain "), "text/plain");
}

TEST(MediaType, RecognisesJsonAndJsonSuffixes) {
  EXPECT_TRUE(is_json_media_type("application/json; charset=utf-8"));
  EXPECT_TRUE(is_json_media_type("application/problem+json"));
  EXPECT_FALSE(is_json_media_type("text/json-ish"));
  EXPECT_FALSE(is_json_media_type("+json"));
}

TEST(MediaType, MatchesExactThenWildcardsThenJsonFallback) {
  auto media = declared({"*/*", "application/*", "application/json", "text/plain"});
  EXPECT_EQ(match_media_type(media, "application/json; charset=utf-8")->name, "application/json");
  EXPECT_EQ(match_media_type(media, "application/xml")->name, "application/*");
  EXPECT_EQ(match_media_type(media, "image/png")->name, "*/*");
  auto json_only = declared({"application/json"});
  EXPECT_EQ(match_media_type(json_only, "application/problem+json")->name, "application/json");
  EXPECT_EQ(match_media_type(json_only, "text/html"), nullptr);
}

}  // namespace
}  // namespace conform::spec
