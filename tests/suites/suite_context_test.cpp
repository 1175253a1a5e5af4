#include "conform/suites/suite_context.hpp"

#include <gtest/gtest.h>

#include "conform/suites/permission_suite.hpp"
#include "support/paths.hpp"

namespace conform::suites {
namespace {

struct Fixture {
  spec::Spec spec = spec::Spec::load(test::source("spec/openapi.json"));
  schema::SpecSchemas schemas{spec};
  transport::Transport transport{[] {
    transport::TransportOptions o;
    o.base_url = "http://127.0.0.1:9";
    return o;
  }()};
  engine::RunOptions options;
  SuiteContext context{spec, schemas, transport, options};
};

gen::Request logs_request() {
  return {"PUT",
          "/api/v0/instances/request_logs/77/",
          {},
          {},
          {},
          "application/json",
          R"({"tail": "10"})"};
}

TEST(SuiteContext, ReadsAndSetsTheValuesConstraintsBound) {
  Fixture f;
  const auto& logs = *f.spec.find_operation("requestInstanceLogs");
  gen::Request request = logs_request();
  auto values = f.context.values_of(logs, request);
  EXPECT_EQ(values.at("id"), 77);  // read as its schema's integer
  EXPECT_EQ(values.at("tail"), "10");
  auto changed = f.context.with_value(logs, request, "id", 1227);
  EXPECT_EQ(changed.path, "/api/v0/instances/request_logs/1227/");
  EXPECT_EQ(f.context.values_of(logs, changed).at("id"), 1227);
  auto body = f.context.with_value(logs, request, "tail", "5");
  EXPECT_EQ(nlohmann::json::parse(*body.body)["tail"], "5");
}

// Permission probes outside what the description allows would be answered by input validation.
TEST(SuiteContext, TellsWhichValuesTheDescriptionAllows) {
  Fixture f;
  const auto& logs = *f.spec.find_operation("requestInstanceLogs");
  gen::Request request = logs_request();
  EXPECT_TRUE(f.context.allows(logs, request, "id", 1));
  EXPECT_FALSE(f.context.allows(logs, request, "id", 0));  // minimum: 1
  EXPECT_FALSE(f.context.allows(logs, request, "id", -1));
  EXPECT_TRUE(f.context.allows(logs, request, "tail", "5"));
  EXPECT_FALSE(f.context.allows(logs, request, "tail", 5));  // a string in the body schema
}

TEST(SuiteContext, FindsTheKeyOperations) {
  Fixture f;
  auto keys = key_operations(f.spec);
  ASSERT_TRUE(keys);
  EXPECT_EQ(keys->create->operation_id, "createApiKey");
  EXPECT_EQ(keys->list->operation_id, "listApiKeys");
  EXPECT_EQ(keys->remove->operation_id, "deleteApiKey");
  EXPECT_TRUE(PermissionSuite::applies(f.spec));
}

TEST(PermissionSuite, CallsOnlyReadScopedOperationsUnlessAllowed) {
  Fixture f;
  auto keys = *key_operations(f.spec);
  PermissionSuite safe(f.context, keys, {});
  std::vector<std::string> ids;
  for (const auto* op : safe.enforced_operations()) ids.push_back(op->operation_id);
  EXPECT_NE(std::find(ids.begin(), ids.end(), "requestInstanceLogs"), ids.end());
  EXPECT_NE(std::find(ids.begin(), ids.end(), "listApiKeys"), ids.end());
  EXPECT_EQ(std::find(ids.begin(), ids.end(), "createSshKey"), ids.end());
  EXPECT_EQ(std::find(ids.begin(), ids.end(), "createApiKey"), ids.end());
  PermissionSuite bold(f.context, keys, {20, true, 24});
  std::vector<std::string> all;
  for (const auto* op : bold.enforced_operations()) all.push_back(op->operation_id);
  EXPECT_NE(std::find(all.begin(), all.end(), "createSshKey"), all.end());
  EXPECT_EQ(std::find(all.begin(), all.end(), "deleteApiKey"), all.end());
}

}  // namespace
}  // namespace conform::suites
