#include "conform/engine/selection.hpp"

#include <algorithm>
#include <optional>

#include "conform/core/error.hpp"
#include "conform/core/text.hpp"
#include "conform/schema/regex.hpp"

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

bool is_read_method(const std::string& method) {
  const std::string m = core::ascii_lower(method);
  return m == "get" || m == "head" || m == "options";
}

std::vector<const spec::Operation*> select(const spec::Spec& spec, const Selection& selection) {
  std::vector<std::string> ids;
  std::vector<std::string> tags;
  for (const auto& op : spec.operations()) {
    ids.push_back(op.operation_id);
    for (const auto& tag : op.tags) {
      if (!contains(tags, tag)) tags.push_back(tag);
    }
  }
  auto require = [&](const std::vector<std::string>& given, const std::vector<std::string>& known,
                     const char* option, const char* code, const char* what) {
    for (const auto& name : given) {
      if (contains(known, name)) continue;
      core::fail_input(code, spec.file(), "",
                       std::string(option) + " " + name + ": the document has no " + what + " '" +
                           name + "'" + core::did_you_mean(name, known));
    }
  };
  require(selection.operations, ids, "--operation", "run.unknown_operation", "operation with id");
  require(selection.exclude_operations, ids, "--exclude-operation", "run.unknown_operation",
          "operation with id");
  require(selection.tags, tags, "--tag", "run.unknown_tag", "tag");
  require(selection.exclude_tags, tags, "--exclude-tag", "run.unknown_tag", "tag");
  const std::vector<std::string> http_methods = {"get",     "put",  "post",  "delete",
                                                 "options", "head", "patch", "trace"};
  for (const auto& method : selection.methods) {
    if (contains(http_methods, core::ascii_lower(method))) continue;
    core::fail_input(
        "run.unknown_method", "", "",
        "--method " + method + ": not an HTTP method" + core::did_you_mean(method, http_methods));
  }
  // Matched with the bounded matcher: the paths come from the description, which may be hostile.
  std::optional<schema::Regex> path_pattern;
  if (!selection.path_regex.empty()) {
    std::string why;
    path_pattern = schema::Regex::compile(selection.path_regex, &why);
    if (!path_pattern) {
      core::fail_input("run.bad_path_regex", "", "",
                       "--path '" + selection.path_regex + "' is not a regular expression: " + why);
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
    if (selection.read_only && !is_read_method(op.method)) continue;
    if (path_pattern && path_pattern->search(op.path) != schema::Regex::Outcome::match) continue;
    selected.push_back(&op);
  }
  return selected;
}

}  // namespace conform::engine
