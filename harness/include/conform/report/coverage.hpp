#pragma once

#include <cstddef>
#include <map>
#include <string>
#include <vector>

#include "conform/report/results.hpp"

namespace conform::report {

// Schema coverage of one operation, as the run measured it (docs/coverage.md).
struct OperationCoverage {
  std::string operation;
  std::size_t locations = 0;             // keyword locations of its request
  std::size_t valid = 0;                 // of them, reached by a valid value
  std::size_t invalid = 0;               // and broken by an invalid case
  std::vector<std::string> not_valid;    // the locations no valid value reached
  std::vector<std::string> not_invalid;  // and those no invalid case broke (of the breakable)
  std::map<std::string, std::string> unbreakable;  // no request can break these: why
  std::vector<std::string> declared_statuses;
  std::map<std::string, int> observed;           // declared status → answers that matched it
  std::map<int, int> undeclared;                 // statuses seen that it does not declare
  std::vector<std::string> parameters;           // declared
  std::vector<std::string> parameters_not_sent;  // never given a value by an answered valid case
  std::vector<std::string> links;                // declared on its 2XX responses
  std::vector<std::string> links_not_followed;   // never followed to an answer
  // Both ways: valid over the locations, invalid over those that can be broken; 100 for an
  // operation without any.
  double percent() const;
};

struct CoverageSummary {
  std::vector<OperationCoverage> operations;  // in the run's order
  std::size_t locations = 0, valid = 0, invalid = 0, unbreakable = 0;
  std::size_t declared_statuses = 0, observed_statuses = 0;
  std::size_t parameters = 0, parameters_sent = 0, links = 0, links_followed = 0;
  double percent() const;
  bool measured() const { return !operations.empty(); }
};

CoverageSummary summarise_coverage(const RunResults& results);

// The --coverage file: the summary and each operation, as JSON (format "conform-coverage/1").
std::string coverage_json(const RunResults& results);

// "Schema coverage: 87.5% of 120 keyword locations both ways (valid 110, invalid 100); 14 of 20
// declared statuses seen; 9 of 10 parameters sent[; 2 of 3 links followed]": the console's line.
std::string coverage_line(const CoverageSummary& summary);

}  // namespace conform::report
