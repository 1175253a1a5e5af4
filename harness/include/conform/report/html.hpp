#pragma once

#include <string>

#include "conform/report/results.hpp"

namespace conform::report {

// One self-contained HTML page (no network, no external assets): the run's target, spec, seed,
// duration and verdict; charts of failures by check and of results by operation (drawn by the
// page's own script from data embedded in it); every failure with its check, operation, message,
// JSON pointer, status, case, seed, curl line and response excerpt; a table of every test,
// failures first; filters by check, operation and status.
std::string html_report(const RunResults& results);

}  // namespace conform::report
