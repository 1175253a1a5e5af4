#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "conform/spec/spec.hpp"

namespace conform::apps {

// The operations a command uses, picked from a loaded description.
using OperationPicker = std::function<std::vector<const spec::Operation*>(const spec::Spec& spec)>;

// Loads a description for a command that uses it (`run`, `mock`). A description with errors in
// what the command uses — its load errors outside the operations not picked, and the picked
// operations' path templates — is refused: the errors on standard error, then "not <doing>", and
// the caller exits 2. Without a picker every operation is used.
std::optional<spec::Spec> load_usable_spec(const std::string& path, const std::string& doing,
                                           const OperationPicker& pick = {});

}  // namespace conform::apps
