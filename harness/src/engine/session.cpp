#include "conform/engine/session.hpp"

#include <stdexcept>

#include "conform/spec/extensions.hpp"

namespace conform::engine {

namespace {
constexpr const char* kNewKeyPlaceholder = "${CONFORM_NEW_KEY}";
}

Session::Session(const spec::Spec& spec, transport::Transport& transport, const RunOptions& options)
    : spec_(spec), transport_(transport), options_(options) {}

transport::Auth Session::credential(const spec::Operation& operation,
                                    const std::string& key) const {
  return transport::auth_for(spec_, operation, key.empty() ? options_.token : key);
}

transport::Outgoing Session::outgoing(const spec::Operation& operation, const gen::Request& request,
                                      const transport::Auth& credential, bool cleanup) const {
  if (!options_.may_call(operation)) {
    throw std::logic_error("conform tried to call " + operation.operation_id +
                           ", which the selection leaves out");
  }
  return {request, credential, operation.operation_id, spec::min_interval_of(operation).value_or(0),
          cleanup};
}

transport::Exchange Session::send(const transport::Outgoing& one) const {
  return transport_.send(one);
}

std::vector<transport::Exchange> Session::send(
    const std::vector<transport::Outgoing>& batch) const {
  return transport_.send(batch);
}

transport::Exchange Session::send(const spec::Operation& operation, const gen::Request& request,
                                  const std::string& key, bool cleanup) const {
  return send(outgoing(operation, request, credential(operation, key), cleanup));
}

std::string Session::curl(const gen::Request& request, const transport::Auth& credential,
                          const std::string& key) const {
  if (key.empty() || !credential.is_secret) return transport_.curl(request, credential);
  // The transport names every secret credential ${CONFORM_TOKEN}: a key the run made is named as
  // itself, outside the single quotes so that the shell expands it.
  transport::Auth shown = credential;
  shown.is_secret = false;
  return transport::redact(transport_.curl(request, shown), key,
                           std::string("'\"") + kNewKeyPlaceholder + "\"'");
}

std::string Session::excerpt(const transport::Exchange& exchange, const std::string& key) const {
  if (!exchange.response) return {};
  return response_excerpt(*exchange.response, secrets(key));
}

core::Redactor Session::secrets(const std::string& key) const {
  core::Redactor all = secrets_of(transport_, options_.token);
  if (!key.empty()) all.add(key, kNewKeyPlaceholder);
  return all;
}

}  // namespace conform::engine
