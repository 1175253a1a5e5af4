#include "conform/report/coverage.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <fstream>

#include "support/paths.hpp"
#include "support/shell.hpp"

namespace conform::report {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;

engine::PhaseResult exercised(std::string operation, std::set<std::string> valid,
                              std::set<std::string> invalid, std::map<int, int> statuses) {
  engine::PhaseResult result;
  result.operation_id = std::move(operation);
  result.phase = "fuzzing";
  result.covered_valid = std::move(valid);
  result.covered_invalid = std::move(invalid);
  result.statuses = std::move(statuses);
  return result;
}

RunResults sample() {
  RunResults results;
  results.spec_file = "things.yaml";
  results.coverage_targets["createThing"] = {{"body /name: maxLength", "body: required name"},
                                             {"201", "4XX", "default"},
                                             {},
                                             {"header parameter 'X-Trace'"},
                                             {"GetThing", "DeleteThing"}};
  results.coverage_targets["listThings"] = {{"query parameter 'limit': maximum"},
                                            {"200"},
                                            {},
                                            {"query parameter 'limit'", "query parameter 'q'"},
                                            {}};
  results.tests.push_back({"createThing", "examples",
                           exercised("createThing", {"body /name: maxLength"}, {}, {{201, 2}})});
  results.tests.push_back({"createThing", "fuzzing",
                           exercised("createThing", {"body: required name", "not a target"},
                                     {"body /name: maxLength"}, {{400, 3}, {422, 1}, {503, 1}})});
  // A chain from another operation followed createThing's GetThing; a link of an operation
  // outside the run counts for nothing.
  engine::PhaseResult chain = exercised("readThing", {}, {}, {{200, 1}});
  chain.phase = "stateful";
  chain.links_followed = {{"createThing", {"GetThing"}}, {"elsewhere", {"Other"}}};
  chain.parameters_sent = {"query parameter 'limit'"};  // readThing's, not listThings'
  results.tests.push_back({"readThing", "stateful", chain});
  engine::PhaseResult listed = exercised("listThings", {}, {}, {{200, 1}});
  listed.parameters_sent = {"query parameter 'q'"};
  results.tests.push_back({"listThings", "fuzzing", listed});
  return results;
}

TEST(Coverage, UnitesWhatEachPhaseExercisedAgainstTheTargets) {
  CoverageSummary summary = summarise_coverage(sample());
  ASSERT_EQ(summary.operations.size(), 2u);
  const OperationCoverage& create = summary.operations[0];
  EXPECT_EQ(create.operation, "createThing");
  EXPECT_EQ(create.locations, 2u);
  EXPECT_EQ(create.valid, 2u);
  EXPECT_EQ(create.invalid, 1u);
  EXPECT_THAT(create.not_invalid, ElementsAre("body: required name"));
  EXPECT_DOUBLE_EQ(create.percent(), 75.0);
  // Exact first, then the class, then default.
  EXPECT_EQ(create.observed, (std::map<std::string, int>{{"201", 2}, {"4XX", 4}, {"default", 1}}));
  EXPECT_TRUE(create.undeclared.empty());
  // An operation whose cases reached no keyword location is still counted, uncovered.
  const OperationCoverage& list = summary.operations[1];
  EXPECT_EQ(list.valid + list.invalid, 0u);
  EXPECT_EQ(summary.locations, 3u);
  EXPECT_NEAR(summary.percent(), 100.0 * 3 / 6, 1e-9);
  // Parameters a valid case carried, links followed to an answer, whoever followed them.
  EXPECT_THAT(create.parameters_not_sent, ElementsAre("header parameter 'X-Trace'"));
  EXPECT_THAT(create.links_not_followed, ElementsAre("DeleteThing"));
  EXPECT_THAT(list.parameters_not_sent, ElementsAre("query parameter 'limit'"));
  EXPECT_EQ(summary.parameters, 3u);
  EXPECT_EQ(summary.parameters_sent, 1u);
  EXPECT_EQ(summary.links, 2u);
  EXPECT_EQ(summary.links_followed, 1u);
  EXPECT_EQ(coverage_line(summary),
            "Schema coverage: 50.0% of 3 keyword locations both ways (valid 2, invalid 1 of 3 "
            "breakable); 4 of 4 declared statuses seen; 1 of 3 parameters sent; 1 of 2 links "
            "followed");
  // Without links, the line does not speak of them.
  RunResults unlinked = sample();
  unlinked.coverage_targets["createThing"].links.clear();
  EXPECT_THAT(coverage_line(summarise_coverage(unlinked)), Not(HasSubstr("links")));
}

TEST(Coverage, UndeclaredStatusesAreListedApart) {
  RunResults results = sample();
  results.coverage_targets["createThing"].statuses = {"201"};
  CoverageSummary summary = summarise_coverage(results);
  EXPECT_EQ(summary.operations[0].undeclared, (std::map<int, int>{{400, 3}, {422, 1}, {503, 1}}));
}

TEST(Coverage, NothingIsMeasuredWithoutTargets) {
  RunResults results = sample();
  results.coverage_targets.clear();
  EXPECT_FALSE(summarise_coverage(results).measured());
}

TEST(Coverage, SurvivesTheResultsFileAndAMerge) {
  RunResults results = sample();
  RunResults back = results_from_json(to_json(results));
  EXPECT_EQ(back.coverage_targets.size(), 2u);
  EXPECT_EQ(back.tests[1].result.covered_invalid, results.tests[1].result.covered_invalid);
  EXPECT_EQ(back.tests[1].result.statuses, results.tests[1].result.statuses);
  EXPECT_EQ(back.tests[2].result.links_followed, results.tests[2].result.links_followed);
  EXPECT_EQ(back.tests[3].result.parameters_sent, results.tests[3].result.parameters_sent);
  EXPECT_EQ(back.coverage_targets["createThing"].links,
            results.coverage_targets["createThing"].links);
  EXPECT_EQ(back.coverage_targets["listThings"].parameters,
            results.coverage_targets["listThings"].parameters);
  RunResults other;
  other.coverage_targets["deleteThing"] = {{"path parameter 'id': minimum"}, {"204"}};
  merge_into(back, std::move(other));
  EXPECT_EQ(back.coverage_targets.size(), 3u);
}

// The file's format is docs/coverage.schema.json, as an independent validator reads it.
TEST(Coverage, TheJsonFileFollowsItsDocumentedSchema) {
  if (test::sh("python3 -c 'import jsonschema' 2>/dev/null") != 0) {
    GTEST_SKIP() << "python3-jsonschema is not installed (apt install python3-jsonschema)";
  }
  std::string path = ::testing::TempDir() + "coverage-" + std::to_string(getpid()) + ".json";
  std::ofstream(path) << coverage_json(sample());
  auto judged =
      test::shell("python3 " + test::source("tests/support/document_schema_judge.py").string() +
                  " " + test::source("docs/coverage.schema.json").string() + " " + path);
  EXPECT_EQ(judged.output, "valid\n");
  nlohmann::json file = nlohmann::json::parse(coverage_json(sample()));
  EXPECT_EQ(file["summary"]["keyword_locations"], 3);
  EXPECT_EQ(file["operations"][0]["statuses"]["observed"]["4XX"], 4);
  EXPECT_EQ(file["operations"][0]["links"]["not_followed"], nlohmann::json({"DeleteThing"}));
  EXPECT_EQ(file["summary"]["parameters_sent"], 1);
  std::remove(path.c_str());
}

}  // namespace
}  // namespace conform::report
