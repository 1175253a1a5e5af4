#include "conform/spec/document_set.hpp"

#include <set>

#include "conform/core/error.hpp"
#include "conform/core/json_pointer.hpp"
#include "conform/core/text.hpp"
#include "conform/spec/document.hpp"

namespace conform::spec {
namespace {

const nlohmann::json* walk(const nlohmann::json& document, std::string_view pointer) {
  auto tokens = core::split_pointer(pointer);
  if (!tokens) return nullptr;
  const nlohmann::json* node = &document;
  for (const std::string& token : *tokens) {
    if (node->is_object()) {
      auto it = node->find(token);
      if (it == node->end()) return nullptr;
      node = &*it;
    } else if (node->is_array()) {
      if (token.empty() || token.find_first_not_of("0123456789") != std::string::npos ||
          (token.size() > 1 && token[0] == '0')) {
        return nullptr;
      }
      std::size_t index = std::stoul(token);
      if (index >= node->size()) return nullptr;
      node = &(*node)[index];
    } else {
      return nullptr;
    }
  }
  return node;
}

bool is_remote(std::string_view ref) {
  auto colon = ref.find(':');
  auto slash = ref.find('/');
  return colon != std::string_view::npos && (slash == std::string_view::npos || colon < slash);
}

}  // namespace

DocumentSet::DocumentSet(const std::filesystem::path& path)
    : root_file_(path.lexically_normal().string()) {
  documents_.emplace(root_file_, load_document(path, root_file_));
}

const nlohmann::json& DocumentSet::load(const std::string& file) {
  auto it = documents_.find(file);
  if (it != documents_.end()) return it->second;
  return documents_.emplace(file, load_document(file, file)).first->second;
}

const nlohmann::json* DocumentSet::find(const Location& location) const {
  auto it = documents_.find(location.file);
  if (it == documents_.end()) return nullptr;
  return walk(it->second, location.pointer);
}

const nlohmann::json& DocumentSet::at(const Location& location) const {
  const nlohmann::json* node = find(location);
  if (node == nullptr) {
    core::fail_input("ref.unresolved", location.file, location.pointer,
                     "nothing is at this location");
  }
  return *node;
}

Location DocumentSet::resolve(const Location& from, std::string_view ref) {
  std::string_view file_part = ref.substr(0, ref.find('#'));
  std::string_view fragment =
      ref.find('#') == std::string_view::npos ? std::string_view() : ref.substr(ref.find('#') + 1);
  if (is_remote(ref)) {
    core::fail_input("ref.remote", from.file, from.pointer,
                     "reference '" + core::shortened(ref) +
                         "' names a remote document; conform reads local files only");
  }
  auto pointer = core::percent_decode(fragment);
  if (!pointer || (!pointer->empty() && pointer->front() != '/')) {
    core::fail_input(
        "ref.malformed", from.file, from.pointer,
        "reference '" + core::shortened(ref) + "' has a fragment that is not a JSON pointer");
  }
  Location target{from.file, *pointer};
  if (!file_part.empty()) {
    auto decoded = core::percent_decode(file_part);
    if (!decoded) {
      core::fail_input("ref.malformed", from.file, from.pointer,
                       "reference '" + core::shortened(ref) + "' has a malformed file name");
    }
    target.file =
        (std::filesystem::path(from.file).parent_path() / *decoded).lexically_normal().string();
    try {
      load(target.file);
    } catch (const core::Error& e) {
      core::fail_input("ref.unresolved", from.file, from.pointer,
                       "reference '" + core::shortened(ref) + "': " + e.what());
    }
  }
  if (find(target) == nullptr) {
    core::fail_input("ref.unresolved", from.file, from.pointer,
                     "reference '" + core::shortened(ref) + "' points to nothing (" +
                         core::shortened(target.to_string()) + ")");
  }
  return target;
}

std::vector<std::string> DocumentSet::file_names() const {
  std::vector<std::string> names;
  for (const auto& [name, document] : documents_) names.push_back(name);
  return names;
}

Location DocumentSet::follow(Location location) {
  std::set<Location> seen;
  while (true) {
    const nlohmann::json& node = at(location);
    if (!node.is_object()) return location;
    auto ref = node.find("$ref");
    if (ref == node.end() || !ref->is_string()) return location;
    if (!seen.insert(location).second) {
      core::fail_input("ref.cycle", location.file, location.pointer,
                       "the references from here form a cycle");
    }
    location = resolve(location, ref->get<std::string>());
  }
}

}  // namespace conform::spec
