#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <sstream>

#include "conform/report/console.hpp"
#include "conform/report/html.hpp"
#include "conform/report/junit.hpp"
#include "support/paths.hpp"

namespace conform::report {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

engine::PhaseResult phase_result(std::string operation, std::string phase, int sent,
                                 std::string not_tested, double seconds) {
  engine::PhaseResult result;
  result.operation_id = std::move(operation);
  result.phase = std::move(phase);
  result.sent = sent;
  result.not_tested = std::move(not_tested);
  result.seconds = seconds;
  return result;
}

RunResults sample_results() {
  RunResults results;
  results.spec_file = "spec/openapi.json";
  results.target = "http://127.0.0.1:9";
  results.seed = 42;
  results.seconds = 1234.5;
  engine::PhaseResult failing = phase_result("createApiKey", "fuzzing", 100, "", 0.25);
  failing.failures.push_back({.check = "response_schema_conformance",
                              .message = "body /id: wrong <type> & \"quotes\" \x01 \xff",
                              .pointer = "/id",
                              .status = 200,
                              .curl = "curl -X POST 'http://127.0.0.1:9/x'",
                              .case_summary = "fuzzing, valid",
                              .seed = 77,
                              .shrunk = true});
  failing.failures.push_back({.check = "not_a_server_error",
                              .message = "the server answered 500",
                              .status = 500,
                              .curl = "curl -X POST 'http://127.0.0.1:9/x'",
                              .case_summary = "fuzzing, valid",
                              .seed = 78});
  engine::PhaseResult erroring = phase_result("createApiKey", "auth", 0, "", 0.01);
  erroring.errors.push_back({.check = "transport",
                             .message = "connection reset: Recv failure",
                             .curl = "curl x",
                             .case_summary = "auth"});
  engine::PhaseResult skipped =
      phase_result("listApiKeys", "examples", 0, "rate-limited throughout", 0);
  engine::PhaseResult passing = phase_result("listApiKeys", "fuzzing", 100, "", 0.5);
  results.tests = {{"createApiKey", "fuzzing", failing},
                   {"createApiKey", "auth", erroring},
                   {"listApiKeys", "examples", skipped},
                   {"listApiKeys", "fuzzing", passing}};
  return results;
}

TEST(XmlText, EscapesAndReplacesWhatXmlCannotCarry) {
  EXPECT_EQ(xml_text("a<b>&\"'"), "a&lt;b&gt;&amp;&quot;&apos;");
  EXPECT_EQ(xml_text("tab\there\nnew"), "tab\there\nnew");
  EXPECT_EQ(xml_text("\x01"), "\xEF\xBF\xBD");
  EXPECT_EQ(xml_text("\xff\xfe"), "\xEF\xBF\xBD\xEF\xBF\xBD");
  EXPECT_EQ(xml_text("caf\xC3\xA9"), "caf\xC3\xA9");
  EXPECT_EQ(xml_text("\xC3"), "\xEF\xBF\xBD");  // truncated sequence
}

TEST(JUnit, CarriesEverythingAFailureNeeds) {
  std::string xml = junit_xml(sample_results());
  EXPECT_THAT(xml,
              HasSubstr(R"(<testsuite name="createApiKey" tests="2" failures="1" errors="1")"));
  EXPECT_THAT(xml, HasSubstr(R"(<failure type="response_schema_conformance")"));
  EXPECT_THAT(xml, HasSubstr("operation: createApiKey"));
  EXPECT_THAT(xml, HasSubstr("pointer: /id"));
  EXPECT_THAT(xml, HasSubstr("status: 200"));
  EXPECT_THAT(xml, HasSubstr("seed: 77 (shrunk)"));
  EXPECT_THAT(xml, HasSubstr("request: curl -X POST"));
  EXPECT_THAT(xml, HasSubstr(R"(<error type="transport")"));
  EXPECT_THAT(xml, HasSubstr(R"(<skipped message="rate-limited throughout"/>)"));
  EXPECT_THAT(xml, Not(HasSubstr("\x01")));
}

// The strict schema Jenkins' xUnit plugin uses, and a lenient reader, both accept the report.
TEST(JUnit, ValidatesAgainstTheStrictSchemaAndReadsBack) {
  auto xsd = test::shared("corpus/junit/junit-10.xsd");
  CONFORM_REQUIRE_SHARED(xsd);
  auto file = std::filesystem::temp_directory_path() / "conform-junit-test.xml";
  write_atomically(file, junit_xml(sample_results()));
  if (std::system("command -v xmllint >/dev/null") != 0) GTEST_SKIP() << "xmllint is missing";
  std::string validate = "xmllint --noout --schema " + xsd.string() + " " + file.string() + " 2>&1";
  EXPECT_EQ(std::system(validate.c_str()), 0) << validate;
  std::string read_back =
      "/usr/bin/python3 -c \"import sys, junitparser; x = "
      "junitparser.JUnitXml.fromfile(sys.argv[1]); "
      "cases = [c for s in x for c in s]; "
      "assert len(cases) == 4, len(cases); "
      "r = [type(r).__name__ for c in cases for r in c.result]; "
      "assert r.count('Failure') == 2 and r.count('Error') == 1 and r.count('Skipped') == 1, r\" " +
      file.string();
  if (std::system("/usr/bin/python3 -c 'import junitparser' 2>/dev/null") != 0) {
    GTEST_SKIP() << "python3-junitparser is missing";
  }
  EXPECT_EQ(std::system(read_back.c_str()), 0);
}

TEST(Results, SurviveTheTripThroughJson) {
  RunResults original = sample_results();
  RunResults back = results_from_json(to_json(original));
  EXPECT_EQ(junit_xml(back), junit_xml(original));
  EXPECT_EQ(back.failures(), 2);
  EXPECT_EQ(back.errors(), 1);
  EXPECT_EQ(back.skipped(), 1);
  EXPECT_EQ(back.requests(), 200);
}

TEST(Console, LinesAndSummary) {
  RunResults results = sample_results();
  EXPECT_THAT(test_line(results.tests[0]), ::testing::StartsWith("FAIL  createApiKey.fuzzing"));
  EXPECT_THAT(test_line(results.tests[1]), ::testing::StartsWith("ERROR"));
  EXPECT_THAT(test_line(results.tests[2]), HasSubstr("rate-limited throughout"));
  EXPECT_THAT(test_line(results.tests[3]), ::testing::StartsWith("PASS"));
  std::ostringstream out;
  print_summary(results, out);
  EXPECT_THAT(out.str(), HasSubstr("2 failures, 1 transport errors, 1 skipped"));
  EXPECT_THAT(out.str(), HasSubstr("seed 42"));
}

TEST(WriteAtomically, LeavesNoTemporaryBehind) {
  auto directory = std::filesystem::temp_directory_path() / "conform-atomic-test";
  std::filesystem::remove_all(directory);
  write_atomically(directory / "deep" / "r.xml", "one");
  write_atomically(directory / "deep" / "r.xml", "two");
  std::ifstream in(directory / "deep" / "r.xml");
  std::string text((std::istreambuf_iterator<char>(in)), {});
  EXPECT_EQ(text, "two");
  int files = 0;
  for ([[maybe_unused]] const auto& e : std::filesystem::directory_iterator(directory / "deep")) {
    ++files;
  }
  EXPECT_EQ(files, 1);
}

}  // namespace
}  // namespace conform::report

