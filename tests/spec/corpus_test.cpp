// Every real document the project has must load (or be refused with a clear error), never crash.
#include <gtest/gtest.h>

#include "conform/core/error.hpp"
#include "conform/spec/spec.hpp"
#include "support/paths.hpp"

namespace conform::spec {
namespace {

TEST(Corpus, EveryDocumentLoadsOrIsRefusedWithAnError) {
  auto root = test::shared("corpus/openapi");
  CONFORM_REQUIRE_SHARED(root);
  int loaded = 0;
  int refused = 0;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(root)) {
    auto ext = entry.path().extension().string();
    if (!entry.is_regular_file() || (ext != ".yaml" && ext != ".yml" && ext != ".json")) continue;
    try {
      Spec spec = Spec::load(entry.path(), {.thorough = true});
      ++loaded;
    } catch (const core::Error& e) {
      ++refused;
      EXPECT_FALSE(e.diagnostic().code.empty()) << entry.path();
      EXPECT_FALSE(e.diagnostic().message.empty()) << entry.path();
    }
  }
  EXPECT_GT(loaded, 40);
  EXPECT_GT(refused, 0);  // the meta-schemas and split fragments are not OpenAPI documents
}

TEST(Corpus, RealDescriptionsLoadWithTheirOperations) {
  struct Case {
    const char* path;
    std::size_t operations;
  };
  for (Case c : {Case{"corpus/openapi/real/swagger-petstore/openapi.yaml", 19},
                 Case{"corpus/openapi/real/twilio/twilio_api_v2010.yaml", 197},
                 Case{"reference/vast/openapi.yaml", 100},
                 Case{"reference/vast/openapi-generated-2026-05.json", 323}}) {
    auto path = test::shared(c.path);
    CONFORM_REQUIRE_SHARED(path);
    Spec spec = Spec::load(path);
    EXPECT_EQ(spec.operations().size(), c.operations) << c.path;
  }
}

TEST(Corpus, SplitDescriptionResolvesAcrossFiles) {
  auto path = test::shared("corpus/openapi/real/redocly-cafe/openapi/openapi.yaml");
  CONFORM_REQUIRE_SHARED(path);
  Spec spec = Spec::load(path, {.thorough = true});
  EXPECT_GT(spec.documents().file_count(), 5u);
  EXPECT_EQ(spec.operations().size(), 12u);
}

TEST(Corpus, GeneratedVastDescriptionCarriesScopesAndRateLimits) {
  auto path = test::shared("reference/vast/openapi-generated-2026-05.json");
  CONFORM_REQUIRE_SHARED(path);
  Spec spec = Spec::load(path);
  std::size_t scoped = 0;
  std::size_t limited = 0;
  for (const Operation& op : spec.operations()) {
    scoped += op.extensions.contains("x-scope");
    limited += op.extensions.contains("x-rateLimit");
  }
  // Not every operation of the generated description carries both; these are its counts.
  EXPECT_EQ(scoped, 273u);
  EXPECT_EQ(limited, 302u);
}

}  // namespace
}  // namespace conform::spec
