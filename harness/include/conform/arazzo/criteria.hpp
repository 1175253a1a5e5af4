#pragma once
// Arazzo criteria: simple conditions ("$statusCode == 200 && $response.body#/ok"), regular
// expressions on a context, and JSONPath queries (RFC 9535) on a context.
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "conform/arazzo/document.hpp"
#include "conform/arazzo/expression.hpp"

namespace conform::arazzo {

struct Verdict {
  bool holds = false;
  std::string why;  // when it does not hold: what was compared, or what could not be read
};

// Whether the criterion holds in `scope`. Runtime expressions written "{$...}" inside a regex or
// a JSONPath condition are replaced by their value first (a JSON literal in JSONPath), so that a
// query can look for what an earlier step made.
Verdict judge(const Criterion& criterion, const Scope& scope);

// Why a criterion cannot be judged at all (a condition that does not parse, an xpath one);
// nullopt when it can.
std::optional<std::string> criterion_problem(const Criterion& criterion);

// The nodes an RFC 9535 JSONPath query selects from `root`; nullopt (and why) when the query
// does not parse.
std::optional<nlohmann::json> json_path(std::string_view query, const nlohmann::json& root,
                                        std::string* why = nullptr);

}  // namespace conform::arazzo
