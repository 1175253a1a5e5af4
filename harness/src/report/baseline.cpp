#include "conform/report/baseline.hpp"

#include <algorithm>
#include <fstream>
#include <set>
#include <sstream>
#include <tuple>

#include "conform/core/error.hpp"
#include "conform/core/json.hpp"
#include "conform/report/groups.hpp"

namespace conform::report {
namespace {

constexpr const char* kFormat = "conform-baseline/1";
// A baseline lists failure groups, not failures: a few hundred kilobytes at most in practice.
constexpr std::uintmax_t kMaxBytes = 16u << 20;

auto key(const KnownFailure& f) { return std::tie(f.operation, f.check, f.pointer, f.status); }

}  // namespace

Baseline load_baseline(const std::filesystem::path& file, bool missing_is_empty) {
  const std::string name = file.string();
  std::error_code ec;
  if (!std::filesystem::exists(file, ec)) {
    if (missing_is_empty) return {};
    core::fail_input("baseline.missing", name, "", "no such file (--baseline-update writes it)");
  }
  if (!std::filesystem::is_regular_file(file, ec)) {
    core::fail_input("baseline.unreadable", name, "", "not a regular file");
  }
  if (std::filesystem::file_size(file, ec) > kMaxBytes) {
    core::fail_input("baseline.limit", name, "", "larger than 16 MiB");
  }
  std::ifstream in(file, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  if (!in) core::fail_input("baseline.unreadable", name, "", "cannot be read");
  auto parsed = core::parse_json(text.str());
  if (auto* error = std::get_if<core::JsonError>(&parsed)) {
    core::fail_input("baseline.syntax", name, "", "invalid JSON: " + error->message);
  }
  const nlohmann::json& json = std::get<nlohmann::json>(parsed);
  if (!json.is_object() || json.value("format", "") != kFormat) {
    core::fail_input("baseline.format", name, "/format",
                     std::string("not a baseline: expected \"format\": \"") + kFormat + "\"");
  }
  auto failures = json.find("failures");
  if (failures == json.end() || !failures->is_array()) {
    core::fail_input("baseline.format", name, "/failures", "expected an array of failures");
  }
  Baseline baseline;
  for (std::size_t i = 0; i < failures->size(); ++i) {
    const nlohmann::json& entry = (*failures)[i];
    const std::string at = "/failures/" + std::to_string(i);
    bool well_formed =
        entry.is_object() && entry.contains("status") && entry["status"].is_number_integer();
    for (const char* field : {"operation", "check", "pointer"}) {
      well_formed = well_formed && entry.contains(field) && entry[field].is_string();
    }
    if (!well_formed) {
      core::fail_input("baseline.format", name, at,
                       "a failure needs \"operation\", \"check\" and \"pointer\" (strings) and "
                       "\"status\" (an integer)");
    }
    baseline.failures.push_back(known_failure_from(entry));
  }
  return baseline;
}

Baseline baseline_of(const RunResults& results) {
  Baseline baseline;
  auto add = [&](const std::string& suite, const engine::FailureRecord& f) {
    KnownFailure entry{.operation = suite,
                       .check = f.check,
                       .pointer = f.pointer,
                       .status = f.status,
                       .reason = reason_of(f),
                       .example = f.message};
    auto same = [&](const KnownFailure& other) { return key(other) == key(entry); };
    if (std::none_of(baseline.failures.begin(), baseline.failures.end(), same)) {
      baseline.failures.push_back(std::move(entry));
    }
  };
  for (const TestRecord& test : results.tests) {
    for (const auto& f : test.result.known) add(test.suite, f);
    for (const auto& f : test.result.failures) add(test.suite, f);
  }
  std::stable_sort(baseline.failures.begin(), baseline.failures.end(),
                   [](const KnownFailure& a, const KnownFailure& b) { return key(a) < key(b); });
  return baseline;
}

std::string baseline_text(const Baseline& baseline, const std::string& spec_file) {
  nlohmann::json failures = nlohmann::json::array();
  for (const KnownFailure& f : baseline.failures) failures.push_back(known_failure_json(f));
  nlohmann::json document = {{"format", kFormat}, {"spec", spec_file}, {"failures", failures}};
  return document.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
}

void set_aside_known(TestRecord& test, const Baseline& baseline) {
  auto& failures = test.result.failures;
  auto known = std::stable_partition(failures.begin(), failures.end(), [&](const auto& f) {
    return std::none_of(baseline.failures.begin(), baseline.failures.end(),
                        [&](const KnownFailure& k) { return k.matches(test.suite, f); });
  });
  std::move(known, failures.end(), std::back_inserter(test.result.known));
  failures.erase(known, failures.end());
}

void apply_baseline(RunResults& results, const Baseline& baseline) {
  results.baselined = true;
  std::set<std::string> tested;
  for (TestRecord& test : results.tests) {
    set_aside_known(test, baseline);
    if (test.result.sent > 0) tested.insert(test.suite);
  }
  for (const KnownFailure& entry : baseline.failures) {
    if (!tested.contains(entry.operation)) continue;  // not run: nothing to say of it
    bool found_again = std::any_of(results.tests.begin(), results.tests.end(), [&](const auto& t) {
      return std::any_of(t.result.known.begin(), t.result.known.end(),
                         [&](const auto& f) { return entry.matches(t.suite, f); });
    });
    if (!found_again) results.fixed.push_back(entry);
  }
}

}  // namespace conform::report
