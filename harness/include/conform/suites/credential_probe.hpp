#pragma once

#include <vector>

#include "conform/suites/suite_context.hpp"

namespace conform::suites {

// Before the bulk of a run: is the run's credential accepted at all? A few valid GET requests of
// selected operations that send it; when every one is answered 401, the result holds one failure
// (`credential_refused`) and the run stops there: a wrong or expired token must not pass as a
// run whose every answer was a declared 401. Nothing is sent when no selected GET operation sends
// the credential; the result is then empty.
engine::PhaseResult probe_credential(SuiteContext& context,
                                     const std::vector<const spec::Operation*>& operations,
                                     const std::string& token_variable, int probes = 3);

}  // namespace conform::suites
