#pragma once

#include <ostream>
#include <string>
#include <vector>

#include "conform/engine/engine.hpp"
#include "conform/runner/run_config.hpp"

namespace conform::runner {

// --dry-run: a row per operation with the requests each phase plans, the total, how long the
// pacing makes it at least, and the suites that would run (or why they would be skipped).
// Nothing is sent.
void print_plan(const spec::Spec& spec, const std::vector<const spec::Operation*>& operations,
                engine::Engine& engine, const RunConfig& options, const std::string& target,
                std::ostream& out);

}  // namespace conform::runner