namespace conform::report {
namespace {

TEST(Html, IsOneSelfContainedPage) {
  RunResults results = sample_results();
  results.tests[0].result.failures[0].message = "evil </script><script>alert(1)</script>";
  std::string page = html_report(results);
  EXPECT_THAT(page, ::testing::StartsWith("<!DOCTYPE html>"));
  EXPECT_THAT(page, HasSubstr(R"(id="verdict">FAILED<)"));
  EXPECT_THAT(page, Not(HasSubstr("<script>alert(1)")));  // escaped in HTML and in the data
  for (const char* external : {"<link", " src=", "@import", "url(", "<img", "<iframe"}) {
    EXPECT_THAT(page, Not(HasSubstr(external)));  // nothing is fetched from anywhere
  }
  // Failures first: the failing test's row comes before the passing one.
  auto failing_row =
      page.find(R"(<tr data-filterable data-operation="createApiKey" data-status="failure")");
  auto passing_row = page.find(R"(data-status="passed")");
  ASSERT_NE(failing_row, std::string::npos);
  EXPECT_LT(failing_row, passing_row);
  int cards = 0;
  for (auto at = page.find("<article class=\"failure\""); at != std::string::npos;
       at = page.find("<article class=\"failure\"", at + 1)) {
    ++cards;
  }
  EXPECT_EQ(cards, 3);  // two failures and one transport error
}

TEST(Html, APassingRunSaysSo) {
  RunResults results = sample_results();
  results.tests.erase(results.tests.begin(), results.tests.begin() + 2);
  std::string page = html_report(results);
  EXPECT_THAT(page, HasSubstr(R"(id="verdict">PASSED<)"));
  EXPECT_THAT(page, HasSubstr(R"(id="no-failures")"));
}

}  // namespace
}  // namespace conform::report

