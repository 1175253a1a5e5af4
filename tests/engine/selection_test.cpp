#include "conform/engine/selection.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "conform/core/error.hpp"
#include "support/paths.hpp"

namespace conform::engine {
namespace {

std::vector<std::string> ids(const spec::Spec& spec, const Selection& selection) {
  std::vector<std::string> out;
  for (const auto* op : select(spec, selection)) out.push_back(op->operation_id);
  return out;
}

TEST(Selection, FiltersCombine) {
  spec::Spec spec = spec::Spec::load(test::source("spec/openapi.json"));
  EXPECT_EQ(ids(spec, Selection()).size(), spec.operations().size());
  Selection by_id;
  by_id.operations = {"showInstance", "listInstances"};
  EXPECT_THAT(ids(spec, by_id), ::testing::UnorderedElementsAre("showInstance", "listInstances"));
  Selection by_path_and_method;
  by_path_and_method.path_regex = "ssh";
  by_path_and_method.methods = {"DELETE"};
  EXPECT_THAT(ids(spec, by_path_and_method), ::testing::ElementsAre("deleteSshKey"));
  Selection excluding;
  excluding.path_regex = "apikeys";
  excluding.exclude_operations = {"deleteApiKey"};
  EXPECT_THAT(ids(spec, excluding), ::testing::UnorderedElementsAre("listApiKeys", "createApiKey"));
  Selection by_tag;
  by_tag.tags = {spec.find_operation("listSshKeys")->tags.at(0)};
  by_tag.exclude_tags = {"Instances"};
  EXPECT_THAT(ids(spec, by_tag), ::testing::Contains("listSshKeys"));
  EXPECT_THAT(ids(spec, by_tag), ::testing::Not(::testing::Contains("listInstances")));
}

TEST(Selection, ReadOnlyKeepsGetHeadAndOptions) {
  spec::Spec spec = spec::Spec::load(test::source("spec/openapi.json"));
  Selection read_only;
  read_only.read_only = true;
  auto selected = select(spec, read_only);
  ASSERT_FALSE(selected.empty());
  for (const auto* op : selected) EXPECT_TRUE(is_read_method(op->method)) << op->operation_id;
  EXPECT_LT(selected.size(), spec.operations().size());
}

TEST(Selection, EveryNameMustExistAndTheErrorNamesTheNearest) {
  spec::Spec spec = spec::Spec::load(test::source("spec/openapi.json"));
  auto message = [&](Selection selection) -> std::string {
    try {
      select(spec, selection);
    } catch (const core::Error& e) {
      EXPECT_EQ(e.exit_code(), core::ExitCode::bad_input);
      return e.diagnostic().message;
    }
    return "(accepted)";
  };
  Selection excluded;
  excluded.exclude_operations = {"deleteApiKye"};
  EXPECT_THAT(message(excluded), ::testing::HasSubstr("did you mean 'deleteApiKey'?"));
  Selection tag;
  tag.exclude_tags = {"no-such-tag"};
  EXPECT_THAT(message(tag), ::testing::HasSubstr("no tag 'no-such-tag'"));
  Selection method;
  method.methods = {"PSOT"};
  EXPECT_THAT(message(method), ::testing::HasSubstr("not an HTTP method"));
}

TEST(Selection, UnknownOperationsAndBadPatternsAreUsageErrors) {
  spec::Spec spec = spec::Spec::load(test::source("spec/openapi.json"));
  Selection unknown;
  unknown.operations = {"noSuchThing"};
  try {
    select(spec, unknown);
    FAIL();
  } catch (const core::Error& e) {
    EXPECT_EQ(e.exit_code(), core::ExitCode::bad_input);
    EXPECT_THAT(e.diagnostic().message, ::testing::HasSubstr("noSuchThing"));
  }
  Selection bad_pattern;
  bad_pattern.path_regex = "(";
  EXPECT_THROW(select(spec, bad_pattern), core::Error);
}

}  // namespace
}  // namespace conform::engine
