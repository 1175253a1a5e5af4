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
};

// The requests of one operation: the document's own examples, boundary values, and
// property-generated valid and invalid requests. Every negative case has been checked to break
// the description (by validating what the server would read); every positive case conforms.
class OperationCases {
 public:
  OperationCases(const spec::Spec& spec, const schema::SpecSchemas& schemas,
                 const spec::Operation& operation);
  ~OperationCases();
  OperationCases(OperationCases&&) noexcept;

  const spec::Operation& operation() const;

  std::vector<RequestCase> examples() const;
  std::vector<RequestCase> coverage() const;
  rc::Gen<RequestCase> positive() const;
  // Throws Unsatisfiable (when drawn) if the operation declares nothing that can be broken.
  rc::Gen<RequestCase> negative() const;

  struct State;

 private:
  std::shared_ptr<const State> state_;
};

}  // namespace conform::gen
