#include "conform/gen/permission_documents.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <set>

#include "conform/gen/values.hpp"
#include "conform/permission/permission.hpp"
#include "support/paths.hpp"

namespace conform::gen {
namespace {

struct Project {
  spec::Spec spec = spec::Spec::load(test::source("spec/openapi.json"));
  schema::SpecSchemas schemas{spec};
  PermissionGrammar grammar = permission_grammar(spec, schemas);

  // What the create-key operation's body schema says of {"name", "permissions": document}.
  bool schema_accepts(const nlohmann::json& document) const {
    const auto& body = *spec.find_operation("createApiKey")->request_body;
    nlohmann::json instance = {{"name", "k"}, {"permissions", document}};
    return schemas.accepts(*body.content.front().schema, spec::Direction::request, instance);
  }
  bool grammar_accepts(const nlohmann::json& document) const {
    if (!schema_accepts(document)) return false;
    auto parsed = permission::Document::from_json(document);
    return permission::inconsistencies(parsed, spec,
                                       [](const spec::Operation& op) {
                                         std::vector<std::string> names;
                                         for (const auto& p : op.parameters)
                                           names.push_back(p.name);
                                         return names;
                                       })
        .empty();
  }
};

int endpoint_count(const nlohmann::json& document) {
  int n = 0;
  for (const auto& [category, grant] : document["api"].items()) n += static_cast<int>(grant.size());
  return n;
}

TEST(PermissionGrammar, ComesFromTheDescription) {
  Project p;
  EXPECT_EQ(p.grammar.categories.size(), 11u);
  const auto& reads = p.grammar.endpoints.at("instance_read");
  auto logs = std::find_if(reads.begin(), reads.end(),
                           [](const auto& e) { return e.name == "api.instance.request_logs"; });
  ASSERT_NE(logs, reads.end());
  ASSERT_EQ(logs->parameters.size(), 1u);
  EXPECT_EQ(logs->parameters[0].name, "id");
  EXPECT_EQ(logs->parameters[0].type, "integer");
  EXPECT_FALSE(p.grammar.endpoints.contains("billing_read"));
}

TEST(ValidPermissionDocuments, AreAcceptedAndCoverTheGrammar) {
  Project p;
  bool whole = false, endpoint = false, constrained = false, empty_range = false;
  std::set<std::string> operators;
  for (const auto& document : sample(valid_permission_documents(p.grammar), 11, 300)) {
    ASSERT_TRUE(p.grammar_accepts(document)) << document.dump();
    for (const auto& [category, grant] : document["api"].items()) {
      whole = whole || grant.empty();
      for (const auto& [name, e] : grant.items()) {
        endpoint = true;
        if (!e.contains("constraints")) continue;
        constrained = true;
        for (const auto& [parameter, c] : e["constraints"].items()) {
          for (const auto& [op, v] : c.items()) operators.insert(op);
          if (c.contains("gte") && c.contains("lte") && c["gte"] > c["lte"]) empty_range = true;
        }
      }
    }
  }
  EXPECT_TRUE(whole && endpoint && constrained && empty_range);
  EXPECT_THAT(operators, ::testing::UnorderedElementsAre("eq", "lte", "gte"));
}

TEST(InvalidPermissionDocuments, BreakTheGrammarInEveryNamedWay) {
  Project p;
  std::set<std::string> seen;
  for (const auto& invalid : sample(invalid_permission_documents(p.grammar), 5, 400)) {
    seen.insert(invalid.breaks);
    bool refused = false;
    try {
      refused = !p.grammar_accepts(invalid.document);
    } catch (const std::invalid_argument&) {
      refused = true;
    }
    EXPECT_TRUE(refused) << invalid.breaks << ": " << invalid.document.dump().substr(0, 300);
  }
  const auto& all = permission_breakages();
  EXPECT_EQ(seen, std::set<std::string>(all.begin(), all.end()));
}

// RapidCheck's shrink tree leads from a large document to a small one that keeps a property:
// here "has a constraint", which must shrink to one category, one endpoint, one constraint.
TEST(ValidPermissionDocuments, ShrinkToOneCategoryAndOneEndpoint) {
  Project p;
  auto has_constraint = [](const nlohmann::json& d) {
    return d.dump().find("constraints") != std::string::npos;
  };
  auto generator = valid_permission_documents(p.grammar);
  std::optional<rc::Shrinkable<nlohmann::json>> found;
  for (std::uint64_t seed = 1; seed < 500 && !found; ++seed) {
    auto drawn = generator(rc::Random(seed), rc::kNominalSize);
    if (has_constraint(drawn.value()) && drawn.value()["api"].size() > 1) found = drawn;
  }
  ASSERT_TRUE(found);
  auto [current, shrunk] = shrink_while(
      *found, 1000, [&](const auto& next) { return has_constraint(next.value()); },
      [] { return false; });
  EXPECT_TRUE(shrunk);
  const nlohmann::json small = current.value();
  EXPECT_EQ(small["api"].size(), 1u) << small.dump();
  EXPECT_EQ(endpoint_count(small), 1) << small.dump();
}

}  // namespace
}  // namespace conform::gen
