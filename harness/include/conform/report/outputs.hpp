#pragma once

#include <map>
#include <ostream>
#include <string>
#include <vector>

#include "conform/report/results.hpp"

namespace conform::report {

// The files a run can write, a row each: `conform run` and `conform merge` offer an option per
// row (--junit FILE), and write what was asked from the table. Adding a format is a renderer and
// a row.
struct Output {
  std::string name;         // the option, --<name>, and the configuration file's key
  std::string description;  // for --help
  std::string label;        // announced after the run ("JUnit report: FILE"); empty: not said
  std::string (*render)(const RunResults& results);
};
const std::vector<Output>& outputs();

// Writes each output named in `paths` (by Output::name; empty paths are skipped) atomically, in
// the table's order.
void write_outputs(const RunResults& results, const std::map<std::string, std::string>& paths);
// Says where the outputs that have a label went ("JUnit report: FILE").
void announce_outputs(const std::map<std::string, std::string>& paths, std::ostream& out);

}  // namespace conform::report
