// A second implementation of JSON Schema judges what conform generates. For every request-body
// and parameter schema of the real descriptions, the valid values conform draws must be accepted
// by Python's jsonschema (Debian python3-jsonschema) and every invalid value refused by it. The
// disagreements that are not conform's fault (a dialect difference, a format only one side
// asserts) are listed with why in tests/data/validator_disagreements.json; any other fails, and so
// does a listed one that no longer happens, so that the list stays true.
#include <gtest/gtest.h>
#include <unistd.h>

#include <fstream>
#include <set>

#include "conform/gen/mutations.hpp"
#include "conform/gen/values.hpp"
#include "support/paths.hpp"
#include "support/shell.hpp"

namespace conform::gen {
namespace {

const nlohmann::json& settings() {
  static const nlohmann::json all = [] {
    std::ifstream in(test::data("validator_disagreements.json"));
    return nlohmann::json::parse(in);
  }();
  return all;
}

// The schemas a request is made of: each request body's and each parameter's, once each.
std::vector<spec::SchemaId> request_schemas(const spec::Spec& spec) {
  std::set<spec::SchemaId> ids;
  for (const auto& op : spec.operations()) {
    for (const auto& parameter : op.parameters) {
      if (parameter.schema) ids.insert(*parameter.schema);
    }
    if (!op.request_body) continue;
    for (const auto& media : op.request_body->content) {
      if (media.schema) ids.insert(*media.schema);
    }
  }
  return {ids.begin(), ids.end()};
}

// The cases for the Python judge: each schema's standalone draft-7 document, the valid values
// conform draws for it and its invalid values with the mutation each one names. For a 3.1
// description the judge also reads the schema where it stands in the description (its location),
// as JSON Schema 2020-12: that checks conform's translation, not only its generator.
nlohmann::json cases_for(const std::string& name, const spec::Spec& spec, std::uint64_t seed,
                         int valid_count, int invalid_count) {
  schema::SpecSchemas schemas(spec);
  nlohmann::json cases = nlohmann::json::array();
  for (spec::SchemaId id : request_schemas(spec)) {
    if (schemas.compile_error(id, spec::Direction::request)) continue;
    auto source = source_for(spec, schemas, id, spec::Direction::request);
    nlohmann::json entry = {{"description", name},
                            {"location", source->location},
                            {"schema", source->document},
                            {"original", spec.version() == spec::OpenApiVersion::v3_1},
                            {"valid", nlohmann::json::array()},
                            {"invalid", nlohmann::json::array()}};
    try {
      for (auto& value : sample(positive_values(source), seed + id, valid_count)) {
        entry["valid"].push_back(std::move(value));
      }
      for (auto& negative : sample(negative_values(source), seed + id, invalid_count)) {
        entry["invalid"].push_back({{"value", std::move(negative.value)},
                                    {"mutation", negative.mutation},
                                    {"pointer", negative.pointer},
                                    {"detail", negative.detail}});
      }
    } catch (const Unsatisfiable&) {
      // Reported by the generation corpus test; whatever was drawn before still counts.
    }
    cases.push_back(std::move(entry));
  }
  return cases;
}

bool matches(const nlohmann::json& known, const nlohmann::json& disagreement) {
  for (const char* field : {"description", "judge", "kind", "keyword", "mutation"}) {
    if (known.contains(field) && known.at(field) != disagreement.value(field, "")) return false;
  }
  if (known.contains("location_ends_with")) {
    const std::string& suffix = known.at("location_ends_with").get_ref<const std::string&>();
    const std::string location = disagreement.value("location", "");
    if (location.size() < suffix.size() ||
        location.compare(location.size() - suffix.size(), suffix.size(), suffix) != 0) {
      return false;
    }
  }
  if (known.contains("message_contains") &&
      disagreement.value("message", "").find(known.at("message_contains").get<std::string>()) ==
          std::string::npos) {
    return false;
  }
  return true;
}

class IndependentValidator : public ::testing::TestWithParam<std::string> {};

TEST_P(IndependentValidator, AgreesOnEveryGeneratedValue) {
  if (test::sh("/usr/bin/python3 -c 'import jsonschema' 2>/dev/null") != 0) {
    GTEST_SKIP() << "needs Python's jsonschema (Debian python3-jsonschema, which scripts/setup "
                    "installs); not present";
  }
  const nlohmann::json* description = nullptr;
  for (const auto& d : settings().at("descriptions")) {
    if (d.at("name") == GetParam()) description = &d;
  }
  ASSERT_NE(description, nullptr);
  const auto path = test::place(description->at("path"));
  CONFORM_REQUIRE_SHARED(path);
#if defined(__SANITIZE_ADDRESS__)
  if (description->value("large", false)) {
    GTEST_SKIP() << GetParam() << " is large: it is judged in the optimised build; under the "
                 << "sanitizers it takes minutes, and the smaller descriptions cover the same code";
  }
#endif

  spec::Spec spec = spec::Spec::load(path, {.thorough = true});
  const nlohmann::json cases =
      cases_for(GetParam(), spec, settings().at("seed").get<std::uint64_t>(),
                description->at("valid").get<int>(), description->at("invalid").get<int>());
  ASSERT_FALSE(cases.empty());

  const auto stem = std::filesystem::temp_directory_path() /
                    ("conform-judge-" + GetParam() + "-" + std::to_string(getpid()));
  const auto in = stem.string() + ".cases.json";
  const auto out = stem.string() + ".verdicts.json";
  std::ofstream(in) << cases.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  std::string output;
  const int exit_code =
      test::sh("/usr/bin/python3 " + test::source("tests/support/jsonschema_judge.py").string() +
                   " " + in + " " + out,
               &output);
  ASSERT_EQ(exit_code, 0) << output;
  nlohmann::json verdicts = nlohmann::json::parse(std::ifstream(out));
  std::filesystem::remove(in);
  std::filesystem::remove(out);

  const auto& counts = verdicts.at("counts");
  std::cout << GetParam() << ": " << counts.at("schemas") << " schemas; "
            << counts.at("translated_valid") << " valid and " << counts.at("translated_invalid")
            << " invalid values judged by conform's draft-7 reading, "
            << counts.at("original_valid") << " and " << counts.at("original_invalid")
            << " by the 3.1 description's own schemas as 2020-12; " << counts.at("unjudged")
            << " invalid values left unjudged (a format the judge does "
            << "not assert), " << verdicts.at("disagreements").size() << " disagreements\n";
  EXPECT_GT(counts.at("translated_valid").get<int>(), 0);
  if (spec.version() == spec::OpenApiVersion::v3_1) {
    EXPECT_EQ(counts.at("original_valid"), counts.at("translated_valid"));
  }

  std::vector<bool> seen(settings().at("known").size(), false);
  for (const auto& disagreement : verdicts.at("disagreements")) {
    bool known = false;
    for (std::size_t i = 0; i < seen.size(); ++i) {
      if (matches(settings().at("known")[i], disagreement)) seen[i] = known = true;
    }
    if (known) {
      std::cout << "  known: " << disagreement.value("judge", "") << " "
                << disagreement.value("kind", "") << " " << disagreement.value("keyword", "")
                << disagreement.value("mutation", "") << " at "
                << disagreement.value("location", "") << "\n";
      continue;
    }
    ADD_FAILURE() << "the judge disagrees and the list does not say why: " << disagreement.dump();
  }
  for (std::size_t i = 0; i < seen.size(); ++i) {
    const auto& known = settings().at("known")[i];
    if (known.value("description", "") == GetParam()) {
      EXPECT_TRUE(seen[i]) << "listed but no longer happens (remove it): " << known.dump();
    }
  }
}

std::vector<std::string> description_names() {
  std::vector<std::string> names;
  for (const auto& d : settings().at("descriptions")) names.push_back(d.at("name"));
  return names;
}

INSTANTIATE_TEST_SUITE_P(Descriptions, IndependentValidator,
                         ::testing::ValuesIn(description_names()),
                         [](const auto& param_info) { return param_info.param; });

}  // namespace
}  // namespace conform::gen
