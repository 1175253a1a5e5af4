#include "conform/report/outputs.hpp"

#include "conform/report/coverage.hpp"
#include "conform/report/html.hpp"
#include "conform/report/junit.hpp"

namespace conform::report {

const std::vector<Output>& outputs() {
  static const std::vector<Output> rows = {
      {"results", "Write the results as JSON too (for `conform merge` across CI runners)", "",
       [](const RunResults& results) {
         return to_json(results).dump(2, ' ', false, nlohmann::json::error_handler_t::replace);
       }},
      {"junit", "Write a JUnit XML report here", "JUnit report", junit_xml},
      {"html", "Write an HTML report here (one self-contained file)", "HTML report", html_report},
      {"coverage", "Write the schema coverage as JSON here (docs/coverage.md)", "Coverage report",
       coverage_json},
  };
  return rows;
}

void write_outputs(const RunResults& results, const std::map<std::string, std::string>& paths) {
  for (const Output& output : outputs()) {
    auto path = paths.find(output.name);
    if (path == paths.end() || path->second.empty()) continue;
    write_atomically(path->second, output.render(results));
  }
}

void announce_outputs(const std::map<std::string, std::string>& paths, std::ostream& out) {
  for (const Output& output : outputs()) {
    auto path = paths.find(output.name);
    if (path == paths.end() || path->second.empty() || output.label.empty()) continue;
    out << output.label << ": " << path->second << "\n";
  }
}

}  // namespace conform::report
