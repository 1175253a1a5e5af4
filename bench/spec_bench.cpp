// How long a description takes to become ready to validate (load, resolve, normalise, compile all
// response schemas), and how fast a realistic response validates. Run from a release build:
//   cmake --preset release && cmake --build --preset release && build/release/bench/spec_bench
#include <benchmark/benchmark.h>

#include <filesystem>

#include "conform/schema/spec_schemas.hpp"
#include "conform/spec/spec.hpp"

namespace {

std::filesystem::path shared(const char* name) {
  return std::filesystem::path(CONFORM_SHARED_DIR) / name;
}

// Load and compile every response schema: the work before the first response can be checked.
void ready_to_validate(benchmark::State& state, const char* name) {
  auto path = shared(name);
  if (!std::filesystem::exists(path)) {
    state.SkipWithError("the shared reference documents are not beside the repository");
    return;
  }
  std::size_t schemas = 0;
  for (auto _ : state) {
    auto spec = conform::spec::Spec::load(path);
    conform::schema::SpecSchemas compiled(spec);
    for (const auto& op : spec.operations()) {
      for (const auto& response : op.responses) {
        for (const auto& media : response.content) {
          if (!media.schema) continue;
          ++schemas;
          // Validating once forces the compilation; the value itself does not matter.
          benchmark::DoNotOptimize(
              compiled.accepts(*media.schema, conform::spec::Direction::response, nullptr));
        }
      }
    }
  }
  state.counters["response_schemas"] =
      benchmark::Counter(static_cast<double>(schemas), benchmark::Counter::kAvgIterations);
}
BENCHMARK_CAPTURE(ready_to_validate, vast_openapi_yaml, "reference/vast/openapi.yaml")
    ->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(ready_to_validate, vast_generated_json,
                  "reference/vast/openapi-generated-2026-05.json")
    ->Unit(benchmark::kMillisecond);

// A list of 64 instances, the shape of the Vast description's instance listing.
void validate_instance_list(benchmark::State& state) {
  auto path = shared("reference/vast/openapi.yaml");
  if (!std::filesystem::exists(path)) {
    state.SkipWithError("the shared reference documents are not beside the repository");
    return;
  }
  auto spec = conform::spec::Spec::load(path);
  conform::schema::SpecSchemas compiled(spec);
  auto id = spec.schemas().find({spec.file(), "/components/schemas/Instance"});
  if (!id) {
    state.SkipWithError("no Instance schema");
    return;
  }
  nlohmann::json instance = {{"id", 1227},
                             {"machine_id", 9},
                             {"actual_status", "running"},
                             {"gpu_name", "RTX 4090"},
                             {"num_gpus", 2},
                             {"dph_total", 0.62},
                             {"ssh_host", "ssh4.vast.ai"},
                             {"ssh_port", 22001},
                             {"label", "train"},
                             {"os_version", "22.04"},
                             {"disk_space", 64.0},
                             {"cpu_cores", 16}};
  nlohmann::json list = nlohmann::json::array();
  for (int i = 0; i < 64; ++i) list.push_back(instance);
  std::size_t violations = 0;
  for (auto _ : state) {
    for (const auto& item : list) {
      violations += compiled.validate(*id, conform::spec::Direction::response, item).size();
    }
  }
  state.SetItemsProcessed(state.iterations() * 64);
  state.counters["violations_per_list"] =
      benchmark::Counter(static_cast<double>(violations), benchmark::Counter::kAvgIterations);
}
BENCHMARK(validate_instance_list)->Unit(benchmark::kMicrosecond);

}  // namespace

BENCHMARK_MAIN();
