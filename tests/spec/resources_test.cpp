#include "conform/spec/resources.hpp"

#include <gtest/gtest.h>

#include "support/paths.hpp"

namespace conform::spec {
namespace {

TEST(Resources, ResourcesAreInferredFromThePaths) {
  spec::Spec spec = spec::Spec::load(test::source("spec/openapi.json"));
  auto ssh = find_resource(spec, *spec.find_operation("createSshKey"));
  ASSERT_TRUE(ssh);
  EXPECT_EQ(ssh->item_parameter, "id");
  EXPECT_EQ(ssh->list->operation_id, "listSshKeys");
  EXPECT_EQ(ssh->remove->operation_id, "deleteSshKey");
  ASSERT_EQ(ssh->uses.size(), 1u);
  EXPECT_EQ(ssh->uses[0]->operation_id, "updateSshKey");
  // create, list, use (an update), read it back (the list), delete, use again, delete again;
  // create again, use the old id, delete.
  EXPECT_EQ(ssh->planned_requests(), 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1);

  auto keys = find_resource(spec, *spec.find_operation("createApiKey"));
  ASSERT_TRUE(keys);
  EXPECT_TRUE(keys->uses.empty());
  // Environment variables have no item path; a GET is no creator.
  EXPECT_FALSE(find_resource(spec, *spec.find_operation("createEnvVar")));
  EXPECT_FALSE(find_resource(spec, *spec.find_operation("listSshKeys")));
}

TEST(Resources, TheCreatedIdentifierIsFoundAtTheTopOrOneLevelDown) {
  auto parse = [](const char* text) { return nlohmann::json::parse(text); };
  EXPECT_EQ(created_identifier(parse(R"({"id": 17, "key": "s"})"), "id"), "17");
  EXPECT_EQ(created_identifier(parse(R"({"success": true, "key": {"id": 5}})"), "id"), "5");
  EXPECT_EQ(created_identifier(parse(R"({"name": "box-1"})"), "name"), "box-1");
  EXPECT_FALSE(created_identifier(parse(R"({"success": true})"), "id"));
  EXPECT_FALSE(created_identifier(parse(R"([{"id": 1}])"), "id"));
  EXPECT_FALSE(created_identifier(parse(R"({"id": ""})"), "id"));
}

}  // namespace
}  // namespace conform::spec
