#include "conform/spec/extensions.hpp"

#include <gtest/gtest.h>

#include "conform/spec/spec.hpp"
#include "support/paths.hpp"

namespace conform::spec {
namespace {

TEST(Extensions, ReadTheProjectSpellings) {
  Operation op;
  op.extensions = {
      {"x-scope", "user_read"}, {"x-permission", "api.user.show"}, {"x-rate-limit", 2.5}};
  EXPECT_EQ(scope_of(op), "user_read");
  EXPECT_EQ(permission_name_of(op), "api.user.show");
  EXPECT_EQ(min_interval_of(op), 2.5);
}

TEST(Extensions, AbsentOrMeaninglessValuesAreNone) {
  Operation op;
  EXPECT_FALSE(scope_of(op));
  EXPECT_FALSE(min_interval_of(op));
  op.extensions = {{"x-scope", 3}, {"x-rate-limit", 0}};
  EXPECT_FALSE(scope_of(op));
  EXPECT_FALSE(min_interval_of(op));
  op.extensions = {{"x-rate-limit", "2"}};
  EXPECT_FALSE(min_interval_of(op));
}

TEST(Extensions, ReadTheVastGeneratedSpelling) {
  auto path = test::shared("reference/vast/openapi-generated-2026-05.json");
  CONFORM_REQUIRE_SHARED(path);
  Spec spec = Spec::load(path);
  int limited = 0;
  int scoped = 0;
  for (const auto& op : spec.operations()) {
    limited += min_interval_of(op).has_value();
    scoped += scope_of(op).has_value();
  }
  EXPECT_GT(limited, 250);
  EXPECT_GT(scoped, 0);
}

TEST(Extensions, EveryOperationOfTheProjectSpecHasAllThree) {
  Spec spec = Spec::load(test::source("spec/openapi.json"));
  for (const auto& op : spec.operations()) {
    EXPECT_TRUE(scope_of(op)) << op.operation_id;
    EXPECT_TRUE(permission_name_of(op)) << op.operation_id;
    EXPECT_TRUE(min_interval_of(op)) << op.operation_id;
  }
}

}  // namespace
}  // namespace conform::spec
