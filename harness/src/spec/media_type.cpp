#include "conform/spec/media_type.hpp"

#include <algorithm>

namespace conform::spec {
namespace {

std::string trim_lower(std::string_view text) {
  auto begin = text.find_first_not_of(" \t");
  auto end = text.find_last_not_of(" \t");
  if (begin == std::string_view::npos) return {};
  std::string out(text.substr(begin, end - begin + 1));
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

}  // namespace

std::string media_type_essence(std::string_view content_type) {
  return trim_lower(content_type.substr(0, content_type.find(';')));
}

bool is_json_media_type(std::string_view content_type) {
  std::string essence = media_type_essence(content_type);
  if (essence == "application/json") return true;
  return essence.size() > 5 && essence.ends_with("+json");
}

const MediaType* match_media_type(const std::vector<MediaType>& declared,
                                  std::string_view content_type) {
  const std::string essence = media_type_essence(content_type);
  const std::string type = essence.substr(0, essence.find('/'));
  const MediaType* wildcard_subtype = nullptr;
  const MediaType* wildcard_all = nullptr;
  const MediaType* json_fallback = nullptr;
  for (const MediaType& media : declared) {
    std::string name = media_type_essence(media.name);
    if (name == essence) return &media;
    if (name == type + "/*" && !wildcard_subtype) wildcard_subtype = &media;
    if (name == "*/*" && !wildcard_all) wildcard_all = &media;
    if (name == "application/json" && essence.ends_with("+json") && !json_fallback) {
      json_fallback = &media;
    }
  }
  if (wildcard_subtype) return wildcard_subtype;
  if (wildcard_all) return wildcard_all;
  return json_fallback;
}

}  // namespace conform::spec
