#pragma once

#include <string>
#include <vector>

#include "conform/spec/spec.hpp"

namespace conform::apps {

// Whether a command (`run`, `mock`) may use these operations of a loaded description: it may not
// when the description has errors in what it uses — its load errors outside the operations not
// used, and the used operations' path templates. Those errors go to standard error, then
// "not <doing>" (with how a selection can leave them out, when one picked `used`), and the caller
// exits 2.
bool usable(const spec::Spec& spec, const std::vector<const spec::Operation*>& used,
            const std::string& doing, bool selected);

// The same for a command that uses every operation.
bool usable(const spec::Spec& spec, const std::string& doing);

}  // namespace conform::apps