namespace conform::report {
namespace {

TEST(Console, ColourOnlyOnATerminalWithoutNoColor) {
  unsetenv("NO_COLOR");
  EXPECT_TRUE(wants_colour(true, false));
  EXPECT_FALSE(wants_colour(false, false));
  EXPECT_FALSE(wants_colour(true, true));
  setenv("NO_COLOR", "1", 1);
  EXPECT_FALSE(wants_colour(true, false));
  unsetenv("NO_COLOR");
  RunResults results = sample_results();
  EXPECT_THAT(test_line(results.tests[0]), Not(HasSubstr("\033[")));
  EXPECT_THAT(test_line(results.tests[0], {true, ""}), HasSubstr("\033[1;31mFAIL"));
}

TEST(Console, TheSummarySaysHowToReproduceOnceOrWithVerboseForEachCause) {
  RunResults results = sample_results();
  std::swap(results.tests[0], results.tests[3]);  // a passing operation first
  std::ostringstream out;
  print_summary(results, out, {false, "conform run --spec s.yaml --target http://t"});
  std::string text = out.str();
  EXPECT_THAT(text, Not(HasSubstr("listApiKeys")));  // nothing failed there
  EXPECT_THAT(text, HasSubstr("Failures: 2, in 2 groups\n"));
  EXPECT_THAT(text, HasSubstr("  not_a_server_error  the server answered 500\n"
                              "    in createApiKey 500 (fuzzing)\n"
                              "    curl -X POST 'http://127.0.0.1:9/x'  # seed 78\n"));
  const std::string reproduce =
      "conform run --spec s.yaml --target http://t --seed 42 --operation createApiKey --phases "
      "fuzzing";
  EXPECT_THAT(text, HasSubstr("(-v shows each): " + reproduce));
  EXPECT_THAT(text, Not(HasSubstr("    reproduce: ")));
  EXPECT_THAT(text, HasSubstr("FAILED: 4 tests"));
  EXPECT_THAT(failure_lines(results.tests[3]), HasSubstr("response_schema_conformance: body /id"));

  std::ostringstream verbose;
  print_summary(results, verbose, {false, "conform run --spec s.yaml --target http://t", true});
  EXPECT_EQ(verbose.str().find("(-v shows each)"), std::string::npos);
  // One reproduce line per cause.
  const std::string again = "    reproduce: " + reproduce + "\n";
  const std::string full = verbose.str();
  EXPECT_NE(full.find(again), std::string::npos);
  EXPECT_NE(full.find(again, full.find(again) + 1), std::string::npos);
}

// Without -v, a line per operation: its verdict from all its tests, what failed, what was skipped.
TEST(Console, OperationLineSumsItsTests) {
  RunResults results = sample_results();
  EXPECT_EQ(operation_line({&results.tests[0], &results.tests[1]}),
            "FAIL  createApiKey  (100 requests, 0.26 s)  failed: fuzzing  transport errors: auth");
  EXPECT_EQ(operation_line({&results.tests[2], &results.tests[3]}),
            "PASS  listApiKeys  (100 requests, 0.50 s)  skipped: examples (rate-limited "
            "throughout)");
  EXPECT_EQ(operation_line({&results.tests[2]}),
            "SKIP  listApiKeys  (0 requests, 0.00 s)  skipped: examples (rate-limited throughout)");
}

// Failures of one cause are one entry, however many operations and phases found them; a
// different status, reason or check is another cause.
TEST(Console, FailuresOfOneCauseAreShownOnceWithWhereTheyWereFound) {
  RunResults results;
  results.seed = 1;
  auto failure = [](std::string message, int status, std::string curl) {
    return engine::FailureRecord{.check = "response_schema_conformance",
                                 .message = std::move(message),
                                 .pointer = "/error",
                                 .status = status,
                                 .curl = std::move(curl),
                                 .reason = "expected string, got integer",
                                 .schema_location =
                                     "api.yaml#/components/schemas/Error/"
                                     "properties/error/type"};
  };
  engine::PhaseResult a = phase_result("getThing", "examples", 1, "", 0);
  a.failures.push_back(failure("body /error: expected string, got integer 1", 404, "curl one"));
  engine::PhaseResult b = phase_result("getThing", "fuzzing", 1, "", 0);
  b.failures.push_back(failure("body /error: expected string, got integer 2", 404, "curl two"));
  engine::PhaseResult c = phase_result("deleteThing", "fuzzing", 1, "", 0);
  c.failures.push_back(failure("body /error: expected string, got integer 3", 400, "curl three"));
  engine::FailureRecord other = failure("body /error: expected string, got null", 404, "curl 4");
  other.reason = "expected string, got null";
  c.failures.push_back(other);
  results.tests = {
      {"getThing", "examples", a}, {"getThing", "fuzzing", b}, {"deleteThing", "fuzzing", c}};
  std::ostringstream out;
  print_summary(results, out);
  const std::string text = out.str();
  EXPECT_THAT(text, HasSubstr("Failures: 4, in 3 groups from 2 causes\n"));
  EXPECT_THAT(text, HasSubstr("  response_schema_conformance  body /error: expected string, got "
                              "integer 1  (3 failures)\n    in getThing 404 (examples, fuzzing); "
                              "deleteThing 400 (fuzzing); schema api.yaml#/components/schemas/"
                              "Error/properties/error/type\n    curl one\n"));
  EXPECT_THAT(text, HasSubstr("got null\n    in deleteThing 404 (fuzzing)"));
  EXPECT_THAT(text, Not(HasSubstr("curl two")));
  EXPECT_THAT(text, Not(HasSubstr("curl three")));

  // In JUnit, one <failure> per group and test, the others of the group listed briefly.
  const std::string junit = junit_xml(results);
  EXPECT_THAT(junit, HasSubstr("message=\"body /error: expected string, got integer 1 (2 "
                               "failures of this group)\""));
  EXPECT_THAT(junit, HasSubstr("getThing.fuzzing: body /error: expected string, got integer 2\n"
                               "    curl two"));
  // In HTML, one card per group.
  const std::string html = html_report(results);
  std::size_t cards = 0;
  for (auto at = html.find("<article class=\"failure\""); at != std::string::npos;
       at = html.find("<article class=\"failure\"", at + 1)) {
    ++cards;
  }
  EXPECT_EQ(cards, 3u);
  EXPECT_THAT(html, HasSubstr("4 failures in 3 groups"));
  EXPECT_THAT(html, HasSubstr("<summary>the other 1</summary>"));
}

// The charts say what their bars count, and which colour is which outcome.
TEST(Html, ChartsHaveCaptionsAndALegend) {
  const std::string html = html_report(sample_results());
  EXPECT_THAT(html, HasSubstr("<ul class=\"legend\"><li><span class=\"swatch failure\"></span>"
                              "failed</li>"));
  EXPECT_THAT(html, HasSubstr("<figcaption>Each bar: the tests (phases) of one operation, by "
                              "outcome.</figcaption>"));
  EXPECT_THAT(html, HasSubstr("['failed', 'transport errors', 'skipped', 'passed']"));
}

// The JUnit failure text and the HTML report carry the reproduce line too: a CI page shows it
// where the failure is.
TEST(Reports, JunitAndHtmlCarryTheReproduceLine) {
  RunResults results = sample_results();
  results.command = "./conform run --spec 's p.yaml' --target http://t";
  const std::string expected =
      "./conform run --spec 's p.yaml' --target http://t --seed 42 "
      "--operation createApiKey --phases fuzzing";
  EXPECT_THAT(junit_xml(results), HasSubstr("reproduce: " + xml_text(expected)));
  EXPECT_THAT(html_report(results), HasSubstr("reproduce: <code>"));
  results.command.clear();
  EXPECT_THAT(junit_xml(results), Not(HasSubstr("reproduce:")));
}

// The reproduce line is a command that works when pasted: an operation id with a space (one the
// description does not name, "GET /things") is quoted.
TEST(Console, TheReproduceLineQuotesWhatTheShellWouldSplit) {
  RunResults results = sample_results();
  results.tests[0].suite = "GET /things";
  std::ostringstream out;
  print_summary(results, out, {false, "conform run --spec s.yaml --target http://t"});
  EXPECT_THAT(out.str(), HasSubstr("--operation 'GET /things' --phases"));
}

// What a run could not test, or tested less than asked, and what it knows beyond the description:
// every report says it, and none of it is a failure.
RunResults shortfall_results() {
  RunResults results;
  results.spec_file = "api.yaml";
  results.target = "http://127.0.0.1:9";
  engine::PhaseResult fuzzing = phase_result("addPet", "fuzzing", 100, "", 0.5);
  fuzzing.valid_sent = 60;
  fuzzing.invalid_sent = 40;
  fuzzing.notes = {"10 × invalid case not drawn: addPet: nothing to break at body /tag"};
  engine::PhaseResult refused = phase_result("getPet", "fuzzing", 100, "", 0.5);
  refused.valid_sent = 50;
  refused.invalid_sent = 50;
  refused.valid_refused = 50;
  refused.not_exercised =
      "all 50 valid requests were answered 401 or 403: the credential was refused";
  engine::PhaseResult suite = phase_result("Permissions", "invalid_documents", 4, "", 0.1);
  suite.advisories.push_back(
      {.check = "negative_data_rejection",
       .message = "an invalid permission document (missing_api) was accepted (200)",
       .status = 200,
       .curl = "curl -X POST 'http://127.0.0.1:9/keys'",
       .case_summary = "document {}",
       .seed = 5,
       .shrunk = true});
  results.tests = {{"addPet", "fuzzing", fuzzing},
                   {"getPet", "fuzzing", refused},
                   {"Permissions", "invalid_documents", suite}};
  return results;
}

TEST(Reports, TheConsoleShowsAdvisoriesOnceByCause) {
  RunResults results;
  auto advise = [](const std::string& operation, const std::string& message,
                   const std::string& reason) {
    engine::PhaseResult result = phase_result(operation, "proxy", 1, "", 0.1);
    result.advisories.push_back({.check = "status_code_conformance",
                                 .message = message,
                                 .status = 404,
                                 .curl = "curl '/" + operation + "'",
                                 .reason = reason});
    return TestRecord{operation, "proxy", result};
  };
  results.tests = {advise("getPet", "status 404 is not declared (declared: 200)", "status 404"),
                   advise("deletePet", "status 404 is not declared (declared: 204)", "status 404"),
                   advise("getPet", "status 404 is not declared (declared: 200)", "status 404"),
                   advise("listPets", "status 409 is not declared (declared: 200)", "status 409")};
  std::ostringstream console;
  print_summary(results, console, ConsoleStyle{});
  const std::string text = console.str();
  EXPECT_THAT(text, HasSubstr("Advisories (not failures): 4 in 2 causes"));
  EXPECT_THAT(text, HasSubstr("(declared: 200)  (3 advisories)\n    in getPet.proxy, "
                              "deletePet.proxy\n    curl '/getPet'"));
  EXPECT_THAT(text, Not(HasSubstr("curl '/deletePet'")));
  // With -v, each.
  std::ostringstream verbose;
  ConsoleStyle style;
  style.verbose = true;
  print_summary(results, verbose, style);
  EXPECT_THAT(verbose.str(), HasSubstr("curl '/deletePet'"));
}

TEST(Reports, SayWhatWasTestedLessAndWhatIsOnlyAdvised) {
  RunResults results = shortfall_results();
  EXPECT_EQ(results.failures(), 0);
  EXPECT_EQ(results.advisories(), 1);
  EXPECT_EQ(results.not_exercised(), 1);

  std::ostringstream console;
  print_summary(results, console, ConsoleStyle{});
  EXPECT_THAT(console.str(), HasSubstr("Tested less than asked:"));
  EXPECT_THAT(console.str(), HasSubstr("nothing to break at body /tag"));
  EXPECT_THAT(console.str(), HasSubstr("not exercised: all 50 valid requests"));
  EXPECT_THAT(console.str(), HasSubstr("Advisories (not failures):"));
  EXPECT_THAT(console.str(), HasSubstr("PASSED"));
  EXPECT_THAT(console.str(), HasSubstr("1 advisories, 1 not exercised"));
  EXPECT_THAT(test_line(results.tests[0], ConsoleStyle{}), HasSubstr("60 valid, 40 invalid"));

  std::string xml = junit_xml(results);
  EXPECT_THAT(xml, HasSubstr(R"(<property name="fuzzing.valid_sent" value="60"/>)"));
  EXPECT_THAT(xml, HasSubstr(R"(<property name="fuzzing.invalid_sent" value="40"/>)"));
  EXPECT_THAT(xml, HasSubstr("note: 10 × invalid case not drawn"));
  EXPECT_THAT(xml, HasSubstr(R"(<skipped message="not exercised: all 50 valid requests)"));
  EXPECT_THAT(xml, HasSubstr("advisory (negative_data_rejection)"));
  EXPECT_THAT(xml, Not(HasSubstr("<failure")));

  std::string html = html_report(results);
  EXPECT_THAT(html, HasSubstr("<h2>Advisories</h2>"));
  EXPECT_THAT(html, HasSubstr("not exercised: all 50 valid requests"));
  EXPECT_THAT(html, HasSubstr("nothing to break at body /tag"));

  auto back = results_from_json(to_json(results));
  EXPECT_EQ(back.tests[0].result.notes, results.tests[0].result.notes);
  EXPECT_EQ(back.tests[0].result.valid_sent, 60);
  EXPECT_EQ(back.tests[1].result.not_exercised, results.tests[1].result.not_exercised);
  EXPECT_EQ(back.advisories(), 1);

  auto xsd = test::shared("corpus/junit/junit-10.xsd");
  CONFORM_REQUIRE_SHARED(xsd);
  if (std::system("command -v xmllint >/dev/null") != 0) GTEST_SKIP() << "xmllint is missing";
  auto file = std::filesystem::temp_directory_path() /
              ("conform-junit-shortfall-" + std::to_string(getpid()) + ".xml");
  write_atomically(file, xml);
  std::string validate = "xmllint --noout --schema " + xsd.string() + " " + file.string() + " 2>&1";
  EXPECT_EQ(std::system(validate.c_str()), 0) << validate;
  std::filesystem::remove(file);
}

}  // namespace
}  // namespace conform::report
