// A criterion's condition: as a simple condition, a regex and a JSONPath query, each parsed and
// judged against a small answer.
#include "conform/arazzo/criteria.hpp"

#include <cstdint>
#include <string>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using conform::arazzo::Criterion;
  static conform::spec::Operation operation;
  static conform::gen::Request request;
  static const conform::transport::Response response = [] {
    conform::transport::Response r;
    r.status = 200;
    r.headers = {{"x-count", "2"}};
    r.body = R"({"items": [{"id": 1, "tags": ["a"]}, {"id": 2, "name": "Zed"}], "n": 2})";
    return r;
  }();
  static const conform::engine::Exchanged exchanged{operation, request, response, "/items"};
  static const nlohmann::json inputs = {{"id", 1}};
  conform::arazzo::Scope scope;
  scope.exchange = &exchanged;
  scope.inputs = &inputs;
  Criterion criterion;
  criterion.condition.assign(reinterpret_cast<const char*>(data), size);
  conform::arazzo::judge(criterion, scope);
  conform::arazzo::criterion_problem(criterion);
  criterion.context = "$response.body";
  for (auto type : {Criterion::Type::regex, Criterion::Type::jsonpath}) {
    criterion.type = type;
    conform::arazzo::judge(criterion, scope);
  }
  return 0;
}
