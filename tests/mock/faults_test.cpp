#include "conform/mock/faults.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <set>
#include <sstream>

#include "support/paths.hpp"

namespace conform::mock {
namespace {

TEST(Faults, NamesAreUniqueAndFindable) {
  std::set<std::string_view> names;
  for (const auto& info : fault_catalogue()) {
    EXPECT_TRUE(names.insert(info.name).second) << info.name;
    EXPECT_EQ(fault_named(info.name), info.fault);
    EXPECT_FALSE(info.check.empty());
  }
  EXPECT_FALSE(fault_named("no_such_fault"));
}

// docs/mock.md's fault table is the catalogue: one row per fault, name and check.
TEST(Faults, TheDocumentationListsEachFaultWithItsCheck) {
  std::ifstream file(test::source("docs/mock.md"));
  std::stringstream text;
  text << file.rdbuf();
  std::set<std::string> documented;
  std::string line;
  while (std::getline(text, line)) {
    if (line.rfind("| `", 0) != 0) continue;
    auto name_end = line.find('`', 3);
    documented.insert(line.substr(3, name_end - 3));
    std::string name = line.substr(3, name_end - 3);
    auto fault = fault_named(name);
    ASSERT_TRUE(fault) << "docs/mock.md documents an unknown fault: " << name;
    for (const auto& info : fault_catalogue()) {
      if (info.fault == *fault) {
        EXPECT_NE(line.find("`" + std::string(info.check) + "`"), std::string::npos) << line;
      }
    }
  }
  for (const auto& info : fault_catalogue()) {
    EXPECT_TRUE(documented.contains(std::string(info.name)))
        << "docs/mock.md does not document " << info.name;
  }
}

}  // namespace
}  // namespace conform::mock
