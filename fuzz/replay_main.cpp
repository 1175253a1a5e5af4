// Without libFuzzer (GCC builds, CI): runs a fuzz target on every file of the folders and files it
// is given (the seed corpus and the crashes found so far), so that what the fuzzers found stays
// fixed; then, with -runs=N, on N variants of them made by a fixed-seed mutator (bytes flipped,
// inserted, removed, repeated, spliced), a short fuzzing run that needs no clang. Any crash,
// sanitizer report or abort fails the run.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <random>
#include <string>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size);

namespace {

void run_one(const std::string& bytes) {
  LLVMFuzzerTestOneInput(reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size());
}

std::string read(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

// One variant of `input`, with a few edits of the kinds that break parsers.
std::string mutate(std::string input, const std::vector<std::string>& others,
                   std::mt19937_64& random) {
  auto pick = [&](std::size_t n) { return n == 0 ? 0 : static_cast<std::size_t>(random() % n); };
  static const char* kTokens[] = {"{",  "}",    "[",    "]",  "\"",   "\\\\", ":",
                                  ",",  "$ref", "#/",   "\n", "\xff", "\xc3", "1e400",
                                  "-1", "0",    "null", "(",  ")",    "*",    "{1000}"};
  for (int edits = 1 + static_cast<int>(pick(4)); edits > 0; --edits) {
    std::size_t at = pick(input.size() + 1);
    switch (pick(6)) {
      case 0:
        if (!input.empty()) input[pick(input.size())] = static_cast<char>(random());
        break;
      case 1:
        input.insert(at, kTokens[pick(std::size(kTokens))]);
        break;
      case 2:
        input.erase(at, pick(16));
        break;
      case 3:  // a piece repeated: nesting and long runs
        if (!input.empty()) {
          std::size_t from = pick(input.size());
          std::string piece = input.substr(from, 1 + pick(8));
          for (std::size_t times = pick(64); times > 0; --times) input.insert(at, piece);
        }
        break;
      case 4:  // a piece of another input
        if (!others.empty()) {
          const std::string& other = others[pick(others.size())];
          input.insert(at, other.substr(pick(other.size()), 1 + pick(64)));
        }
        break;
      default:
        input.resize(at);
    }
  }
  return input;
}

}  // namespace

int main(int argc, char** argv) {
  long runs = 0;
  std::vector<std::string> inputs;
  for (int i = 1; i < argc; ++i) {
    if (std::strncmp(argv[i], "-runs=", 6) == 0) {
      runs = std::atol(argv[i] + 6);
      continue;
    }
    std::filesystem::path path = argv[i];
    if (std::filesystem::is_directory(path)) {
      for (const auto& entry : std::filesystem::recursive_directory_iterator(path)) {
        if (entry.is_regular_file()) inputs.push_back(read(entry.path()));
      }
    } else if (std::filesystem::is_regular_file(path)) {
      inputs.push_back(read(path));
    }
  }
  for (const std::string& input : inputs) run_one(input);
  std::mt19937_64 random(14);
  // With CONFORM_FUZZ_LAST set, each variant is written there before it runs: after a crash the
  // file holds the input that caused it, to keep in the corpus.
  const char* last = std::getenv("CONFORM_FUZZ_LAST");
  for (long run = 0; run < runs && !inputs.empty(); ++run) {
    std::string variant =
        mutate(inputs[static_cast<std::size_t>(run) % inputs.size()], inputs, random);
    if (last != nullptr) std::ofstream(last, std::ios::binary | std::ios::trunc) << variant;
    run_one(variant);
  }
  std::printf("replayed %zu inputs, then %ld variants\n", inputs.size(), inputs.empty() ? 0 : runs);
  return inputs.empty() ? 1 : 0;
}
