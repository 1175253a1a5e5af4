#pragma once

#include <optional>
#include <string>

#include "conform/spec/model.hpp"

namespace conform::spec {

// The vendor extensions conform reads from an operation. Vast.ai's generated description spells
// the rate limit `x-rateLimit`; the project's own uses `x-rate-limit`; both are read.

// The permission category a key needs to call the operation (`x-scope`).
std::optional<std::string> scope_of(const Operation& operation);
// The endpoint name a permission document grants the operation by alone (`x-permission`).
std::optional<std::string> permission_name_of(const Operation& operation);
// The minimum seconds between two calls by one identity (`x-rate-limit`, `x-rateLimit`).
std::optional<double> min_interval_of(const Operation& operation);

}  // namespace conform::spec
