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
  bool read_only = false;            // GET, HEAD and OPTIONS only
};

// The methods --read-only keeps.
bool is_read_method(const std::string& method);

// Throws core::Error (exit 2) for a name that matches nothing in the document (an operationId or a
// tag, included or excluded: a misspelt exclusion would let an operation run), a method that is
// not HTTP's, or a bad regex; the message names the nearest existing name.
std::vector<const spec::Operation*> select(const spec::Spec& spec, const Selection& selection);

}  // namespace conform::engine
