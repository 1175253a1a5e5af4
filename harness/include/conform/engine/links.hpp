#pragma once
// OpenAPI links: values read from one exchange, by runtime expressions, put into the request of
// the operation a link leads to.

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <variant>

#include "conform/gen/request.hpp"
#include "conform/spec/model.hpp"
#include "conform/transport/transport.hpp"

namespace conform::engine {

// What runtime expressions read: the request sent, the operation it was for, the answer.
struct Exchanged {
  const spec::Operation& operation;
  const gen::Request& request;
  const transport::Response& response;
  std::string url;  // where the request went, query included
};

// The value a link gives: a runtime expression ("$response.body#/id", "$request.path.id",
// "$statusCode"...), a string embedding some ("/things/{$response.body#/id}"), or a constant.
// nullopt when it reads something the exchange does not have.
std::optional<nlohmann::json> evaluate(const nlohmann::json& value, const Exchanged& exchanged);

// `value` with every string inside it evaluated as above (a link's requestBody: an object whose
// members are expressions); nullopt when any of them reads what the exchange does not have.
std::optional<nlohmann::json> evaluate_within(const nlohmann::json& value,
                                              const Exchanged& exchanged);

// `request` (a valid request of `target`) with the link's parameters and body in place, or why
// the link cannot be followed from this exchange. A JSON body the link gives is laid over the
// request's own, member by member, so what the target requires stays.
std::variant<gen::Request, std::string> linked_request(const spec::Operation& target,
                                                       gen::Request request, const spec::Link& link,
                                                       const Exchanged& from);

}  // namespace conform::engine
