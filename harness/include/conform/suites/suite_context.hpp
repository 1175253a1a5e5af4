#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>

#include "conform/engine/engine.hpp"
#include "conform/engine/session.hpp"
#include "conform/gen/operation_cases.hpp"
#include "conform/transport/auth.hpp"

namespace conform::suites {

// What a scenario suite works with, and the small requests it makes (through the run's
// engine::Session).
class SuiteContext {
 public:
  SuiteContext(const spec::Spec& spec, const schema::SpecSchemas& schemas,
               transport::Transport& transport, const engine::RunOptions& options);

  const spec::Spec& spec() const { return spec_; }
  const schema::SpecSchemas& schemas() const { return schemas_; }
  const engine::RunOptions& options() const { return options_; }

  // Whether requests of the operation carry the run's credential (its security asks for one that
  // conform can send).
  bool sends_credential(const spec::Operation& operation) const;

  // A valid request for the operation: its first example, else a generated one.
  gen::Request valid_request(const spec::Operation& operation);
  // Sends with `token` as the operation's security scheme asks (the run's token when empty); a
  // `cleanup` (deleting what the suite made) is sent after Ctrl-C too.
  transport::Exchange send(const spec::Operation& operation, const gen::Request& request,
                           const std::string& token = {}, bool cleanup = false);
  std::string curl(const spec::Operation& operation, const gen::Request& request,
                   const std::string& token = {}) const;

  // The parameter values a server reads from the request (path, query, top-level JSON body
  // fields), typed by their schemas: what permission constraints bound.
  std::map<std::string, nlohmann::json> values_of(const spec::Operation& operation,
                                                  const gen::Request& request) const;
  // The request with one path or query parameter, or top-level body field, set to `value`.
  gen::Request with_value(const spec::Operation& operation, gen::Request request,
                          const std::string& name, const nlohmann::json& value) const;

  // Whether the description allows `value` for the path or query parameter or top-level body field
  // `name` of the request (the body as a whole is checked).
  bool allows(const spec::Operation& operation, const gen::Request& request,
              const std::string& name, const nlohmann::json& value) const;

  // Whether the description itself refuses the request, read as the server reads it.
  bool description_refuses(const spec::Operation& operation, const gen::Request& request) const;

  // Whether Vast.ai's rules about an operation are the description's own: its `x-permission`
  // names the Vast.ai endpoint (so the description opts into Vast's model), or the run was asked
  // to enforce them. Otherwise what follows from them alone is an advisory.
  bool vast_rules_apply(const spec::Operation& operation) const;

  // Adds `failure` to the result's failures, or to its advisories when it follows from Vast.ai's
  // rules alone (`vast_rule`) and they do not apply to `operation`.
  void record(engine::PhaseResult& result, engine::FailureRecord failure, bool vast_rule,
              const spec::Operation& operation) const;

  // The response as a failure shows it, the run's token and `token` redacted; empty if none.
  std::string excerpt(const transport::Exchange& exchange, const std::string& token = {}) const;

  // Schema problems of a response, as response_schema_conformance words them; empty when fine.
  std::string schema_problems(const spec::Operation& operation,
                              const transport::Response& response) const;

 private:
  transport::Auth auth(const spec::Operation& operation, const std::string& token) const;

  const spec::Spec& spec_;
  const schema::SpecSchemas& schemas_;
  const engine::RunOptions& options_;
  engine::Session session_;
  std::map<std::string, std::unique_ptr<gen::OperationCases>> cases_;
};

// The operations that create, list and delete API keys: by `x-permission`
// (api.apikey.create/list/delete), else by path (`.../apikeys/`, `.../apikeys/{id}/`).
struct KeyOperations {
  const spec::Operation* create = nullptr;
  const spec::Operation* list = nullptr;
  const spec::Operation* remove = nullptr;
};
std::optional<KeyOperations> key_operations(const spec::Spec& spec);

// The key operations the run may not call (its selection leaves them out), as "createApiKey and
// deleteApiKey"; empty when it may call all three.
std::string left_out(const KeyOperations& operations, const engine::RunOptions& options);

}  // namespace conform::suites
