#pragma once

#include <ostream>
#include <string>
#include <vector>

#include "conform/cases/saved_case.hpp"
#include "conform/report/results.hpp"
#include "conform/schema/spec_schemas.hpp"
#include "conform/transport/transport.hpp"

namespace conform::cases {

// Re-sends each saved case to the transport's target (the credential from `token` where the case
// holds ${CONFORM_TOKEN}) and re-checks the answer with the case's check alone, printing FIXED or
// STILL FAILING per case on `out`. A case of a check that judges a sequence of requests (a
// stateful or suite check), or of an operation the description no longer has, is reported
// skipped with why. One test per case: its operation, and the case's file name.
report::RunResults replay(const std::vector<SavedCase>& cases, const spec::Spec& spec,
                          const schema::SpecSchemas& schemas, transport::Transport& transport,
                          const std::string& token, std::ostream& out);

// The case a summary names ("fuzzing, invalid: wrong_type at body /name"), as engine::summary_of
// writes it: its phase, and for an invalid case its mutation and where.
gen::RequestCase case_of_summary(const std::string& summary);

}  // namespace conform::cases
