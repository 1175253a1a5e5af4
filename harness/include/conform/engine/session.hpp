#pragma once

#include <string>
#include <vector>

#include "conform/core/redactor.hpp"
#include "conform/engine/engine.hpp"
#include "conform/transport/auth.hpp"
#include "conform/transport/transport.hpp"

namespace conform::engine {

// The one place a run sends requests and shows what it sent: phases, stateful sequences, links
// and suites all go through it. A request carries the run's credential (or a key the run made) as
// its operation's security asks, is paced by the operation's x-rate-limit, and must be one the
// selection allows; curl lines and response excerpts hide every secret of the run.
class Session {
 public:
  Session(const spec::Spec& spec, transport::Transport& transport, const RunOptions& options);

  const RunOptions& options() const { return options_; }

  // The credential for `operation`: `key` (a key the run made) when given, else the run's token.
  transport::Auth credential(const spec::Operation& operation, const std::string& key = {}) const;

  // What goes out for `request`, sent with `credential`. Throws std::logic_error for an operation
  // the selection leaves out: a caller that got there has a bug, and the request could write
  // what the user excluded. A `cleanup` (deleting what the run made) is sent after a stop too.
  transport::Outgoing outgoing(const spec::Operation& operation, const gen::Request& request,
                               const transport::Auth& credential, bool cleanup = false) const;
  transport::Exchange send(const transport::Outgoing& one) const;
  std::vector<transport::Exchange> send(const std::vector<transport::Outgoing>& batch) const;
  // Sent with `key` or the run's token.
  transport::Exchange send(const spec::Operation& operation, const gen::Request& request,
                           const std::string& key = {}, bool cleanup = false) const;

  // The request as a curl line: the run's token shows as ${CONFORM_TOKEN}, `key` as
  // ${CONFORM_NEW_KEY}.
  std::string curl(const gen::Request& request, const transport::Auth& credential,
                   const std::string& key = {}) const;
  // The answer as a failure shows it, with the same secrets hidden; empty when none came.
  std::string excerpt(const transport::Exchange& exchange, const std::string& key = {}) const;

  // Every secret of the run, and `key`.
  core::Redactor secrets(const std::string& key = {}) const;

 private:
  const spec::Spec& spec_;
  transport::Transport& transport_;
  const RunOptions& options_;
};

}  // namespace conform::engine
