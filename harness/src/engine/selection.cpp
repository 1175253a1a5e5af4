#include "conform/engine/selection.hpp"

#include <algorithm>
#include <regex>

#include "conform/core/error.hpp"
#include "conform/core/text.hpp"

namespace conform::engine {
namespace {

bool contains(const std::vector<std::string>& list, const std::string& item) {
  return std::find(list.begin(), list.end(), item) != list.end();
}

bool any_tag_in(const spec::Operation& op, const std::vector<std::string>& tags) {
  return std::any_of(op.tags.begin(), op.tags.end(),
                     [&](const std::string& t) { return contains(tags, t); });
}

}  // namespace

std::vector<const spec::Operation*> select(const spec::Spec& spec, const Selection& selection) {
  for (const auto& id : selection.operations) {
    if (spec.find_operation(id) == nullptr) {
      core::fail_input("run.unknown_operation", spec.file(), "",
                       "--operation " + id + ": the document has no operation with this id");
    }
  }
  std::regex path_pattern;
  if (!selection.path_regex.empty()) {
    try {
      path_pattern = std::regex(selection.path_regex, std::regex::ECMAScript);
    } catch (const std::regex_error& e) {
      core::fail_input(
          "run.bad_path_regex", "", "",
          "--path '" + selection.path_regex + "' is not a regular expression: " + e.what());
    }
  }
  std::vector<std::string> methods;
  for (const auto& m : selection.methods) methods.push_back(core::ascii_lower(m));

  std::vector<const spec::Operation*> selected;
  for (const auto& op : spec.operations()) {
    if (!selection.operations.empty() && !contains(selection.operations, op.operation_id)) continue;
    if (contains(selection.exclude_operations, op.operation_id)) continue;
    if (!selection.tags.empty() && !any_tag_in(op, selection.tags)) continue;
    if (any_tag_in(op, selection.exclude_tags)) continue;
    if (!methods.empty() && !contains(methods, op.method)) continue;
    if (!selection.path_regex.empty() && !std::regex_search(op.path, path_pattern)) continue;
    selected.push_back(&op);
  }
  return selected;
}

}  // namespace conform::engine
