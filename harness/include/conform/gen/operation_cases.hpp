#pragma once

#include <rapidcheck.h>

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "conform/gen/request.hpp"
#include "conform/gen/schema_source.hpp"
#include "conform/schema/spec_schemas.hpp"
#include "conform/spec/spec.hpp"

namespace conform::gen {

// One request to send, and what it is meant to show.
struct RequestCase {
  Request request;
  std::string phase;      // "examples", "coverage" or "fuzzing"
  bool negative = false;  // the request breaks the description in exactly one way
  std::string mutation;   // for negative cases: the catalogue name (docs/mutations.md)
  std::string where;      // "body /items/0", "query parameter 'limit'", ...
  std::string detail;
  std::string pointer{};  // for negative cases: where the mutation is, inside its part's value
};

// Fixed cases, and those left out with the reason for each: nothing is dropped unsaid.
struct FixedCases {
  std::vector<RequestCase> cases;
  std::vector<std::string> left_out;
};

// The requests of one operation: the document's own examples, boundary values, and
// property-generated valid and invalid requests. Every case is judged as the server reads it once
// serialised (gen::read_request, after routing): a positive case reaches this operation and reads
// as valid, a negative one reaches it and reads as invalid, and no case depends on a part whose
// reading servers disagree on. Cases that fail the judgement are not sent.
class OperationCases {
 public:
  OperationCases(const spec::Spec& spec, const schema::SpecSchemas& schemas,
                 const spec::Operation& operation);
  ~OperationCases();
  OperationCases(OperationCases&&) noexcept;

  const spec::Operation& operation() const;

  // The document's examples that read as valid; an example that does not is left out with its
  // reason (a finding of the document, which lint reports too).
  FixedCases examples() const;
  FixedCases coverage() const;
  // A valid request with the required parameters only (each its first example, else its
  // default, else a fixed draw) and a body only when one is required: what a plain client sends,
  // a list without filters or pages. Nothing when that does not read as valid.
  std::optional<RequestCase> minimal() const;
  // Throws Unsatisfiable (when drawn) with the reason when no valid request can be made.
  rc::Gen<RequestCase> positive() const;
  // Throws Unsatisfiable (when drawn) if the operation declares nothing that can be broken as sent.
  rc::Gen<RequestCase> negative() const;

  struct State;

 private:
  std::shared_ptr<const State> state_;
};

}  // namespace conform::gen
