#include "phase.hpp"

namespace conform::engine {

const std::vector<PhaseRow>& phase_rows() {
  static const std::vector<PhaseRow> rows = {examples_phase(), coverage_phase(), fuzzing_phase(),
                                             auth_phase(),     methods_phase(),  stateful_phase()};
  return rows;
}

const PhaseRow* phase_row(const std::string& name) {
  for (const auto& row : phase_rows()) {
    if (row.info.name == name) return &row;
  }
  return nullptr;
}

const std::vector<PhaseInfo>& operation_phases() {
  static const std::vector<PhaseInfo> infos = [] {
    std::vector<PhaseInfo> out;
    for (const auto& row : phase_rows()) out.push_back(row.info);
    return out;
  }();
  return infos;
}

const std::vector<std::string>& phase_names() {
  static const std::vector<std::string> names = [] {
    std::vector<std::string> out;
    for (const auto& info : operation_phases()) out.push_back(info.name);
    return out;
  }();
  return names;
}

}  // namespace conform::engine
