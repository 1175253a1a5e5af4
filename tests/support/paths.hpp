#pragma once

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

namespace conform::test {

inline std::filesystem::path data(const std::string& name) {
  return std::filesystem::path(CONFORM_TEST_DATA) / name;
}

inline std::filesystem::path source(const std::string& name) {
  return std::filesystem::path(CONFORM_SOURCE_DIR) / name;
}

// The shared reference documents and corpus live beside the repository; tests that need them skip
// when they are absent.
inline std::filesystem::path shared(const std::string& name) {
  return std::filesystem::path(CONFORM_SHARED_DIR) / name;
}

// A place as the tests' data files name one: "source:spec/openapi.json" in this tree,
// "shared:reference/vast/openapi.yaml" in the shared data beside it.
inline std::filesystem::path place(const std::string& where) {
  if (where.rfind("source:", 0) == 0) return source(where.substr(7));
  return shared(where.substr(where.find(':') + 1));
}

// A file's whole text; empty when it cannot be read.
inline std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

#define CONFORM_REQUIRE_SHARED(path)                                                   \
  if (!std::filesystem::exists(path)) {                                                \
    GTEST_SKIP() << "needs " << (path).string()                                        \
                 << " (the shared reference data beside the repository); not present"; \
  }

}  // namespace conform::test
