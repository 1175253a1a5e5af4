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
};

// Every openapi source description is the description under test (`--spec`): steps name its
// operations by operationId ("id", "$sourceDescriptions.<name>.id") or by operationPath
// ("{$sourceDescriptions.<name>.url}#/paths/~1pets/get"). Problems are file#pointer diagnostics;
// an error means the document is not run.
Binding bind(const Document& document, const spec::Spec& spec, core::Diagnostics& problems);

}  // namespace conform::arazzo
