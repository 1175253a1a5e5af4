#include "conform/report/junit.hpp"

#include <algorithm>
#include <cstdio>
#include <map>

#include "conform/report/groups.hpp"

namespace conform::report {
namespace {

// Length of the UTF-8 sequence starting at text[i], 0 when it is not valid UTF-8.
std::size_t utf8_length(std::string_view text, std::size_t i) {
  auto byte = [&](std::size_t k) { return static_cast<unsigned char>(text[k]); };
  unsigned char lead = byte(i);
  std::size_t length = lead < 0x80           ? 1
                       : (lead >> 5) == 0x6  ? 2
                       : (lead >> 4) == 0xE  ? 3
                       : (lead >> 3) == 0x1E ? 4
                                             : 0;
  if (length == 0 || i + length > text.size()) return 0;
  for (std::size_t k = 1; k < length; ++k) {
    if ((byte(i + k) & 0xC0) != 0x80) return 0;
  }
  return length;
}

std::string junit_seconds(double seconds) {
  char text[32];
  std::snprintf(text, sizeof text, "%.3f", seconds < 0 ? 0.0 : seconds);
  return text;
}

std::string attribute(const char* name, std::string_view value) {
  return std::string(" ") + name + "=\"" + xml_text(value) + "\"";
}

std::string failure_text(const TestRecord& test, const engine::FailureRecord& f,
                         const RunResults& results) {
  std::string text = "operation: " + test.result.operation_id + "\ncheck: " + f.check +
                     "\nphase: " + test.result.phase + "\n" + f.message + "\n";
  if (!f.pointer.empty()) text += "pointer: " + f.pointer + "\n";
  if (!f.schema_location.empty()) text += "schema: " + f.schema_location + "\n";
  text += "status: " + (f.status != 0 ? std::to_string(f.status) : std::string("none")) + "\n";
  if (!f.case_summary.empty()) text += "case: " + f.case_summary + "\n";
  if (f.seed != 0) text += "seed: " + std::to_string(f.seed) + (f.shrunk ? " (shrunk)" : "") + "\n";
  text += "request: " + f.curl + "\n";
  if (!f.response.empty()) text += "response:\n" + f.response + "\n";
  if (auto again = reproduce_line(test, results.command, results.seed); !again.empty()) {
    text += "reproduce: " + again + "\n";
  }
  return text;
}

}  // namespace

std::string xml_text(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size();) {
    std::size_t length = utf8_length(text, i);
    if (length == 0) {
      out += "\xEF\xBF\xBD";  // U+FFFD for a byte that is not UTF-8
      ++i;
      continue;
    }
    if (length == 1) {
      char c = text[i];
      switch (c) {
        case '&':
          out += "&amp;";
          break;
        case '<':
          out += "&lt;";
          break;
        case '>':
          out += "&gt;";
          break;
        case '"':
          out += "&quot;";
          break;
        case '\'':
          out += "&apos;";
          break;
        case '\t':
        case '\n':
        case '\r':
          out += c;
          break;
        default:
          if (static_cast<unsigned char>(c) < 0x20) {
            out += "\xEF\xBF\xBD";  // control characters are not XML 1.0
          } else {
            out += c;
          }
      }
    } else {
      std::string_view sequence = text.substr(i, length);
      // U+FFFE and U+FFFF are not XML characters either.
      out += (sequence == "\xEF\xBF\xBE" || sequence == "\xEF\xBF\xBF") ? "\xEF\xBF\xBD"
                                                                        : std::string(sequence);
    }
    i += length;
  }
  return out;
}

