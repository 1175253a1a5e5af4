#pragma once

#include <optional>
#include <string>

#include "conform/spec/spec.hpp"

namespace conform::apps {

// Loads a description for a command that uses it (`run`, `mock`): a description with errors is
// refused — its errors on standard error, then "not <doing>" — and the caller exits 2.
std::optional<spec::Spec> load_usable_spec(const std::string& path, const std::string& doing);

}  // namespace conform::apps
