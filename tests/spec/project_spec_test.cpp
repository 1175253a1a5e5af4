// The project's own description of the Vast.ai API: what the mock, the runner and the permission
// suite rely on it to say.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <regex>
#include <set>

#include "conform/spec/spec.hpp"
#include "support/paths.hpp"

namespace conform::spec {
namespace {

const Spec& project() {
  static const Spec spec = Spec::load(test::source("spec/openapi.json"), {.thorough = true});
  return spec;
}

TEST(ProjectSpec, DescribesTheAccountArea) {
  std::set<std::string> ids;
  for (const auto& op : project().operations()) ids.insert(op.operation_id);
  EXPECT_THAT(ids, ::testing::IsSupersetOf(
                       {"createApiKey", "listApiKeys", "deleteApiKey", "showCurrentUser",
                        "createSshKey", "listSshKeys", "updateSshKey", "deleteSshKey",
                        "createEnvVar", "listEnvVars", "updateEnvVar", "deleteEnvVar",
                        "listInstances", "showInstance", "requestInstanceLogs"}));
  EXPECT_EQ(project().version(), OpenApiVersion::v3_1);
  EXPECT_FALSE(project().has_errors());
}

TEST(ProjectSpec, EveryOperationCarriesScopeRateLimitAndPermissionName) {
  const std::set<std::string> categories = {
      "instance_read", "instance_write", "user_read", "user_write", "billing_read", "billing_write",
      "machine_read",  "machine_write",  "misc",      "team_read",  "team_write"};
  const std::regex permission_name(R"(^api(\.[a-z0-9_]+)+$)");
  std::set<std::string> names;
  for (const auto& op : project().operations()) {
    SCOPED_TRACE(op.operation_id);
    EXPECT_TRUE(op.declared_id);
    EXPECT_FALSE(op.tags.empty());
    ASSERT_TRUE(op.extensions.contains("x-scope"));
    EXPECT_TRUE(categories.contains(op.extensions["x-scope"].get<std::string>()));
    ASSERT_TRUE(op.extensions.contains("x-rate-limit"));
    EXPECT_GT(op.extensions["x-rate-limit"].get<double>(), 0.0);
    ASSERT_TRUE(op.extensions.contains("x-permission"));
    const auto name = op.extensions["x-permission"].get<std::string>();
    EXPECT_TRUE(std::regex_match(name, permission_name)) << name;
    EXPECT_TRUE(names.insert(name).second) << "permission name used twice: " << name;
    // Every operation is authenticated, scoped and rate limited, and says so.
    for (const char* status : {"401", "403", "429"}) {
      EXPECT_NE(op.find_response(std::stoi(status)), nullptr) << status;
      EXPECT_EQ(op.find_response(std::stoi(status))->status, status);
    }
    EXPECT_FALSE(op.security.empty());
  }
  EXPECT_TRUE(names.contains("api.instance.request_logs"));
}

TEST(ProjectSpec, ThePermissionDocumentIsDescribedExactly) {
  auto id = project().schemas().find({project().file(), "/components/schemas/PermissionDocument"});
  ASSERT_TRUE(id);
  const auto& schema = project().schemas().normalized(*id);
  EXPECT_EQ(schema["required"], nlohmann::json({"api"}));
  EXPECT_EQ(schema["additionalProperties"], false);
  EXPECT_EQ(schema["properties"]["api"]["properties"].size(), 11u);
  EXPECT_EQ(schema["properties"]["api"]["additionalProperties"], false);
}

}  // namespace
}  // namespace conform::spec
