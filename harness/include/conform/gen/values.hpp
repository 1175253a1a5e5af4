#pragma once

#include <rapidcheck.h>

#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <utility>
#include <vector>

#include "conform/gen/schema_source.hpp"

namespace conform::gen {

struct ValueOptions {
  int max_depth = 5;     // beyond it objects keep only required properties, arrays their minimum
  int attempts = 40;     // tries before a schema is declared unsatisfiable
  int example_odds = 4;  // one value in this many is an example of the schema, when it has some
  // Objects carry every declared property (down to max_depth), not a random few, and one member
  // of a declared additionalProperties schema: a mock's answers then hold every field a client or
  // a link may read.
  bool every_property = false;
};

// Values that satisfy the schema. The builder follows the keywords (types, bounds, lengths,
// formats, patterns, enums, composition, recursion with bounded depth) and the validator has the
// last word on every value: what it refuses is drawn again, and a schema that yields nothing after
// `attempts` tries throws Unsatisfiable naming its location. Shrinks like any rapidcheck generator.
rc::Gen<nlohmann::json> positive_values(SchemaSourcePtr source, ValueOptions options = {});

// Where generation falls back from construction to examples and filtering (patterns outside the
// generator's subset), one sentence each: what a run reports about its inputs.
std::vector<std::string> generation_notes(const SchemaSource& source);

// A well-spread seed from another (splitmix64): the seeds of cases that follow from a run's seed.
inline std::uint64_t mix_seed(std::uint64_t x) {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

// Shrinks outside a property: walks RapidCheck's shrink tree from a failing value, moving to the
// first smaller value for which `still_fails` holds and starting again from there, until none
// does, `budget` candidates were tried, or `stop()` says so. Returns where it ended and whether
// it moved. The engine shrinks requests this way and the permission suite documents, sending each
// candidate over HTTP.
template <typename T, typename StillFails, typename Stop>
std::pair<rc::Shrinkable<T>, bool> shrink_while(rc::Shrinkable<T> current, int budget,
                                                StillFails still_fails, Stop stop) {
  bool shrunk = false;
  for (bool progressed = true; progressed && budget > 0 && !stop();) {
    progressed = false;
    auto candidates = current.shrinks();
    while (auto next = candidates.next()) {
      if (budget-- <= 0 || stop()) break;
      if (still_fails(*next)) {
        current = std::move(*next);
        progressed = shrunk = true;
        break;
      }
    }
  }
  return {std::move(current), shrunk};
}

// Draws `count` values of a generator, reproducibly from `seed` (outside any property).
template <typename T>
std::vector<T> sample(const rc::Gen<T>& generator, std::uint64_t seed, int count,
                      int size = rc::kNominalSize) {
  std::vector<T> out;
  rc::Random random(seed);
  for (int i = 0; i < count; ++i) {
    out.push_back(generator(random.split(), size).value());
  }
  return out;
}

namespace detail {
// One pass of the builder (no validator): exposed for the mutation catalogue, which starts from
// its values, and for tests.
nlohmann::json build_value(const nlohmann::json& document, const nlohmann::json& schema,
                           const ValueOptions& options, int depth);
}  // namespace detail

}  // namespace conform::gen
