#include "conform/arazzo/binding.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

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
  Binding binding = bind(reading.document, spec, problems);
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

}  // namespace
}  // namespace conform::arazzo
