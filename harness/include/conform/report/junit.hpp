#pragma once

#include <string>

#include "conform/report/results.hpp"

namespace conform::report {

// JUnit XML in the strict form Jenkins' xUnit plugin reads (junit-10.xsd): a <testsuite> per
// operation, a <testcase> per phase with one <failure> per failure (type = the check), <error>
// for transport failures and <skipped> for phases that could not test anything. Every failure's
// text carries the operation, the check, what was expected, the response status, the request as a
// curl line (credential redacted) and the seed.
std::string junit_xml(const RunResults& results);

// XML 1.0 text: escaped, with bytes that are not valid UTF-8 or not allowed in XML replaced.
std::string xml_text(std::string_view text);

}  // namespace conform::report
