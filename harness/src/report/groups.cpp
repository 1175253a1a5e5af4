#include "conform/report/groups.hpp"

#include <map>
#include <tuple>

namespace conform::report {

const std::string& reason_of(const engine::FailureRecord& failure) {
  return failure.reason.empty() ? failure.message : failure.reason;
}

std::string FailureGroup::tests() const {
  std::string out;
  std::vector<std::string> seen;
  for (const FailureRef& ref : failures) {
    const std::string& name = ref.test->name;
    if (std::find(seen.begin(), seen.end(), name) != seen.end()) continue;
    seen.push_back(name);
    out += (out.empty() ? "" : ", ") + name;
  }
  return out;
}

std::vector<FailureGroup> group_failures(const RunResults& results, bool known) {
  using Key = std::tuple<std::string, std::string, std::string, int, std::string>;
  std::map<Key, std::size_t> index;
  std::vector<FailureGroup> groups;
  for (const TestRecord& test : results.tests) {
    for (const engine::FailureRecord& f : known ? test.result.known : test.result.failures) {
      Key key{test.suite, f.check, f.pointer, f.status, reason_of(f)};
      auto [it, added] = index.emplace(key, groups.size());
      if (added) {
        groups.push_back({.suite = test.suite,
                          .check = f.check,
                          .pointer = f.pointer,
                          .status = f.status,
                          .reason = reason_of(f),
                          .schema_location = f.schema_location,
                          .failures = {}});
      }
      groups[it->second].failures.push_back({&test, &f});
    }
  }
  return groups;
}

int FailureCause::failures() const {
  int count = 0;
  for (const FailureGroup* group : groups) count += static_cast<int>(group->failures.size());
  return count;
}

std::vector<FailureCause> causes_of(const std::vector<FailureGroup>& groups) {
  using Key = std::tuple<std::string, std::string, std::string, std::string>;
  std::map<Key, std::size_t> index;
  std::vector<FailureCause> causes;
  for (const FailureGroup& group : groups) {
    // Where a schema keyword is named, the pointer may differ (an item of a list, the same item
    // alone) and the cause is still the keyword.
    Key key{group.check, group.schema_location,
            group.schema_location.empty() ? group.pointer : std::string(), group.reason};
    auto [it, added] = index.emplace(key, causes.size());
    if (added) causes.emplace_back();
    causes[it->second].groups.push_back(&group);
  }
  return causes;
}

}  // namespace conform::report
