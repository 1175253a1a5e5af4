#pragma once
// The catalogue of an operation's phases (private to the engine). A phase is one file in
// phases/ defining its row, and one line in phase_catalogue.cpp that puts the row in its place.
#include <vector>

#include "engine_impl.hpp"

namespace conform::engine {

struct PhaseRow {
  PhaseInfo info;  // its name and what it sends (docs/run.md's table says it at length)
  int (*planned)(Engine::Impl&, const spec::Operation&);  // requests it plans; 0: not applicable
  void (*run)(Engine::Impl&, const spec::Operation&, PhaseResult&);
};

// The rows, in the order phases run; and one by name (nullptr when none has it).
const std::vector<PhaseRow>& phase_rows();
const PhaseRow* phase_row(const std::string& name);

// Each phase's row, from its file.
const PhaseRow& examples_phase();
const PhaseRow& coverage_phase();
const PhaseRow& fuzzing_phase();
const PhaseRow& auth_phase();
const PhaseRow& methods_phase();
const PhaseRow& stateful_phase();

}  // namespace conform::engine
