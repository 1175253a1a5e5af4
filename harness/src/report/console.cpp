#include "conform/report/console.hpp"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <set>

#include "conform/core/text.hpp"
#include "conform/report/coverage.hpp"

namespace conform::report {
namespace {

std::string pad(std::string text, std::size_t width) {
  if (text.size() < width) text.append(width - text.size(), ' ');
  return text;
}

std::string paint(const std::string& text, const char* code, const ConsoleStyle& style) {
  if (!style.colour) return text;
  return std::string("\033[") + code + "m" + text + "\033[0m";
}

const char* colour_of(const std::string& verdict) {
  if (verdict == "FAIL") return "1;31";
  if (verdict == "ERROR") return "1;33";
  if (verdict == "SKIP") return "2";
  return "32";
}

std::string verdict_of(const engine::PhaseResult& r) {
  return !r.failures.empty()     ? "FAIL"
         : !r.errors.empty()     ? "ERROR"
         : !r.not_tested.empty() ? "SKIP"
                                 : "PASS";
}

std::string reproduce(const TestRecord& t, const RunResults& results, const ConsoleStyle& style) {
  return reproduce_line(t, style.command.empty() ? results.command : style.command, results.seed);
}

}  // namespace

bool wants_colour(bool is_terminal, bool refused) {
  const char* no_colour = std::getenv("NO_COLOR");
  return is_terminal && !refused && (no_colour == nullptr || *no_colour == '\0');
}

std::string test_line(const TestRecord& test, const ConsoleStyle& style) {
  const auto& r = test.result;
  std::string verdict = verdict_of(r);
  std::string line = paint(pad(verdict, 5), colour_of(verdict), style) + " " + test.suite + "." +
                     test.name + "  (" + std::to_string(r.sent) + " requests, " +
                     duration_text(r.seconds) + ")";
  if (r.valid_sent + r.invalid_sent > 0) {
    line += "  " + std::to_string(r.valid_sent) + " valid, " + std::to_string(r.invalid_sent) +
            " invalid";
  }
  if (!r.failures.empty()) line += "  " + std::to_string(r.failures.size()) + " failures";
  if (!r.advisories.empty()) line += "  " + std::to_string(r.advisories.size()) + " advisories";
  if (!r.not_exercised.empty()) line += "  " + paint("not exercised", "1;33", style);
  if (!r.errors.empty()) line += "  " + std::to_string(r.errors.size()) + " transport errors";
  if (!r.not_tested.empty() && r.failures.empty() && r.errors.empty()) {
    line += "  " + r.not_tested;
  }
  return line;
}

std::string failure_lines(const TestRecord& test, const ConsoleStyle& style) {
  std::string out;
  for (const auto& f : test.result.failures) {
    out += "      " + paint(f.check, "31", style) + ": " + f.message + "\n        " + f.curl + "\n";
  }
  for (const auto& f : test.result.errors) out += "      " + f.message + "\n";
  return out;
}

void print_summary(const RunResults& results, std::ostream& out, const ConsoleStyle& style) {
  struct Row {
    int requests = 0, failures = 0, errors = 0, skipped = 0;
    std::set<std::string> checks;
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
    for (const auto& f : t.result.failures) {
      ++by_check[f.check];
      row.checks.insert(f.check);
    }
  }
  std::stable_sort(order.begin(), order.end(), [&](const auto& a, const auto& b) {
    return (rows[a].failures + rows[a].errors > 0) > (rows[b].failures + rows[b].errors > 0);
  });
  std::size_t width = 9;
  for (const auto& name : order) width = std::max(width, name.size());
  out << "\n"
      << pad("operation", width) << "  requests  failures  errors  skipped  checks failed\n";
  for (const auto& name : order) {
    const Row& row = rows[name];
    char numbers[64];
    std::snprintf(numbers, sizeof numbers, "  %8d  %8d  %6d  %7d  ", row.requests, row.failures,
                  row.errors, row.skipped);
    std::string checks;
    for (const auto& c : row.checks) checks += (checks.empty() ? "" : ", ") + c;
    out << (row.failures + row.errors > 0 ? paint(pad(name, width), "1", style) : pad(name, width))
        << numbers << checks << "\n";
  }
  bool any = false;
  for (const auto& t : results.tests) {
    std::string again = reproduce(t, results, style);
    for (const auto& f : t.result.failures) {
      if (!any) out << "\nFailures:\n";
      any = true;
      out << "\n  " << t.suite << "." << t.name << " — " << paint(f.check, "1;31", style)
          << "\n    " << f.message << "\n    status "
          << (f.status ? std::to_string(f.status) : std::string("none"))
          << (f.case_summary.empty() ? "" : "; " + f.case_summary)
          << (f.seed ? "; seed " + std::to_string(f.seed) : "") << "\n    " << f.curl << "\n";
      if (!again.empty()) out << "    reproduce: " << again << "\n";
    }
    for (const auto& f : t.result.errors) {
      if (!any) out << "\nFailures:\n";
      any = true;
      out << "\n  " << t.suite << "." << t.name << " — " << paint(f.message, "1;33", style)
          << "\n    " << f.curl << "\n";
    }
  }
  // What was not tested, or less than asked, and why: never left unsaid.
  bool noted = false;
  for (const auto& t : results.tests) {
    if (t.result.notes.empty() && t.result.not_exercised.empty()) continue;
    if (!noted) out << "\nTested less than asked:\n";
    noted = true;
    out << "  " << t.suite << "." << t.name << "\n";
    if (!t.result.not_exercised.empty()) {
      out << "    " << paint("not exercised", "1;33", style) << ": " << t.result.not_exercised
          << "\n";
    }
    for (const auto& note : t.result.notes) out << "    " << note << "\n";
  }
  bool advised = false;
  for (const auto& t : results.tests) {
    for (const auto& f : t.result.advisories) {
      if (!advised) out << "\nAdvisories (not failures):\n";
      advised = true;
      out << "  " << t.suite << "." << t.name << " — " << paint(f.check, "33", style) << ": "
          << f.message << "\n    " << f.curl << "\n";
    }
  }
  out << "\n";
  if (CoverageSummary coverage = summarise_coverage(results); coverage.measured()) {
    out << coverage_line(coverage) << "\n";
  }
  if (!by_check.empty()) {
    out << "By check:";
    for (const auto& [check, count] : by_check) out << " " << check << " " << count << ";";
    out << "\n";
  }
  bool failed = results.failures() + results.errors() > 0 || results.interrupted;
  out << paint(failed ? "FAILED" : "PASSED", failed ? "1;31" : "1;32", style) << ": "
      << results.tests.size() << " tests, " << results.requests() << " requests in "
      << duration_text(results.seconds) << ": " << results.failures() << " failures, "
      << results.errors() << " transport errors, " << results.skipped() << " skipped"
      << (results.advisories() ? ", " + std::to_string(results.advisories()) + " advisories" : "")
      << (results.not_exercised()
              ? ", " + std::to_string(results.not_exercised()) + " not exercised"
              : "")
      << (results.interrupted ? " (interrupted: the report covers what ran)" : "") << "; seed "
      << results.seed << "\n";
}

}  // namespace conform::report
