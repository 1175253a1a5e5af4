#pragma once

#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "conform/spec/location.hpp"

namespace conform::spec {

// The files of one description: the root document and every file its `$ref`s reach, loaded on first
// use. Resolution failures throw core::Error with code "ref.*" naming the reference and its place.
class DocumentSet {
 public:
  // Loads the root document; `path` is also how it is named in messages.
  explicit DocumentSet(const std::filesystem::path& path);

  const std::string& root_file() const { return root_file_; }
  const nlohmann::json& root() const { return documents_.at(root_file_); }

  // The value at a location; throws when the pointer leads nowhere.
  const nlohmann::json& at(const Location& location) const;
  const nlohmann::json* find(const Location& location) const;

  // Where `ref` (as written at `from`) points: "#/a/b", "other.yaml", "other.yaml#/a".
  // Loads external files relative to the file that holds the reference.
  Location resolve(const Location& from, std::string_view ref);

  // Follows a chain of {"$ref": ...} objects (Reference Objects) to the object they stand for.
  // A cycle is an error, not a hang.
  Location follow(Location location);

  std::size_t file_count() const { return documents_.size(); }
  std::vector<std::string> file_names() const;

 private:
  const nlohmann::json& load(const std::string& file);

  std::string root_file_;
  std::map<std::string, nlohmann::json> documents_;
};

}  // namespace conform::spec
