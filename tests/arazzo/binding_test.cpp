#include "conform/arazzo/binding.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <set>

#include "conform/arazzo/workflow_runner.hpp"
#include "support/paths.hpp"

namespace conform::arazzo {
namespace {

using ::testing::HasSubstr;

std::string problems_of(const std::string& arazzo, const std::string& openapi) {
  const auto folder = test::shared("corpus/arazzo/examples/1.0.0");
  spec::Spec spec = spec::Spec::load((folder / openapi).string());
  Suite suite = load_suite(folder / arazzo, spec);
  std::string out;
  for (const auto& d : suite.problems.items()) out += core::format(d) + "\n";
  return out;
}

// The specification's examples against the descriptions they call: one binds whole, and the
// others hold mistakes a run would trip on, each found with its pointer.
TEST(ArazzoBinding, TheSpecificationsExamplesAgainstTheirOwnDescriptions) {
  CONFORM_REQUIRE_SHARED(test::shared("corpus/arazzo/examples/1.0.0"));
  EXPECT_EQ(problems_of("oauth.arazzo.yaml", "oauth.openapi.yaml"), "");

  // The description names the parameters `tags` and `petId`.
  std::string coupons = problems_of("pet-coupons.arazzo.yaml", "pet-coupons.openapi.yaml");
  EXPECT_THAT(coupons, HasSubstr("#/workflows/0/steps/0/parameters/0: error [arazzo.binding] "
                                 "findPetsByTags has no query parameter 'pet_tags'"));
  EXPECT_THAT(coupons, HasSubstr("the step gives no value for getPetCoupons's path parameter "
                                 "'petId'"));
  // An output reads "$steps.<id>.<name>", without ".outputs.".
  EXPECT_THAT(problems_of("bnpl-arazzo.yaml", "bnpl-openapi.yaml"),
              HasSubstr("#/workflows/0/outputs/finalizedPaymentPlan: error [arazzo.binding] "
                        "'$steps.retrieveFinalizedPaymentPlan.finalizedPaymentPlan' is not a "
                        "runtime expression"));
  // operationIds are case-sensitive: the description has `Par`.
  EXPECT_THAT(problems_of("FAPI-PAR.arazzo.yaml", "FAPI-PAR.openapi.yaml"),
              HasSubstr("#/workflows/0/steps/0/operationId: error [arazzo.binding] the "
                        "description has no operation 'PAR' (did you mean 'Par'?)"));
}

TEST(ArazzoBinding, OperationPathsAndSourceNamesFindTheOperation) {
  CONFORM_REQUIRE_SHARED(test::shared("corpus/arazzo/examples/1.0.0"));
  const auto folder = test::shared("corpus/arazzo/examples/1.0.0");
  spec::Spec spec = spec::Spec::load((folder / "oauth.openapi.yaml").string());
  nlohmann::json document = nlohmann::json::parse(R"({
    "arazzo": "1.0.1", "info": {"title": "t", "version": "1"},
    "sourceDescriptions": [{"name": "auth", "url": "oauth.openapi.yaml"}],
    "workflows": [{"workflowId": "w", "steps": [
      {"stepId": "byPath", "operationPath": "{$sourceDescriptions.auth.url}#/paths/~1oauth~1token/post"},
      {"stepId": "byName", "operationId": "$sourceDescriptions.auth.get-token"},
      {"stepId": "unknownSource", "operationId": "$sourceDescriptions.other.get-token"},
      {"stepId": "noSuchPath", "operationPath": "{$sourceDescriptions.auth.url}#/paths/~1nope/get"}
    ]}]})");
  Reading reading = read(document, "suite.json");
  ASSERT_TRUE(reading.problems.empty());
  core::Diagnostics problems;
  Binding binding = bind_operations(reading.document, spec, problems);
  const auto& steps = reading.document.workflows[0].steps;
  ASSERT_TRUE(binding.operations.contains(&steps[0]));
  EXPECT_EQ(binding.operations.at(&steps[0])->operation_id, "get-token");
  ASSERT_TRUE(binding.operations.contains(&steps[1]));
  EXPECT_EQ(binding.operations.at(&steps[1])->operation_id, "get-token");
  std::set<std::string> pointers;
  for (const auto& d : problems.items()) pointers.insert(d.pointer);
  EXPECT_EQ(pointers, (std::set<std::string>{"/workflows/0/steps/2/operationId",
                                             "/workflows/0/steps/3/operationPath"}));
}

// Two sources: the one named like --spec is it, the other is read beside the suite; a bare
// operationId is the one source's that has it, and one both have must name its source.
TEST(ArazzoBinding, EachSourceIsItsOwnDescription) {
  spec::Spec things = spec::Spec::load(test::data("arazzo/things.openapi.yaml"));
  Suite suite = load_suite(test::data("arazzo/two-sources.arazzo.yaml"), things);
  std::string problems;
  for (const auto& d : suite.problems.items()) problems += core::format(d) + "\n";
  ASSERT_EQ(problems, "");
  ASSERT_EQ(suite.own_descriptions.size(), 1u);
  const spec::Spec* pets = suite.own_descriptions.front().get();
  EXPECT_EQ(suite.sources.at("things"), &things);
  EXPECT_EQ(suite.sources.at("pets"), pets);
  const auto& steps = suite.document.workflows[0].steps;
  EXPECT_EQ(suite.binding.descriptions.at(&steps[0]), &things);
  EXPECT_EQ(suite.binding.descriptions.at(&steps[1]), pets);
  EXPECT_EQ(suite.binding.operations.at(&steps[1])->operation_id, "listPets");

  nlohmann::json document = nlohmann::json::parse(R"({
    "arazzo": "1.0.1", "info": {"title": "t", "version": "1"},
    "sourceDescriptions": [{"name": "things", "url": "things.openapi.yaml"},
                           {"name": "pets", "url": "pets.openapi.yaml"}],
    "workflows": [{"workflowId": "w", "steps": [{"stepId": "a", "operationId": "createThing"}]}]})");
  Reading reading = read(document, "suite.json");
  core::Diagnostics found;
  bind_operations(reading.document, Sources{{"things", &things}, {"pets", pets}}, found);
  ASSERT_EQ(found.size(), 1u);
  EXPECT_THAT(found.items()[0].message, HasSubstr("an operation of several source descriptions"));
}

TEST(ArazzoBinding, ASourceThatCannotBeReadIsNamed) {
  spec::Spec things = spec::Spec::load(test::data("arazzo/things.openapi.yaml"));
  const auto file = std::filesystem::temp_directory_path() /
                    ("conform-sources-" + std::to_string(::getpid()) + ".arazzo.yaml");
  std::ofstream(file)
      << "arazzo: 1.0.1\ninfo: {title: t, version: '1'}\nsourceDescriptions:\n"
         "  - {name: things, url: things.openapi.yaml}\n"
         "  - {name: far, url: 'https://example.com/far.yaml'}\n"
         "  - {name: gone, url: gone.yaml}\n"
         "workflows:\n- workflowId: w\n  steps: [{stepId: a, operationId: createThing}]\n";
  Suite suite = load_suite(file, things);
  std::filesystem::remove(file);
  std::set<std::string> pointers;
  for (const auto& d : suite.problems.items()) pointers.insert(d.pointer);
  EXPECT_EQ(pointers,
            (std::set<std::string>{"/sourceDescriptions/1/url", "/sourceDescriptions/2/url"}));
}

}  // namespace
}  // namespace conform::arazzo
