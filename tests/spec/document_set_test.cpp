#include "conform/spec/document_set.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <fstream>

#include "conform/core/error.hpp"
#include "support/paths.hpp"

namespace conform::spec {
namespace {

class DocumentSetTest : public ::testing::Test {
 protected:
  void SetUp() override {
    // ctest runs each test in a process of its own, in parallel, and under the sanitizers `this`
    // is the same address in each: the process id keeps their folders apart.
    dir_ = std::filesystem::temp_directory_path() /
           ("conform-docset-" + std::to_string(::getpid()) + "-" +
            std::to_string(reinterpret_cast<std::uintptr_t>(this)));
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  std::filesystem::path write(const std::string& name, const std::string& text) {
    auto path = dir_ / name;
    std::ofstream(path) << text;
    return path;
  }

  std::filesystem::path dir_;
};

TEST_F(DocumentSetTest, ResolvesEscapedAndPercentEncodedPointers) {
  auto root = write("a.json", R"({"paths": {"/pets/{id}": {"x": 1}}, "t~l": {"y": 2}})");
  DocumentSet docs(root);
  Location from{docs.root_file(), ""};
  EXPECT_EQ(docs.at(docs.resolve(from, "#/paths/~1pets~1{id}/x")), 1);
  EXPECT_EQ(docs.at(docs.resolve(from, "#/paths/~1pets~1%7Bid%7D/x")), 1);
  EXPECT_EQ(docs.at(docs.resolve(from, "#/t~0l/y")), 2);
  EXPECT_EQ(docs.resolve(from, "#").pointer, "");
}

TEST_F(DocumentSetTest, LoadsRelativeFilesOnce) {
  std::filesystem::create_directories(dir_ / "sub");
  write("sub/b.yaml", "thing: {c: 3}\nback: {$ref: '../a.json#/v'}\n");
  auto root = write("a.json", R"({"v": 7, "r": {"$ref": "sub/b.yaml#/thing"}})");
  DocumentSet docs(root);
  Location target = docs.resolve({docs.root_file(), "/r"}, "sub/b.yaml#/thing");
  EXPECT_EQ(docs.at(target)["c"], 3);
  EXPECT_EQ(docs.file_count(), 2u);
  Location back = docs.resolve({target.file, "/back"}, "../a.json#/v");
  EXPECT_EQ(back.file, docs.root_file());
  EXPECT_EQ(docs.at(back), 7);
}

TEST_F(DocumentSetTest, DanglingReferencesNameTheReferenceAndItsPlace) {
  auto root = write("a.json", R"({"x": {"$ref": "#/nope"}})");
  DocumentSet docs(root);
  try {
    docs.resolve({docs.root_file(), "/x"}, "#/nope");
    FAIL();
  } catch (const core::Error& e) {
    EXPECT_EQ(e.diagnostic().code, "ref.unresolved");
    EXPECT_EQ(e.diagnostic().pointer, "/x");
    EXPECT_NE(e.diagnostic().message.find("#/nope"), std::string::npos);
  }
  EXPECT_THROW(docs.resolve({docs.root_file(), "/x"}, "missing.yaml#/a"), core::Error);
}

TEST_F(DocumentSetTest, RemoteReferencesAreRefused) {
  DocumentSet docs(write("a.json", "{}"));
  try {
    docs.resolve({docs.root_file(), ""}, "https://example.com/s.json#/a");
    FAIL();
  } catch (const core::Error& e) {
    EXPECT_EQ(e.diagnostic().code, "ref.remote");
  }
}

TEST_F(DocumentSetTest, FollowStopsAtCyclesWithAnError) {
  DocumentSet docs(write("a.json", R"({"a": {"$ref": "#/b"}, "b": {"$ref": "#/a"},
                                       "c": {"$ref": "#/d"}, "d": {"ok": true}})"));
  EXPECT_EQ(docs.follow({docs.root_file(), "/c"}).pointer, "/d");
  try {
    docs.follow({docs.root_file(), "/a"});
    FAIL();
  } catch (const core::Error& e) {
    EXPECT_EQ(e.diagnostic().code, "ref.cycle");
  }
}

}  // namespace
}  // namespace conform::spec
