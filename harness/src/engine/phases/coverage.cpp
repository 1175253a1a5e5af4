#include "../phase.hpp"

namespace conform::engine {

const PhaseRow& coverage_phase() {
  static const PhaseRow row = {
      {"coverage", "every keyword location of the request, reached and broken alone; boundaries"},
      [](Engine::Impl& e, const spec::Operation& op) {
        return static_cast<int>(e.coverage(op).cases.size());
      },
      [](Engine::Impl& e, const spec::Operation& op, PhaseResult& result) {
        e.run_fixed(op, e.coverage(op), result);
        e.judge_exercise(op, result);
      }};
  return row;
}

}  // namespace conform::engine
