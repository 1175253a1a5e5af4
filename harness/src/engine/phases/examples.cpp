#include "../phase.hpp"

namespace conform::engine {

const PhaseRow& examples_phase() {
  static const PhaseRow row = {{"examples", "the description's own examples, one request each"},
                               [](Engine::Impl& e, const spec::Operation& op) {
                                 return static_cast<int>(e.examples(op).cases.size());
                               },
                               [](Engine::Impl& e, const spec::Operation& op, PhaseResult& result) {
                                 e.run_fixed(op, e.examples(op), result);
                                 e.judge_exercise(op, result);
                               }};
  return row;
}

}  // namespace conform::engine
