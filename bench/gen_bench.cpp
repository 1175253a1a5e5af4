// Generated values per second for the request bodies of the Vast description: positive values
// (built and validated) and negative values (a positive value, mutated and verified).
//   build/release/bench/gen_bench
#include <benchmark/benchmark.h>

#include <filesystem>

#include "conform/gen/mutations.hpp"
#include "conform/gen/values.hpp"

namespace {

struct Bodies {
  std::unique_ptr<conform::spec::Spec> spec;
  std::unique_ptr<conform::schema::SpecSchemas> schemas;
  std::vector<conform::gen::SchemaSourcePtr> sources;
};

const Bodies* vast_bodies() {
  static const Bodies* bodies = [] {
    auto path = std::filesystem::path(CONFORM_SHARED_DIR) / "reference/vast/openapi.yaml";
    if (!std::filesystem::exists(path)) return static_cast<Bodies*>(nullptr);
    auto* out = new Bodies;
    out->spec = std::make_unique<conform::spec::Spec>(conform::spec::Spec::load(path));
    out->schemas = std::make_unique<conform::schema::SpecSchemas>(*out->spec);
    for (const auto& op : out->spec->operations()) {
      if (!op.request_body) continue;
      for (const auto& media : op.request_body->content) {
        if (media.schema) {
          out->sources.push_back(conform::gen::source_for(*out->spec, *out->schemas, *media.schema,
                                                          conform::spec::Direction::request));
        }
      }
    }
    return out;
  }();
  return bodies;
}

// One value from each generator per round, each from a fresh seed.
template <typename T>
void rounds(benchmark::State& state, const std::vector<rc::Gen<T>>& generators) {
  std::uint64_t seed = 1;
  std::int64_t values = 0;
  for (auto _ : state) {
    for (const auto& generator : generators) {
      benchmark::DoNotOptimize(conform::gen::sample(generator, seed++, 1));
      ++values;
    }
  }
  state.SetItemsProcessed(values);
  state.counters["schemas"] = static_cast<double>(generators.size());
}

void positive_values(benchmark::State& state) {
  const Bodies* bodies = vast_bodies();
  if (!bodies) {
    state.SkipWithError("the shared reference documents are not beside the repository");
    return;
  }
  std::vector<rc::Gen<nlohmann::json>> generators;
  for (const auto& source : bodies->sources)
    generators.push_back(conform::gen::positive_values(source));
  rounds(state, generators);
}
BENCHMARK(positive_values)->Unit(benchmark::kMillisecond);

void negative_values(benchmark::State& state) {
  const Bodies* bodies = vast_bodies();
  if (!bodies) {
    state.SkipWithError("the shared reference documents are not beside the repository");
    return;
  }
  std::vector<rc::Gen<conform::gen::NegativeValue>> generators;
  for (const auto& source : bodies->sources) {
    try {
      conform::gen::sample(conform::gen::negative_values(source), 1, 1);
      generators.push_back(conform::gen::negative_values(source));
    } catch (const conform::gen::Unsatisfiable&) {
      // `{}` bodies: nothing to break
    }
  }
  rounds(state, generators);
}
BENCHMARK(negative_values)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
