#pragma once

#include <ostream>
#include <string>
#include <vector>

#include "conform/core/diagnostic.hpp"
#include "conform/spec/spec.hpp"

namespace conform::lint {

// Checks a description against itself: references resolve, examples and defaults validate against
// their own schemas, operationIds are unique, path templates and path parameters agree, schemas
// compile, and keywords the validator cannot honour are named. Load the spec with
// LoadOptions{.thorough = true} so that unused components are checked too.
core::Diagnostics lint(const spec::Spec& spec);

// The errors that stop `run` and `mock` from using `operations`: the description's load errors,
// except those inside an operation that is not among them, each of these operations whose
// path template and path parameters disagree (a request would carry `{id}` literally), and
// patterns in the schemas they reach that the bounded matcher refuses.
core::Diagnostics blocking_errors(const spec::Spec& spec,
                                  const std::vector<const spec::Operation*>& operations);

// Whether a command (`run`, `mock`) may use these operations of a loaded description: it may not
// when blocking_errors finds any. Those errors go to `errors`, then "not <doing>" (with how a
// selection can leave them out, when `selected` operations are used), and the caller exits 2.
bool usable(const spec::Spec& spec, const std::vector<const spec::Operation*>& operations,
            const std::string& doing, bool selected, std::ostream& errors);
// The same for a command that uses every operation.
bool usable(const spec::Spec& spec, const std::string& doing, std::ostream& errors);

// Findings that make `conform lint` exit 1: errors and warnings (info lines are notes).
bool has_findings(const core::Diagnostics& diagnostics);

}  // namespace conform::lint
