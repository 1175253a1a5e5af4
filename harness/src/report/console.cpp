#include "conform/report/console.hpp"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <set>

#include "conform/core/text.hpp"
#include "conform/report/coverage.hpp"
#include "conform/report/groups.hpp"

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

std::string operation_line(const std::vector<const TestRecord*>& tests, const ConsoleStyle& style) {
  if (tests.empty()) return {};
  int sent = 0, advisories = 0, known = 0;
  double seconds = 0;
  std::string failed, errored, skipped, not_exercised;
  auto add = [](std::string& list, const std::string& item) {
    list += (list.empty() ? "" : ", ") + item;
  };
  for (const TestRecord* t : tests) {
    const auto& r = t->result;
    sent += r.sent;
    seconds += r.seconds;
    advisories += static_cast<int>(r.advisories.size());
    known += static_cast<int>(r.known.size());
    std::string verdict = verdict_of(r);
    if (verdict == "FAIL") add(failed, t->name);
    if (verdict == "ERROR") add(errored, t->name);
    if (verdict == "SKIP") add(skipped, t->name + " (" + r.not_tested + ")");
    if (!r.not_exercised.empty()) add(not_exercised, t->name);
  }
  std::string verdict = !failed.empty()                   ? "FAIL"
                        : !errored.empty()                ? "ERROR"
                        : skipped.size() > 0 && sent == 0 ? "SKIP"
                                                          : "PASS";
  std::string line = paint(pad(verdict, 5), colour_of(verdict), style) + " " +
                     tests.front()->suite + "  (" + std::to_string(sent) + " requests, " +
                     duration_text(seconds) + ")";
  if (!failed.empty()) line += "  failed: " + failed;
  if (!errored.empty()) line += "  transport errors: " + errored;
  if (!not_exercised.empty())
    line += "  " + paint("not exercised: " + not_exercised, "1;33", style);
  if (known > 0) line += "  " + std::to_string(known) + " known (baseline)";
  if (advisories > 0) line += "  " + std::to_string(advisories) + " advisories";
  if (!skipped.empty()) line += "  skipped: " + skipped;
  return line;
}

namespace {

std::string status_words(int status) {
  return status != 0 ? std::to_string(status) : std::string("no answer");
}

// A cause: its check and first message, how many failures where, the schema keyword, the
// example request and the command that reproduces it.
void print_cause(const FailureCause& cause, const RunResults& results, std::ostream& out,
                 const ConsoleStyle& style) {
  const FailureGroup& first = *cause.groups.front();
  const FailureRef& example = first.failures.front();
  const engine::FailureRecord& f = *example.failure;
  const int count = cause.failures();
  out << "  " << paint(f.check, "1;31", style) << "  " << f.message;
  if (count > 1) out << "  " << paint("(" + std::to_string(count) + " failures)", "1", style);
  out << "\n";
  std::string where;
  for (const FailureGroup* group : cause.groups) {
    where += (where.empty() ? "" : "; ") + group->suite + " " + status_words(group->status) + " (" +
             group->tests() + ")";
  }
  out << "    in " << where;
  if (!first.schema_location.empty()) out << "; schema " << first.schema_location;
  out << "\n";
  if (!f.curl.empty())
    out << "    " << f.curl << (f.seed != 0 ? "  # seed " + std::to_string(f.seed) : "") << "\n";
  if (!style.verbose) return;
  if (auto again = reproduce(*example.test, results, style); !again.empty()) {
    out << "    reproduce: " << again << "\n";
  }
  if (!f.response.empty()) {
    for (const std::string& line : core::split(f.response, "\n")) out << "    < " << line << "\n";
  }
}

std::string group_line(const std::string& suite, const std::string& check,
                       const std::string& pointer, int status) {
  return suite + "  " + check + "  " + (pointer.empty() ? std::string("-") : pointer) + "  " +
         status_words(status);
}

// Known failures, a line per group, and those the baseline knew that did not happen again.
void print_baseline(const RunResults& results, std::ostream& out, const ConsoleStyle& style) {
  if (!results.baselined) return;
  const std::vector<FailureGroup> known = group_failures(results, true);
  if (!known.empty()) {
    out << "\nKnown failures (in the baseline; they do not fail the run): " << results.known()
        << ", in " << known.size() << " groups\n";
    for (const FailureGroup& g : known) {
      out << "  " << group_line(g.suite, g.check, g.pointer, g.status) << "  ×" << g.failures.size()
          << "  " << g.failures.front().failure->message << "\n";
    }
  }
  if (!results.fixed.empty()) {
    out << "\n"
        << paint("Fixed since the baseline", "1;32", style)
        << " (no longer found): " << results.fixed.size() << "\n";
    for (const KnownFailure& f : results.fixed) {
      out << "  " << group_line(f.operation, f.check, f.pointer, f.status) << "  " << f.example
          << "\n";
    }
  }
}

}  // namespace

