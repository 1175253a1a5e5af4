// The official JSON-Schema-Test-Suite (draft 7, required tests) run through the schema module.
// The expected failures are listed exactly: a regression and an unexpected improvement both fail.
#include <gtest/gtest.h>

#include <fstream>
#include <set>

#include "conform/core/error.hpp"
#include "conform/schema/compiled_schema.hpp"
#include "support/paths.hpp"

namespace conform::schema {
namespace {

std::optional<nlohmann::json> load_remote(const std::filesystem::path& remotes,
                                          const std::string& uri) {
  constexpr std::string_view host = "http://localhost:1234/";
  if (uri.rfind(host, 0) != 0) return std::nullopt;
  auto relative = uri.substr(host.size());
  relative = relative.substr(0, relative.find('#'));
  std::ifstream in(remotes / relative);
  if (!in) return std::nullopt;
  return nlohmann::json::parse(in);
}

struct Outcome {
  int passed = 0;
  int failed = 0;
  std::set<std::string> failures;  // "file: case / test"
};

Outcome run_suite(const std::filesystem::path& root) {
  Outcome outcome;
  auto remotes = root / "remotes";
  RemoteLoader remote = [&](const std::string& uri) { return load_remote(remotes, uri); };
  std::vector<std::filesystem::path> files;
  for (const auto& entry : std::filesystem::directory_iterator(root / "tests/draft7")) {
    if (entry.path().extension() == ".json") files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  for (const auto& file : files) {
    std::ifstream in(file);
    auto groups = nlohmann::json::parse(in);
    for (const auto& group : groups) {
      std::optional<CompiledSchema> schema;
      try {
        schema = CompiledSchema::compile(group["schema"], "", remote);
      } catch (const core::Error&) {
      }
      for (const auto& test : group["tests"]) {
        bool expected = test["valid"].get<bool>();
        bool ok = schema && schema->accepts(test["data"]) == expected;
        if (ok) {
          ++outcome.passed;
        } else {
          ++outcome.failed;
          outcome.failures.insert(file.stem().string() + ": " +
                                  group["description"].get<std::string>() + " / " +
                                  test["description"].get<std::string>());
        }
      }
    }
  }
  return outcome;
}

TEST(JsonSchemaTestSuite, Draft7RequiredTests) {
  auto root = test::shared("corpus/json-schema-test-suite");
  CONFORM_REQUIRE_SHARED(root);
  Outcome outcome = run_suite(root);
  const std::set<std::string> expected_failures = {
#include "json_schema_test_suite_failures.inc"
  };
  std::cout << "draft7 required: " << outcome.passed << " passed, " << outcome.failed
            << " failed of " << outcome.passed + outcome.failed << "\n";
  for (const auto& failure : outcome.failures) {
    EXPECT_TRUE(expected_failures.contains(failure)) << "new failure: " << failure;
  }
  for (const auto& failure : expected_failures) {
    EXPECT_TRUE(outcome.failures.contains(failure)) << "now passes, update the list: " << failure;
  }
}

}  // namespace
}  // namespace conform::schema
