// The methods phase against a server that records what it receives: one undeclared method per
// path, never a write where the selection writes nothing, judged by unsupported_method.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "conform/engine/engine.hpp"
#include "support/paths.hpp"
#include "support/recording_server.hpp"

namespace conform::engine {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

class MethodsPhase : public ::testing::Test {
 protected:
  MethodsPhase() : transport_(options_for(recorder_.url())) {
    recorder_.answer(405, "GET, POST");
    run_.checks = {"unsupported_method"};
    run_.phases = {"methods"};
  }

  static transport::TransportOptions options_for(const std::string& url) {
    transport::TransportOptions options;
    options.base_url = url;
    return options;
  }

  PhaseResult run(const char* operation, RunOptions options) {
    Engine engine(spec_, schemas_, transport_, std::move(options));
    return engine.run(*spec_.find_operation(operation), "methods");
  }
  std::vector<std::string> seen() {
    std::vector<std::string> lines;
    for (const auto& r : recorder_.received()) lines.push_back(r.method + " " + r.path);
    return lines;
  }
  int planned(const char* operation) {
    Engine engine(spec_, schemas_, transport_, run_);
    return engine.planned(*spec_.find_operation(operation), "methods");
  }

  test::RecordingServer recorder_;
  spec::Spec spec_ = spec::Spec::load(test::data("methods.yaml"));
  schema::SpecSchemas schemas_{spec_};
  transport::Transport transport_;
  RunOptions run_;
};

TEST_F(MethodsPhase, EachPathIsProbedOnceByItsFirstSelectedOperation) {
  EXPECT_EQ(planned("listItems"), 1);
  EXPECT_EQ(planned("createItem"), 0);
  EXPECT_EQ(planned("showStatus"), 1);
  EXPECT_EQ(planned("runAction"), 1);
  run_.checks = {"not_a_server_error"};
  EXPECT_EQ(planned("listItems"), 0) << "unsupported_method is not chosen";
}

TEST_F(MethodsPhase, AnUndeclaredMethodMustGet405WithTheDeclaredOnesAllowed) {
  PhaseResult passed = run("listItems", run_);
  EXPECT_THAT(seen(), ElementsAre("PATCH /items"));
  EXPECT_EQ(passed.sent, 1);
  EXPECT_THAT(passed.failures, IsEmpty());

  recorder_.answer(405);
  PhaseResult bare = run("listItems", run_);
  ASSERT_EQ(bare.failures.size(), 1u);
  EXPECT_EQ(bare.failures[0].check, "unsupported_method");
  EXPECT_THAT(bare.failures[0].message, HasSubstr("without an Allow header"));
  EXPECT_THAT(bare.failures[0].curl, HasSubstr("-X PATCH"));

  recorder_.answer(404);
  PhaseResult found = run("runAction", run_);
  EXPECT_EQ(seen().back(), "GET /actions") << "a read goes first";
  ASSERT_EQ(found.failures.size(), 1u);
  EXPECT_THAT(found.failures[0].message, HasSubstr("GET /actions"));
  EXPECT_THAT(found.failures[0].message, HasSubstr("answered 404 (expected 405 with Allow: POST)"));
}

TEST_F(MethodsPhase, NoWriteGoesWhereTheSelectionWritesNothing) {
  PhaseResult status = run("showStatus", run_);
  EXPECT_THAT(status.not_tested, HasSubstr("the selection writes nothing here"));
  RunOptions read_only = run_;
  read_only.callable = std::set<const spec::Operation*>{spec_.find_operation("listItems"),
                                                        spec_.find_operation("showStatus")};
  PhaseResult items = run("listItems", read_only);
  EXPECT_THAT(items.not_tested, HasSubstr("the selection writes nothing here"));
  EXPECT_THAT(seen(), IsEmpty());
}

}  // namespace
}  // namespace conform::engine
