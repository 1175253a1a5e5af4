#pragma once
// Shared by the description targets: the text is parsed from memory, then written to a file of
// this process so that the whole loader (references, schema store) and the linter run on it.
#include <unistd.h>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>

#include "conform/core/error.hpp"
#include "conform/lint/lint.hpp"
#include "conform/spec/document.hpp"
#include "conform/spec/spec.hpp"

namespace conform::fuzz {

inline void load_and_lint(const std::uint8_t* data, std::size_t size, spec::Syntax syntax) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  try {
    spec::parse_document(text, syntax, "input");
  } catch (const core::Error&) {
    return;  // refused with a message: what must happen to most inputs
  }
  static const std::filesystem::path file =
      std::filesystem::temp_directory_path() / ("conform-fuzz-" + std::to_string(::getpid()) +
                                                (syntax == spec::Syntax::json ? ".json" : ".yaml"));
  {
    std::ofstream out(file, std::ios::binary | std::ios::trunc);
    out.write(text.data(), static_cast<std::streamsize>(text.size()));
  }
  try {
    spec::Spec loaded = spec::Spec::load(file, {.thorough = true});
    lint::lint(loaded);
  } catch (const core::Error&) {
  }
}

}  // namespace conform::fuzz
