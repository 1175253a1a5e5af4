#include "conform/core/diagnostic.hpp"

#include <gtest/gtest.h>

#include "conform/core/error.hpp"

namespace conform::core {
namespace {

TEST(Diagnostic, FormatsFilePointerSeverityCodeAndMessage) {
  Diagnostic d{Severity::warning, "schema.unsupported-keyword", "api.yaml", "/components/x",
               "not honoured"};
  EXPECT_EQ(format(d), "api.yaml#/components/x: warning [schema.unsupported-keyword] not honoured");
}

TEST(Diagnostic, OmitsEmptyPointerAndFile) {
  EXPECT_EQ(format({Severity::error, "document.missing", "a.json", "", "no such file"}),
            "a.json: error [document.missing] no such file");
  EXPECT_EQ(format({Severity::info, "x", "", "", "m"}), "info [x] m");
}

TEST(Diagnostic, SerialisesToJson) {
  auto json = to_json({Severity::error, "c", "f", "/p", "m"});
  EXPECT_EQ(json["severity"], "error");
  EXPECT_EQ(json["pointer"], "/p");
}

TEST(Diagnostics, CountsBySeverity) {
  Diagnostics all;
  all.add(Severity::error, "a", "", "", "");
  all.add(Severity::info, "b", "", "", "");
  Diagnostics more;
  more.add(Severity::error, "c", "", "", "");
  all.append(more);
  EXPECT_EQ(all.size(), 3u);
  EXPECT_EQ(all.count(Severity::error), 2u);
  EXPECT_EQ(all.count(Severity::warning), 0u);
}

TEST(Error, CarriesExitCodeAndDiagnostic) {
  try {
    fail_input("document.syntax", "a.yaml", "", "invalid YAML at line 2");
    FAIL() << "fail_input returned";
  } catch (const Error& e) {
    EXPECT_EQ(e.exit_code(), ExitCode::bad_input);
    EXPECT_EQ(static_cast<int>(e.exit_code()), 2);
    EXPECT_EQ(e.diagnostic().code, "document.syntax");
    EXPECT_STREQ(e.what(), "a.yaml: error [document.syntax] invalid YAML at line 2");
  }
}

}  // namespace
}  // namespace conform::core
