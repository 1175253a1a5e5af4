#include "conform/spec/spec.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "conform/core/error.hpp"
#include "support/paths.hpp"

namespace conform::spec {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

const Spec& features() {
  static const Spec spec = Spec::load(test::data("features-3.0.yaml"));
  return spec;
}

core::Diagnostic load_error(const std::filesystem::path& path) {
  try {
    Spec::load(path);
  } catch (const core::Error& e) {
    EXPECT_EQ(e.exit_code(), core::ExitCode::bad_input);
    return e.diagnostic();
  }
  ADD_FAILURE() << path << " loaded";
  return {};
}

TEST(Spec, ReadsOperationsWithTheirIdentity) {
  ASSERT_EQ(features().operations().size(), 2u);
  const Operation* get = features().find_operation("getItem");
  ASSERT_NE(get, nullptr);
  EXPECT_EQ(get->method, "get");
  EXPECT_EQ(get->path, "/items/{id}");
  EXPECT_THAT(get->tags, ElementsAre("items"));
  EXPECT_EQ(get->extensions["x-scope"], "user_read");
  EXPECT_EQ(get->location.pointer, "/paths/~1items~1{id}/get");
  // No operationId: the method and path stand in for it.
  EXPECT_NE(features().find_operation("PUT /items/{id}"), nullptr);
}

TEST(Spec, MergesPathParametersAndLetsTheOperationOverride) {
  const Operation* get = features().find_operation("getItem");
  ASSERT_EQ(get->parameters.size(), 3u);
  EXPECT_EQ(get->parameters[0].name, "id");
  EXPECT_EQ(get->parameters[0].style, "simple");
  EXPECT_TRUE(get->parameters[0].required);
  const Parameter& verbose = get->parameters[1];
  EXPECT_EQ(verbose.name, "verbose");
  EXPECT_TRUE(verbose.required);  // the operation's declaration won
  EXPECT_EQ(verbose.style, "form");
  EXPECT_TRUE(verbose.explode);
  EXPECT_EQ(get->parameters[2].in, "header");
}

TEST(Spec, SecurityIsInheritedUnlessTheOperationOverridesIt) {
  const Operation* get = features().find_operation("getItem");
  ASSERT_EQ(get->security.size(), 1u);
  EXPECT_EQ(get->security[0].schemes[0].first, "token");
  const Operation* put = features().find_operation("PUT /items/{id}");
  EXPECT_TRUE(put->security.empty());
  EXPECT_EQ(features().security_schemes().at("token").scheme, "bearer");
}

TEST(Spec, FindsResponsesByExactStatusThenRangeThenDefault) {
  const Operation* get = features().find_operation("getItem");
  EXPECT_EQ(get->find_response(200)->status, "200");
  EXPECT_EQ(get->find_response(404)->status, "4XX");
  EXPECT_EQ(get->find_response(503)->status, "default");
  const Operation* put = features().find_operation("PUT /items/{id}");
  EXPECT_EQ(put->find_response(500), nullptr);
}

TEST(Spec, ReadsRequestBodiesAndResponseHeaders) {
  const Operation* put = features().find_operation("PUT /items/{id}");
  ASSERT_TRUE(put->request_body);
  EXPECT_TRUE(put->request_body->required);
  EXPECT_EQ(put->request_body->content[0].name, "application/json");
  EXPECT_TRUE(put->request_body->content[0].schema);
  const Response* ok = features().find_operation("getItem")->find_response(200);
  ASSERT_EQ(ok->headers.size(), 1u);
  EXPECT_TRUE(ok->headers[0].required);
}

TEST(Spec, FollowsReferencesAcrossFiles) {
  Spec spec = Spec::load(test::data("multifile/api.yaml"));
  EXPECT_FALSE(spec.has_errors()) << spec.diagnostics().size();
  const Operation* get = spec.find_operation("getPet");
  ASSERT_NE(get, nullptr);
  ASSERT_EQ(get->parameters.size(), 1u);
  EXPECT_EQ(get->parameters[0].name, "petId");
  EXPECT_THAT(get->parameters[0].location.file, HasSubstr("parameters.yaml"));
  const Response* problem = get->find_response(500);
  ASSERT_NE(problem, nullptr);
  EXPECT_EQ(problem->content[0].name, "application/problem+json");
}

TEST(Spec, RejectsWhatIsNotOpenApi3) {
  EXPECT_EQ(load_error(test::data("broken/not-openapi.json")).code, "openapi.not-openapi");
  auto swagger = load_error(test::data("broken/swagger2.json"));
  EXPECT_EQ(swagger.code, "openapi.unsupported-version");
  EXPECT_THAT(swagger.message, HasSubstr("Swagger 2.0"));
  EXPECT_EQ(load_error(test::data("broken/invalid.json")).code, "document.syntax");
  EXPECT_EQ(load_error(test::data("broken/missing.json")).code, "document.missing");
}

TEST(Spec, RejectsOpenApi32WhereTheCorpusHasIt) {
  auto path = test::shared("corpus/openapi/oai/examples/v3.2/3.2-tags-example.yaml");
  CONFORM_REQUIRE_SHARED(path);
  auto diagnostic = load_error(path);
  EXPECT_EQ(diagnostic.code, "openapi.unsupported-version");
  EXPECT_EQ(diagnostic.pointer, "/openapi");
}

TEST(Spec, DanglingReferenceBecomesADiagnosticWithItsPlace) {
  Spec spec = Spec::load(test::data("broken/dangling-ref.yaml"));
  ASSERT_TRUE(spec.has_errors());
  const core::Diagnostics all = spec.diagnostics();
  const auto& first = all.items().front();
  EXPECT_EQ(first.code, "ref.unresolved");
  EXPECT_EQ(first.pointer, "/paths/~1a/get/responses/200");
}

TEST(Spec, HeaderParametersOpenApiIgnoresAreIgnored) {
  Spec spec = Spec::load(test::data("ignored-header-parameters.yaml"));
  const auto& op = spec.operations().front();
  ASSERT_EQ(op.parameters.size(), 1u);
  EXPECT_EQ(op.parameters[0].name, "X-Trace");
  EXPECT_FALSE(spec.has_errors());
  bool said = false;
  for (const auto& d : spec.diagnostics().items()) {
    said =
        said || (d.code == "openapi.ignored-header-parameter" &&
                 d.severity == core::Severity::info && d.pointer == "/paths/~1x/get/parameters/0");
  }
  EXPECT_TRUE(said);
}

TEST(Spec, TheBasePathIsTheFirstServerUrlsPathWithItsVariablesAtTheirDefaults) {
  auto spec = Spec::load(test::data("generic.yaml"));
  ASSERT_FALSE(spec.servers().empty());
  EXPECT_EQ(spec.servers().front(), "https://api.example.com/v2/");
  EXPECT_EQ(spec.base_path(), "/v2");
  EXPECT_EQ(Spec::load(test::data("reading.yaml")).base_path(), "");
}

}  // namespace
}  // namespace conform::spec
