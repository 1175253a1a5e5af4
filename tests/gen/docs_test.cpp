// docs/mutations.md lists every mutation of the catalogue, and nothing else.
#include <gtest/gtest.h>

#include <fstream>
#include <regex>
#include <set>
#include <sstream>

#include "conform/gen/mutations.hpp"
#include "support/paths.hpp"

namespace conform::gen {
namespace {

TEST(MutationDocs, ListExactlyTheCatalogue) {
  std::ifstream in(test::source("docs/mutations.md"));
  ASSERT_TRUE(in) << "docs/mutations.md is missing";
  std::stringstream text;
  text << in.rdbuf();
  std::set<std::string> documented;
  std::regex row(R"(^\| `([a-z_]+)` \|)");
  std::string line;
  while (std::getline(text, line)) {
    std::smatch match;
    if (std::regex_search(line, match, row)) documented.insert(match[1]);
  }
  std::set<std::string> catalogue;
  for (const auto& info : mutation_catalogue()) catalogue.insert(std::string(info.name));
  EXPECT_EQ(documented, catalogue);
}

}  // namespace
}  // namespace conform::gen
