#pragma once

#include <rapidcheck.h>

#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "conform/schema/spec_schemas.hpp"
#include "conform/spec/spec.hpp"

namespace conform::gen {

// What a description says permission documents may name: for each category (`x-scope`), its
// endpoints (`x-permission`) and the parameters a constraint may bound, with their JSON types.
struct PermissionGrammar {
  struct Parameter {
    std::string name;
    std::string type;  // "integer", "number" or "string"
  };
  struct Endpoint {
    std::string name;
    std::vector<Parameter> parameters;
  };
  std::vector<std::string> categories;                     // all eleven
  std::map<std::string, std::vector<Endpoint>> endpoints;  // by category
};

PermissionGrammar permission_grammar(const spec::Spec& spec, const schema::SpecSchemas& schemas);

// Valid documents: a random subset of categories, each granted whole (`{}`) or as some of its
// endpoints, endpoints with or without constraints (eq, lte, gte; consistent and empty ranges) on
// their own parameters. Shrinks towards fewer categories, whole grants, fewer constraints.
rc::Gen<nlohmann::json> valid_permission_documents(const PermissionGrammar& grammar);

// A document that breaks the grammar in one named way.
struct InvalidPermissionDocument {
  nlohmann::json document;
  std::string breaks;   // missing_api, unknown_category, unknown_operator, wrong_value_type,
                        // foreign_parameter, wrong_category, bad_endpoint_name, non_object,
                        // too_deep
  std::string pointer;  // where, in the document
};
rc::Gen<InvalidPermissionDocument> invalid_permission_documents(const PermissionGrammar& grammar);

// Every way invalid_permission_documents() breaks a document.
const std::vector<std::string>& permission_breakages();

}  // namespace conform::gen
