#include "conform/report/results.hpp"

#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <system_error>

#include "conform/core/error.hpp"
#include "conform/core/text.hpp"

namespace conform::report {

int RunResults::failures() const {
  int n = 0;
  for (const auto& t : tests) n += static_cast<int>(t.result.failures.size());
  return n;
}

int RunResults::known() const {
  int n = 0;
  for (const auto& t : tests) n += static_cast<int>(t.result.known.size());
  return n;
}

int RunResults::advisories() const {
  int n = 0;
  for (const auto& t : tests) n += static_cast<int>(t.result.advisories.size());
  return n;
}

int RunResults::not_exercised() const {
  int n = 0;
  for (const auto& t : tests) n += !t.result.not_exercised.empty();
  return n;
}

int RunResults::errors() const {
  int n = 0;
  for (const auto& t : tests) n += static_cast<int>(t.result.errors.size());
  return n;
}

int RunResults::skipped() const {
  int n = 0;
  for (const auto& t : tests) {
    n += !t.result.not_tested.empty() && t.result.failures.empty() && t.result.errors.empty();
  }
  return n;
}

int RunResults::requests() const {
  int n = 0;
  for (const auto& t : tests) n += t.result.sent;
  return n;
}

namespace {

nlohmann::json failure_json(const engine::FailureRecord& f) {
  return {{"check", f.check},
          {"message", f.message},
          {"pointer", f.pointer},
          {"status", f.status},
          {"curl", f.curl},
          {"case", f.case_summary},
          {"seed", f.seed},
          {"shrunk", f.shrunk},
          {"response", f.response},
          {"reason", f.reason},
          {"schema_location", f.schema_location}};
}

engine::FailureRecord failure_from(const nlohmann::json& j) {
  return {.check = j.at("check"),
          .message = j.at("message"),
          .pointer = j.at("pointer"),
          .status = j.at("status"),
          .curl = j.at("curl"),
          .case_summary = j.at("case"),
          .seed = j.at("seed"),
          .shrunk = j.at("shrunk"),
          .response = j.value("response", ""),
          .reason = j.value("reason", ""),
          .schema_location = j.value("schema_location", "")};
}

}  // namespace

nlohmann::json known_failure_json(const KnownFailure& f) {
  return {{"operation", f.operation}, {"check", f.check},   {"pointer", f.pointer},
          {"status", f.status},       {"reason", f.reason}, {"example", f.example}};
}

KnownFailure known_failure_from(const nlohmann::json& j) {
  return {.operation = j.at("operation"),
          .check = j.at("check"),
          .pointer = j.at("pointer"),
          .status = j.at("status"),
          .reason = j.value("reason", ""),
          .example = j.value("example", "")};
}

namespace {

// Statuses as JSON object keys ("200": 12).
nlohmann::json statuses_json(const std::map<int, int>& statuses) {
  nlohmann::json out = nlohmann::json::object();
  for (const auto& [status, count] : statuses) out[std::to_string(status)] = count;
  return out;
}

}  // namespace

nlohmann::json to_json(const RunResults& results) {
  nlohmann::json tests = nlohmann::json::array();
  for (const auto& t : results.tests) {
    nlohmann::json failures = nlohmann::json::array();
    nlohmann::json errors = nlohmann::json::array();
    nlohmann::json advisories = nlohmann::json::array();
    nlohmann::json known = nlohmann::json::array();
    for (const auto& f : t.result.known) known.push_back(failure_json(f));
    for (const auto& f : t.result.failures) failures.push_back(failure_json(f));
    for (const auto& f : t.result.errors) errors.push_back(failure_json(f));
    for (const auto& f : t.result.advisories) advisories.push_back(failure_json(f));
    tests.push_back({{"suite", t.suite},
                     {"name", t.name},
                     {"operation", t.result.operation_id},
                     {"phase", t.result.phase},
                     {"sent", t.result.sent},
                     {"not_tested", t.result.not_tested},
                     {"seconds", t.result.seconds},
                     {"valid_sent", t.result.valid_sent},
                     {"invalid_sent", t.result.invalid_sent},
                     {"valid_refused", t.result.valid_refused},
                     {"notes", t.result.notes},
                     {"not_exercised", t.result.not_exercised},
                     {"covered_valid", t.result.covered_valid},
                     {"covered_invalid", t.result.covered_invalid},
                     {"statuses", statuses_json(t.result.statuses)},
                     {"parameters_sent", t.result.parameters_sent},
                     {"links_followed", t.result.links_followed},
                     {"failures", failures},
                     {"advisories", advisories},
                     {"known", known},
                     {"errors", errors}});
  }
  nlohmann::json targets = nlohmann::json::object();
  for (const auto& [id, target] : results.coverage_targets) {
    targets[id] = {{"locations", target.locations},
                   {"statuses", target.statuses},
                   {"unbreakable", target.unbreakable},
                   {"parameters", target.parameters},
                   {"links", target.links}};
  }
  nlohmann::json fixed = nlohmann::json::array();
  for (const KnownFailure& f : results.fixed) fixed.push_back(known_failure_json(f));
  return {{"spec", results.spec_file},      {"target", results.target},
          {"coverage_targets", targets},    {"seed", results.seed},
          {"seconds", results.seconds},     {"interrupted", results.interrupted},
          {"command", results.command},     {"tests", tests},
          {"baselined", results.baselined}, {"fixed", fixed}};
}

RunResults results_from_json(const nlohmann::json& json) {
  RunResults results;
  results.spec_file = json.at("spec");
  results.target = json.at("target");
  results.seed = json.at("seed");
  results.seconds = json.at("seconds");
  results.interrupted = json.at("interrupted");
  results.command = json.value("command", "");
  for (const auto& t : json.at("tests")) {
    TestRecord record;
    record.suite = t.at("suite");
    record.name = t.at("name");
    record.result.operation_id = t.at("operation");
    record.result.phase = t.at("phase");
    record.result.sent = t.at("sent");
    record.result.not_tested = t.at("not_tested");
    record.result.seconds = t.at("seconds");
    for (const auto& f : t.at("failures")) record.result.failures.push_back(failure_from(f));
    for (const auto& f : t.at("errors")) record.result.errors.push_back(failure_from(f));
    for (const auto& f : t.value("advisories", nlohmann::json::array())) {
      record.result.advisories.push_back(failure_from(f));
    }
    for (const auto& f : t.value("known", nlohmann::json::array())) {
      record.result.known.push_back(failure_from(f));
    }
    record.result.valid_sent = t.value("valid_sent", 0);
    record.result.invalid_sent = t.value("invalid_sent", 0);
    record.result.valid_refused = t.value("valid_refused", 0);
    record.result.notes = t.value("notes", std::vector<std::string>{});
    record.result.not_exercised = t.value("not_exercised", "");
    record.result.covered_valid = t.value("covered_valid", std::set<std::string>{});
    record.result.covered_invalid = t.value("covered_invalid", std::set<std::string>{});
    record.result.parameters_sent = t.value("parameters_sent", std::set<std::string>{});
    record.result.links_followed =
        t.value("links_followed", std::map<std::string, std::set<std::string>>{});
    // Bound first: a range-for over items() of a temporary would outlive it.
    const nlohmann::json statuses = t.value("statuses", nlohmann::json::object());
    for (const auto& [status, count] : statuses.items()) {
      record.result.statuses[std::stoi(status)] = count.get<int>();
    }
    results.tests.push_back(std::move(record));
  }
  results.baselined = json.value("baselined", false);
  for (const auto& f : json.value("fixed", nlohmann::json::array())) {
    results.fixed.push_back(known_failure_from(f));
  }
  const nlohmann::json targets = json.value("coverage_targets", nlohmann::json::object());
  for (const auto& [id, target] : targets.items()) {
    results.coverage_targets[id] = {
        target.at("locations").get<std::set<std::string>>(),
        target.at("statuses").get<std::vector<std::string>>(),
        target.value("unbreakable", std::map<std::string, std::string>{}),
        target.value("parameters", std::vector<std::string>{}),
        target.value("links", std::vector<std::string>{})};
  }
  return results;
}

void merge_into(RunResults& into, RunResults part) {
  into.seconds = std::max(into.seconds, part.seconds);
  into.interrupted = into.interrupted || part.interrupted;
  for (auto& t : part.tests) into.tests.push_back(std::move(t));
  into.coverage_targets.merge(part.coverage_targets);
  into.baselined = into.baselined || part.baselined;
  for (auto& f : part.fixed) into.fixed.push_back(std::move(f));
}

void write_atomically(const std::filesystem::path& path, const std::string& content) {
  if (path.has_parent_path()) {
    std::error_code ignored;
    std::filesystem::create_directories(path.parent_path(), ignored);
  }
  std::filesystem::path temporary = path;
  temporary += ".tmp" + std::to_string(::getpid());
  {
    std::ofstream out(temporary, std::ios::binary | std::ios::trunc);
    out << content;
    out.flush();
    if (!out) {
      core::fail_input("report.write", path.string(), "", "cannot write the report");
    }
  }
  std::error_code error;
  std::filesystem::rename(temporary, path, error);
  if (error) {
    std::filesystem::remove(temporary, error);
    core::fail_input("report.write", path.string(), "", "cannot write the report");
  }
}

std::string duration_text(double seconds) {
  char text[32];
  std::snprintf(text, sizeof text, "%.2f s", seconds);
  return text;
}

std::string reproduce_line(const TestRecord& test, const std::string& command, std::uint64_t seed) {
  if (command.empty()) return {};
  std::string line = command + " --seed " + std::to_string(seed);
  // The probe comes first in any run; the coverage gate is the whole run.
  if (test.suite == "Credential" || test.suite == "Coverage") return line;
  const bool suite_test = test.suite == "Permissions" || test.name == "workflow";
  if (!suite_test) {
    return line + " --operation " + core::shell_quote(test.suite) + " --phases " + test.name;
  }
  return line + " --gtest_filter=" + core::shell_quote(test.suite + "." + test.name);
}

}  // namespace conform::report
