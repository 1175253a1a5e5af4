// conform's plain-words explanations checked by a second implementation: every violation of the
// JSON-Schema-Test-Suite's invalid instances that conform explains (a keyword at an instance
// place, in a subschema it names) must be one Python's jsonschema also reports there, with the
// same keyword value.
#include <gtest/gtest.h>
#include <unistd.h>

#include <fstream>
#include <set>

#include "conform/core/error.hpp"
#include "conform/core/json_pointer.hpp"
#include "conform/schema/compiled_schema.hpp"
#include "support/paths.hpp"
#include "support/shell.hpp"

namespace conform::schema {
namespace {

// The keyword's value in the subschema a "#/..." keyword location names.
std::optional<nlohmann::json> value_at(const nlohmann::json& schema, const std::string& location) {
  if (location.rfind("#", 0) != 0) return std::nullopt;
  auto tokens = core::split_pointer(location.substr(1));
  if (!tokens) return std::nullopt;
  const nlohmann::json* at = &schema;
  for (const std::string& token : *tokens) {
    if (at->is_object() && at->contains(token)) {
      at = &(*at)[token];
    } else if (at->is_array() && !token.empty() && token.size() < 6 &&
               std::all_of(token.begin(), token.end(), ::isdigit) &&
               std::stoul(token) < at->size()) {
      at = &(*at)[std::stoul(token)];
    } else {
      return std::nullopt;
    }
  }
  return *at;
}

TEST(ExplainIndependently, JsonschemaReportsEveryExplainedKeywordWhereConformDoes) {
  const auto root = test::shared("corpus/json-schema-test-suite");
  CONFORM_REQUIRE_SHARED(root);
  if (test::sh("/usr/bin/python3 -c 'import jsonschema' 2>/dev/null") != 0) {
    GTEST_SKIP() << "needs Python's jsonschema (Debian python3-jsonschema, which scripts/setup "
                    "installs); not present";
  }
  nlohmann::json cases = nlohmann::json::array();
  int explained = 0;
  std::vector<std::filesystem::path> files;
  for (const auto& entry : std::filesystem::directory_iterator(root / "tests/draft7")) {
    // Remote references need a server; the others are self-contained.
    if (entry.path().extension() == ".json" && entry.path().stem() != "refRemote") {
      files.push_back(entry.path());
    }
  }
  std::sort(files.begin(), files.end());
  for (const auto& file : files) {
    const nlohmann::json groups = nlohmann::json::parse(std::ifstream(file));
    for (const auto& group : groups) {
      std::optional<CompiledSchema> schema;
      try {
        schema = CompiledSchema::compile(group["schema"]);
      } catch (const core::Error&) {
        continue;
      }
      for (const auto& t : group["tests"]) {
        if (t["valid"].get<bool>()) continue;
        nlohmann::json ours = nlohmann::json::array();
        for (const Violation& v : schema->validate(t["data"])) {
          if (v.keyword_location.empty()) continue;
          auto value = value_at(group["schema"], v.keyword_location);
          ASSERT_TRUE(value.has_value()) << file << ": " << v.keyword_location;
          std::string keyword = v.keyword_location.substr(v.keyword_location.rfind('/') + 1);
          ours.push_back({{"at", v.instance_pointer}, {"keyword", keyword}, {"value", *value}});
          ++explained;
        }
        if (ours.empty()) continue;
        cases.push_back(
            {{"name", file.stem().string() + ": " + group["description"].get<std::string>() +
                          " / " + t["description"].get<std::string>()},
             {"schema", group["schema"]},
             {"instance", t["data"]},
             {"explained", ours}});
      }
    }
  }
  const auto stem = std::filesystem::temp_directory_path() /
                    ("conform-explain-judge-" + std::to_string(getpid()));
  const std::string in = stem.string() + ".cases.json", out = stem.string() + ".out.json";
  std::ofstream(in) << cases.dump();
  std::string output;
  ASSERT_EQ(
      test::sh("/usr/bin/python3 " + test::source("tests/support/explanation_judge.py").string() +
                   " " + in + " " + out,
               &output),
      0)
      << output;
  const nlohmann::json verdict = nlohmann::json::parse(std::ifstream(out));
  std::filesystem::remove(in);
  std::filesystem::remove(out);
  std::cout << explained << " explanations of " << cases.size()
            << " invalid instances; jsonschema confirmed " << verdict["confirmed"] << ", found "
            << verdict["unjudged"] << " in instances it holds valid (its own misses)\n";
  EXPECT_GT(verdict["confirmed"].get<int>(), 300);
  // Where the two validators disagree on the reason, listed with why; anything else fails.
  const std::set<std::string> known = {};
  for (const auto& u : verdict["unconfirmed"]) {
    EXPECT_TRUE(known.contains(u["case"].get<std::string>())) << u.dump(1);
  }
}

}  // namespace
}  // namespace conform::schema
