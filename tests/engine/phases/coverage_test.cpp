// The coverage phase against a server that records what it receives: each kind of case reaches
// the wire, deterministically, and the phase exercises every keyword location both ways.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <set>

#include "conform/engine/engine.hpp"
#include "support/paths.hpp"
#include "support/recording_server.hpp"

namespace conform::engine {
namespace {

class CoveragePhase : public ::testing::Test {
 protected:
  CoveragePhase() : transport_(options_for(recorder_.url())) {
    run_.checks = {"not_a_server_error"};
    run_.phases = {"coverage"};
  }

  static transport::TransportOptions options_for(const std::string& url) {
    transport::TransportOptions options;
    options.base_url = url;
    return options;
  }

  PhaseResult run(const char* operation) {
    Engine engine(spec_, schemas_, transport_, run_);
    return engine.run(*spec_.find_operation(operation), "coverage");
  }

  // The JSON bodies the server received (null for a request without one).
  std::vector<nlohmann::json> bodies() {
    std::vector<nlohmann::json> out;
    for (const auto& r : recorder_.received()) {
      out.push_back(r.body.empty() ? nlohmann::json()
                                   : nlohmann::json::parse(r.body, nullptr, false));
    }
    return out;
  }
  std::vector<std::string> queries() {
    std::vector<std::string> out;
    for (const auto& r : recorder_.received()) out.push_back(r.query);
    return out;
  }

  test::RecordingServer recorder_;
  spec::Spec spec_ = spec::Spec::load(test::data("keyword-coverage.yaml"));
  schema::SpecSchemas schemas_{spec_};
  transport::Transport transport_;
  RunOptions run_;
};

TEST_F(CoveragePhase, EachKindOfCaseReachesTheWire) {
  PhaseResult result = run("createThing");
  ASSERT_TRUE(result.not_tested.empty()) << result.not_tested;
  auto sent = bodies();
  auto any = [&](auto&& predicate) { return std::any_of(sent.begin(), sent.end(), predicate); };
  auto object = [](const nlohmann::json& b) { return b.is_object(); };
  EXPECT_TRUE(any([&](const nlohmann::json& b) { return object(b) && !b.contains("name"); }))
      << "a required member left out";
  EXPECT_TRUE(any([&](const nlohmann::json& b) {
    return object(b) && b.contains("name") && b["name"].is_string() &&
           b["name"].get<std::string>().size() == 6;
  })) << "a string one past maxLength";
  EXPECT_TRUE(any([&](const nlohmann::json& b) {
    return object(b) && b.contains("tags") && b["tags"].is_array() && b["tags"].size() == 4;
  })) << "one item past maxItems";
  EXPECT_TRUE(any([&](const nlohmann::json& b) {
    return object(b) && b.contains("tags") && b["tags"].is_array() &&
           std::any_of(b["tags"].begin(), b["tags"].end(),
                       [](const nlohmann::json& t) { return t == ""; });
  })) << "an item below its minLength";
  EXPECT_TRUE(any([&](const nlohmann::json& b) {
    return object(b) && b.contains("pet") && b["pet"].is_object() &&
           b["pet"].value("kind", nlohmann::json()) == "dog" && b["pet"].contains("bark");
  })) << "the second oneOf branch, whole";
  EXPECT_TRUE(any([&](const nlohmann::json& b) {
    if (!object(b)) return false;
    for (const auto& [name, value] : b.items()) {
      if (name != "name" && name != "tags" && name != "pet") return true;
    }
    return false;
  })) << "a member additionalProperties: false refuses";
  EXPECT_TRUE(any([](const nlohmann::json& b) { return b.is_null(); })) << "no body";
  auto asked = queries();
  auto asked_for = [&](auto&& predicate) {
    return std::any_of(asked.begin(), asked.end(), predicate);
  };
  for (const char* part : {"limit=0&", "limit=101&", "sort=conform-not-in-enum"}) {
    EXPECT_TRUE(asked_for([&](const std::string& q) { return q.find(part) != std::string::npos; }))
        << part;
  }
  EXPECT_TRUE(asked_for([](const std::string& q) { return q.find("limit=") == std::string::npos; }))
      << "the required parameter left out";
  // Every location both ways: nothing is left to say.
  EXPECT_TRUE(result.notes.empty()) << ::testing::PrintToString(result.notes);
  Engine engine(spec_, schemas_, transport_, run_);
  const auto& all = engine.keyword_locations(*spec_.find_operation("createThing"));
  EXPECT_EQ(result.covered_valid, all);
  std::set<std::string> breakable;
  const auto& unbreakable = engine.unbreakable_locations(*spec_.find_operation("createThing"));
  for (const auto& l : all) {
    if (!unbreakable.contains(l)) breakable.insert(l);
  }
  EXPECT_EQ(result.covered_invalid, breakable);
}

TEST_F(CoveragePhase, TheSameCasesEveryTime) {
  auto sent = [&] {
    std::multiset<std::string> requests;  // in flight together: they arrive in any order
    for (const auto& r : recorder_.received()) requests.insert(r.query + " " + r.body);
    return requests;
  };
  run("createThing");
  auto first = sent();
  run("createThing");
  auto both = sent();
  ASSERT_EQ(both.size(), 2 * first.size());
  for (const auto& request : first) EXPECT_EQ(both.count(request), 2 * first.count(request));
}

}  // namespace
}  // namespace conform::engine