namespace {

// Advisories by cause (check and reason), each once with its count, the operations it was found
// in and its first example: a proxy in front of a day's traffic may have hundreds. With -v, each.
void print_advisories(const RunResults& results, std::ostream& out, const ConsoleStyle& style) {
  struct Cause {
    const engine::FailureRecord* example = nullptr;
    std::vector<std::string> where;  // each test once, in order
    int count = 0;
  };
  std::vector<std::pair<std::pair<std::string, std::string>, Cause>> causes;
  int total = 0;
  for (const auto& t : results.tests) {
    for (const auto& f : t.result.advisories) {
      ++total;
      if (style.verbose) {
        if (total == 1) out << "\nAdvisories (not failures):\n";
        out << "  " << t.suite << "." << t.name << " — " << paint(f.check, "33", style) << ": "
            << f.message << "\n    " << f.curl << "\n";
        continue;
      }
      std::pair<std::string, std::string> key{f.check, reason_of(f)};
      auto found = std::find_if(causes.begin(), causes.end(),
                                [&](const auto& cause) { return cause.first == key; });
      if (found == causes.end()) {
        causes.push_back({key, Cause{&f, {}, 0}});
        found = std::prev(causes.end());
      }
      Cause& cause = found->second;
      ++cause.count;
      const std::string test = t.suite + "." + t.name;
      if (std::find(cause.where.begin(), cause.where.end(), test) == cause.where.end()) {
        cause.where.push_back(test);
      }
    }
  }
  if (style.verbose || causes.empty()) return;
  out << "\nAdvisories (not failures): " << total << (causes.size() == 1 ? " of one cause" : "")
      << (causes.size() > 1 ? " in " + std::to_string(causes.size()) + " causes" : "") << "\n";
  constexpr std::size_t kNamed = 3;
  for (const auto& [key, cause] : causes) {
    out << "  " << paint(key.first, "33", style) << ": " << cause.example->message;
    if (cause.count > 1) out << "  (" << cause.count << " advisories)";
    out << "\n    in ";
    for (std::size_t i = 0; i < std::min(kNamed, cause.where.size()); ++i) {
      out << (i == 0 ? "" : ", ") << cause.where[i];
    }
    if (cause.where.size() > kNamed) out << " and " << cause.where.size() - kNamed << " more";
    out << "\n    " << cause.example->curl << "\n";
  }
}

}  // namespace

void print_summary(const RunResults& results, std::ostream& out, const ConsoleStyle& style) {
  std::map<std::string, int> by_check;
  for (const auto& t : results.tests) {
    for (const auto& f : t.result.failures) ++by_check[f.check];
  }
  const std::vector<FailureGroup> groups = group_failures(results);
  const std::vector<FailureCause> causes = causes_of(groups);
  if (!causes.empty()) {
    out << (results.baselined ? "\nNew failures (not in the baseline): " : "\nFailures: ")
        << results.failures() << ", in " << groups.size() << " groups"
        << (causes.size() < groups.size() ? " from " + std::to_string(causes.size()) + " causes"
                                          : std::string())
        << "\n";
    for (const FailureCause& cause : causes) print_cause(cause, results, out, style);
    const FailureRef& first = causes.front().groups.front()->failures.front();
    if (auto again = reproduce(*first.test, results, style); !again.empty() && !style.verbose) {
      out << "  Each reproduces with its operation and phase (-v shows each): " << again << "\n";
    }
  }
  print_baseline(results, out, style);
  // Transport errors, one line per distinct message.
  struct SameError {
    const engine::FailureRecord* first;
    std::vector<const TestRecord*> tests;
  };
  std::vector<SameError> errors;
  for (const auto& t : results.tests) {
    for (const auto& f : t.result.errors) {
      auto it = std::find_if(errors.begin(), errors.end(),
                             [&](const SameError& e) { return e.first->message == f.message; });
      if (it == errors.end()) {
        errors.push_back({&f, {}});
        it = std::prev(errors.end());
      }
      if (it->tests.empty() || it->tests.back() != &t) it->tests.push_back(&t);
    }
  }
  if (!errors.empty()) out << "\nTransport errors:\n";
  for (const SameError& error : errors) {
    std::string where;
    for (const TestRecord* t : error.tests) {
      where += (where.empty() ? "" : ", ") + t->suite + "." + t->name;
    }
    out << "  " << paint(error.first->message, "1;33", style) << "\n    in " << where << "\n    "
        << error.first->curl << "\n";
  }
  // What was not tested, or less than asked, and why: never left unsaid.
  bool noted = false;
  for (const auto& t : results.tests) {
    if (t.result.notes.empty() && t.result.not_exercised.empty()) continue;
    if (!noted) out << "\nTested less than asked:\n";
    noted = true;
    const std::string test = "  " + t.suite + "." + t.name + ": ";
    if (!t.result.not_exercised.empty()) {
      out << test << paint("not exercised", "1;33", style) << ": " << t.result.not_exercised
          << "\n";
    }
    for (const auto& note : t.result.notes) out << test << note << "\n";
  }
  print_advisories(results, out, style);
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
      << (results.baselined ? ", " + std::to_string(results.known()) + " known, " +
                                  std::to_string(results.fixed.size()) + " fixed"
                            : "")
      << (results.advisories() ? ", " + std::to_string(results.advisories()) + " advisories" : "")
      << (results.not_exercised()
              ? ", " + std::to_string(results.not_exercised()) + " not exercised"
              : "")
      << (results.interrupted ? " (interrupted: the report covers what ran)" : "")
      << (results.seed != 0 || !results.command.empty() ? "; seed " + std::to_string(results.seed)
                                                        : "")
      << "\n";
}

}  // namespace conform::report
