#include "conform/arazzo/document.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <functional>
#include <set>
#include <sstream>

#include "conform/spec/document.hpp"
#include "support/paths.hpp"
#include "support/shell.hpp"

namespace conform::arazzo {
namespace {

using nlohmann::json;

std::vector<std::filesystem::path> spec_examples() {
  std::vector<std::filesystem::path> out;
  for (const auto& entry :
       std::filesystem::directory_iterator(test::shared("corpus/arazzo/examples/1.0.0"))) {
    const std::string name = entry.path().filename().string();
    if (name.find("arazzo") != std::string::npos && entry.path().extension() == ".yaml") {
      out.push_back(entry.path());
    }
  }
  std::sort(out.begin(), out.end());
  return out;
}

TEST(ArazzoDocument, TheSpecificationsExamplesReadWithoutProblems) {
  CONFORM_REQUIRE_SHARED(test::shared("corpus/arazzo/examples/1.0.0"));
  auto examples = spec_examples();
  ASSERT_GE(examples.size(), 6u);
  for (const auto& file : examples) {
    Reading reading = read(file);
    std::string problems;
    for (const auto& d : reading.problems.items()) problems += core::format(d) + "\n";
    EXPECT_TRUE(reading.problems.empty()) << problems;
    EXPECT_FALSE(reading.document.workflows.empty()) << file;
  }
}

TEST(ArazzoDocument, ReusableObjectsAndInputsAreResolved) {
  CONFORM_REQUIRE_SHARED(test::shared("corpus/arazzo/examples/1.0.0/pet-coupons.arazzo.yaml"));
  Reading reading = read(test::shared("corpus/arazzo/examples/1.0.0/pet-coupons.arazzo.yaml"));
  const Workflow* buy = reading.document.find_workflow("buy-available-pet");
  ASSERT_NE(buy, nullptr);
  const Step* find = buy->find_step("find-pet");
  ASSERT_NE(find, nullptr);
  ASSERT_EQ(find->parameters.size(), 3u);
  EXPECT_EQ(find->parameters[1].name, "page");
  EXPECT_EQ(find->parameters[1].value, json(1)) << "the reference's value wins";
  EXPECT_TRUE(buy->inputs.is_object()) << "inputs: $ref into components.inputs";
}

// A valid document, then broken copies: each refused with the pointer of what is wrong.
json minimal() {
  return json::parse(R"({
    "arazzo": "1.0.1", "info": {"title": "t", "version": "1"},
    "sourceDescriptions": [{"name": "api", "url": "api.json", "type": "openapi"}],
    "workflows": [{"workflowId": "w", "steps": [
      {"stepId": "a", "operationId": "op", "successCriteria": [{"condition": "$statusCode == 200"}],
       "onFailure": [{"name": "again", "type": "retry", "stepId": "a", "retryAfter": 1,
                       "retryLimit": 2}]}]}]})");
}

struct Broken {
  const char* name;
  const char* pointer;  // where the problem is
  std::function<void(json&)> damage;
};

const std::vector<Broken>& broken() {
  static const std::vector<Broken> cases = {
      {"no_info", "", [](json& d) { d.erase("info"); }},
      {"unknown_field", "/workflows/0/steps/0/operationID",
       [](json& d) { d["workflows"][0]["steps"][0]["operationID"] = "op"; }},
      {"no_step_id", "/workflows/0/steps/0",
       [](json& d) { d["workflows"][0]["steps"][0].erase("stepId"); }},
      {"two_targets", "/workflows/0/steps/0",
       [](json& d) { d["workflows"][0]["steps"][0]["workflowId"] = "w"; }},
      {"empty_steps", "/workflows/0/steps",
       [](json& d) { d["workflows"][0]["steps"] = json::array(); }},
      {"bad_version", "/arazzo", [](json& d) { d["arazzo"] = "2.0.0"; }},
      {"bad_source_type", "/sourceDescriptions/0/type",
       [](json& d) { d["sourceDescriptions"][0]["type"] = "swagger"; }},
      {"bad_location", "/workflows/0/steps/0/parameters/0/in",
       [](json& d) {
         d["workflows"][0]["steps"][0]["parameters"] =
             json::parse(R"([{"name": "x", "in": "body", "value": 1}])");
       }},
      {"retry_on_success", "/workflows/0/steps/0/onSuccess/0/type",
       [](json& d) {
         d["workflows"][0]["steps"][0]["onSuccess"] =
             json::parse(R"([{"name": "r", "type": "retry"}])");
       }},
      {"bad_criterion_type", "/workflows/0/steps/0/successCriteria/0/type",
       [](json& d) {
         d["workflows"][0]["steps"][0]["successCriteria"][0]["type"] = "sql";
         d["workflows"][0]["steps"][0]["successCriteria"][0]["context"] = "$response.body";
       }},
      {"negative_retry_limit", "/workflows/0/steps/0/onFailure/0/retryLimit",
       [](json& d) { d["workflows"][0]["steps"][0]["onFailure"][0]["retryLimit"] = -1; }},
  };
  return cases;
}

TEST(ArazzoDocument, BrokenDocumentsAreRefusedWithTheirPointer) {
  EXPECT_TRUE(read(minimal(), "suite.json").problems.empty());
  for (const auto& b : broken()) {
    json document = minimal();
    b.damage(document);
    Reading reading = read(document, "suite.json");
    bool named = false;
    for (const auto& d : reading.problems.items()) named = named || d.pointer == b.pointer;
    std::string problems;
    for (const auto& d : reading.problems.items()) problems += core::format(d) + "\n";
    EXPECT_TRUE(named) << b.name << " was not refused at " << b.pointer << ":\n" << problems;
  }
}

TEST(ArazzoDocument, GotoTargetsDependenciesAndIdsAreChecked) {
  json document = minimal();
  document["workflows"][0]["steps"][0]["onFailure"] =
      json::parse(R"([{"name": "g", "type": "goto", "stepId": "nowhere"}])");
  document["workflows"][0]["dependsOn"] = json::array({"w"});
  document["workflows"].push_back(document["workflows"][0]);
  Reading reading = read(document, "suite.json");
  std::set<std::string> pointers;
  for (const auto& d : reading.problems.items()) pointers.insert(d.pointer);
  EXPECT_TRUE(pointers.contains("/workflows/0/steps/0/onFailure/0/stepId"));
  EXPECT_TRUE(pointers.contains("/workflows/1/workflowId")) << "a second workflow 'w'";
  EXPECT_TRUE(pointers.contains("/workflows/0/dependsOn")) << "w depends on itself";
}

// conform's reading agrees with the Arazzo 1.0 JSON Schema, judged by Python's jsonschema: the
// examples are valid by both, and each broken copy invalid by both.
TEST(ArazzoDocument, AgreesWithTheArazzoSchemaAsAnIndependentValidatorReadsIt) {
  CONFORM_REQUIRE_SHARED(test::shared("corpus/arazzo/schema/v1.0/schema.json"));
  if (test::sh("/usr/bin/python3 -c 'import jsonschema, yaml' 2>/dev/null") != 0) {
    GTEST_SKIP() << "needs Python's jsonschema and yaml (Debian python3-jsonschema, "
                    "python3-yaml, which scripts/setup installs)";
  }
  std::vector<std::string> files;
  std::vector<bool> conform_valid;
  for (const auto& file : spec_examples()) {
    files.push_back(file.string());
    conform_valid.push_back(read(file).problems.count(core::Severity::error) == 0);
  }
  const auto folder =
      std::filesystem::temp_directory_path() / ("conform-arazzo-" + std::to_string(getpid()));
  std::filesystem::create_directories(folder);
  auto write = [&](const std::string& name, const json& document) {
    auto path = folder / (name + ".json");
    std::ofstream(path) << document.dump();
    files.push_back(path.string());
    conform_valid.push_back(read(document, path.string()).problems.count(core::Severity::error) ==
                            0);
  };
  write("minimal", minimal());
  for (const auto& b : broken()) {
    json document = minimal();
    b.damage(document);
    write(b.name, document);
  }
  // conform warns of an id that runtime expressions cannot name; the schema allows it.
  json spaced = minimal();
  spaced["workflows"][0]["workflowId"] = "has space";
  write("spaced_id", spaced);
  std::string command = "/usr/bin/python3 " +
                        test::source("tests/support/arazzo_schema_judge.py").string() + " " +
                        test::shared("corpus/arazzo/schema/v1.0/schema.json").string();
  for (const auto& f : files) command += " '" + f + "'";
  std::string verdicts;
  ASSERT_EQ(test::sh(command, &verdicts), 0) << verdicts;
  std::filesystem::remove_all(folder);
  std::istringstream lines(verdicts);
  std::string line;
  for (std::size_t i = 0; i < files.size(); ++i) {
    ASSERT_TRUE(std::getline(lines, line)) << verdicts;
    EXPECT_EQ(line == "valid", conform_valid[i])
        << files[i] << ": the schema says " << line << ", conform says "
        << (conform_valid[i] ? "valid" : "invalid");
  }
}

}  // namespace
}  // namespace conform::arazzo