std::string junit_xml(const RunResults& results) {
  const std::vector<FailureGroup> groups = group_failures(results);
  std::map<const engine::FailureRecord*, const FailureGroup*> group_of;
  for (const FailureGroup& group : groups) {
    for (const FailureRef& ref : group.failures) group_of[ref.failure] = &group;
  }
  // Suites in the order their first test ran.
  std::vector<std::string> order;
  std::map<std::string, std::vector<const TestRecord*>> by_suite;
  for (const auto& test : results.tests) {
    if (!by_suite.contains(test.suite)) order.push_back(test.suite);
    by_suite[test.suite].push_back(&test);
  }
  std::string body;
  for (const auto& suite : order) {
    const auto& tests = by_suite[suite];
    int failures = 0, errors = 0, skipped = 0;
    double seconds = 0;
    for (const auto* t : tests) {
      failures += !t->result.failures.empty();
      errors += t->result.failures.empty() && !t->result.errors.empty();
      skipped += t->result.failures.empty() && t->result.errors.empty() &&
                 (!t->result.not_tested.empty() || !t->result.not_exercised.empty());
      seconds += t->result.seconds;
    }
    body += "  <testsuite" + attribute("name", suite) +
            attribute("tests", std::to_string(tests.size())) +
            attribute("failures", std::to_string(failures)) +
            attribute("errors", std::to_string(errors)) +
            attribute("skipped", std::to_string(skipped)) +
            attribute("time", junit_seconds(seconds)) + ">\n";
    body += "    <properties>\n";
    body += "      <property" + attribute("name", "spec") + attribute("value", results.spec_file) +
            "/>\n";
    body += "      <property" + attribute("name", "target") + attribute("value", results.target) +
            "/>\n";
    body += "      <property" + attribute("name", "seed") +
            attribute("value", std::to_string(results.seed)) + "/>\n";
    // What each phase sent, by kind, and what it could not exercise: a CI reader sees coverage.
    for (const auto* t : tests) {
      auto property = [&](const std::string& name, const std::string& value) {
        body += "      <property" + attribute("name", t->name + "." + name) +
                attribute("value", value) + "/>\n";
      };
      if (t->result.valid_sent + t->result.invalid_sent > 0) {
        property("valid_sent", std::to_string(t->result.valid_sent));
        property("invalid_sent", std::to_string(t->result.invalid_sent));
      }
      if (!t->result.notes.empty()) property("notes", std::to_string(t->result.notes.size()));
      if (!t->result.advisories.empty()) {
        property("advisories", std::to_string(t->result.advisories.size()));
      }
      if (!t->result.not_exercised.empty()) property("not_exercised", t->result.not_exercised);
      if (!t->result.known.empty()) property("known", std::to_string(t->result.known.size()));
    }
    // What the baseline knew of this operation that the run no longer found.
    for (const KnownFailure& f : results.fixed) {
      if (f.operation != suite) continue;
      body += "      <property" + attribute("name", "fixed") +
              attribute("value", f.check + " " + (f.pointer.empty() ? "-" : f.pointer) + " " +
                                     std::to_string(f.status) + ": " + f.example) +
              "/>\n";
    }
    body += "    </properties>\n";
    for (const auto* t : tests) {
      body += "    <testcase" + attribute("name", t->name) + attribute("classname", suite) +
              attribute("time", junit_seconds(t->result.seconds)) + ">\n";
      // One <failure> per group: its first failure here in full, the others briefly, and the
      // other tests where the group was found.
      std::vector<std::pair<const FailureGroup*, std::vector<const engine::FailureRecord*>>> here;
      for (const auto& f : t->result.failures) {
        const FailureGroup* group = group_of.at(&f);
        auto it = std::find_if(here.begin(), here.end(),
                               [&](const auto& entry) { return entry.first == group; });
        if (it == here.end()) {
          here.push_back({group, {}});
          it = std::prev(here.end());
        }
        it->second.push_back(&f);
      }
      for (const auto& [group, members] : here) {
        const engine::FailureRecord& first = *members.front();
        std::string text = failure_text(*t, first, results);
        std::string message = first.message;
        if (group->failures.size() > 1) {
          message += " (" + std::to_string(group->failures.size()) + " failures of this group)";
          text += "\nthe same failure (" + group->check + ", pointer '" + group->pointer +
                  "', status " + std::to_string(group->status) + ", " + group->reason + "):\n";
          for (const FailureRef& other : group->failures) {
            if (other.failure == &first) continue;
            text += "  " + other.test->suite + "." + other.test->name + ": " +
                    other.failure->message + "\n    " + other.failure->curl + "\n";
          }
        }
        body += "      <failure" + attribute("type", first.check) + attribute("message", message) +
                ">" + xml_text(text) + "</failure>\n";
      }
      for (const auto& f : t->result.errors) {
        body += "      <error" + attribute("type", f.check) + attribute("message", f.message) +
                ">" + xml_text(failure_text(*t, f, results)) + "</error>\n";
      }
      if (t->result.failures.empty() && t->result.errors.empty() && !t->result.not_tested.empty()) {
        body += "      <skipped" + attribute("message", t->result.not_tested) + "/>\n";
      } else if (t->result.failures.empty() && t->result.errors.empty() &&
                 !t->result.not_exercised.empty()) {
        body += "      <skipped" +
                attribute("message", "not exercised: " + t->result.not_exercised) + "/>\n";
      }
      std::string out = std::to_string(t->result.sent) + " requests answered";
      if (t->result.valid_sent + t->result.invalid_sent > 0) {
        out += " (" + std::to_string(t->result.valid_sent) + " valid, " +
               std::to_string(t->result.invalid_sent) + " invalid)";
      }
      out += "\n";
      if (!t->result.not_exercised.empty())
        out += "not exercised: " + t->result.not_exercised + "\n";
      for (const auto& note : t->result.notes) out += "note: " + note + "\n";
      for (const auto& f : t->result.advisories) {
        out += "advisory (" + f.check + "): " + f.message + "\n  " + f.curl + "\n";
      }
      for (const auto& f : t->result.known) {
        out += "known failure, in the baseline (" + f.check + "): " + f.message + "\n  " + f.curl +
               "\n";
      }
      body += "      <system-out>" + xml_text(out) + "</system-out>\n";
      body += "    </testcase>\n";
    }
    body += "  </testsuite>\n";
  }
  int failing_tests = 0, erroring_tests = 0;
  for (const auto& t : results.tests) {
    failing_tests += !t.result.failures.empty();
    erroring_tests += t.result.failures.empty() && !t.result.errors.empty();
  }
  return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites" + attribute("name", "conform") +
         attribute("tests", std::to_string(results.tests.size())) +
         attribute("failures", std::to_string(failing_tests)) +
         attribute("errors", std::to_string(erroring_tests)) +
         attribute("time", junit_seconds(results.seconds)) + ">\n" + body + "</testsuites>\n";
}

}  // namespace conform::report
