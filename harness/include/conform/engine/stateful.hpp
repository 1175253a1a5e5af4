#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "conform/engine/engine.hpp"
#include "conform/engine/session.hpp"
#include "conform/spec/resources.hpp"

namespace conform::engine {

using spec::Resource;

struct StatefulContext {
  const spec::Spec& spec;
  const schema::SpecSchemas& schemas;
  transport::Transport& transport;
  const RunOptions& options;
  const Session& session;  // sends, and shows what was sent
  // The operation's first example, else one generated valid request.
  std::function<gen::Request(const spec::Operation&)> valid_request;
  // A valid request with the required parameters only (a list without filters or pages), else
  // one like valid_request's.
  std::function<gen::Request(const spec::Operation&)> plain_request;
  // The run's per-response checks over one answer.
  std::function<std::vector<checks::Failure>(const spec::Operation&, const gen::RequestCase&,
                                             const transport::Response&)>
      check;
};

// create → found (listed, usable) → delete → gone (uses and a second delete get 404/410).
// The resource is deleted at the end whatever happened.
void run_lifecycle(const StatefulContext& context, const Resource& resource, PhaseResult& result);

// Requests follow_links sends for `operation` at most: one, then one per link of its 2XX
// responses to an operation the run may call, and so on down to options.max_link_depth links;
// 1 when all its links lead outside the selection (nothing is sent, and the test says why), 0
// when it declares none.
int planned_link_requests(const spec::Spec& spec, const RunOptions& options,
                          const spec::Operation& operation);

// OpenAPI links: a valid request of `operation`, then for each link of the response it got, the
// linked operation called with the values the link reads from that exchange, and the links of
// that answer in turn, down to options.max_link_depth. Reads go before changes, and deletes wait
// until everything else is done (the same DELETE is sent once). Every linked answer goes through
// the run's per-response checks.
void follow_links(const StatefulContext& context, const spec::Operation& operation,
                  PhaseResult& result);

}  // namespace conform::engine
