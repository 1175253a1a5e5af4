#pragma once
// An Arazzo document checked against the description under test: each step's operation found,
// its parameters declared there, every runtime expression and criterion readable.
#include <map>
#include <string>

#include "conform/arazzo/document.hpp"
#include "conform/core/diagnostic.hpp"
#include "conform/spec/spec.hpp"

namespace conform::arazzo {

struct Binding {
  std::map<const Step*, const spec::Operation*> operations;  // each operation step's
  std::map<const Step*, const spec::Spec*> descriptions;     // and the description it is of
};

// The description each openapi source description stands for, by source name.
using Sources = std::map<std::string, const spec::Spec*>;

// Steps name operations by operationId ("id": the one source that has it, or
// "$sourceDescriptions.<name>.id") or by operationPath
// ("{$sourceDescriptions.<name>.url}#/paths/~1pets/get"). Problems are file#pointer diagnostics;
// an error means the document is not run.
Binding bind_operations(const Document& document, const Sources& sources,
                        core::Diagnostics& problems);
// Every openapi source is `spec`.
Binding bind_operations(const Document& document, const spec::Spec& spec,
                        core::Diagnostics& problems);

}  // namespace conform::arazzo
