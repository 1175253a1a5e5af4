// Packaging: the .deb CPack builds holds the program, its man page and its documentation, says
// which Debian packages it needs, and the program it installs runs.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <array>
#include <cstdio>

#include "support/paths.hpp"
#include "support/shell.hpp"

namespace conform::test {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

TEST(Package, TheDebInstallsIntoATemporaryRootAndRuns) {
  if (sh("command -v dpkg-deb") != 0) GTEST_SKIP() << "dpkg-deb is missing";
  auto work =
      std::filesystem::temp_directory_path() / ("conform-package-" + std::to_string(getpid()));
  std::filesystem::remove_all(work);
  std::string output;
  ASSERT_EQ(sh("cpack --config " + std::string(CONFORM_BUILD_DIR) + "/CPackConfig.cmake -B " +
                   work.string(),
               &output),
            0)
      << output;
  std::filesystem::path deb;
  for (const auto& entry : std::filesystem::directory_iterator(work)) {
    if (entry.path().extension() == ".deb") deb = entry.path();
  }
  ASSERT_FALSE(deb.empty()) << output;
  ASSERT_EQ(sh("dpkg-deb -I " + deb.string(), &output), 0);
  EXPECT_THAT(output, HasSubstr("Package: conform"));
  EXPECT_THAT(output, HasSubstr("libcurl4"));
  // The mock's server is header-only Boost: the program needs no HTTP server library.
  EXPECT_THAT(output, Not(HasSubstr("httplib")));
  EXPECT_THAT(output, Not(HasSubstr("libboost")));
  auto root = work / "root";
  ASSERT_EQ(sh("dpkg-deb -x " + deb.string() + " " + root.string(), &output), 0) << output;
  EXPECT_TRUE(std::filesystem::exists(root / "usr/share/man/man1/conform.1"));
  EXPECT_TRUE(std::filesystem::exists(root / "usr/share/doc/conform/checks.md"));
  EXPECT_TRUE(std::filesystem::exists(root / "usr/share/doc/conform/openapi.json"));
  ASSERT_EQ(sh((root / "usr/bin/conform").string() + " --version", &output), 0);
  EXPECT_THAT(output, ::testing::MatchesRegex("conform [0-9]+\\.[0-9]+\\.[0-9]+ \\(.+\\)\n"));
  ASSERT_EQ(sh((root / "usr/bin/conform").string() + " lint --spec " +
                   (root / "usr/share/doc/conform/openapi.json").string(),
               &output),
            0)
      << output;
  std::filesystem::remove_all(work);
}

}  // namespace
}  // namespace conform::test
