#pragma once

// Building blocks that draw values inside a rapidcheck generation context (rc::gen::exec): each
// call picks, and each pick shrinks. Not for use outside such a context.

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

namespace conform::gen::draw {

std::int64_t integer(std::optional<std::int64_t> low, std::optional<std::int64_t> high);
double number(std::optional<double> low, std::optional<double> high);
bool coin();
std::size_t index(std::size_t size);  // in [0, size), uniform at every generation size
int choice(int count);                // the same, as an int

// A string of `min`..`max` code points mixing ASCII with edge characters (quotes, backslash, '%',
// '/', control characters, accented, CJK and astral characters).
std::string text(std::size_t min, std::size_t max);

// A value of an OpenAPI/JSON Schema format; nullopt for formats without a generator.
std::optional<std::string> format(std::string_view name);

// Any JSON value, small, for `{}` and `true` schemas.
nlohmann::json any_value(int depth);

}  // namespace conform::gen::draw
