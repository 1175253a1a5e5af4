#pragma once

#include <string>
#include <vector>

#include "conform/spec/spec.hpp"

namespace conform::engine {

// Which operations a run sends. Empty lists select everything; excludes win over includes.
struct Selection {
  std::vector<std::string> operations;  // operationIds
  std::vector<std::string> exclude_operations;
  std::vector<std::string> tags;
  std::vector<std::string> exclude_tags;
  std::vector<std::string> methods;  // any case
  std::string path_regex;            // ECMAScript, searched in the path template
};

// Throws core::Error (exit 2) for an operationId the document does not have, or a bad regex.
std::vector<const spec::Operation*> select(const spec::Spec& spec, const Selection& selection);

}  // namespace conform::engine
