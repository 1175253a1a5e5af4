#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "conform/spec/model.hpp"

namespace conform::spec {

// "Application/JSON; charset=utf-8" -> "application/json": lower case, parameters removed.
std::string media_type_essence(std::string_view content_type);

// application/json, and any structured syntax suffix "+json" (application/problem+json).
bool is_json_media_type(std::string_view content_type);

// The declared media type that describes a response's Content-Type: exact match first, then a
// declared "type/*", then "*/*"; a "+json" type falls back to a declared "application/json".
const MediaType* match_media_type(const std::vector<MediaType>& declared,
                                  std::string_view content_type);

}  // namespace conform::spec
