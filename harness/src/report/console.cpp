#include "conform/report/console.hpp"

#include <cstdio>
#include <map>

namespace conform::report {
namespace {

std::string seconds_text(double seconds) {
  char text[32];
  std::snprintf(text, sizeof text, "%.2f s", seconds);
  return text;
}

std::string pad(std::string text, std::size_t width) {
  if (text.size() < width) text.append(width - text.size(), ' ');
  return text;
}

}  // namespace

std::string test_line(const TestRecord& test) {
  const auto& r = test.result;
  std::string verdict = !r.failures.empty()     ? "FAIL"
                        : !r.errors.empty()     ? "ERROR"
                        : !r.not_tested.empty() ? "SKIP"
                                                : "PASS";
  std::string line = pad(verdict, 6) + test.suite + "." + test.name + "  (" +
                     std::to_string(r.sent) + " requests, " + seconds_text(r.seconds) + ")";
  if (!r.failures.empty()) line += "  " + std::to_string(r.failures.size()) + " failures";
  if (!r.errors.empty()) line += "  " + std::to_string(r.errors.size()) + " transport errors";
  if (!r.not_tested.empty() && r.failures.empty() && r.errors.empty()) {
    line += "  " + r.not_tested;
  }
  return line;
}

void print_summary(const RunResults& results, std::ostream& out) {
  struct Row {
    int requests = 0, failures = 0, errors = 0, skipped = 0;
  };
  std::vector<std::string> order;
  std::map<std::string, Row> rows;
  std::map<std::string, int> by_check;
  for (const auto& t : results.tests) {
    if (!rows.contains(t.suite)) order.push_back(t.suite);
    Row& row = rows[t.suite];
    row.requests += t.result.sent;
    row.failures += static_cast<int>(t.result.failures.size());
    row.errors += static_cast<int>(t.result.errors.size());
    row.skipped +=
        !t.result.not_tested.empty() && t.result.failures.empty() && t.result.errors.empty();
    for (const auto& f : t.result.failures) ++by_check[f.check];
  }
  std::size_t width = 9;
  for (const auto& name : order) width = std::max(width, name.size());
  out << "\n" << pad("operation", width) << "  requests  failures  errors  skipped\n";
  for (const auto& name : order) {
    const Row& row = rows[name];
    char numbers[64];
    std::snprintf(numbers, sizeof numbers, "  %8d  %8d  %6d  %7d", row.requests, row.failures,
                  row.errors, row.skipped);
    out << pad(name, width) << numbers << "\n";
  }
  bool any = false;
  for (const auto& t : results.tests) {
    for (const auto& f : t.result.failures) {
      if (!any) out << "\nFailures:\n";
      any = true;
      out << "\n  " << t.suite << "." << t.name << " — " << f.check << "\n    " << f.message
          << "\n    status " << (f.status ? std::to_string(f.status) : std::string("none"))
          << (f.case_summary.empty() ? "" : "; " + f.case_summary)
          << (f.seed ? "; seed " + std::to_string(f.seed) : "") << "\n    " << f.curl << "\n";
    }
    for (const auto& f : t.result.errors) {
      if (!any) out << "\nFailures:\n";
      any = true;
      out << "\n  " << t.suite << "." << t.name << " — " << f.message << "\n    " << f.curl << "\n";
    }
  }
  out << "\n";
  if (!by_check.empty()) {
    out << "By check:";
    for (const auto& [check, count] : by_check) out << " " << check << " " << count << ";";
    out << "\n";
  }
  out << results.tests.size() << " tests, " << results.requests() << " requests in "
      << seconds_text(results.seconds) << ": " << results.failures() << " failures, "
      << results.errors() << " transport errors, " << results.skipped() << " skipped"
      << (results.interrupted ? " (interrupted: the report covers what ran)" : "") << "; seed "
      << results.seed << "\n";
}

}  // namespace conform::report
