// A pattern and a subject, separated by the first NUL byte: compiled and searched with bounded
// effort, and read by the generator's own parser, whose strings must then match.
#include "conform/schema/regex.hpp"

#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "conform/gen/pattern_generator.hpp"
#include "conform/gen/values.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  std::size_t split = input.find('\0');
  std::string_view pattern = input.substr(0, split);
  std::string_view subject = split == std::string_view::npos ? "" : input.substr(split + 1);
  auto regex = conform::schema::Regex::compile(pattern);
  if (regex) regex->search(subject);
  auto generator = conform::gen::PatternGenerator::parse(pattern);
  if (generator && regex) {
    for (const std::string& text : conform::gen::sample(generator->strings(), size, 2)) {
      // What the generator makes for a pattern it accepts matches it, or was cut at the cap.
      if (text.size() < 60000 && regex->search(text) == conform::schema::Regex::Outcome::no_match) {
        std::abort();
      }
    }
  }
  return 0;
}
