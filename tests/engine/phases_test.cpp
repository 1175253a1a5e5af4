#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>
#include <regex>
#include <string>
#include <vector>

#include "conform/engine/engine.hpp"
#include "support/paths.hpp"

namespace conform::engine {
namespace {

// The phase names docs/run.md's table gives, in its order ("`stateful` (links)" counts once).
std::vector<std::string> documented_phases() {
  std::ifstream in(test::source("docs/run.md"));
  std::vector<std::string> names;
  bool in_table = false;
  const std::regex row(R"(^\| `([a-z_]+)`)");
  for (std::string line; std::getline(in, line);) {
    if (line.rfind("| phase | requests |", 0) == 0) {
      in_table = true;
      continue;
    }
    if (in_table && line.rfind("|", 0) != 0) break;
    std::smatch match;
    if (in_table && std::regex_search(line, match, row) &&
        (names.empty() || names.back() != match[1])) {
      names.push_back(match[1]);
    }
  }
  return names;
}

TEST(PhaseCatalogue, DocsListEveryPhaseInTheOrderTheyRun) {
  EXPECT_EQ(documented_phases(), phase_names());
}

TEST(PhaseCatalogue, EveryPhaseSaysWhatItSends) {
  ASSERT_FALSE(operation_phases().empty());
  for (const auto& phase : operation_phases()) {
    EXPECT_FALSE(phase.sends.empty()) << phase.name;
    EXPECT_EQ(phase.name.find_first_not_of("abcdefghijklmnopqrstuvwxyz_"), std::string::npos);
  }
}

}  // namespace
}  // namespace conform::engine
