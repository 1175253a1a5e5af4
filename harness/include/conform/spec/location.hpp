#pragma once

#include <compare>
#include <string>

namespace conform::spec {

// A place in a (possibly multi-file) document: the file as named in messages and a JSON pointer.
struct Location {
  std::string file;
  std::string pointer;

  std::string to_string() const { return file + "#" + pointer; }
  friend auto operator<=>(const Location&, const Location&) = default;
};

}  // namespace conform::spec
