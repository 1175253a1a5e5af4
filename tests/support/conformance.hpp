#pragma once
// Checks a response against the schema its operation declares for its status, for end-to-end
// tests of the mock.
#include <gtest/gtest.h>
#include <httplib.h>

#include <nlohmann/json.hpp>
#include <string>

#include "conform/schema/spec_schemas.hpp"
#include "conform/spec/spec.hpp"

namespace conform::test {

// Empty when the response is declared and its JSON body validates; otherwise what is wrong.
inline std::string nonconformance(const spec::Spec& spec, const schema::SpecSchemas& schemas,
                                  const std::string& operation_id, const httplib::Result& result) {
  if (!result) return "no response";
  const spec::Operation* op = spec.find_operation(operation_id);
  if (op == nullptr) return "no operation " + operation_id;
  const spec::Response* declared = op->find_response(result->status);
  if (declared == nullptr) return operation_id + " declares no " + std::to_string(result->status);
  if (declared->content.empty()) return "";
  const auto& media = declared->content.front();
  if (!media.schema) return "";
  auto body = nlohmann::json::parse(result->body, nullptr, false);
  if (body.is_discarded()) return "not JSON: " + result->body;
  std::string problems;
  for (const auto& v : schemas.validate(*media.schema, spec::Direction::response, body)) {
    problems += v.instance_pointer + ": " + v.message + "; ";
  }
  return problems.empty() ? "" : problems + "in " + result->body;
}

}  // namespace conform::test
