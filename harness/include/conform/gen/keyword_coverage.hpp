#pragma once

#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "conform/gen/operation_cases.hpp"
#include "conform/schema/spec_schemas.hpp"
#include "conform/spec/spec.hpp"

namespace conform::gen {

// The keyword locations of an operation's request: each place where its description constrains
// what is sent, and by which keyword, named for people:
//
//   "body /tags/*: maxLength"          the items of body's `tags`
//   "body /pet[oneOf 1]/name: required name"   in the second branch of a oneOf
//   "query parameter 'limit': maximum"
//   "header parameter 'X-Tenant': required"    the part itself must be sent
//
// The keywords are those a mutation of the catalogue can break (docs/mutations.md), so that every
// location can in principle be exercised both ways: with a value that satisfies it, and with a
// case that breaks it alone. Schemas are walked through $ref, allOf (merged), each oneOf/anyOf
// branch, properties, items and additionalProperties, to a bounded depth, a recursive schema
// once per path.
class KeywordCoverage {
 public:
  KeywordCoverage(const spec::Spec& spec, const schema::SpecSchemas& schemas,
                  const spec::Operation& operation);
  ~KeywordCoverage();

  const std::set<std::string>& locations() const;
  // Locations no request can break as the server reads it, each with the reason (`type: string`
  // in a parameter: its text always reads as a string). They count for the valid side only.
  const std::map<std::string, std::string>& unbreakable() const;

  // The operation's parameters, as reports name them ("query parameter 'limit'").
  std::vector<std::string> parameters() const;

  struct Exercised {
    std::set<std::string> valid;         // locations a value reached and satisfied
    std::set<std::string> invalid;       // locations the case's one mutation broke
    std::set<std::string> parameters{};  // parameters a valid case gave a value
  };
  // What one sent case exercised, read as the server reads it (gen::judge): a valid case marks
  // every location its values reach (a oneOf/anyOf branch when the value has its type and its
  // required properties); a negative case marks the keyword its mutation breaks, where it breaks
  // it.
  Exercised exercised(const RequestCase& sent) const;

  struct Impl;

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace conform::gen
